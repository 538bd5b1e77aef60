"""Decoding of raw bytes and text normalisation (str -> str); pure functions, no I/O."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# Signatures of common non-text files that sites and scrapers leave beside the texts.
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (or docx/xlsx)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (doc/xls)"),
)


@dataclass
class Decoded:
    """Text decoded from bytes, or the reason it could not be."""

    text: str | None
    encoding: str | None
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    skip_reason: str | None = None


def _first_bad_utf8(data: bytes) -> tuple[int, int]:
    """Byte position of the first undecodable UTF-8 sequence and how many there are."""
    first, count, pos = -1, 0, 0
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    while pos < len(data):
        try:
            dec.decode(data[pos:], final=True)
            break
        except UnicodeDecodeError as exc:
            bad = pos + exc.start
            if first < 0:
                first = bad
            count += 1
            pos = pos + exc.end
            dec.reset()
    return first, count


def decode(data: bytes) -> Decoded:
    """Decode a raw file: UTF-8 (BOM or not), UTF-16 with BOM, GB18030/GBK; line ends to \\n.

    Binary files and files with no text get a skip reason instead of text. A UTF-8 file with a
    few bad bytes keeps its text with those bytes replaced, and a warning says where.
    """
    if not data.strip():
        return Decoded(None, None, skip_reason="empty or whitespace only")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _finish(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            return Decoded(None, None, skip_reason=f"invalid UTF-16 at byte {exc.start}")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return Decoded(None, None, skip_reason=f"not text: {what}")
    if b"\x00" in data[:65536]:
        return Decoded(None, None, skip_reason="not text: contains NUL bytes")
    try:
        return _finish(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    first, count = _first_bad_utf8(data)
    # A mostly-UTF-8 file with a few bad bytes is UTF-8 with damage, not GBK: a GBK file of any
    # length fails UTF-8 on almost every Chinese character.
    if count * 200 < len(data):
        text = data.decode("utf-8-sig", errors="replace")
        result = _finish(text, "utf-8")
        result.warnings.append(
            (first, f"{count} undecodable byte sequence(s) replaced with U+FFFD, first at byte {first}")
        )
        return result
    try:
        return _finish(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError as exc:
        text = data.decode("gb18030", errors="replace")
        result = _finish(text, "gb18030")
        result.warnings.append(
            (exc.start, f"undecodable bytes replaced with U+FFFD, first at byte {exc.start}")
        )
        return result


def _finish(text: str, encoding: str) -> Decoded:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return Decoded(None, None, skip_reason="empty or whitespace only")
    if _control_ratio(text) > 0.1:
        return Decoded(None, None, skip_reason="not text: mostly control characters")
    return Decoded(text, encoding)


def _control_ratio(text: str) -> float:
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))


_CONTROL = re.compile("[\x00-\x08\x0d-\x1f]")  # below a space, but \t \n \v \f: one C scan (a generator was 2% of a build)


class _FoldTable(dict[int, str]):
    """Per-character fold: NFKC width folding and lower case, only where it stays one char.

    Filled on first sight of each character (str.translate calls __missing__), so a
    one-line query does not pay for a table of all 65,000 characters (40 ms).
    """

    def __init__(self) -> None:
        super().__init__()
        for cp in range(ord("A"), ord("Z") + 1):
            self[cp] = chr(cp + 32)
        for ch in "\t\n\r\v\f":
            self[ord(ch)] = " "
        # Brackets of document numbers: 〔2022〕, [2022], 【2022】 all read as 〔2022〕 would,
        # but only the square-ish ones are folded; round brackets stay "(" after NFKC.
        for ch in "[【［〖":
            self[ord(ch)] = "〔"
        for ch in "]】］〗":
            self[ord(ch)] = "〕"

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        folded = ch
        if 0x80 <= cp < 0x10000:
            if ch.isspace():
                folded = " "
            else:
                nfkc = unicodedata.normalize("NFKC", ch).lower()
                folded = nfkc if len(nfkc) == 1 else ch
                # NFKC can land on a character the table folds further (﹇ -> [ -> 〔): fold it
                # here too, so that folding twice gives what folding once gives.
                if folded != ch:
                    folded = self[ord(folded)]
        self[cp] = folded
        return folded


@lru_cache(maxsize=1)
def _fold_table() -> _FoldTable:
    return _FoldTable()


def fold(text: str) -> str:
    """Search form of a text: width variants, case and whitespace folded, one char per char.

    Keeping the length lets a match in the folded text be shown at the same offsets in the
    original. Used for both the index and queries, never for the stored text.
    """
    return text.translate(_fold_table())


_INVISIBLE = dict.fromkeys([0x00AD, 0x180E, *range(0x200B, 0x2010), *range(0x2060, 0x2065), 0xFEFF])
_INVISIBLE.update({0x00A0: 0x20, 0x202F: 0x20})


def strip_invisible(text: str) -> str:
    """Zero-width and soft-hyphen characters out, no-break spaces to spaces: a CMS leaves them in
    titles and fields, where they would keep a title from matching itself."""
    return text.translate(_INVISIBLE)


def strip_controls(text: str) -> str:
    """Make untrusted text harmless on a terminal: control characters become visible escapes."""
    out = []
    for ch in text:
        if (ch < " " and ch not in "\n\t") or "\x7f" <= ch <= "\x9f":
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def url_host(url: str | None) -> str | None:
    """The host of a URL (www.qdn.gov.cn), or None."""
    if not url:
        return None
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or None
