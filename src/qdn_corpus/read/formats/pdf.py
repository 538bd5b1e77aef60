"""PDF with a text layer, through pypdfium2 (PDFium's own text extraction, in reading order).

Per page: page numbers (— 3 —, -3-, 第3页) and running headers or footers (the same line at the
top or bottom of most pages) are removed; then lines the layout broke inside a sentence are
joined, so that 承诺 / 兑现 across a line break reads 承诺兑现. A scan (no text layer) and a
text layer without a Unicode mapping (glyph codes only) are read by OCR (formats/ocr.py) with
`--ocr`, else skipped with that reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import regex

from qdn_corpus.read.formats.base import Extracted, FormatError, finish_lines

_PAGE_NUMBER_RE = regex.compile(
    r"^[\s\-—–－─_~·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–－─_~·•]*$"
)
_ENDS_SENTENCE = "。！？；：:!?;…”」』）)》"
_STARTS_BLOCK_RE = regex.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[）)]|\d{1,2}[.．、](?!\d)|第[一二三四五六七八九十百零〇\d]+[章节条款]|附件|附表|抄送|印发)"
)


def extract(data: bytes) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise FormatError("the PDF is encrypted") from None
        raise FormatError(f"damaged or truncated PDF ({message})") from None
    try:
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n").split("\n"))
            textpage.close()
            page.close()
        text = "".join("".join(p) for p in pages)
        readable = [p for p in pages if _readable("".join(p))]
        if not "".join(text.split()) or not readable:
            return _scanned(data, pdf, pages, bool("".join(text.split())))
    finally:
        pdf.close()
    warnings: list[tuple[int | None, str]] = []
    if len(readable) < len(pages):
        unread = len(pages) - len(readable)
        warnings.append((None, f"{unread} of {len(pages)} page(s) have an unreadable text layer (glyph codes only): left out"))
    cleaned = [[ln for ln in p if not _garbled(ln)] for p in readable]
    dropped = sum(len(p) for p in readable) - sum(len(p) for p in cleaned)
    if dropped:
        warnings.append((None, f"{dropped} line(s) of control characters (an unmapped font) left out"))
    lines = _join(_drop_furniture(cleaned))
    return Extracted("pdf", finish_lines(lines), warnings=warnings)


def _scanned(data: bytes, pdf: Any, pages: list[list[str]], has_layer: bool) -> Extracted:
    """A scan, or a text layer of glyph codes: its pages read by OCR (formats/ocr.py), else
    skipped with the command that reads it."""
    from qdn_corpus.read.formats import ocr

    def images() -> Iterator[Any]:
        for i in range(len(pdf)):
            page = pdf[i]
            bitmap = page.render(scale=ocr.SCALE)
            yield bitmap.to_numpy()
            bitmap.close()
            page.close()

    texts = ocr.read(data, "PDF", images, len(pages))
    if texts is None:
        what = "the text layer has no Unicode mapping (glyph codes only)" if has_layer else f"no text layer ({len(pages)} page(s), a scan)"
        return Extracted("pdf", skip_reason=f"{what}: {ocr.HOW}")
    lines = _join(_drop_furniture([t.split("\n") for t in texts]))
    result = Extracted("pdf", finish_lines(lines) or None)
    result.hints.text_source = "ocr"
    if result.text is None:
        result.skip_reason = f"OCR found no text on its {len(pages)} page(s)"
    return result


def _garbled(line: str) -> bool:
    chars = "".join(line.split())
    return bool(chars) and sum(1 for ch in chars if ch < " ") > 0.3 * len(chars)


_ASCII_SYMBOLS = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _readable(text: str) -> bool:
    """Real text, not glyph codes: few control or private-use characters, and not mostly ASCII
    symbols (an unmapped font's codes come out as !"#$%&' …)."""
    sample = "".join(text.split())[:20000]
    if not sample:
        return True  # a blank page
    bad = sum(1 for ch in sample if ch < " " or "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd")
    symbols = sum(1 for ch in sample if ch in _ASCII_SYMBOLS)
    return bad < 0.3 * len(sample) and symbols < 0.25 * len(sample)


_EDGE = 4  # lines at the top and at the bottom of a page where running heads and numbers sit


def _drop_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Page numbers at a page's edge, and lines repeated at the edges of most pages."""
    edges: Counter[str] = Counter()
    for lines in pages:
        kept = [ln.strip() for ln in lines if ln.strip()]
        for line in set(kept[:_EDGE] + kept[-_EDGE:]):
            edges["".join(line.split())] += 1
    # Running heads are short (a gazette's name, a letterhead); a repeated long line is text.
    repeated = {k for k, n in edges.items() if len(pages) >= 3 and n >= max(3, 0.5 * len(pages)) and _width(k) <= 24}
    out = []
    for lines in pages:
        kept = [ln.strip() for ln in lines if ln.strip()]
        idx = set(range(min(_EDGE, len(kept)))) | set(range(max(0, len(kept) - _EDGE), len(kept)))
        out.append([
            ln for i, ln in enumerate(kept)
            if not (i in idx and (_PAGE_NUMBER_RE.match(ln) or "".join(ln.split()) in repeated))
        ])
    return out


def _join(pages: list[list[str]]) -> list[str]:
    """Join a line to the next when it runs to the full width and does not end a sentence."""
    lines = [ln for page in pages for ln in page]
    lengths = sorted(_width(ln) for ln in lines if _width(ln) >= 8)
    if not lengths:
        return lines
    full = lengths[int(len(lengths) * 0.8)] * 0.85  # most body lines are full lines
    out: list[str] = []
    for line in lines:
        if out and _continues(out[-1], line, full):
            sep = " " if out[-1][-1:].isascii() and line[:1].isascii() and out[-1][-1:].isalnum() else ""
            out[-1] = out[-1] + sep + line
        else:
            out.append(line)
    return out


def _width(line: str) -> float:
    return sum(1.0 if ord(ch) > 0x2E80 else 0.5 for ch in line)


def _continues(prev: str, line: str, full: float) -> bool:
    if not prev or prev[-1] in _ENDS_SENTENCE:
        return False
    if _STARTS_BLOCK_RE.match(line) or _PAGE_NUMBER_RE.match(line):
        return False
    return _width(prev) >= full
