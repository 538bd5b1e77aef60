"""Scans reach the index: a PDF without a text layer (or with glyph codes only) and an image
are read by OCR with --ocr (the `ocr` extra), cached by content so no file is read twice, and
skipped with the command that reads them otherwise. The scans are made here: a page rendered to
an image by PDFium and wrapped as an image-only PDF by Pillow."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Any

import pytest

import docgen
from qdn_corpus.read.formats import ocr

pytestmark = pytest.mark.skipif(not ocr.available(), reason="the ocr extra is not installed (pip install -e '.[ocr]')")

# The test machine has no CJK font to draw Chinese with; Latin text and digits exercise the same path.
LINES = ["NOTICE ON INVESTMENT PROMISES 2023", "Document No. 5 of the Prefecture Office",
         "All counties shall list every promise made to investors", "and keep each one within 90 days."]


def _scan(folder: Path, name: str = "scan.pdf", image: bool = False) -> Path:
    import pypdfium2 as pdfium

    source = docgen.make_pdf(folder / "source.pdf", [LINES])
    pdf = pdfium.PdfDocument(str(source))
    picture = pdf[0].render(scale=2).to_pil().convert("L")
    pdf.close()
    source.unlink()
    out = folder / name
    picture.save(out, "PNG" if image else "PDF", resolution=144)
    return out


def _recovered(text: str) -> float:
    want = "".join("".join(LINES).split())
    got = "".join(text.split())
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(want)


@pytest.mark.parametrize(("name", "image"), [("scan.pdf", False), ("page.png", True)])
def test_a_scan_is_read_by_ocr(tmp_path: Path, qdn: Any, name: str, image: bool) -> None:
    scan = _scan(tmp_path, name, image)
    run = qdn("parse", str(scan), "--ocr", "--format", "jsonl")
    assert run.exit_code == 0, run.stderr
    (record,) = run.jsonl()
    assert record["text_source"] == "ocr" and record["format"] == ("image" if image else "pdf")
    assert _recovered(f"{record['title'] or ''}{record['body']}") >= 0.95


def test_without_ocr_a_scan_is_skipped_with_the_command_that_reads_it(data_dir: Path, qdn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _scan(data_dir / "raw")
    for name in [n for n in sys.modules if n.split(".")[0] in ("rapidocr", "onnxruntime")]:
        monkeypatch.delitem(sys.modules, name)
    run = qdn("index", "--rebuild")
    assert run.exit_code == 0
    assert "skipped raw/scan.pdf: no text layer (1 page(s), a scan): read it with `qdn index --ocr`" in run.stderr
    assert '1 scan(s): pip install -e ".[ocr]", then qdn index --ocr reads them' in run.stderr.splitlines()[-1]
    assert not any(n.split(".")[0] in ("rapidocr", "onnxruntime") for n in sys.modules)  # never imported


def test_ocr_results_are_cached_by_content(data_dir: Path, qdn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _scan(data_dir / "raw")
    assert qdn("index", "--ocr").exit_code == 0
    assert len(list((data_dir / "index" / "ocr").glob("*.json"))) == 1

    def no_engine() -> Any:
        raise AssertionError("OCR ran twice on one file")

    monkeypatch.setattr(ocr, "_load", no_engine)
    for args in (["index", "--rebuild", "--ocr"], ["index", "--rebuild"]):  # the cache serves both
        assert qdn(*args).exit_code == 0
        hits = qdn("search", "investors", "--format", "jsonl").jsonl()
        assert [h["text_source"] for h in hits] == ["ocr"]


def test_ocr_without_the_extra_is_one_line_and_exit_2(tmp_path: Path, qdn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: False)
    run = qdn("index", "--ocr")
    assert run.exit_code == 2
    assert run.stderr == 'qdn: error: --ocr needs the OCR extra: pip install -e ".[ocr]"\n'
