"""JSON output survives readers that split lines on U+2028/U+2029 (str.splitlines, older
JavaScript): both are escaped in every JSON output, and the text comes back whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

BODY = "第一段讲招商引资承诺兑现。\u2028第二段仍在同一行内。\u2029第三段。"


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_line_and_paragraph_separators_are_escaped(tmp_path: Path, qdn: Any, fmt: str) -> None:
    doc = tmp_path / "sep.txt"
    doc.write_text("关于招商引资承诺兑现的通知\n" + BODY + "\n", "utf-8")
    run = qdn("parse", str(doc), "--format", fmt)
    assert run.exit_code == 0
    assert "\u2028" not in run.stdout and "\u2029" not in run.stdout
    assert "\\u2028" in run.stdout and "\\u2029" in run.stdout
    if fmt == "jsonl":
        lines = run.stdout.splitlines()  # the way a careless reader splits
        assert len(lines) == 1
        records = [json.loads(lines[0])]
    else:
        records = json.loads(run.stdout)
    assert records[0]["body"] == BODY  # nothing lost: the separators are still there


def test_search_jsonl_escapes_them_too(data_dir: Path, qdn: Any) -> None:
    (data_dir / "raw" / "sep.txt").write_text("关于招商引资承诺兑现的通知\n" + BODY + "\n", "utf-8")
    run = qdn("search", "第二段", "--format", "jsonl")
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["body"] == BODY
