"""Search, list and show through the CLI over the seed corpus and small fixtures."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import Run
from qdn_corpus.text.normalize import fold


def all_records(qdn) -> list[dict]:  # type: ignore[no-untyped-def]
    run = qdn("list", "--format", "jsonl")
    assert run.exit_code == 0
    return run.jsonl()


def test_first_search_builds_the_index_and_finds_the_topic(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run = qdn("search", "承诺兑现")
    assert run.exit_code == 0
    assert "building the index" in run.stderr
    hits = run.jsonl()
    assert hits and all("承诺" in fold(h["body"]) and "兑现" in fold(h["body"]) for h in hits)
    exact = [h for h in hits if "承诺兑现" in h["body"]]
    apart = [h for h in hits if "承诺兑现" not in h["body"]]
    assert exact and apart, "seed 002 says 招商引资承诺不兑现"
    assert min(h["score"] for h in exact) > max(h["score"] for h in apart)
    assert any("002_" in h["file"] for h in apart)
    assert "index up to date" in qdn("index").stderr  # the search built the index it answered from


def test_hits_carry_record_fields_score_and_snippets(qdn) -> None:  # type: ignore[no-untyped-def]
    hits = qdn("search", "承诺兑现", "--format", "json").json()
    listed = {r["id"]: r for r in all_records(qdn)}
    for hit in hits:
        record = {k: v for k, v in hit.items() if k not in ("score", "snippets")}
        assert record == listed[hit["id"]], "the same record looks the same in search and list"
        for snippet in hit["snippets"]:
            for start, end in snippet["highlights"]:
                assert fold(snippet["text"][start:end]) in {"承诺兑现", "承诺", "兑现"}


def test_json_keeps_chinese_readable(qdn) -> None:  # type: ignore[no-untyped-def]
    run = qdn("search", "承诺兑现", "--format", "json")
    assert "承诺" in run.stdout and "\\u" not in run.stdout


@pytest.mark.parametrize("phrase", ["承诺兑现", "商环境", "黎从榕", "国发〔2022〕2号", "国发(2022)2号", "招商引资", "一窗通办"])
def test_quoted_phrase_equals_substring_scan(qdn, phrase: str) -> None:  # type: ignore[no-untyped-def]
    records = all_records(qdn)
    want = {r["id"] for r in records if fold(phrase) in fold(r["body"]) or fold(phrase) in fold(r["title"] or "")}
    run = qdn("search", f'"{phrase}"', "--limit", "100")
    got = {h["id"] for h in run.jsonl()}
    assert got == want
    assert run.exit_code == (0 if want else 1)


def test_random_substrings_match_a_plain_scan(qdn) -> None:  # type: ignore[no-untyped-def]
    records = all_records(qdn)
    texts = {r["id"]: fold(r["body"]) + "\n" + fold(r["title"] or "") for r in records}
    rng = random.Random(7)
    for _ in range(40):
        body = rng.choice(records)["body"]
        n = rng.randint(2, 8)
        start = rng.randrange(0, max(1, len(body) - n))
        phrase = body[start : start + n].replace('"', "").strip()
        if len(phrase) < 2 or any(ch in phrase for ch in "\n()（）"):
            continue
        want = {i for i, t in texts.items() if fold(phrase) in t}
        got = {h["id"] for h in qdn("search", f'"{phrase}"', "--limit", "100").jsonl()}
        assert got == want, phrase


@pytest.mark.parametrize(("query", "must"), [("黔东南", "黔东南"), ("国务院", "国务院")])
def test_sub_words_are_found(qdn, query: str, must: str) -> None:  # type: ignore[no-untyped-def]
    hits = qdn("search", query, "--limit", "100").jsonl()
    records = all_records(qdn)
    assert {h["id"] for h in hits} == {r["id"] for r in records if must in r["body"] or must in (r["title"] or "")}


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("营商环境 AND 招商引资", lambda t: "营商环境" in t and "招商引资" in t),
        ("营商环境 招商引资", lambda t: "营商环境" in t and "招商引资" in t),
        ("疫情 OR 桥头堡", lambda t: "疫情" in t or "桥头堡" in t),
        ("营商环境 NOT 疫情", lambda t: "营商环境" in t and "疫情" not in t),
        ("营商环境 -疫情", lambda t: "营商环境" in t and "疫情" not in t),
        ('营商环境 -"疫情防控"', lambda t: "营商环境" in t and "疫情防控" not in t),  # a minus before a phrase
        ("招商 -(疫情 OR 桥头堡)", lambda t: "招商" in t and "疫情" not in t and "桥头堡" not in t),
        ("(疫情 OR 桥头堡) AND 招商", lambda t: ("疫情" in t or "桥头堡" in t) and "招商" in t),
        ('"营商环境" 或 "疫情防控"', lambda t: "营商环境" in t or "疫情防控" in t),
    ],
)
def test_boolean_queries(qdn, query: str, check) -> None:  # type: ignore[no-untyped-def]
    records = all_records(qdn)
    want = {r["id"] for r in records if check(fold(r["body"]) + fold(r["title"] or ""))}
    got = {h["id"] for h in qdn("search", query, "--limit", "100").jsonl()}
    assert got == want


def test_prefix_and_field_queries(qdn) -> None:  # type: ignore[no-untyped-def]
    assert qdn("search", "招商*").exit_code == 0
    titles = [h["title"] for h in qdn("search", "title:营商环境").jsonl()]
    assert titles == ["黔东南州人民政府关于全州优化营商环境工作情况的报告"]
    sources = {h["source"] for h in qdn("search", "source:投资促进局").jsonl()}
    assert sources == {"黔东南州投资促进局"}
    assert {h["region"]["province"] for h in qdn("search", "region:山东 意见").jsonl()} == {"山东省"}
    dated = qdn("search", "招商 date:2022-11").jsonl()
    assert dated and all(h["date"].startswith("2022-11") for h in dated)


def test_list_since_is_newest_first_with_undated_excluded(qdn) -> None:  # type: ignore[no-untyped-def]
    records = qdn("list", "--since", "2022-11").jsonl()
    assert len(records) == 15
    dates = [r["date"] for r in records]
    assert dates == sorted(dates, reverse=True) and dates[-1] == "2022-11-23"


def test_list_puts_undated_last_in_both_orders(qdn) -> None:  # type: ignore[no-untyped-def]
    for sort in ("-date", "date"):
        dates = [r["date"] for r in qdn("list", "--sort", sort).jsonl()]
        assert dates[-1] is None and None not in dates[:-1]
        dated = dates[:-1]
        assert dated == sorted(dated, reverse=sort == "-date")


@pytest.mark.parametrize("since", ["2022-11", "2022.11", "2022年11月", "2022-11-01"])
def test_date_spellings(qdn, since: str) -> None:  # type: ignore[no-untyped-def]
    assert len(qdn("list", "--since", since).jsonl()) == 15


def test_until_is_inclusive_of_the_period(qdn) -> None:  # type: ignore[no-untyped-def]
    records = qdn("list", "--since", "2022-11", "--until", "2022-11").jsonl()
    assert records and all(r["date"].startswith("2022-11") for r in records)


@pytest.mark.parametrize("region", ["黔东南", "黔东南州", "黔东南苗族侗族自治州"])
def test_region_aliases(qdn, region: str) -> None:  # type: ignore[no-untyped-def]
    records = qdn("list", "--region", region).jsonl()
    assert len(records) == 17 and all(r["region"]["prefecture"] == "黔东南州" for r in records)


def test_other_filters(qdn) -> None:  # type: ignore[no-untyped-def]
    assert len(qdn("list", "--category", "政策解读").jsonl()) == 15
    assert [r["doc_type"] for r in qdn("list", "--doc-type", "报告").jsonl()] == ["报告"]
    assert [r["source"] for r in qdn("list", "--source", "投资促进局").jsonl()] == ["黔东南州投资促进局"]
    assert len(qdn("list", "--limit", "3").jsonl()) == 3
    assert qdn("list", "--region", "山东", "--since", "2022").exit_code == 1


def test_sort_by_date(qdn) -> None:  # type: ignore[no-untyped-def]
    hits = qdn("search", "招商", "--sort", "-date", "--limit", "100").jsonl()
    dated = [h["date"] for h in hits if h["date"]]
    assert dated == sorted(dated, reverse=True)
    by_relevance = {h["id"]: h["score"] for h in qdn("search", "招商", "--limit", "100").jsonl()}
    assert {h["id"]: h["score"] for h in hits} == by_relevance  # the same scores, in date order


def test_formats(qdn) -> None:  # type: ignore[no-untyped-def]
    csv_out = qdn("list", "--format", "csv").stdout
    assert csv_out.startswith("\ufeffid,date,title")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(csv_out.lstrip("\ufeff"))))
    assert len(rows) == 19 and rows[0]["province"] == "贵州省"
    table = qdn("search", "承诺兑现", "--format", "table", "--limit", "2").stdout
    assert "承诺" in table and "{" not in table


def test_show_by_prefix(qdn) -> None:  # type: ignore[no-untyped-def]
    record = all_records(qdn)[0]
    shown = qdn("show", record["id"][:8], "--format", "json").json()
    assert shown == [record]
    table = qdn("show", record["id"][:8], "--format", "table").stdout
    assert record["id"] in table


def test_nothing_found_exits_1(qdn) -> None:  # type: ignore[no-untyped-def]
    run = qdn("search", '"这段文字不在任何文件里"')
    assert run.exit_code == 1 and run.stdout == ""


ERRORS = [
    (["search", "(承诺"], "unbalanced parenthesis"),
    (["search", "承诺)"], "unbalanced parenthesis"),
    (["search", '"承诺'], "unbalanced quote"),
    (["search", "AND"], "needs a word"),
    (["search", "承诺 AND"], "ends with an operator"),
    (["search", "*"], "lone *"),
    (["search", ""], "empty query"),
    (["search", "承" * 10000], "query too long"),
    (["search", "foo:bar"], "unknown field"),
    (["search", "承诺", "--since", "2022-13"], "invalid date"),
    (["list", "--since", "yesterday"], "invalid date"),
    (["list", "--since", "2023", "--until", "2022"], "is after"),
    (["search", "承诺", "--limit", "-1"], "--limit"),
    (["list", "--format", "xml"], "unknown format"),
    (["list", "--sort", "size"], "unknown sort"),
    (["show", "zz"], "not a record id"),
    (["search", "date:2022-99"], "invalid date"),
    (["search", "承诺", "--source", " "], "nothing to search for in ' '"),
    (["list", "--issuer", "\u3000"], r"nothing to search for in '\u3000'"),  # shown escaped
    (["parse", "/no/such/file.txt"], "no such file"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS)
def test_errors_are_one_line_with_exit_2(qdn, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    run: Run = qdn(*args)
    assert run.exit_code == 2
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert run.stdout == ""


def test_ambiguous_id_prefix_is_an_error(qdn) -> None:  # type: ignore[no-untyped-def]
    ids = [r["id"] for r in all_records(qdn)]
    prefix = next(c for c in "0123456789abcdef" if sum(i.startswith(c) for i in ids) > 1)
    run = qdn("show", prefix)
    assert run.exit_code == 2 and "matches" in run.stderr


def test_unknown_id_exits_1(qdn) -> None:  # type: ignore[no-untyped-def]
    qdn("index")
    assert qdn("show", "ffffffffffffffff").exit_code == 1


def test_untrusted_text_is_shown_literally(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    text = "恶意标题[bold]粗体[/]\n\n正文含有[link=http://x]链接[/link]和\x1b[31m红色\x1b[0m以及\x07响铃。招商引资。"
    (data_dir / "raw" / "evil.txt").write_text(text, "utf-8")
    table = qdn("search", "招商引资", "--format", "table", "--limit", "50").stdout
    assert "\x1b" not in table and "\x07" not in table
    assert "[bold]" in table
    hits = [h for h in qdn("search", "红色").jsonl() if h["file"] == "raw/evil.txt"]
    assert "\x1b[31m红色" in hits[0]["body"], "JSON keeps the original text exactly"
    shown = qdn("show", hits[0]["id"], "--format", "table").stdout
    assert "\x1b" not in shown and "[link=http://x]" in shown


def test_parse_command(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run = qdn("parse", str(data_dir / "raw"))
    records = run.jsonl()
    assert run.exit_code == 0 and len(records) == 19
    assert records[0]["file"] == "raw/000_79ec2d9e8d54e8d5.txt"
    listed = {r["id"] for r in all_records(qdn)}
    assert {r["id"] for r in records} == listed, "parse and the index give the same ids"
    one = qdn("parse", str(data_dir / "raw" / "001_412e36e966f0b5c0.txt"), "--format", "json").json()
    assert one[0]["title"] == "黔东南州投资促进工作2021年半年工作总结"


def test_every_command_has_help_with_an_example(qdn) -> None:  # type: ignore[no-untyped-def]
    for command in ([], ["parse"], ["index"], ["search"], ["list"], ["show"], ["schema"]):
        run = qdn(*command, "--help")
        assert run.exit_code == 0 and "Example" in run.stdout, command


def test_schema_lists_the_fields(qdn) -> None:  # type: ignore[no-untyped-def]
    schema = json.loads(qdn("schema").stdout)
    assert {"id", "title", "date", "region", "body", "outline", "file", "offset", "score", "snippets"} <= set(schema["properties"])


@pytest.mark.parametrize("query", ["承诺兑现", "营商环境 招商引资", '"商环境"', "title:招商 OR 2011-2020年", "招商* -疫情"])
def test_the_qdn_command_answers_as_the_library_does(qdn, data_dir: Path, query: str) -> None:  # type: ignore[no-untyped-def]
    """`qdn` itself (its entry point forks the tokeniser helper) gives what the in-process CLI gives."""
    import os
    import subprocess
    import sys

    expected = qdn("search", query, "--limit", "50")
    env = {**os.environ, "QDN_DATA_DIR": str(data_dir)}
    run = subprocess.run([sys.executable, "-m", "qdn_corpus", "search", query, "--limit", "50", "--format", "jsonl"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == expected.exit_code
    assert run.stdout == expected.stdout


def _unpacked(packed: tuple[Any, Any]) -> list[bytes]:
    """pack's bytes cut into its lists, as fulltext.py reads them."""
    data, sizes = packed
    ends = [int(e) for e in np.cumsum(sizes)]
    return [data[start:end].tobytes() for start, end in zip([0, *ends][:-1], ends, strict=True)]


def test_posting_lists_survive_packing() -> None:
    """Lists of every width (a byte, two, four) and at the widths' edges come back as written,
    side by side (a list's width is its own, whatever its neighbours')."""
    from qdn_corpus.store.postings import _gram_postings, decode, numbers, pack

    lists = [[0], [5], [0, 1, 2, 3], list(range(0, 100_000, 7)), [3, 70_000, 4_000_000_000], [255], [256], [0, 65535],
             [0, 65536], [4_294_967_295], list(range(300))]
    gaps = [np.diff(np.array(docs, dtype=np.int64), prepend=0).astype(np.uint32) for docs in lists]
    starts = np.cumsum([0, *(len(g) for g in gaps[:-1])]).astype(np.int64)
    assert [list(itertools.accumulate(numbers(p))) for p in _unpacked(pack(np.concatenate(gaps), starts))] == lists
    assert [list(decode(p)) for p in _unpacked(pack(np.concatenate(gaps), starts))] == lists
    assert [numbers(p, "H").typecode for p in _unpacked(pack(np.array([1, 300], dtype=np.uint32), np.array([0, 1])))] == ["H", "H"]
    assert _unpacked(pack(np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64))) == []
    # bigram postings: each code's documents, ascending, whatever order the pairs came in
    grams = [np.array([(7 << 22) | 0, (9 << 22) | 0], dtype=np.uint64), np.array([(7 << 22) | 1], dtype=np.uint64),
             np.array([(2 << 22) | 2, (7 << 22) | 2, (9 << 22) | 2], dtype=np.uint64)]
    assert list(_gram_postings([])[0]) == [] and _unpacked(_gram_postings([np.zeros(0, dtype=np.uint64)])[1]) == []
    keys, packed = _gram_postings(grams)
    assert list(keys) == [2, 7, 9] and [list(decode(p)) for p in _unpacked(packed)] == [[2], [0, 1, 2], [0, 2]]


def test_bigram_postings_equal_a_plain_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Postings made in ranges and joined in slices of 5 (as a big segment's are, in slices of
    a million) equal each bigram's documents counted one by one."""
    import random

    from qdn_corpus.store import fulltext, postings
    from qdn_corpus.text.tokens import END

    monkeypatch.setattr(postings, "_JOIN", 5)
    rng = random.Random(3)
    alphabet = "aZ一丁中乐人们国家发展我"  # first characters in several of postings._FIRST's ranges
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(60)]
    grams = postings.Grams()
    for doc, text in enumerate(texts):
        import numpy as np

        points = np.frombuffer((text + END).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        grams.add((np.unique((points[:-1] << 21) | points[1:]) << 22) | doc)
    codes: list[Any] = []
    got = [list(postings.decode(p)) for packed in grams.postings(codes) for p in _unpacked(packed)]
    want: dict[int, list[int]] = {}
    for doc, text in enumerate(texts):
        t = text + END
        for gram in sorted({t[i : i + 2] for i in range(len(t) - 1)}):
            want.setdefault(fulltext._code(gram), []).append(doc)
    assert [int(c) for cs in codes for c in cs] == sorted(want) and got == [want[c] for c in sorted(want)]


def test_every_command_maps_errors_in_the_one_place() -> None:
    """Each command is wrapped by cli._errors, which turns a QdnError into its exit status."""
    from qdn_corpus.cli import app

    for command in app.registered_commands:
        assert getattr(command.callback, "__wrapped__", None) is not None, command.name


def test_show_of_an_unknown_id_exits_1_like_a_search_that_finds_nothing(qdn) -> None:  # type: ignore[no-untyped-def]
    run = qdn("show", "ffffffff")
    assert run.exit_code == 1 and run.stdout == ""
    assert run.stderr.splitlines()[-1].startswith("qdn: error: no record with an id starting 'ffffffff'")


USAGE_ERRORS = [
    (["lst"], "No such command 'lst'. Did you mean 'list'? (see qdn --help)"),
    (["search"], "Missing argument 'query'. (see qdn search --help)"),
    (["list", "--limit", "x"], "Invalid value for '--limit'"),
    (["search", "承诺", "--limt", "3"], "No such option: --limt"),
    (["search", "-疫情"], "-疫情 is read as an option: put -- after the options, before the query (qdn search -- -疫情)"),
    (["trend", "营商环境", "-疫情"], "(qdn trend -- -疫情)"),
]


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS)
def test_a_mistyped_command_line_gets_one_line_too(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    """What click finds wrong (through the real entry point, not the test runner) is one line
    like qdn's own errors, not a box, and exits 2."""
    from qdn_corpus.cli import main

    monkeypatch.setenv("QDN_DATA_DIR", str(data_dir))
    monkeypatch.setattr("sys.argv", ["qdn", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    assert exit_.value.code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("qdn: error: ") and message in err, err


def test_the_entry_point_passes_on_exit_statuses(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from qdn_corpus.cli import main

    monkeypatch.setenv("QDN_DATA_DIR", str(data_dir))
    for args, code in ((["search", "承诺兑现", "--format", "jsonl"], 0), (["search", "青蛙跳水"], 1),
                       (["show", "ffffffff"], 1), (["--help"], 0)):
        monkeypatch.setattr("sys.argv", ["qdn", "-q", *args])
        with pytest.raises(SystemExit) as exit_:
            main()
        assert exit_.value.code == code, args
        out, _err = capsys.readouterr()
        assert (out != "") == (code == 0), args


def test_within_shows_the_passages_under_the_heading_however_many_come_before(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    body = "一、工作成效\n" + "营商环境持续改善。" * 250 + "\n二、存在问题\n营商环境仍有差距，审批时限偏长。\n"
    (data_dir / "raw" / "long.txt").write_text("某县优化营商环境工作总结\n\n" + body, "utf-8")
    [hit] = [h for h in qdn("search", "营商环境", "--within", "存在问题", "--limit", "50").jsonl() if h["file"] == "raw/long.txt"]
    assert [s["section"] for s in hit["snippets"]] == [["二、存在问题"]]
    [snippet] = hit["snippets"]
    assert [snippet["text"][a:b] for a, b in snippet["highlights"]] == ["营商环境"]
    assert "审批时限" in snippet["text"]


def test_a_match_ending_where_a_heading_starts_is_not_under_that_heading(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    # 二、 follows the sentence inline: the first 落到实处。 ends at its offset, the second lies under it.
    body = "一、工作成效\n各项工作落到实处。二、存在问题：有的工作没有落到实处。\n三、下步打算\n继续推进。\n"
    (data_dir / "raw").joinpath("x.txt").write_text("某县工作总结\n\n" + body, "utf-8")
    query = ('"落到实处。"', "--within", "存在问题")
    [hit] = [h for h in qdn("search", *query).jsonl() if h["file"] == "raw/x.txt"]
    [snippet] = hit["snippets"]
    assert snippet["section"] == ["二、存在问题"]
    assert [snippet["text"][a:b] for a, b in snippet["highlights"]] == ["落到实处。"]
    trend = qdn("trend", *query, "--by", "year", "--all-copies", "--format", "jsonl").jsonl()
    assert sum(r["mentions"] for r in trend if r["bucket"] is None) == 1


STEP_DOC = ("黔东南州营商环境承诺兑现专项督查情况通报\n\n2023年3月10日\n\n"
            "一、基本情况\n营商环境承诺兑现率达到95%，兑现资金1.2亿元。\n二、存在问题\n部分承诺兑现不及时。\n")


def _answers(qdn) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What a user gets from the corpus, in a form that does not depend on index order."""
    def by_id(rows: list[dict]) -> dict[str, dict]:
        return {r["id"]: {k: (round(v, 3) if k == "score" else v) for k, v in r.items()} for r in rows}

    listed = qdn("list", "--format", "jsonl").jsonl()
    return {
        "list": by_id(listed), "all": by_id(qdn("list", "--all-copies", "--format", "jsonl").jsonl()),
        "search": by_id(qdn("search", "营商环境", "--limit", "100").jsonl()),
        "phrase": by_id(qdn("search", '"承诺兑现"', "--limit", "100", "--all-copies").jsonl()),
        "within": by_id(qdn("search", "承诺兑现", "--within", "存在问题", "--limit", "100").jsonl()),
        "trend": qdn("trend", "承诺兑现", "营商环境", "--by", "year", "--format", "json").json(),
        "every": qdn("trend", "的", "--by", "year", "--all-copies", "--format", "json").json(),  # each document
        "figures": qdn("figures", "承诺兑现", "--format", "json").json(),
        "show": {r["id"]: qdn("show", r["id"], "--format", "json").json() for r in listed},
    }


def test_an_index_updated_in_steps_answers_as_one_built_at_once(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Later segments (offsets past the first), deleted documents in an earlier one, and a copy
    group across segments: every command answers as after --rebuild."""
    raw = data_dir / "raw"
    qdn("index")
    (raw / "step.txt").write_text(STEP_DOC, "utf-8")
    seed = sorted(raw.glob("001_*.txt"))[0]
    # A copy of a record of the first segment, dated earlier: the group's canonical is in the second.
    text = seed.read_text("utf-8")
    assert "发布时间: 2021-07-03" in text
    (raw / "repost.txt").write_text(text.replace("发布时间: 2021-07-03", "发布时间: 2021-07-01"), "utf-8")
    for name in ("002_*.txt", "003_*.txt"):  # two replaced documents holding the query's words
        changed = sorted(raw.glob(name))[0]
        assert "营商环境" in changed.read_text("utf-8")
        changed.write_text(changed.read_text("utf-8") + "\n营商环境承诺兑现补充说明。\n", "utf-8")
    assert qdn("index").exit_code == 0
    stepwise = _answers(qdn)
    assert qdn("index", "--rebuild").exit_code == 0
    at_once = _answers(qdn)
    assert stepwise["all"] and any(r["file"] == "raw/step.txt" for r in stepwise["search"].values())  # type: ignore[attr-defined]
    [group] = [r for r in stepwise["list"].values() if r["copies"] == 2]  # type: ignore[attr-defined]
    assert group["file"] == "raw/repost.txt" and group["canonical"] == group["id"]
    for key in at_once:
        assert stepwise[key] == at_once[key], key


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_a_search_sorted_by_date_keeps_its_limit_and_scores_to_4_places(qdn, sort: str) -> None:  # type: ignore[no-untyped-def]
    every = qdn("search", "营商环境", "--sort", sort, "--limit", "100").jsonl()
    two = qdn("search", "营商环境", "--sort", sort, "--limit", "2").jsonl()
    assert len(every) > 2 and two == every[:2]
    assert all(h["score"] == round(h["score"], 4) and h["score"] > 0 for h in every)


def test_hits_of_equal_score_come_in_index_order_and_a_limit_cuts_them_there(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Five documents alike in all BM25 sees (one mention, the same length in words) tie: they
    come in the order they were indexed (file order), and --limit takes the first of them."""
    rng = random.Random(7)
    for name in "edcba":  # written in reverse, indexed in file order
        words = " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8)) for _ in range(40))
        (data_dir / "raw" / f"tie_{name}.txt").write_text(f"关于蓝莓的说明\n\n蓝莓。{words}\n", "utf-8")
    every = qdn("search", "蓝莓", "--limit", "10").jsonl()
    assert len(every) == 5 and len({h["score"] for h in every}) == 1
    assert [h["file"] for h in every] == [f"raw/tie_{n}.txt" for n in "abcde"]
    assert qdn("search", "蓝莓", "--limit", "2").jsonl() == every[:2]
