"""The query language and the dates users type: exact periods, exact messages for mistakes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qdn_corpus.errors import QuerySyntaxError, UsageError
from qdn_corpus.search.language import parse_query
from qdn_corpus.text.dates import parse_period

D = dt.date


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2022", D(2022, 1, 1), D(2022, 12, 31)),
        ("2022年", D(2022, 1, 1), D(2022, 12, 31)),
        ("2022-11", D(2022, 11, 1), D(2022, 11, 30)),
        ("2022.11", D(2022, 11, 1), D(2022, 11, 30)),
        ("2022/1", D(2022, 1, 1), D(2022, 1, 31)),
        ("2022年11月", D(2022, 11, 1), D(2022, 11, 30)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),  # a leap year
        ("2023-02", D(2023, 2, 1), D(2023, 2, 28)),
        ("2022-12", D(2022, 12, 1), D(2022, 12, 31)),
        ("2022-11-05", D(2022, 11, 5), D(2022, 11, 5)),
        ("2022年11月5日", D(2022, 11, 5), D(2022, 11, 5)),
        (" 2022.11.05 ", D(2022, 11, 5), D(2022, 11, 5)),
    ],
)
def test_a_period_runs_from_its_first_to_its_last_day(text: str, first: dt.date, last: dt.date) -> None:
    assert parse_period(text) == (first, last)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("22-11", "invalid date '22-11': use YYYY, YYYY-MM or YYYY-MM-DD (or 2022年11月)"),
        ("2022-13", "invalid date '2022-13': no such day or month"),
        ("2022-02-30", "invalid date '2022-02-30': no such day or month"),
        ("last week", "invalid date 'last week': use YYYY, YYYY-MM or YYYY-MM-DD (or 2022年11月)"),
    ],
)
def test_a_bad_date_says_what_to_write(text: str, message: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_period(text)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"招商', "unbalanced quote: add the closing quote"),
        ('""', "empty phrase: put some text between the quotes"),
        ('“”', "empty phrase: put some text between the quotes"),
        ("*", "a lone * would match everything: put a word before it, e.g. 招商*"),
        ("招*商", "* is only allowed at the end of a word, e.g. 招商*"),
        ("color:红", "unknown field 'color': use one of title, body, source, issuer, site, number, region, category, type, date, file"),
        ("title:", "title: needs a value, e.g. title:营商环境"),
        ("()", "empty parentheses: put a word inside"),
        ("(招商", "unbalanced parenthesis: add the closing ')'"),
        ("招商)", "unbalanced parenthesis: a ')' has no '('"),
        ("招商 AND", "the query ends with an operator: add a word after it"),
        ("   ", "empty query: give a word to search for, e.g. 承诺兑现"),
    ],
)
def test_query_mistakes_get_their_own_message(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as err:
        parse_query(query)
    assert str(err.value) == message


BOUNDARY_DAYS = ["2020-12-31", "2021-01-01", "2021-12-31", "2022-01-01", "2022-10-31", "2022-11-01", "2022-11-30",
                 "2022-12-01", "2022-12-31", "2023-01-01"]


@pytest.fixture
def dated(data_dir: Path) -> Path:
    """One record per boundary day, each naming 边界测试, and one undated."""
    raw = data_dir / "raw"
    for day in BOUNDARY_DAYS:
        (raw / f"d{day}.txt").write_text(f"边界测试通知{day}\n\n发布时间：{day}\n\n边界测试的正文。\n", "utf-8")
    (raw / "undated.txt").write_text("边界测试通知\n\n边界测试的正文，没有日期。\n", "utf-8")
    return data_dir


@pytest.mark.parametrize(
    ("args", "days"),
    [
        (["--since", "2022-11"], ["2022-11-01", "2022-11-30", "2022-12-01", "2022-12-31", "2023-01-01"]),
        (["--until", "2022-11"], ["2020-12-31", "2021-01-01", "2021-12-31", "2022-01-01", "2022-10-31", "2022-11-01", "2022-11-30"]),
        (["--since", "2022-11", "--until", "2022-11"], ["2022-11-01", "2022-11-30"]),
        (["--since", "2021", "--until", "2022"], ["2021-01-01", "2021-12-31", "2022-01-01", "2022-10-31", "2022-11-01",
                                                  "2022-11-30", "2022-12-01", "2022-12-31"]),
        (["--since", "2022-11-30", "--until", "2022-12-01"], ["2022-11-30", "2022-12-01"]),
        (["--since", "2022-11-30", "--until", "2022-11-30"], ["2022-11-30"]),  # one day
    ],
)
def test_date_filters_include_both_ends(qdn: Any, dated: Path, args: list[str], days: list[str]) -> None:
    found = sorted(r["date"] for r in qdn("search", "边界测试", *args, "--format", "jsonl").jsonl())
    assert found == days
    listed = sorted(r["date"] for r in qdn("list", *args, "--format", "jsonl").jsonl() if (r["title"] or "").startswith("边界测试"))
    assert listed == days


def test_a_date_range_in_the_query_includes_both_ends(qdn: Any, dated: Path) -> None:
    found = sorted(r["date"] for r in qdn("search", "边界测试 date:2021..2022", "--format", "jsonl").jsonl())
    assert found == [d for d in BOUNDARY_DAYS if d.startswith(("2021", "2022"))]
    found = sorted(r["date"] for r in qdn("search", "边界测试 date:2022-11", "--format", "jsonl").jsonl())
    assert found == ["2022-11-01", "2022-11-30"]


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_undated_records_come_last_in_both_orders(qdn: Any, dated: Path, sort: str) -> None:
    dates = [r["date"] for r in qdn("search", "边界测试", "--sort", sort, "--format", "jsonl").jsonl()]
    assert dates[-1] is None and None not in dates[:-1]
    assert dates[:-1] == sorted(dates[:-1], reverse=sort == "-date")


def test_a_prefix_matches_only_words_that_start_with_it(qdn: Any, dated: Path) -> None:
    every = {r["id"] for r in qdn("list", "--format", "jsonl").jsonl()}
    hits = qdn("search", "边界*", "--format", "jsonl", "--limit", "100").jsonl()
    assert hits and len(hits) == len(BOUNDARY_DAYS) + 1 < len(every)  # not everything
    assert all("边界" in h["body"] or "边界" in h["title"] for h in hits)


@pytest.mark.parametrize(
    ("query", "first", "last"),
    [("date:2022-11..", "2022-11-01", "2023-01-01"), ("date:..2021", "2020-12-31", "2021-12-31"),
     ("date:2022-11-30..2022-12-01", "2022-11-30", "2022-12-01")],
)
def test_open_ended_date_ranges(qdn: Any, dated: Path, query: str, first: str, last: str) -> None:
    found = sorted(r["date"] for r in qdn("search", f"边界测试 {query}", "--format", "jsonl").jsonl())
    assert found == [d for d in sorted(BOUNDARY_DAYS) if first <= d <= last]


def test_a_date_range_without_ends_is_an_error(qdn: Any) -> None:
    run = qdn("search", "边界测试 date:..")
    assert run.exit_code == 2
    assert run.stderr == "qdn: error: date:.. needs a start or an end, e.g. date:2022..2023\n"


def test_an_ambiguous_id_names_the_candidates(qdn: Any, data_dir: Path) -> None:
    for n in range(80):  # 16 first characters: some is shared by 6 or more ids, some by 2 to 5
        (data_dir / "raw" / f"n{n}.txt").write_text(f"测试{n}\n\n正文。\n", "utf-8")
    ids = sorted(r["id"] for r in qdn("list", "--format", "jsonl").jsonl())
    firsts = sorted({i[:1] for i in ids}, key=lambda p: sum(i.startswith(p) for i in ids))
    two = next(p + i[1] for p in firsts for i in ids if i.startswith(p) and sum(j.startswith(p + i[1]) for j in ids) in (2, 3))
    for prefix in (firsts[-1], two):
        run = qdn("show", prefix)
        many = [i for i in ids if i.startswith(prefix)]
        count = str(len(many)) if len(many) < 6 else "6 or more"
        assert run.exit_code == 2
        assert run.stderr.startswith(f"qdn: error: id prefix {prefix!r} matches {count} records (")
        assert run.stderr.endswith("…): give more characters\n")
        shown = run.stderr.split("(", 1)[1].split("…")[0].split(", ")
        assert len(shown) == min(len(many), 5) and set(shown) <= set(many)


def test_a_prefix_finds_every_word_that_starts_with_it(qdn: Any, dated: Path) -> None:
    raw = dated / "raw"
    # Codes are words of their own (jieba has no sub-words for them), so each file holds only its own.
    for name, word in (("w1", "qx101"), ("w2", "qx102"), ("w3", "qx103"), ("w4", "qy101")):
        (raw / f"{name}.txt").write_text(f"关于{word}的说明\n\n本文说明编号 {word} 的有关情况。\n", "utf-8")
    files = {h["file"] for h in qdn("search", "qx*", "--format", "jsonl", "--limit", "100").jsonl()}
    assert files == {"raw/w1.txt", "raw/w2.txt", "raw/w3.txt"}


def test_list_limit_keeps_the_newest(qdn: Any, dated: Path) -> None:
    every = [r["id"] for r in qdn("list", "--format", "jsonl").jsonl()]
    assert [r["id"] for r in qdn("list", "--limit", "3", "--format", "jsonl").jsonl()] == every[:3]
    assert [r["id"] for r in qdn("list", "--sort", "relevance", "--format", "jsonl").jsonl()] == every  # no query: by date
    days = [r["date"] for r in qdn("list", "--sort", "date", "--format", "jsonl").jsonl()]
    assert [r["date"] for r in qdn("list", "--sort", "date", "--limit", "2", "--format", "jsonl").jsonl()] == days[:2]


def test_list_says_how_many_records_match_and_how_many_it_shows(qdn: Any, dated: Path) -> None:
    every = qdn("list", "--format", "jsonl")
    n = len(every.jsonl())
    assert n > 3 and every.stderr.splitlines()[-1] == f"qdn: {n} record(s)"
    assert qdn("list", "--limit", "3", "--format", "jsonl").stderr.splitlines()[-1] == f"qdn: 3 of {n} record(s)"
    assert qdn("-q", "list", "--limit", "3", "--format", "jsonl").stderr == ""
    none = qdn("list", "--since", "2099")
    assert none.exit_code == 1 and none.stdout == "" and none.stderr.splitlines()[-1] == "qdn: 0 record(s)"


def test_a_query_of_exclusions_only_finds_every_record_without_them(qdn: Any) -> None:
    every = {r["id"]: r for r in qdn("list", "--format", "jsonl", "--limit", "1000").jsonl()}
    for query, texts in (('-"承诺兑现"', ["承诺兑现"]), ('-"承诺兑现" -"营商环境"', ["承诺兑现", "营商环境"]),
                         ('NOT "承诺兑现" NOT "营商环境"', ["承诺兑现", "营商环境"])):
        want = {i for i, r in every.items() if not any(t in (r["title"] or "") + "\n" + r["body"] for t in texts)}
        got = {h["id"] for h in qdn("search", "--format", "jsonl", "--limit", "1000", "--", query).jsonl()}
        assert 0 < len(got) < len(every) and got == want, query


def test_a_limit_of_one_shows_the_one_best_or_newest(qdn: Any, dated: Path) -> None:
    every = qdn("search", "边界测试", "--format", "jsonl", "--limit", "1000").jsonl()
    assert qdn("search", "边界测试", "--format", "jsonl", "--limit", "1").jsonl() == every[:1]
    newest = qdn("list", "--format", "jsonl", "--limit", "1").jsonl()
    assert [r["date"] for r in newest] == [max(BOUNDARY_DAYS)]


def test_site_source_and_issuer_filters_keep_exactly_the_records_that_name_them(qdn: Any, data_dir: Path) -> None:
    raw = data_dir / "raw"
    for name, site, source in (("a", "凯里市人民政府", "凯里市投资促进局"), ("b", "黎平县人民政府", "黎平县财政局")):
        (raw / f"{name}.html").write_text(
            f'<html><head><meta name="SiteName" content="{site}"><meta name="ArticleTitle" content="关于招商引资的通知{name}">'
            f'<meta name="ContentSource" content="{source}"><meta name="PubDate" content="2023-03-0{ord(name) - 96}">'
            f'</head><body><div class="content"><p>为做好招商引资工作，现将有关事项通知如下。</p></div></body></html>', "utf-8")
    for option, value, want in (("--site", "凯里市", ["raw/a.html"]), ("--site", "黎平县人民政府", ["raw/b.html"]),
                                ("--source", "财政局", ["raw/b.html"]), ("--site", "人民政府", ["raw/a.html", "raw/b.html"])):
        for command in (["search", "招商引资"], ["list"]):
            got = sorted(r["file"] for r in qdn(*command, option, value, "--format", "jsonl", "--limit", "1000").jsonl())
            assert got == want, (command, option, value)


def test_an_unknown_region_finds_nothing_without_failing(qdn: Any, dated: Path) -> None:
    for args in (["search", "边界测试", "--region", "火星"], ["search", "边界测试 region:火星"], ["list", "--region", "火星"]):
        run = qdn(*args)
        assert run.exit_code == 1 and "error" not in run.stderr


def test_a_quoted_date_field(qdn: Any, dated: Path) -> None:
    found = sorted(r["date"] for r in qdn("search", '边界测试 date:"2022-11"', "--format", "jsonl").jsonl())
    assert found == ["2022-11-01", "2022-11-30"]


def test_the_texts_a_query_cuts_into_words_before_the_index_is_open() -> None:
    # prefork cuts these in a child process: plain words and phrases, not fields or prefixes
    from qdn_corpus.search.language import terms_to_tokenize

    query = parse_query('招商 "营商环境" title:承诺 招商* -疫情 (甲 OR 乙)')
    assert terms_to_tokenize(query) == ["招商", "营商环境", "疫情", "甲", "乙"]


def test_a_term_is_folded_once_when_it_is_parsed() -> None:
    assert parse_query(" ＸＹＺ招商 ").folded == "xyz招商"  # type: ignore[union-attr]
    from qdn_corpus.search.language import Term

    assert parse_query("XYZ") == Term("XYZ")  # a word that starts with X is no phrase


def test_a_star_makes_a_prefix_of_what_comes_before_it() -> None:
    from qdn_corpus.search.language import Term

    assert parse_query("招商*") == Term("招商", prefix=True)
    assert parse_query("TAX*") == Term("TAX", prefix=True)
    assert parse_query("招商") == Term("招商")  # one word is one term, in no OR or AND of one


def test_minus_and_colon_at_their_edges() -> None:
    from qdn_corpus.search.language import Bool, Not, Term

    assert parse_query("-招") == Not(Term("招"))  # a one-character exclusion
    assert parse_query("招商 -") == Bool("and", [Term("招商"), Term("-")])  # a lone minus is text
    assert parse_query("- 招商") == Bool("and", [Term("-"), Term("招商")])
    assert parse_query('-"承诺兑现"') == Not(Term("承诺兑现", phrase=True))  # a minus applies to what follows it
    assert parse_query("-type:解读") == Not(Term("解读", field="type"))
    assert parse_query("-(疫情 OR 新冠)") == Not(Bool("or", [Term("疫情"), Term("新冠")]))
    assert parse_query("2011-2020") == Term("2011-2020")
    assert parse_query("title:招商:引资") == Term("招商:引资", field="title")  # the first colon names the field


def test_a_field_with_a_lone_quote_asks_for_a_value_and_queries_have_a_length_limit() -> None:
    with pytest.raises(QuerySyntaxError, match="title: needs a value"):
        parse_query('title:"')
    assert parse_query("甲" * 2000) == parse_query("甲" * 2000)  # 2000 characters are allowed
    with pytest.raises(QuerySyntaxError, match="query too long"):
        parse_query("甲" * 2001)


@pytest.mark.parametrize(("query", "want"), [
    ("type:报告", lambda r: r["doc_type"] == "报告"),
    ("type:解读", lambda r: r["doc_type"] == "解读"),
    ("-type:解读", lambda r: r["doc_type"] != "解读"),
    ("营商 -type:解读", lambda r: r["doc_type"] != "解读" and "营商" in r["body"] + (r["title"] or "")),
    ("-title:营商环境", lambda r: "营商环境" not in (r["title"] or "")),
    ("category:政策解读", lambda r: r["category"] == "政策解读"),
    ('category:"政策解读"', lambda r: r["category"] == "政策解读"),
    ("file:001", lambda r: "001" in r["file"]),
    ('file:"000_79"', lambda r: "000_79" in r["file"]),
    ("region:贵州", lambda r: r["region"]["province"] == "贵州省"),
    ('region:"山东"', lambda r: r["region"]["province"] == "山东省"),
    ("region:黔东南", lambda r: r["region"]["prefecture"] == "黔东南州"),
    ('date:"2022-11"', lambda r: (r["date"] or "").startswith("2022-11")),
    ('date:"2021..2022-06"', lambda r: "2021-01-01" <= (r["date"] or "0") <= "2022-06-30"),
    ('type:"解读"', lambda r: r["doc_type"] == "解读"),
])
def test_a_field_query_finds_exactly_the_records_whose_field_matches(qdn: Any, query: str, want: Any) -> None:
    """Decided by the field, not by the same text somewhere in the body."""
    records = qdn("list", "--format", "jsonl", "--limit", "1000").jsonl()
    expected = {r["id"] for r in records if want(r)}
    assert expected and len(expected) < len(records)  # the case tells something apart
    got = {h["id"] for h in qdn("search", "--limit", "1000", "--format", "jsonl", "--", query).jsonl()}
    assert got == expected


@pytest.mark.parametrize("field", ["title", "source", "issuer"])
def test_a_short_field_query_of_any_length_finds_exactly_the_records_holding_it(qdn: Any, field: str) -> None:
    """1 character (a prefix of the field's bigrams), 2 (one bigram), more (a phrase of all
    of them, the last one too): as a query field and as the matching --filter."""
    from qdn_corpus.text.normalize import fold

    records = qdn("list", "--format", "jsonl", "--limit", "1000", "--all-copies").jsonl()
    values = sorted({fold(r[field]) for r in records if r[field]})
    assert values
    needles = set()
    for v in values[:4]:
        for n in (1, 2, 3, 5):
            if len(v) > n:
                needles |= {v[:n], v[1 : n + 1], v[: n - 1] + "甲" if n > 1 else "甲"}  # and one that ends wrong
        needles |= {v[:1] + "." + v[2:3], v[:2] + "+"}  # a regular expression's signs are characters
    for needle in sorted(needles):
        expected = {r["id"] for r in records if needle in fold(r[field] or "")}
        got = {h["id"] for h in qdn("search", "--limit", "1000", "--all-copies", "--format", "jsonl", f"{field}:{needle}").jsonl()}
        assert got == expected, needle
        if field != "title":
            listed = {r["id"] for r in qdn("list", f"--{field}", needle, "--all-copies", "--format", "jsonl", "--limit", "1000").jsonl()}
            assert listed == expected, needle


def test_a_passage_that_starts_with_its_heading_is_under_that_heading(qdn: Any) -> None:
    """Offsets equal to a heading's count as under it; a heading ends its siblings' sections."""
    [hit] = qdn("search", '"三、存在问题"', "--format", "jsonl").jsonl()
    assert [s["section"] for s in hit["snippets"]] == [["三、存在问题及下步打算"]]
    [same] = qdn("search", '"三、存在问题"', "--within", "存在问题", "--format", "jsonl").jsonl()
    assert same["id"] == hit["id"]
    rows = qdn("trend", '"三、存在问题"', "--within", "存在问题", "--by", "year", "--format", "jsonl").jsonl()
    assert sum(r["mentions"] for r in rows) == 1
    outline = [h for h in hit["outline"] if h["level"] == 1]
    assert len(outline) >= 3  # 一、 二、 三、: the siblings before it are not in its path
    [deep] = qdn("search", '"创优营商环境"', "--format", "jsonl").jsonl()  # each level's nearest heading
    assert [s["section"] for s in deep["snippets"]] == [["三、存在问题及下步打算", "(二)下步工作措施", "5.进一步创优营商环境"]]


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(' \u3000\xa0\u200b\t"“”()（）-*:：甲乙ABab和或非ANDORNOTtitle'), max_size=24))
@example('" "')
@example('甲 -"\u3000"')
@example('title:"\xa0"')
@example("“ ”")
def test_every_term_the_parser_gives_has_text_to_search_for(text: str) -> None:
    """compile() reads each term's folded text as it is: the parser refuses a term that would
    fold to nothing (spaces of any width, an empty phrase) or says why it cannot read the query."""
    from qdn_corpus.search.language import Bool, Not

    try:
        node = parse_query(text)
    except QuerySyntaxError:
        return
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Bool):
            stack += n.children
        elif isinstance(n, Not):
            stack.append(n.child)
        else:
            assert n.folded and n.folded == n.folded.strip(), (text, n)
