"""qdn stats: what the corpus holds and how well it was read; its counts add up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_cms_variants import BLOCKS, page


def test_stats_counts_files_records_skips_and_field_shares(data_dir: Path, qdn: Any) -> None:
    raw = data_dir / "raw"
    (raw / "site").mkdir()
    (raw / "site" / "a.html").write_bytes(page(BLOCKS["dt and dd"]))  # every field
    (raw / "site" / "b.html").write_bytes(page(meta="<meta name='PubDate' content='2025-06-01'>",
                                               block="<div>发布日期：2022-12-21</div>"))  # a date conflict
    (raw / "empty.txt").write_bytes(b"")
    rows = qdn("stats", "--format", "jsonl").jsonl()
    total = rows[0]
    assert total["group"] == "total"
    listed = qdn("list", "--all-copies", "--format", "jsonl").jsonl()
    assert total["records"] == len(listed)
    assert total["files"] == len(list(p for p in raw.rglob("*") if p.is_file()))
    assert total["skipped"] == 1 and total["date_conflicts"] == 1
    formats = [r for r in rows if r["group"] == "format"]
    assert sum(r["files"] for r in formats) == total["files"]
    assert sum(r["records"] for r in formats) == total["records"]
    html = next(r for r in formats if r["key"] == "html")
    assert (html["files"], html["records"], html["doc_number"], html["written_date"]) == (2, 2, 0.5, 0.5)
    assert total["doc_number"] == round(sum(1 for r in listed if r["doc_number"]) / len(listed), 3)
    skipped = [r for r in rows if r["group"] == "skipped"]
    assert [(r["key"], r["files"]) for r in skipped] == [("empty or whitespace only", 1)]
    assert {r["group"] for r in rows} == {"total", "format", "site", "skipped"}


def test_stats_table_fits_80_columns(data_dir: Path, qdn: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    (data_dir / "raw" / "a.html").write_bytes(page(BLOCKS["dt and dd"]))
    run = qdn("stats", "--format", "table")
    assert run.exit_code == 0
    assert all(len(line) <= 80 for line in run.stdout.splitlines())
    assert "format html" in run.stdout and "文号" in run.stdout and "conflict(s)" in run.stdout
