"""File formats: bytes in, text plus metadata hints out; pure, no I/O.

Every format becomes `Extracted` (text and `Hints`), and `parsing.parse_text` applies the same
layout rules to all of them. The format is picked by content (magic bytes, the start of an HTML
document), the file name only breaks ties; the libraries each format needs are imported inside
its module, so a corpus of text files never loads them.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from qdn_corpus.models import Format, Hints
from qdn_corpus.normalize import decode


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


_LIBRARY_ERRORS = (ValueError, KeyError, IndexError, OSError, RuntimeError, SyntaxError, EOFError, struct.error)
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
# What a page's links to documents end with; files named so can be attachments (index.py).
ATTACHMENT_EXTS = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".et", ".zip", ".rar", ".7z")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(name: str, data: bytes) -> Format | str:
    """The format of a file by its content: a Format, or a skip reason for what qdn does not read."""
    head = data[:8]
    lower = name.lower()
    if data.startswith(b"%PDF") or (b"%PDF-" in data[:1024] and not _looks_html(data)):
        return "pdf"
    if head == _OLE:
        return _ole_kind(data, lower)
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if _looks_html(data) or (lower.endswith(HTML_SUFFIXES) and b"<" in data[:4096]):
        return "html"
    return "text"


def _looks_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<!-- saved from url")):
        return True
    return head.startswith(b"<") and b"<html" in head and (b"<head" in data[:8192].lower() or b"<body" in data[:65536].lower())


def _ole_kind(data: bytes, lower: str) -> Format | str:
    import olefile

    try:
        ole = olefile.OleFileIO(BytesIO(data))  # bytes under 1,536 would be taken for a file name
    except OSError:
        return "cannot read: a damaged or truncated OLE (old Office) file"
    try:
        if ole.exists("WordDocument"):
            return "wps" if lower.endswith(".wps") else "doc"
        if ole.exists("Workbook") or ole.exists("Book"):
            return "a spreadsheet (xls): not read"
        if ole.exists("EncryptedPackage"):
            return "cannot read: an encrypted Office document"
        if ole.exists("PowerPoint Document"):
            return "a presentation (ppt): not read"
        return "an OLE file that is not a Word document: not read"
    finally:
        ole.close()


def _zip_kind(data: bytes) -> Format | str:
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "cannot read: a damaged or truncated ZIP (docx/ofd/xlsx) file"
    if "word/document.xml" in names or any(n.endswith("/document.xml") and n.startswith("word") for n in names):
        return "docx"
    if "OFD.xml" in names:
        return "ofd"
    if any(n.startswith("xl/") for n in names):
        return "a spreadsheet (xlsx): not read"
    if any(n.startswith("ppt/") for n in names):
        return "a presentation (pptx): not read"
    return "a ZIP archive: not read (unpack it into the raw folder)"


def extract(name: str, data: bytes, url: str | None = None) -> Extracted:
    """Text and hints of one file; every failure becomes a skip reason, never an exception.

    `url` is where the file came from when something beside it says so (a crawler's sidecar).
    """
    kind = sniff(name, data)
    if kind not in ("pdf", "doc", "wps", "docx", "ofd", "html", "text"):
        return Extracted("text", skip_reason=kind)
    fmt: Format = kind  # type: ignore[assignment]
    try:
        result = _extract(fmt, data, url)
    except FormatError as exc:
        return Extracted(fmt, skip_reason=f"cannot read the {fmt.upper()} file: {exc}")
    except _LIBRARY_ERRORS as exc:  # what the libraries raise on damaged input (pdfium: RuntimeError)
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        return Extracted(fmt, skip_reason=f"cannot read the {fmt.upper()} file (damaged or unsupported): {detail}")
    result.hints.url = result.hints.url or url
    return result


def _extract(fmt: Format, data: bytes, url: str | None) -> Extracted:
    if fmt == "html":
        from qdn_corpus.formats import html

        return html.extract(data, url)
    if fmt == "pdf":
        from qdn_corpus.formats import pdf

        return pdf.extract(data)
    if fmt == "docx":
        from qdn_corpus.formats import docx

        return docx.extract(data)
    if fmt in ("doc", "wps"):
        from qdn_corpus.formats import word

        return word.extract(data, fmt)
    if fmt == "ofd":
        from qdn_corpus.formats import ofd

        return ofd.extract(data)
    decoded = decode(data)  # plain text: the decoding every text file gets
    return Extracted("text", decoded.text, encoding=decoded.encoding, warnings=decoded.warnings, skip_reason=decoded.skip_reason)


def finish_lines(lines: list[str]) -> str:
    """Lines joined for the layout rules: trailing space trimmed, runs of blank lines kept to one."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line.strip() or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")
