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
    # At 120 columns: tables keep their natural width, charts stop at 100.
    "wide_list": ["list", "--limit", "3", "@120"],
    "wide_trend": ["trend", "营商环境", "--by", "year", "@120"],
    "wide_series": ["trend", "承诺兑现", "营商环境", "--by", "month", "@120"],
    "trend_series_per": ["trend", "承诺兑现", "营商环境", "--by", "year", "--per", "100"],
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


def _check_golden(qdn: Any, monkeypatch: pytest.MonkeyPatch, case: str, args: list[str]) -> None:
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


@pytest.mark.parametrize("case", sorted(CASES))
def test_terminal_output(qdn: Any, terminal: None, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    _check_golden(qdn, monkeypatch, case, CASES[case])


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


# ---- records the seeds do not have: copies, no date, no region, a number and an addressee ------

BARE = ("关于加强承诺兑现工作的通知\n\n某发〔2023〕5号\n\n各有关单位：\n\n"
        "为落实承诺兑现要求，现就有关事项通知如下。一、建立台账。二、定期督查。\n")


def _page(site: str, title: str, date: str, body: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f'<html><head><meta name="SiteName" content="{site}"><meta name="ArticleTitle" content="{title}">'
            f'<meta name="PubDate" content="{date}"><title>{title}</title></head>'
            f'<body><div class="content">{paras}</div></body></html>')


@pytest.fixture
def own(data_dir: Path) -> Path:
    """A corpus of its own: a notice and two sites' reposts of it, and a bare notice."""
    from test_relations import ORIGINAL

    raw = data_dir / "raw"
    for seed in raw.iterdir():
        seed.unlink()
    (raw / "state.txt").write_text(ORIGINAL, "utf-8")
    title, _source, body = ORIGINAL.split("\n\n", 2)
    (raw / "kaili.html").write_text(_page("凯里市人民政府", title, "2022-06-02", body), "utf-8")
    (raw / "liping.html").write_text(_page("黎平县人民政府", title, "2022-06-03", body), "utf-8")
    (raw / "bare.txt").write_text(BARE, "utf-8")
    return data_dir


OWN_CASES = {
    "own_list": ["list"],
    "own_search": ["search", "承诺兑现"],
    "own_show_copies": ["show", "raw/state.txt"],
    "own_show_bare": ["show", "raw/bare.txt"],
    # At 50 columns the title column gives way; dates and ids are never broken.
    "own_tiny_list": ["list", "@50"],
}


@pytest.mark.parametrize("case", sorted(OWN_CASES))
def test_terminal_output_of_copies_and_bare_records(qdn: Any, own: Path, terminal: None,
                                                   monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    ids = {r["file"]: r["id"] for r in qdn("list", "--all-copies", "--format", "jsonl").jsonl()}
    args = [ids.get(a, a) for a in OWN_CASES[case]]
    _check_golden(qdn, monkeypatch, case, args)


# ---- what programs read ------------------------------------------------------------------------

MACHINE = {
    "search": ["search", "承诺兑现"], "list": ["list"], "show": ["show", "5db1c9b1"],
    "trend": ["trend", "承诺兑现", "--by", "year"], "figures": ["figures", "兑现率"], "refs": ["refs"],
}


@pytest.mark.parametrize("case", sorted(MACHINE))
def test_json_jsonl_and_csv_are_exactly_what_programs_expect(qdn: Any, case: str) -> None:
    """JSON: one array, indented by 2, Chinese as itself; JSON Lines: one compact object a line;
    CSV: a BOM, a header, "\n" line ends, the region as three columns, the same rows as JSON."""
    import csv
    import json

    args = MACHINE[case]
    text = qdn(*args, "--format", "json").stdout
    rows = json.loads(text)
    assert isinstance(rows, list) and rows
    assert text == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    assert "\\u" not in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)
    lines = qdn(*args, "--format", "jsonl").stdout.splitlines(keepends=True)
    assert lines == [json.dumps(r, ensure_ascii=False) + "\n" for r in rows]
    run = qdn(*args, "--format", "csv")
    out = run.stdout
    assert out.startswith("\ufeff") and b"\r" not in run.raw
    table = list(csv.DictReader(out[1:].splitlines()))
    assert len(table) == len(rows)
    for row, record in zip(table, rows, strict=True):
        assert "region" not in row and "snippets" not in row
        if isinstance(record.get("region"), dict):
            assert {k: row[k] for k in record["region"]} == {k: v or "" for k, v in record["region"].items()}
        for key in ("id", "date", "title", "bucket", "query", "records", "text", "cited"):
            if key in row:
                assert row[key] == ("" if record.get(key) is None else str(record[key])), key
        if "snippets" in record:  # the snippets as one cell, in order
            assert row["snippet"] == " … ".join(s["text"] for s in record["snippets"])


def test_a_snippet_across_lines_is_shown_on_one_line_with_every_highlight() -> None:
    from qdn_corpus.cli.render import _snippet_text
    from qdn_corpus.models import Snippet

    snippet = Snippet(text="甲\n承诺\n兑现，乙承诺兑现\n丙", highlights=[(2, 7), (9, 13)])
    text = _snippet_text(snippet)
    assert text.plain == "…甲 承诺 兑现，乙承诺兑现 丙…"
    marked = [text.plain[s.start : s.end] for s in text.spans]
    assert marked == ["承诺 兑现", "承诺兑现"] and all(str(s.style) == "bold yellow" for s in text.spans)



NOTHING = {  # commands that find nothing, and the header their CSV still has
    "search": (["search", "青蛙跳水"], "id,date,title,category,doc_type,province,prefecture,county,"),
    "list": (["list", "--since", "2099"], "id,date,title,"),
    "trend": (["trend", "青蛙跳水", "--by", "year"], "bucket,query,records,mentions,total_records"),
    "figures": (["figures", "青蛙跳水"], "id,date,province,prefecture,county,title,indicator,figure,value,unit,"),
    "refs": (["refs", "--region", "火星"], "title,doc_number,text,target,held,citing_records,"),
}


@pytest.mark.parametrize("case", sorted(NOTHING))
def test_nothing_found_is_still_what_programs_can_read(qdn: Any, case: str) -> None:
    """No rows: JSON is [], JSON Lines is empty, CSV is its header (pandas reads an empty table
    with the columns), and the exit status is 1."""
    args, header = NOTHING[case]
    json_run = qdn(*args, "--format", "json")
    assert json_run.exit_code == 1 and json_run.stdout == "[]\n"
    jsonl_run = qdn(*args, "--format", "jsonl")
    assert jsonl_run.exit_code == 1 and jsonl_run.stdout == ""
    csv_run = qdn(*args, "--format", "csv")
    assert csv_run.exit_code == 1
    [line] = csv_run.stdout.lstrip("\ufeff").splitlines()
    assert line.startswith(header) and "region" not in line.split(",")


# ---- chart geometry: where the widths stop ------------------------------------------------------

def _trend(buckets: list[str | None], queries: tuple[str, ...] = ("营商环境",), by: str = "year") -> Any:
    from qdn_corpus.models import TrendRow
    from qdn_corpus.reports.trend import Trend

    rows = [TrendRow(bucket=b, query=q, records=i + 1, mentions=2 * i, total_records=10)
            for i, b in enumerate(buckets) for q in queries]
    return Trend(rows, list(queries), by, None, {q: len(buckets) for q in queries})  # type: ignore[arg-type]


def _shown(trend: Any, monkeypatch: pytest.MonkeyPatch, width: int) -> list[str]:
    """The chart's lines, without styles, on a terminal `width` columns wide."""
    import io

    from qdn_corpus.cli.render import write_trend

    monkeypatch.setenv("COLUMNS", str(width))
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    write_trend(trend, "table", out)
    return out.getvalue().rstrip("\n").splitlines()


@pytest.mark.parametrize("width", [40, 99, 100, 101, 160])
def test_a_bar_chart_fills_the_terminal_up_to_100_columns(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    lines = _shown(_trend(["2020", "2021", "2022"]), monkeypatch, width)
    rows = lines[2:]
    assert [cell_len(line) for line in rows] == [min(width, 100) - 1] * 3
    assert rows[-1].count("█") == min(width, 100) - 1 - len("2022 ") - len(" records mentions")


def test_a_bar_chart_keeps_a_bar_of_10_on_a_tiny_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # 32 columns leave 9 for the bar: it takes 10, and the line still fits (31 would wrap it)
    lines = _shown(_trend(["2021", "2022"]), monkeypatch, 32)
    assert lines[-1] == "2022 " + "█" * 10 + "       2        2"
    assert lines[1] == " " * (4 + 10 + 2) + "records mentions"
    empty = _shown(_trend([]), monkeypatch, 32)  # no rows: the labels are taken as 4 wide
    assert empty[1:] == [" " * (4 + 10 + 2) + "records mentions"]


@pytest.mark.parametrize("chars", [12, 13, 30])
def test_a_long_bucket_label_is_cut_to_24_columns(monkeypatch: pytest.MonkeyPatch, chars: int) -> None:
    label = "黔东南苗族侗族自治州人民政府办公室投资促进局商务局发展和改革局"[:chars]
    lines = _shown(_trend([label, "凯里市"], by="issuer"), monkeypatch, 80)
    shown = lines[2].split(" ")[0]
    if chars <= 12:  # 24 columns fit
        assert shown == label
    else:
        assert shown.endswith("…") and label.startswith(shown[:-1]) and cell_len(shown) in (23, 24)
    assert [cell_len(line[: line.index("█")]) for line in lines[2:]] == [min(2 * chars, 24) + 1] * 2
    assert all(cell_len(line) == 79 for line in lines[2:])


@pytest.mark.parametrize(("by", "label"), [("month", "undated"), ("quarter", "undated"), ("year", "undated"),
                                           ("issuer", "no issuer"), ("source", "no source")])
def test_the_bucket_without_a_value_is_named_for_the_grouping(monkeypatch: pytest.MonkeyPatch, by: str, label: str) -> None:
    one = _shown(_trend(["甲", None], by=by), monkeypatch, 80)
    several = _shown(_trend(["甲", None], ("营商环境", "承诺兑现"), by=by), monkeypatch, 80)
    assert one[-1].startswith(label + " ")
    assert any(line.strip("│ ").startswith(label + " ") for line in several)


def test_series_headers_and_sparkline_labels_stop_at_16_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    long, short = "承诺兑现 date:2021..2022", "营商环境"
    lines = _shown(_trend(["2021", "2022"], (long, short)), monkeypatch, 100)
    cut = "承诺兑现 date:2…"  # 16 columns
    header = next(line for line in lines if "营商环境" in line and "┃" in line)
    assert cut in header and long not in header and "承诺兑现 date:20" not in header
    assert lines[-2].startswith(cut + " ") and lines[-1].startswith(short + " " * (16 - 8) + " ")


@pytest.mark.parametrize("width", [40, 99, 100, 101, 160])
def test_a_sparkline_sums_buckets_only_when_they_do_not_fit(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    room = max(min(width, 100) - len("承诺兑现") * 2 - 12, 8)
    for n, expect in ((room, room), (room + 1, -(-(room + 1) // 2))):
        buckets = [f"{2000 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]
        lines = _shown(_trend(buckets, ("营商环境", "承诺兑现"), by="month"), monkeypatch, width)
        assert lines[-1].startswith("承诺兑现 ")
        assert len(lines[-1].split(" ")[1]) == expect, (width, n)


def test_a_sparkline_has_room_for_8_on_a_tiny_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for n, expect in ((8, 8), (9, 5)):
        lines = _shown(_trend([str(2000 + i) for i in range(n)], ("营商环境", "承诺兑现")), monkeypatch, 20)
        assert len(lines[-1].split(" ")[1]) == expect


def test_a_sparkline_shows_every_bucket_with_records_and_only_those_as_more_than_a_dot(
        monkeypatch: pytest.MonkeyPatch) -> None:
    trend = _trend(["2019", "2020", "2021", "2022"], ("营商环境", "承诺兑现"))
    for r, records in zip(trend.rows, [1, 1, 0, 0, 40, 40, 60, 60], strict=True):
        r.records = records
    line = _shown(trend, monkeypatch, 80)[-1]
    assert line == "承诺兑现 ▁·▅█ 4"  # 1 of 60 is less than an eighth: still a block, not blank


def test_a_series_of_undated_records_only_has_an_empty_sparkline(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _shown(_trend([None], ("营商环境", "承诺兑现")), monkeypatch, 80)
    assert any("undated" in line and "1 (0)" in line for line in lines)
    assert lines[-2:] == ["营商环境  1", "承诺兑现  1"]  # no bucket with a date: nothing to draw, the total still shown


@pytest.mark.parametrize("per", [None, 100])
def test_trend_rows_for_programs_have_per_only_with_per(per: int | None) -> None:
    import io
    import json

    from qdn_corpus.cli.render import write_trend

    trend = _trend(["2021", "2022"])
    trend.per = per
    for r in trend.rows:
        r.per = 12.5 if per else None
    out = io.StringIO()
    write_trend(trend, "json", out)
    rows = json.loads(out.getvalue())
    assert [("per" in r) for r in rows] == [per is not None] * 2
    out = io.StringIO()
    write_trend(trend, "csv", out)
    assert out.getvalue().lstrip("\ufeff").startswith("bucket,query,records,mentions,total_records" + (",per\n" if per else "\n"))


# ---- narrow tables and untitled records ----------------------------------------------------------

def _records() -> list[Any]:
    import datetime as dt

    from qdn_corpus.models import Record, Region

    return [Record(id="0123456789abcdef", file="raw/a.txt", title="关于进一步优化营商环境推动承诺兑现的通知",
                   date=dt.date(2022, 6, 2), region=Region(province="贵州省", prefecture="黔东南州", county="黎平县")),
            Record(id="fedcba9876543210", file="raw/b.txt", title="短", region=Region())]


def _table_lines(items: list[Any], monkeypatch: pytest.MonkeyPatch, width: int) -> list[str]:
    import io

    from qdn_corpus.cli.render import write
    from qdn_corpus.models import Record

    monkeypatch.setenv("COLUMNS", str(width))
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    write(items, Record, "table", out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize(("hits", "width"), [(False, 44), (False, 80), (True, 48), (True, 80)])
def test_on_a_narrow_terminal_only_the_title_gives_way(monkeypatch: pytest.MonkeyPatch, hits: bool, width: int) -> None:
    from qdn_corpus.models import Hit

    items = _records()
    if hits:
        items = [Hit(**r.model_dump(), score=s, snippets=[]) for r, s in zip(items, (56.125, 7.5), strict=True)]
    lines = _table_lines(items, monkeypatch, width)
    assert max(cell_len(line) for line in lines) <= width
    first = next(line for line in lines if "2022-06-02" in line)
    assert "│ 黎平县 │" in first and "│ 01234567 │" in first
    assert any("│ fedcba98 │" in line for line in lines)
    if hits:  # scores whole, right-aligned
        assert "│ 56.12 │" in first and any("│  7.50 │" in line for line in lines)


def test_an_untitled_record_is_shown_under_its_first_sentence_up_to_60_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from qdn_corpus.cli.render import write_record

    [record, _] = _records()
    sentence = "为深入贯彻落实党中央国务院关于优化营商环境的决策部署，进一步推动我州招商引资项目承诺兑现工作落到实处。"
    assert 40 < len(sentence) <= 60
    monkeypatch.setenv("COLUMNS", "160")
    shown = {}
    for name, body in (("sentence", sentence + "现通知如下。"), ("run-on", sentence[:-1] * 2)):
        out = io.StringIO()
        monkeypatch.setattr("sys.stdout", out)
        write_record(record.model_copy(update={"title": None, "body": body}), "table", out)
        shown[name] = out.getvalue().splitlines()[0]
    assert f"╭─ {sentence} ─" in shown["sentence"]
    assert f"╭─ {(sentence[:-1] * 2)[:60]}… ─" in shown["run-on"]


def test_a_series_table_squeezes_its_counts_never_its_buckets(monkeypatch: pytest.MonkeyPatch) -> None:
    queries = ("营商环境", "承诺兑现", "招商引资", "优化营商环境", "项目落地", "要素保障")
    lines = _shown(_trend(["2021-Q1", "2021-Q2"], queries, by="quarter"), monkeypatch, 50)
    assert all(cell_len(line) <= 50 for line in lines)
    assert sum("│ 2021-Q1 │" in line for line in lines) == 1 and sum("│ 2021-Q2 │" in line for line in lines) == 1
    # Counts too wide for their column fold over lines: every digit is still there.
    trend = _trend(["2021-Q1", "2021-Q2"], queries, by="quarter")
    for r in trend.rows:
        r.records, r.mentions = r.records * 1000, r.mentions * 1000
    cells: dict[str, list[str]] = {}
    bucket = ""
    for line in _shown(trend, monkeypatch, 50):
        if line.startswith("│"):
            parts = [p.strip() for p in line.split("│")[1:-1]]
            bucket = parts[0] or bucket
            cells[bucket] = [a + b for a, b in zip(cells.get(bucket, [""] * len(parts)), parts, strict=True)]
    assert [c[1:] for c in cells.values()] == [["1000(0)"] * 6, ["2000(2000)"] * 6]


# ---- cells that the seeds never fill ----------------------------------------------------------

def _record(**update: Any) -> Any:
    from qdn_corpus.models import Record

    return Record(id="0123456789abcdef", file="raw/a.txt", title="关于优化营商环境的通知").model_copy(update=update)


@pytest.mark.parametrize(("region", "cell"), [
    ({"province": "贵州省"}, "贵州省"), ({"province": "贵州省", "prefecture": "黔东南州"}, "黔东南州"),
    ({"province": "贵州省", "prefecture": "黔东南州", "county": "黎平县"}, "黎平县"),
])
def test_the_region_cell_is_the_most_precise_level_known(monkeypatch: pytest.MonkeyPatch, region: dict[str, str],
                                                         cell: str) -> None:
    from qdn_corpus.models import Region

    lines = _table_lines([_record(region=Region(**region))], monkeypatch, 80)
    assert any(f"│ {cell} │" in line for line in lines), lines


@pytest.mark.parametrize(("copies", "sites", "note"), [
    (1, [], None),
    (2, ["凯里市人民政府"], "(also in 1 file: 凯里市人民政府)"),
    (3, [], "(also in 2 files)"),
    (5, ["甲", "乙", "丙", "丁"], "(also in 4 files: 甲, 乙, 丙)"),  # three sites at most
])
def test_a_record_with_copies_says_how_many_and_where(monkeypatch: pytest.MonkeyPatch, copies: int, sites: list[str],
                                                      note: str | None) -> None:
    import io

    from qdn_corpus.cli.render import write_record
    from qdn_corpus.models import CopyRef

    refs = [CopyRef(id=f"{i:016x}", file=f"raw/{i}.html", site=(sites[i] if i < len(sites) else None))
            for i in range(copies - 1)]
    record = _record(copies=copies, copies_in=refs, canonical="0123456789abcdef")
    text = " ".join(_table_lines([record], monkeypatch, 200))
    assert (note in text) if note else "also in" not in text
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    write_record(record, "table", out)
    shown = out.getvalue()
    if copies > 1:
        assert f"│ copies  {copies} (canonical 01234567; qdn dups 01234567)" in shown
    else:
        assert "│ copies" not in shown


def test_long_unbroken_text_is_folded_never_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """A title or a refs cell with a long URL-like run wraps over lines on a narrow terminal:
    every character is still shown."""
    import datetime as dt
    import io

    from qdn_corpus.cli.render import Column, write
    from qdn_corpus.models import Hit, RefRow

    run = "https://www.qdn.gov.cn/zwgk/zcwj/" + "a1b2c3d4" * 8

    def column(lines: list[str], i: int) -> str:  # one column's cells, joined over the table's lines
        return "".join(line.split("│")[i].strip() for line in lines if line.startswith("│"))

    for hits in (False, True):
        item = _record(title=run)
        if hits:
            item = Hit(**item.model_dump(), score=1.0, snippets=[])
        lines = _table_lines([item], monkeypatch, 60)
        assert max(cell_len(line) for line in lines) <= 60 and column(lines, 3).startswith(run)
    row = RefRow(title=run, doc_number=None, target=None, held=False, citing_records=3, citing_regions=["黔东南州"],
                 first=dt.date(2022, 6, 2), last=None)
    for width in (60, 40):
        monkeypatch.setenv("COLUMNS", str(width))
        out = io.StringIO()
        monkeypatch.setattr("sys.stdout", out)
        write([row], RefRow, "table", out, [Column("cited", lambda r: r.citing_records),
                                            Column("document", lambda r: r.title, True), Column("first", lambda r: r.first),
                                            Column("held", lambda r: "")])
        lines = out.getvalue().splitlines()
        assert max(cell_len(line) for line in lines) <= width and column(lines, 2) == run
        assert any("│ 2022-06-02 │ —    │" in line for line in lines)  # a date is never broken; an empty value is a dash


def test_an_empty_header_value_shows_as_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from qdn_corpus.cli.render import write_record

    monkeypatch.setenv("COLUMNS", "80")
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    write_record(_record(meta={"索引号": None, "来源": "黔东南州人民政府"}), "table", out)
    shown = out.getvalue()
    assert "│ 索引号  — " in shown and "│ 来源    黔东南州人民政府 " in shown


def test_a_terminal_gets_a_table_and_a_pipe_json_lines() -> None:
    import io

    from qdn_corpus.cli.render import default_format

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert default_format(Terminal()) == "table" and default_format(io.StringIO()) == "jsonl"


def test_progress_goes_to_stderr_and_neither_stream_colours_numbers_of_its_own(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from qdn_corpus.cli.render import stderr_console, stdout_console

    monkeypatch.setenv("FORCE_COLOR", "1")  # as on a colour terminal: rich would highlight 12 and 2022-11-30
    monkeypatch.delenv("NO_COLOR", raising=False)
    stderr_console().print("12 of 19 files, 2022-11-30")
    stdout_console().print("数据 3")
    out, err = capsys.readouterr()
    assert (out, err) == ("数据 3\n", "12 of 19 files, 2022-11-30\n")
