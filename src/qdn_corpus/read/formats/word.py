"""Old Word binaries (.doc) and WPS Office files (.wps, the same OLE Word format): the text.

olefile opens the container; the text is read through the piece table ([MS-DOC] 2.4.1), the
one structure every Word 97-2003 writer, WPS Office included, records the main text in. No
maintained pure-Python library reads it (antiword and textract need system binaries), and the
piece table is a few dozen lines.
"""

from __future__ import annotations

import struct
from io import BytesIO

import regex

from qdn_corpus.models import Format
from qdn_corpus.read.formats.base import Extracted, FormatError, finish_lines

_FIELD_RE = regex.compile(r"\x13[^\x13\x14\x15]*?(?:\x14|(?=\x15))")  # field code up to its result


def extract(data: bytes, fmt: Format) -> Extracted:
    import olefile

    try:
        ole = olefile.OleFileIO(BytesIO(data))  # bytes under 1,536 would be taken for a file name
    except OSError as exc:
        raise FormatError(f"damaged OLE container ({exc})") from None
    try:
        text = _text(ole)
    finally:
        ole.close()
    lines = _tidy(text).split("\n")
    result = Extracted(fmt, finish_lines(lines))
    if not result.text:
        result.skip_reason, result.text = "the document has no text", None
    return result


def _text(ole: object) -> str:
    wd = ole.openstream("WordDocument").read()  # type: ignore[attr-defined]
    if len(wd) < 0x1AA:
        raise FormatError("truncated WordDocument stream")
    ident, nfib = struct.unpack_from("<HH", wd, 0)
    if ident != 0xA5EC:
        raise FormatError("not a Word document")
    if nfib < 101:
        raise FormatError("Word 6/95 format, not supported: save it as .docx")
    flags = struct.unpack_from("<H", wd, 0x0A)[0]
    if flags & 0x0100:
        raise FormatError("the document is encrypted")
    table_name = "1Table" if flags & 0x0200 else "0Table"
    if not ole.exists(table_name):  # type: ignore[attr-defined]
        raise FormatError(f"no {table_name} stream")
    table = ole.openstream(table_name).read()  # type: ignore[attr-defined]
    ccp_text = struct.unpack_from("<I", wd, 0x4C)[0]
    fc_clx, lcb_clx = struct.unpack_from("<II", wd, 0x1A2)
    clx = table[fc_clx : fc_clx + lcb_clx]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skipped
        pos += 3 + struct.unpack_from("<H", clx, pos + 1)[0]
    if pos >= len(clx) or clx[pos] != 0x02:
        raise FormatError("no piece table")
    lcb = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5 : pos + 5 + lcb]
    n = (lcb - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out: list[str] = []
    for i in range(n):
        start, end = cps[i], min(cps[i + 1], ccp_text)
        if start >= end:
            continue
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        count = end - start
        if fc & 0x40000000:  # compressed: one byte per character (cp1252, [MS-DOC] 2.9.73)
            offset = (fc & 0x3FFFFFFF) // 2
            out.append(wd[offset : offset + count].decode("cp1252", "replace"))
        else:
            out.append(wd[fc : fc + 2 * count].decode("utf-16-le", "replace"))
    return "".join(out)


def _tidy(text: str) -> str:
    """Word's control characters: paragraph and cell marks to lines and tabs, fields to their results."""
    text = _FIELD_RE.sub("", text).replace("\x15", "")
    text = text.replace("\r\x07", "\n").replace("\x07", "\t")  # a row ends with a cell mark after the last cell
    text = text.replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n").replace("\x0e", "\n")
    text = regex.sub(r"[\x00-\x08\x0f-\x1f]", "", text)
    return text
