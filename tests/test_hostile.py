"""Hostile containers: a ZIP bomb dressed as DOCX or OFD is refused from its declared sizes
before anything is inflated, with a one-line reason, and `qdn index` goes on with the rest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import docgen
from qdn_corpus.read import formats
from qdn_corpus.read.files import discover, read

LINES = ["关于做好招商引资承诺兑现工作的通知", "各县（市）人民政府：", "为切实做好招商引资承诺兑现工作，现就有关事项通知如下。"]


def _bomb(tmp_path: Path, kind: str, inflated: int) -> Path:
    if kind == "docx":
        template = docgen.make_docx(tmp_path / "template.docx", LINES)
        return docgen.make_bomb(tmp_path / "bomb.docx", template, "word/document.xml", inflated)
    template = docgen.make_ofd(tmp_path / "template.ofd", [LINES])
    return docgen.make_bomb(tmp_path / "bomb.ofd", template, "Doc_0/Pages/Page_0/Content.xml", inflated)


@pytest.mark.parametrize("kind", ["docx", "ofd"])
@pytest.mark.parametrize(("inflated", "why"), [(150_000_000, "would inflate to 150 MB"), (50_000_000, "compressed")])
def test_a_zip_bomb_is_refused_in_one_line(tmp_path: Path, kind: str, inflated: int, why: str) -> None:
    bomb = _bomb(tmp_path, kind, inflated)
    assert bomb.stat().st_size < 5_000_000
    result = read(next(discover([bomb], base=tmp_path)))
    assert result.records == []
    assert result.skipped is not None and why in result.skipped and "ZIP bomb" in result.skipped
    assert "\n" not in result.skipped


@pytest.mark.parametrize("kind", ["docx", "ofd"])
def test_a_bomb_costs_little_memory(tmp_path: Path, kind: str) -> None:
    """Parsed in a process of its own: its peak memory stays far below what inflating would take.
    The peak is VmHWM, the program's own: ru_maxrss keeps what the forking process (this one,
    after hundreds of tests) held when it forked."""
    bomb = _bomb(tmp_path, kind, 600_000_000)
    code = (
        "import sys, json\n"
        "from qdn_corpus.read.files import discover, read\n"
        f"r = read(next(discover([__import__('pathlib').Path({str(bomb)!r})])))\n"
        "hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "print(json.dumps([r.skipped, hwm]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    skipped, peak_kb = json.loads(out.stdout)
    assert "ZIP bomb" in skipped
    assert peak_kb < 500_000, f"peak {peak_kb / 1000:.0f} MB"


def test_a_package_under_the_limits_is_read(tmp_path: Path) -> None:
    """The limits leave real documents alone: 5 MB of padding at a high ratio is under the floor."""
    ok = docgen.make_bomb(tmp_path / "padded.docx", docgen.make_docx(tmp_path / "t.docx", LINES), "word/document.xml", 900_000)
    result = read(next(discover([ok], base=tmp_path)))
    assert result.skipped is None and result.records[0].title == LINES[0]


def test_any_failure_of_a_reader_skips_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception no one foresaw (OverflowError from a reader) is a skip reason, not a crash."""

    def explode(fmt: str, data: bytes, url: str | None) -> Any:
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setattr(formats, "_extract", explode)
    result = formats.extract("x.pdf", b"%PDF-1.4 whatever")
    assert result.text is None
    assert result.skip_reason == "cannot read the PDF file (damaged or unsupported): cannot convert float infinity to integer"


def test_index_goes_on_past_bombs(data_dir: Path, qdn: Any, tmp_path: Path) -> None:
    bad = data_dir / "raw" / "bad"
    bad.mkdir()
    for kind in ("docx", "ofd"):
        _bomb(tmp_path, kind, 150_000_000).rename(bad / f"bomb.{kind}")
    run = qdn("index", "--rebuild")
    assert run.exit_code == 0
    lines = [ln for ln in run.stderr.splitlines() if "skipped raw/bad/bomb" in ln]
    assert len(lines) == 2 and all("ZIP bomb" in ln for ln in lines)
    assert "2 file(s) skipped" in run.stderr.splitlines()[-1]
    assert qdn("search", "承诺兑现", "--format", "jsonl").exit_code == 0


@pytest.mark.parametrize(("share", "skipped"), [(0.2, True), (0.05, False)])
def test_a_text_of_control_characters_is_skipped(tmp_path: Path, share: float, skipped: bool) -> None:
    """A .txt file that is mostly control characters (a binary file misnamed) is skipped with
    its reason; one with a few (and tabs, line and form feeds) is read."""
    body = "\r\n".join(LINES) + "\t\f\v\n" * 20
    n = int(len(body) * share / (1 - share)) + 1
    path = tmp_path / "x.txt"
    path.write_bytes(body.encode("utf-8") + ("\x01\x07\x1b\x0e" * n)[:n].encode())
    result = read(next(discover([path], base=tmp_path)))
    assert (result.skipped == "not text: mostly control characters") is skipped, result.skipped
    if not skipped:
        assert result.records and result.records[0].title == LINES[0]
