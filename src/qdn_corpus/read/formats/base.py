"""What every format module shares: the Extracted result (text plus hints), FormatError,
the limits on what a zip container (DOCX, OFD) may inflate to, and the last tidying of lines.
The format modules import this, never the package that dispatches to them (__init__.py).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from qdn_corpus.models import Format, Hints


class FormatError(Exception):
    """A file of a known format that cannot be read (encrypted, truncated, corrupt)."""


@dataclass
class Extracted:
    """A file's text and hints, or why it has none."""

    format: Format
    text: str | None = None
    hints: Hints = field(default_factory=Hints)
    encoding: str | None = None
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    skip_reason: str | None = None


ATTACHMENT_EXTS = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".et", ".zip", ".rar", ".7z")


MAX_PART_BYTES = 100_000_000  # one member, inflated
MAX_PACKAGE_BYTES = 300_000_000  # all members together (python-docx holds every part in memory)
MAX_RATIO = 100  # inflated / compressed, for members over RATIO_FLOOR (XML compresses 5-20:1)
RATIO_FLOOR = 1_000_000
_INFLATERS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # bzip2/lzma members inflate unbounded


def open_package(data: bytes) -> zipfile.ZipFile:
    """A ZIP package whose declared sizes are sane, else FormatError with a one-line reason."""
    try:
        z = zipfile.ZipFile(BytesIO(data))
        members = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FormatError(f"damaged ZIP package ({exc})") from None
    total = 0
    for info in members:
        total += info.file_size
        if info.compress_type not in _INFLATERS:
            raise FormatError(f"{info.filename} uses a compression qdn does not inflate (method {info.compress_type})")
        if info.file_size > MAX_PART_BYTES:
            size, limit = info.file_size / 1e6, MAX_PART_BYTES // 1_000_000
            raise FormatError(f"{info.filename} would inflate to {size:,.0f} MB (limit {limit} MB): a ZIP bomb?")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise FormatError(f"{info.filename} is compressed {ratio:,.0f}:1 (limit {MAX_RATIO}:1): a ZIP bomb?")
    if total > MAX_PACKAGE_BYTES:
        raise FormatError(f"the package would inflate to {total / 1e6:,.0f} MB (limit {MAX_PACKAGE_BYTES // 1_000_000} MB): a ZIP bomb?")
    return z


def finish_lines(lines: list[str]) -> str:
    """Lines joined for the layout rules: trailing space trimmed, runs of blank lines kept to one."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line.strip() or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")
