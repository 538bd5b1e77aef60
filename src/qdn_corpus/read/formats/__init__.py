"""File formats: bytes in, text plus metadata hints out; pure, no I/O.

Every format becomes `Extracted` (text and `Hints`), and `parsing.parse_text` applies the same
layout rules to all of them. The format is picked by content (magic bytes, the start of an HTML
document), the file name only breaks ties; the libraries each format needs are imported inside
its module, so a corpus of text files never loads them.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from qdn_corpus.models import Format
from qdn_corpus.read.formats.base import (
    ATTACHMENT_EXTS,
    Extracted,
    FormatError,
    finish_lines,
    open_package,
)
from qdn_corpus.text.normalize import decode

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
# What a page's links to documents end with; files named so can be attachments (index.py).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Photographs and scans of documents: JPEG, PNG, TIFF (both byte orders); read by OCR.
_IMAGES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")


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
    if data.startswith(_IMAGES):
        return "image"
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


# Bounds on a ZIP package (DOCX, OFD) checked against its declared sizes before anything is
# inflated; zipfile never inflates a member past its declared size, so a header that lies gives
# a CRC error, not a bomb. A real DOCX's document.xml is a few MB (30 MB for 500 pages).
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
    if kind not in ("pdf", "doc", "wps", "docx", "ofd", "html", "text", "image"):
        return Extracted("text", skip_reason=kind)
    fmt: Format = kind  # type: ignore[assignment]
    try:
        result = _extract(fmt, data, url)
    except FormatError as exc:
        return Extracted(fmt, skip_reason=f"cannot read the {fmt.upper()} file: {exc}")
    except MemoryError:
        return Extracted(fmt, skip_reason=f"cannot read the {fmt.upper()} file: it needs more memory than this machine has")
    except Exception as exc:  # any library's failure on one hostile or damaged file skips that file, never the run
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        return Extracted(fmt, skip_reason=f"cannot read the {fmt.upper()} file (damaged or unsupported): {detail}")
    result.hints.url = result.hints.url or url
    return result


def _extract(fmt: Format, data: bytes, url: str | None) -> Extracted:
    if fmt == "html":
        from qdn_corpus.read.formats import html

        return html.extract(data, url)
    if fmt == "pdf":
        from qdn_corpus.read.formats import pdf

        return pdf.extract(data)
    if fmt == "docx":
        from qdn_corpus.read.formats import docx

        return docx.extract(data)
    if fmt in ("doc", "wps"):
        from qdn_corpus.read.formats import word

        return word.extract(data, fmt)
    if fmt == "ofd":
        from qdn_corpus.read.formats import ofd

        return ofd.extract(data)
    if fmt == "image":
        return _image(data)
    decoded = decode(data)  # plain text: the decoding every text file gets
    return Extracted("text", decoded.text, encoding=decoded.encoding, warnings=decoded.warnings, skip_reason=decoded.skip_reason)


def _image(data: bytes) -> Extracted:
    """A photographed or scanned page (.jpg .png .tif): its text by OCR, else skipped."""
    from qdn_corpus.read.formats import ocr

    texts = ocr.read(data, "image", lambda: [data], 1)
    if texts is None:
        return Extracted("image", skip_reason=f"an image (a scanned page?): {ocr.HOW}")
    result = Extracted("image", finish_lines(texts[0].split("\n")) or None)
    result.hints.text_source = "ocr"
    if result.text is None:
        result.skip_reason = "OCR found no text in the image"
    return result


__all__ = ["ATTACHMENT_EXTS", "Extracted", "FormatError", "extract", "finish_lines", "open_package", "sniff"]
