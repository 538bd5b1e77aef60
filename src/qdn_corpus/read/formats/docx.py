"""DOCX: paragraphs and tables in document order, through python-docx.

A paragraph's text is every w:t inside it (runs, hyperlinks, fields, text boxes), tabs and
breaks kept; a table row is one line with its cells separated by tabs (a merged cell once).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from qdn_corpus.read.formats.base import Extracted, FormatError, finish_lines, open_package

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def extract(data: bytes) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    open_package(data).close()  # sizes checked before python-docx inflates every part
    try:
        document = docx.Document(BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise FormatError(f"not a readable Word package ({exc})") from None
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == _W + "p":
            lines.extend(_paragraph(child).split("\n"))
        elif child.tag == _W + "tbl":
            lines.extend(_table(child))
        elif child.tag == _W + "sdt":  # content controls wrap paragraphs and tables
            for p in child.iter(_W + "p"):
                lines.extend(_paragraph(p).split("\n"))
    result = Extracted("docx", finish_lines(lines))
    if not result.text:
        images = any(part.partname.startswith("/word/media/") for part in document.part.package.iter_parts())
        result.skip_reason = "no text, only images (a scan?): OCR is not available" if images else "the document has no text"
        result.text = None
    return result


def _paragraph(p: Any) -> str:
    parts: list[str] = []
    for el in p.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        if el.tag == _W + "t":
            parts.append(el.text or "")
        elif el.tag == _W + "tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _table(tbl: Any) -> list[str]:
    rows: list[str] = []
    for tr in tbl.iter(_W + "tr"):
        cells: list[str] = []
        for tc in tr.iterchildren(_W + "tc"):
            text = " ".join(_paragraph(p).strip() for p in tc.iterchildren(_W + "p")).strip()
            nested = [line for t in tc.iterchildren(_W + "tbl") for line in _table(t)]
            if nested:
                text = " ".join([text, *nested]).strip()
            cells.append(text)
        if any(cells):
            rows.append("\t".join(cells))
    return rows
