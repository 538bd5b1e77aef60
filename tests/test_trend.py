"""`qdn trend` and where a hit sits (`section`, `--within`), as the CLI prints them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qdn_corpus.reports.trend import BY

# Four small documents with known dates, sources and counts. Mentions are counted in bodies.
DOCS = {
    "a": "关于承诺兑现的通知\n\n来源：黔东南州投资促进局 发布时间：2022-01-05\n\n要做好承诺兑现工作，承诺兑现要到位。\n",
    "b": "招商引资工作情况\n\n来源：凯里市人民政府 发布时间：2022-03-10\n\n抓好承诺兑现，推进招商引资。\n",
    "c": "工作要点\n\n一是做好承诺兑现。\n",  # undated
    "d": "关于招商引资的意见\n\n来源：凯里市人民政府 发布时间：2022-03-20\n\n加大招商引资力度，对企业的承诺要兑现。\n",
}


@pytest.fixture
def small(data_dir: Path) -> Path:
    raw = data_dir / "raw"
    for p in raw.iterdir():
        p.unlink()
    for name, text in DOCS.items():
        (raw / f"{name}.txt").write_text(text, "utf-8")
    return data_dir


def rows(qdn: Any, *args: str) -> list[tuple[Any, ...]]:
    run = qdn("trend", *args, "--format", "jsonl")
    assert run.exit_code == 0, run.stderr
    return [(r["bucket"], r["query"], r["records"], r["mentions"], r["total_records"]) for r in run.jsonl()]


def test_months_with_zero_buckets_and_undated_on_their_own_line(qdn: Any, small: Path) -> None:
    assert rows(qdn, '"承诺兑现"', "--by", "month") == [
        ("2022-01", '"承诺兑现"', 1, 2, 1),
        ("2022-02", '"承诺兑现"', 0, 0, 0),
        ("2022-03", '"承诺兑现"', 1, 1, 2),
        (None, '"承诺兑现"', 1, 1, 1),
    ]


def test_an_unquoted_query_counts_its_words_where_the_text_is_not_whole(qdn: Any, small: Path) -> None:
    # d has 承诺 … 兑现 apart: a match with two mentions; a has the text twice.
    assert rows(qdn, "承诺兑现", "--by", "year") == [("2022", "承诺兑现", 3, 5, 3), (None, "承诺兑现", 1, 1, 1)]


def test_several_series_share_the_buckets(qdn: Any, small: Path) -> None:
    assert rows(qdn, '"承诺兑现"', "招商引资", "--by", "quarter") == [
        ("2022-Q1", '"承诺兑现"', 2, 3, 3), ("2022-Q1", "招商引资", 2, 2, 3),
        (None, '"承诺兑现"', 1, 1, 1), (None, "招商引资", 0, 0, 1),
    ]


def test_per_normalises_by_the_records_of_the_bucket(qdn: Any, small: Path) -> None:
    run = qdn("trend", "招商引资", "--by", "month", "--per", "1000", "--format", "jsonl")
    assert [(r["bucket"], r["per"]) for r in run.jsonl()] == [("2022-03", 1000.0)]
    assert [r["bucket"] for r in qdn("trend", '"承诺兑现"', "--per", "10", "--format", "jsonl").jsonl()] == [
        "2022-01", "2022-02", "2022-03", None]


def test_grouping_by_source_puts_the_largest_first(qdn: Any, small: Path) -> None:
    assert rows(qdn, "招商引资", "--by", "source") == [("凯里市人民政府", "招商引资", 2, 2, 2)]
    assert rows(qdn, '"承诺兑现"', "--by", "source") == [
        ("凯里市人民政府", '"承诺兑现"', 1, 1, 2), ("黔东南州投资促进局", '"承诺兑现"', 1, 2, 1), (None, '"承诺兑现"', 1, 1, 1),
    ]


@pytest.mark.parametrize("by", BY)
@pytest.mark.parametrize(
    ("query", "filters"), [("承诺兑现", []), ('"营商环境"', ["--since", "2022"]), ("招商* -疫情", ["--region", "黔东南"])]
)
def test_a_trend_adds_up_to_the_search_total(qdn: Any, by: str, query: str, filters: list[str]) -> None:
    total = len(qdn("search", query, *filters, "--limit", "1000", "--format", "jsonl").jsonl())
    counted = qdn("trend", query, "--by", by, *filters, "--format", "jsonl").jsonl()
    assert sum(r["records"] for r in counted) == total > 0
    assert all(r["records"] <= r["total_records"] for r in counted)


def test_the_table_fits_80_columns(qdn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    for args in (["承诺兑现", "--by", "month"], ["承诺兑现", "营商环境", '"招商引资"', "--by", "year"], ["营商环境", "--by", "source"]):
        out = qdn("trend", *args, "--format", "table").stdout
        from rich.cells import cell_len

        assert out and max(cell_len(line) for line in out.splitlines()) <= 80, out


def test_csv_has_the_tidy_columns(qdn: Any, small: Path) -> None:
    out = qdn("trend", "招商引资", "--format", "csv").stdout
    assert out.lstrip("\ufeff").splitlines()[:2] == ["bucket,query,records,mentions,total_records", "2022-03,招商引资,2,2,2"]


def test_nothing_matched_exits_1_and_mistakes_exit_2(qdn: Any) -> None:
    assert qdn("trend", "青蛙跳水").exit_code == 1
    for args, message in ((["承诺兑现", "--by", "week"], "unknown --by 'week'"), (["承诺兑现", "--per", "0"], "--per must be 1"),
                          (["承诺兑现", "--within", " "], "qdn: error: --within needs the text of a heading, e.g. --within 存在问题\n")):
        run = qdn("trend", *args)
        assert run.exit_code == 2 and message in run.stderr and len(run.stderr.splitlines()) == 1


# ---- sections ------------------------------------------------------------------------------

SEED_001_SECTIONS = [  # where 承诺兑现 occurs in seed 001, read off its outline (qdn show)
    ["二、主要工作措施", "(一)坚持高位推动,强化领导带头"],
    ["二、主要工作措施", "(五)坚持优化与整治相结合,努力提升营商环境"],
    ["三、存在问题及下步打算", "(一)存在的主要问题"],
    ["三、存在问题及下步打算", "(二)下步工作措施", "5.进一步创优营商环境"],
]


def _sections(qdn: Any, *args: str) -> list[list[str]]:
    [hit] = [h for h in qdn("search", *args, "--format", "jsonl", "--limit", "50").jsonl() if h["file"].startswith("raw/001")]
    return [s["section"] for s in hit["snippets"]]


def test_snippets_carry_their_heading_path(qdn: Any) -> None:
    assert all(s in SEED_001_SECTIONS for s in _sections(qdn, "承诺兑现"))


def test_within_keeps_only_matches_under_such_headings(qdn: Any) -> None:
    assert _sections(qdn, "承诺兑现", "--within", "存在问题") == SEED_001_SECTIONS[2:]
    found = qdn("search", "承诺兑现", "--within", "存在问题", "--format", "jsonl").jsonl()
    assert [h["file"][:7] for h in found] == ["raw/001"]
    assert rows(qdn, '"承诺兑现"', "--within", "存在问题", "--by", "year") == [("2021", '"承诺兑现"', 1, 3, 1)]  # at 5856, 6933, 6988
    assert qdn("search", "承诺兑现", "--within", "没有这个标题").exit_code == 1


def test_within_folds_like_the_query(qdn: Any) -> None:
    assert _sections(qdn, "承诺兑现", "--within", "（二）下步") == SEED_001_SECTIONS[3:]


def test_sections_of_seed_002_follow_its_outline(qdn: Any) -> None:
    found = qdn("search", '"营商环境"', "--within", "存在的问题", "--format", "jsonl").jsonl()
    [hit] = found
    assert hit["title"] == "黔东南州人民政府关于全州优化营商环境工作情况的报告"
    assert {s["section"][0] for s in hit["snippets"]} == {"二、存在的问题"}
    assert hit["snippets"][0]["section"] == ["二、存在的问题"]


def _mentions(body: str, text: str, words: list[str]) -> int:
    """Occurrences of the text, then of each word outside them: counted here independently."""
    n, rest = body.count(text), body.replace(text, "\0" * len(text))
    return n + sum(rest.count(w) for w in words)


def test_the_seeds_by_month(qdn: Any) -> None:
    got = rows(qdn, "承诺兑现", "--by", "month")
    months = [f"2021-{m:02d}" for m in range(7, 13)] + [f"2022-{m:02d}" for m in range(1, 13)]
    assert [b for b, *_ in got] == [*months, None]
    assert {b: r for b, _q, r, _m, _t in got if r} == {"2021-07": 1, "2022-11": 2, "2022-12": 2, None: 1}
    hits = qdn("search", "承诺兑现", "--format", "jsonl", "--limit", "100").jsonl()
    by_month: dict[Any, int] = {}
    for h in hits:
        key = h["date"][:7] if h["date"] else None
        by_month[key] = by_month.get(key, 0) + _mentions(h["body"], "承诺兑现", ["承诺", "兑现"])
    assert {b: m for b, _q, _r, m, _t in got if m} == by_month


def test_mentions_counted_from_needle_counts_equal_the_places_a_snippet_marks() -> None:
    """snippets.MentionCounter, where it says it can, gives exactly len(occurrences()): over random
    texts of a small alphabet (so that needles meet, nest and sit side by side), for query-
    shaped needles (a whole and words inside it, two wholes) and for arbitrary ones."""
    import random

    from qdn_corpus.search.snippets import MentionCounter, occurrences

    rng = random.Random(3)
    alphabet = "承诺兑现营商环境"
    shaped = [["承诺兑现", "承诺", "兑现"], ["营商环境", "营商", "环境", "承诺兑现", "承诺", "兑现", "承诺"],
              ["承诺", "兑现"], ["承诺兑现承诺", "承诺"]]
    used = 0
    for i in range(6000):
        if i % 4 == 1:
            needles = rng.choice(shaped)
        elif i % 4 == 3:  # a whole of three characters and pieces of it
            whole = "".join(rng.choice(alphabet[:3]) for _ in range(rng.randint(2, 6)))
            needles = [whole] + [whole[a : a + rng.randint(1, 3)] for a in rng.sample(range(len(whole)), rng.randint(1, 2))]
        else:
            needles = ["".join(rng.choice(alphabet[:4]) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 4))]
        counter = MentionCounter(needles)
        pieces = [*needles, *alphabet[:4]] if i % 2 else list(alphabet if i % 5 == 1 else alphabet[:4])
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))  # the needles' pieces meet often
        if counter.usable:
            used += 1
            assert counter.count(text.count) == len(occurrences(text, needles)), (text, needles)
    assert used > 2000  # the query-shaped ones and some of the others
