"""OFD (GB/T 33190, China's fixed-layout format): a zip of XML pages; the text of their TextCodes.

The standard library reads it: OFD.xml names the document, Document.xml its pages, each page's
Content.xml holds TextObjects placed by Boundary (x y w h) with TextCode runs. Lines are rebuilt
from the positions (top to bottom, then left to right). easyofd, the PyPI package, renders
pages through reportlab and PyMuPDF: far more than reading the text needs.
"""

from __future__ import annotations

import posixpath
import zipfile
from xml.etree import ElementTree as ET

from qdn_corpus.read.formats.base import Extracted, FormatError, finish_lines, open_package


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(el: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in el.iter() if _local(e.tag) == name]


def extract(data: bytes) -> Extracted:
    z = open_package(data)  # sizes checked before any part is inflated
    try:
        root = ET.fromstring(z.read("OFD.xml"))
        doc_roots = [e.text.strip().lstrip("/") for e in _find(root, "DocRoot") if e.text]
        if not doc_roots:
            raise FormatError("OFD.xml names no document")
        doc_path = doc_roots[0]
        doc = ET.fromstring(z.read(doc_path))
        base = posixpath.dirname(doc_path)
        lines: list[str] = []
        for page in _find(doc, "Page"):
            loc = (page.get("BaseLoc") or "").lstrip("/")
            if not loc:
                continue
            path = loc if loc in z.namelist() else posixpath.join(base, loc)
            lines.extend(_page_lines(ET.fromstring(z.read(path))))
    except (zipfile.BadZipFile, KeyError, ET.ParseError) as exc:
        raise FormatError(f"damaged OFD package ({exc})") from None
    result = Extracted("ofd", finish_lines(lines))
    if not result.text:
        result.skip_reason, result.text = "no text layer (a scanned OFD?)", None
    return result


def _page_lines(content: ET.Element) -> list[str]:
    runs: list[tuple[float, float, str]] = []
    for obj in _find(content, "TextObject"):
        try:
            bx, by, _w, _h = (float(v) for v in (obj.get("Boundary") or "0 0 0 0").split()[:4])
        except ValueError:
            bx = by = 0.0
        for code in _find(obj, "TextCode"):
            text = code.text or ""
            if not text.strip():
                continue
            y = by + float(code.get("Y") or 0)
            x = bx + float(code.get("X") or 0)
            runs.append((y, x, text))
    runs.sort()
    lines: list[str] = []
    current: list[tuple[float, str]] = []
    line_y: float | None = None
    for y, x, text in runs:
        if line_y is not None and abs(y - line_y) > 1.5:  # millimetres: a new line
            lines.append("".join(t for _, t in sorted(current)))
            current = []
        if not current:
            line_y = y
        current.append((x, text))
    if current:
        lines.append("".join(t for _, t in sorted(current)))
    return lines
