"""What a terminal shows, exactly: tables, panels and charts at 80 columns, in colour and without.

Each case is compared with a file in tests/golden/terminal/ holding the bytes a user's terminal
receives (ANSI styles included, so a lost highlight or a dropped column shows as a difference).
Regenerate after an intended change with QDN_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

GOLDEN = Path(__file__).parent / "golden" / "terminal"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

CASES = {
    "search": ["search", "承诺兑现", "--limit", "2"],
    "search_within": ["search", "承诺兑现", "--within", "存在问题"],
    "list": ["list", "--limit", "4"],
    "show": ["show", "5db1c9b1"],
    "show_stream": ["show", "cad7b296"],
    "trend": ["trend", '"承诺兑现"', "--by", "quarter"],
    "trend_series": ["trend", "承诺兑现", "营商环境", "--by", "year"],
    "trend_per": ["trend", "营商环境", "--by", "source", "--per", "100"],
    "figures": ["figures", "兑现率"],
    "refs": ["refs", "--top", "8"],
    "cited_by": ["cited-by", "《贵州省优化营商环境条例》"],
    "cites": ["cites", "36ad3701"],
    # At 60 columns: cells wrap, bars shorten, and a series of 60 months is summed in pairs.
    "narrow_search": ["search", "营商环境", "--limit", "2", "@60"],
    "narrow_list": ["list", "--limit", "3", "@60"],
    "narrow_series": ["trend", "承诺兑现", "营商环境", "--by", "month", "@60"],
    "narrow_figures": ["figures", "营商环境", "@60"],
    "narrow_trend": ["trend", "营商环境", "--by", "issuer", "@60"],
}


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A colour terminal 80 columns wide, whatever the machine running the tests has."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "50")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("FORCE_COLOR", "1")
    for name in ("NO_COLOR", "COLORTERM", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("case", sorted(CASES))
def test_terminal_output(qdn: Any, terminal: None, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    args = CASES[case]
    width = 80
    if args[-1].startswith("@"):
        width, args = int(args[-1][1:]), args[:-1]
        monkeypatch.setenv("COLUMNS", str(width))
    run = qdn("-q", *args, "--format", "table")
    assert run.exit_code == 0, run.stderr
    shown = run.stdout
    path = GOLDEN / f"{case}.txt"
    if os.environ.get("QDN_UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(shown, "utf-8")
    assert shown == path.read_text("utf-8")
    plain = ANSI.sub("", shown)
    assert "\x1b" not in plain and max(cell_len(line) for line in plain.splitlines()) <= width


@pytest.mark.parametrize("case", ["search", "show", "trend"])
def test_no_color_gives_the_same_text_without_styles(qdn: Any, terminal: None, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    run = qdn("-q", *CASES[case], "--format", "table")
    assert "\x1b[3" not in run.stdout and "\x1b[9" not in run.stdout  # no colours (bold may stay)
    assert ANSI.sub("", run.stdout) == ANSI.sub("", (GOLDEN / f"{case}.txt").read_text("utf-8"))


def test_csv_of_hits_keeps_every_column(qdn: Any) -> None:
    lines = qdn("search", "承诺兑现", "--format", "csv", "--limit", "1").stdout.lstrip("\ufeff").splitlines()
    assert lines[0] == ("id,date,title,category,doc_type,province,prefecture,county,source,issuer,doc_number,file,"
                        "offset,score,snippet,body")
    import csv

    [row] = list(csv.DictReader(lines))
    assert row["prefecture"] == "黔东南州" and "承诺兑现" in row["snippet"] and " … " in row["snippet"]
    assert float(row["score"]) > 0 and row["body"].startswith(row["body"][:10]) and "snippets" not in row
