"""Documents of every format, written by the tests themselves: PDF (reportlab, a CID font that
needs no font file), DOCX (python-docx), DOC/WPS (a minimal Word 97 binary in an OLE container
written here: no Python library writes .doc), OFD (a zip of XML)."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path


def make_pdf(path: Path, pages: list[list[str]], encrypt: str | None = None) -> Path:
    """One line of text per entry, top to bottom; pages as given."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for lines in pages:
        c.setFont("STSong-Light", 14)
        y = 780
        for line in lines:
            c.drawString(60, y, line)
            y -= 24
        c.showPage()
    c.save()
    return path


def make_blank_pdf(path: Path) -> Path:
    """A page with a drawing and no text: what a scan without OCR looks like to a reader."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    return path


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None, table_after: int = 0) -> Path:
    import docx

    document = docx.Document()
    for i, text in enumerate(paragraphs):
        document.add_paragraph(text)
        if table and i == table_after:
            t = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for col, cell in enumerate(row):
                    t.cell(r, col).text = cell
    document.save(str(path))
    return path


# ---- a Word 97 binary in a compound file ------------------------------------------------------

_SECTOR = 512
_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, start: int, size: int, left: int = _NOSTREAM, right: int = _NOSTREAM, child: int = _NOSTREAM) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0" if name else b""
    entry = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1 if name else 0)
    entry += struct.pack("<III", left, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
    entry += struct.pack("<IQ", start, size)
    assert len(entry) == 128
    return entry


def _compound(streams: list[tuple[str, bytes]]) -> bytes:
    """A version 3 compound file holding the streams (each padded past the 4096-byte mini
    stream cutoff, so only the regular FAT is needed). Streams are named in sorted tree order."""
    datas = [data.ljust(max(4096, len(data) + (-len(data)) % _SECTOR), b"\0") for _, data in streams]
    fat: list[int] = [_FATSECT, _END]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for data in datas:
        first = len(fat)
        count = len(data) // _SECTOR
        starts.append(first)
        fat.extend(first + k + 1 for k in range(count - 1))
        fat.append(_END)
    assert len(fat) <= _SECTOR // 4, "one FAT sector is enough for these tests"
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(_SECTOR, b"\xff")
    entries = [_dir_entry("Root Entry", 5, _END, 0, child=1)]
    for k, ((name, _), start) in enumerate(zip(streams, starts, strict=True)):
        right = k + 2 if k + 1 < len(streams) else _NOSTREAM
        entries.append(_dir_entry(name, 2, start, len(datas[k]), right=right))  # >= 4096: not in the mini stream
    while len(entries) % 4:
        entries.append(_dir_entry("", 0, 0, 0))
    directory = b"".join(entries)
    assert len(directory) == _SECTOR
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
    header += struct.pack("<I", 0) + b"\xff" * (4 * 108)
    assert len(header) == _SECTOR
    return header + fat_bytes + directory + b"".join(datas)


def make_doc(path: Path, text: str, ascii_tail: str = "", encrypted: bool = False) -> Path:
    """A .doc whose main text is `text` (UTF-16 piece) then `ascii_tail` (a compressed cp1252
    piece); paragraphs end with \\r as Word writes them."""
    body = text.replace("\n", "\r")
    tail = ascii_tail.replace("\n", "\r")
    n1, n2 = len(body), len(tail)
    wd = bytearray(4096 + 2 * n1 + n2 + 16)
    struct.pack_into("<HH", wd, 0, 0xA5EC, 0x00C1)
    struct.pack_into("<H", wd, 0x0A, 0x0100 if encrypted else 0)  # fWhichTblStm = 0: 0Table
    struct.pack_into("<I", wd, 0x4C, n1 + n2)
    fc1 = 2048
    wd[fc1 : fc1 + 2 * n1] = body.encode("utf-16-le")
    fc2 = fc1 + 2 * n1
    wd[fc2 : fc2 + n2] = tail.encode("cp1252")
    cps = [0, n1, n1 + n2] if n2 else [0, n1]
    pcds = [struct.pack("<HIH", 0, fc1, 0)]
    if n2:
        pcds.append(struct.pack("<HIH", 0, 0x40000000 | (fc2 * 2), 0))
    plc = struct.pack(f"<{len(cps)}I", *cps) + b"".join(pcds)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    struct.pack_into("<II", wd, 0x1A2, 0, len(clx))
    path.write_bytes(_compound([("0Table", clx), ("WordDocument", bytes(wd))]))
    return path


def make_ofd(path: Path, pages: list[list[str]]) -> Path:
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("OFD.xml", f"<ofd:OFD {ns}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        page_refs = "".join(f'<ofd:Page ID="{i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        z.writestr("Doc_0/Document.xml", f"<ofd:Document {ns}><ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>")
        for i, lines in enumerate(pages):
            objs = "".join(
                f'<ofd:TextObject ID="{i}{k}" Boundary="20 {30 + 8 * k} 170 6" Font="1" Size="4">'
                f'<ofd:TextCode X="0" Y="5">{line}</ofd:TextCode></ofd:TextObject>'
                for k, line in enumerate(lines)
            )
            content = f"<ofd:Page {ns}><ofd:Content><ofd:Layer>{objs}</ofd:Layer></ofd:Content></ofd:Page>"
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", content)
    return path


def make_bomb(path: Path, template: Path, member: str, inflated: int) -> Path:
    """A copy of a ZIP package (DOCX, OFD) whose `member` is padded with `inflated` bytes of
    spaces: a few hundred KB on disk that would inflate to `inflated` bytes. Written in chunks,
    so the test itself never holds it."""
    chunk = b" " * 1_000_000
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != member:
                z.writestr(info.filename, data)
                continue
            with z.open(member, "w", force_zip64=True) as out:
                out.write(data)
                for _ in range(inflated // len(chunk)):
                    out.write(chunk)
    return path
