"""The analyses: regulation outlines, clause units and codes, codebooks, adoption, networks."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest

from qdn_corpus import Corpus
from qdn_corpus.read.fields import outline
from qdn_corpus.read.units import cut
from qdn_corpus.reports.codebook import example, parse
from qdn_corpus.text.normalize import fold

FIXTURES = Path(__file__).resolve().parent / "fixtures"

ANALYSES = FIXTURES / "analyses"


@pytest.fixture
def analyses_dir(tmp_path: Path) -> Path:
    raw = tmp_path / "analyses" / "raw"
    raw.mkdir(parents=True)
    for f in sorted(ANALYSES.iterdir()):
        shutil.copy2(f, raw / f.name)
    return tmp_path / "analyses"


def test_the_outline_knows_chapters_articles_and_attachments() -> None:
    text = (ANALYSES / "regulation.txt").read_text("utf-8")
    found = [(h.level, h.marker, h.text) for h in outline(text)]
    assert found[:6] == [
        (-3, "第一章", "总则"), (-1, "第一条", "为了持续优化营商环境，根据有关法律法规，结合本州实际，制定本条例"),
        (-1, "第二条", "本条例适用于本州行政区域内优化营商环境的相关工作"), (-3, "第二章", "市场环境"), (-2, "第一节", "市场准入"),
        (-1, "第三条", "各级人民政府应当落实承诺兑现制度，有下列情形之一的，应当及时处理"),
    ]
    assert (-5, "附件1", "承诺事项清单") in found
    # 附件： above a list of attachments starts none
    assert not any(m.startswith("附件") and lv != -5 for lv, m, _ in found)
    assert [m for lv, m, _ in found if lv == -5] == ["附件1"]


def test_clause_codes_of_seed_001(qdn: Any) -> None:
    rows = qdn("clauses", "--format", "jsonl").jsonl()
    seed = [r for r in rows if r["file"].endswith("001_412e36e966f0b5c0.txt")]
    short = seed[0]["id"][:8]
    assert [r["code"] for r in seed] == [f"{short}-{c}" for c in (
        "0", "1", "2-1", "2-2", "2-3", "2-4", "2-5", "3-1", "3-2-1", "3-2-2", "3-2-3", "3-2-4", "3-2-5")]
    last = seed[-1]
    assert last["path"] == ["三、存在问题及下步打算", "(二)下步工作措施", "5.进一步创优营商环境"]
    assert last["text"].startswith("5.进一步创优营商环境。")


def test_clause_codes_of_a_regulation(analyses_dir: Path) -> None:
    rows = Corpus(analyses_dir).clauses(all_copies=True)
    reg = [r for r in rows if r.file.endswith("regulation.txt")]
    codes = [r.code.split("-", 1)[1] for r in reg]
    assert codes == ["1-1", "1-2", "2-1-3", "2-1-3-1", "2-1-3-2", "2-1-4", "3-5", "3-5-2", "a1-1", "a1-2"]
    third = reg[codes.index("2-1-3")]
    assert third.path[:2] == ["第二章市场环境", "第一节市场准入"]
    assert third.text == "第三条　各级人民政府应当落实承诺兑现制度，有下列情形之一的，应当及时处理："
    assert reg[codes.index("a1-1")].path == ["附件1承诺事项清单", "一、项目用地承诺"]


def test_within_a_chapter_of_a_regulation(analyses_dir: Path) -> None:
    corpus = Corpus(analyses_dir)
    assert [h.file for h in corpus.search("容缺受理", within="第二章")] == ["raw/regulation.txt"]
    assert [c.code.split("-", 1)[1] for c in corpus.clauses("承诺", within="第一节")] == ["2-1-3", "2-1-3-1", "2-1-3-2"]


def test_units_tile_the_body(qdn: Any, data_dir: Path) -> None:
    """No text is lost: what no unit holds is blank or the heading lines left out as titles."""
    for record in Corpus(data_dir).records(all_copies=True):
        headings = [(h.level, h.offset, f"{h.marker}{h.text}") for h in record.outline]
        units = cut(record.body, headings)
        covered = [False] * len(record.body)
        for previous, u in zip([None, *units], units, strict=False):
            assert previous is None or previous.end <= u.start
            covered[u.start:u.end] = [True] * (u.end - u.start)
        left = "".join(ch for ch, c in zip(record.body, covered, strict=True) if not c and not ch.isspace())
        starts = [h[1] for h in headings] + [len(record.body)]
        titles = [record.body[a:b] for a, b in itertools.pairwise(starts) if not covered[a]]
        assert left == "".join("".join(t.split()) for t in titles), record.id
        assert all(len("".join(t.split())) <= 40 or "\n" in t for t in titles)


def test_a_clause_query_keeps_exactly_the_units_holding_its_words(data_dir: Path) -> None:
    corpus = Corpus(data_dir)
    every = corpus.clauses(all_copies=True)
    queries = (("承诺 督查", ["承诺", "督查"]), ("承诺兑现", ["承诺", "兑现"]), ('"承诺兑现"', ["承诺兑现"]), ("营商环境 -督查", None))
    for query, words in queries:
        found = {r.code for r in corpus.clauses(query, all_copies=True)}
        if words is None:
            expected = {r.code for r in every if "营商" in fold(r.text) and "环境" in fold(r.text) and "督查" not in fold(r.text)}
        else:
            expected = {r.code for r in every if all(w in fold(r.text) for w in words)}
        assert found == expected, query


BOOK = """name = "测试"
["环境型"]
"承诺" = '承诺兑现'
"营商" = ['营商环境', '"放管服"']
["需求型"]
"招商" = '招商引资 OR 招商推介'
"""


@pytest.mark.parametrize("by", ["year", "region", "issuer", "doc_type"])
def test_record_codes_count_what_search_counts(data_dir: Path, tmp_path: Path, by: str) -> None:
    book = tmp_path / "book.toml"
    book.write_text(BOOK, "utf-8")
    corpus = Corpus(data_dir)
    rows = corpus.code(book, unit="record", by=by)
    trends = corpus.trend(["承诺兑现", "(营商环境) OR (\"放管服\")", "招商引资 OR 招商推介"], by=by)
    for label, query in (("承诺", "承诺兑现"), ("营商", "(营商环境) OR (\"放管服\")"), ("招商", "招商引资 OR 招商推介")):
        mine = {r.bucket: r.units for r in rows if r.label == label and r.units}
        theirs = {r.bucket: r.records for r in trends.rows if r.query == query and r.records}
        assert mine == theirs, (label, by)
        assert sum(mine.values()) == corpus.search(query).total


def test_clause_codes_count_the_units_a_clause_query_keeps(data_dir: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.toml"
    book.write_text(BOOK, "utf-8")
    corpus = Corpus(data_dir)
    found = corpus.code(book, by="year")
    clauses = corpus.clauses("承诺兑现")
    per_year: dict[str | None, int] = {}
    for c in clauses:
        key = str(c.date.year) if c.date else None
        per_year[key] = per_year.get(key, 0) + 1
    assert {r.bucket: r.units for r in found if r.label == "承诺" and r.units} == per_year
    units = corpus.clauses()
    assert found.units == units.total
    uncoded = corpus.code(book, show="uncoded")
    assert found.coded + uncoded.total == units.total
    assert {r.total for r in found if r.bucket is None} <= {sum(1 for c in units if c.date is None)}


def test_units_view_marks_the_words_that_matched(data_dir: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.toml"
    book.write_text(BOOK, "utf-8")
    rows = Corpus(data_dir).code(book, show="units")
    assert rows and all(r.matches and all(m in fold(r.text) for m in r.matches) for r in rows)
    assert {r.label for r in rows} == {"承诺", "营商", "招商"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('["a"]\n"x" = "y"\n["b"]\n"x" = "z"\n', "book.toml:4: duplicate code 'x': [a] already has it (line 2)"),
        ('["a"]\n"x" = "y"\n"z" = "(open"\n', "book.toml:3: code 'z':"),
        ('foo = 1\n', "book.toml:1: unknown key 'foo'"),
        ('[供给型]\n"x" = "y"\n', "book.toml:1: not valid TOML: Invalid initial character for a key part; TOML wants a Chinese"
         " name in double quotes"),
        ('name = "n"\n["a"]\n"x" = "y"\n"y" = []\n', "book.toml:4: code 'y' of [a] must be a query in quotes or a list of them"),
        ('["a"]\n"x" = "y"\n"z" = {w = "v"}\n', "book.toml:3: code 'z' of [a] must be a query"),
        ('["a"]\n"x" = "y"\nname = 3\n', "book.toml:3: code 'name' of [a] must be a query"),
        ('name = 3\n["a"]\n"x" = "y"\n', "book.toml:1: name must be a text in quotes"),
        ('["a"]\n"x" = "y"\n\nfoo = 1\n', "book.toml:4: code 'foo' of [a] must be a query"),
        ('["a"]\n"x" = "y\n', "book.toml:2: not valid TOML"),
        ('["a"]\n"x" = ', "book.toml:2: not valid TOML: Invalid value"),  # at the end of the file
        ('["a"]\n"x" = "y"\n[name]\nz = "1"\n', "book.toml:3: name must be a text in quotes"),
        ('["a"]\n"x" = 3\n', "book.toml:2: code 'x' of [a] must be a query"),
        ('["a"]\n"x" = "date:2022-13"\n', "book.toml:2: code 'x':"),
        ("", "book.toml: no codes"),
    ],
)
def test_a_bad_codebook_is_one_line_naming_file_and_line(qdn: Any, tmp_path: Path, text: str, message: str) -> None:
    book = tmp_path / "book.toml"
    book.write_text(text, "utf-8")
    out = qdn("code", str(book))
    assert out.exit_code == 2
    assert out.stderr.startswith(f"qdn: error: {tmp_path}/{message}") and out.stderr.count("\n") == 1


def test_a_missing_codebook(qdn: Any, tmp_path: Path) -> None:
    out = qdn("code", str(tmp_path / "nope.toml"))
    assert out.exit_code == 2
    assert out.stderr == f"qdn: error: no codebook {tmp_path}/nope.toml: `qdn code --example > codebook.toml` writes one to start from\n"
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    assert qdn("code", str(tmp_path / "bin.toml")).stderr.startswith(f"qdn: error: cannot read codebook {tmp_path}/bin.toml:")


def test_the_example_codebook_parses_and_codes(qdn: Any, tmp_path: Path) -> None:
    book = parse(example(), "example.toml")
    assert book.name == "政策工具（营商环境·招商引资）" and book.file == "example.toml"
    assert [c.query for c in book.codes if c.label == "人才培养"] == ['(人才 OR 引才 OR 育才) OR ("技能培训" OR "职业培训")']
    assert len(book.codes) == 12 and {c.category for c in book.codes} == {"供给型", "环境型", "需求型"}
    out = qdn("code", "--example")
    assert out.exit_code == 0 and out.stdout == example()
    (tmp_path / "cb.toml").write_text(out.stdout, "utf-8")
    table = qdn("code", str(tmp_path / "cb.toml"), "--by", "year", "--format", "json").json()
    assert {r["label"] for r in table} == {c.label for c in book.codes} | {"*"}


def test_adoption_first_dates_are_lists_first_per_region(analyses_dir: Path) -> None:
    corpus = Corpus(analyses_dir)
    rows = corpus.adoption("承诺兑现", by="county", within="黔东南州")
    assert len(rows) == 16 and rows.total == 2
    listed = corpus.search("承诺兑现", sort="date", limit=None)
    firsts: dict[str, Any] = {}
    for hit in listed:
        if hit.region.county and hit.date:
            firsts.setdefault(hit.region.county, hit)
    adopted = [r for r in rows if r.adopted]
    assert [(r.region, r.first_date, r.first_id) for r in adopted] == [
        (name, h.date, h.id) for name, h in sorted(firsts.items(), key=lambda kv: kv[1].date)]
    kaili = adopted[0]
    assert (kaili.region, kaili.code, kaili.records, str(kaili.first_date)) == ("凯里市", "522601", 2, "2021-03-01")
    leishan = next(r for r in rows if r.region == "雷山县")
    assert (leishan.adopted, leishan.records, leishan.code) == (False, 0, "522634")


def test_adoption_checks_its_options(qdn: Any) -> None:
    assert qdn("adoption", "承诺兑现", "--within", "火星").stderr.startswith("qdn: error: unknown region '火星'")
    assert qdn("adoption", "承诺兑现", "--by", "county", "--within", "凯里市").exit_code == 2
    assert qdn("adoption", "承诺兑现", "--by", "city").exit_code == 2


def test_the_gazetteer_has_every_county_with_its_code() -> None:
    from qdn_corpus.read.parsing.regions import gazetteer, parse_region, region_from_names

    g = gazetteer()
    counties = [p for p in g.places if p.level == 3]
    assert len(counties) > 2800 and all(p.code and len(p.code) == 6 for p in g.places)
    assert g.resolve("昆山市").code == "320583"  # type: ignore[union-attr]
    assert g.resolve("朝阳区") is None or g.resolve("朝阳区").level != 3  # type: ignore[union-attr]
    assert parse_region("吉林省-长春市-朝阳区").county == "朝阳区"
    assert region_from_names("光明日报") is None  # a county's stem elsewhere is not a name


def test_network_degrees_of_joint_documents(analyses_dir: Path, tmp_path: Path) -> None:
    net = Corpus(analyses_dir).network()
    nodes = {n.node: n for n in net.nodes}
    assert (nodes["凯里市财政局"].documents, nodes["凯里市财政局"].degree, nodes["凯里市财政局"].partners) == (3, 4, 4)
    assert "雷山县人民政府" not in nodes  # issued alone: no edge
    assert {(e.source, e.target, e.weight) for e in net.edges} == {
        ("凯里市人民政府", "凯里市财政局", 1), ("凯里市投资促进局", "凯里市财政局", 1), ("凯里市财政局", "榕江县人民政府", 1),
        ("凯里市财政局", "榕江县财政局", 1), ("榕江县人民政府", "榕江县财政局", 1)}
    assert Corpus(analyses_dir).network(min=2).edges == []
    net.write_graphml(tmp_path / "g.graphml")
    assert "凯里市财政局" in (tmp_path / "g.graphml").read_text("utf-8")


def test_a_unit_on_a_terminal_shows_its_first_match_marked() -> None:
    from qdn_corpus.cli.render_analyses import marked

    text = "甲" * 200 + "承诺兑现" + "乙" * 200
    shown = marked(text, ["承诺兑现"])
    assert "承诺兑现" in shown.plain and shown.plain.startswith("…") and len(shown.plain) <= 90
    start = shown.plain.index("承诺兑现")
    assert [(s.start, s.end, str(s.style)) for s in shown.spans] == [(start, start + 4, "bold yellow")]
    # a match near the start: the text from its start
    assert marked("承诺兑现" + "甲" * 200, ["承诺兑现"]).plain.startswith("承诺兑现")


def test_a_municipality_adopts_as_a_prefecture(analyses_dir: Path) -> None:
    (analyses_dir / "raw" / "beijing.txt").write_text(
        "北京市朝阳区人民政府关于推行承诺兑现的通知\n\n一、推行承诺兑现。\n\n北京市朝阳区人民政府\n2020年6月1日\n", "utf-8")
    rows = {r.region: r for r in Corpus(analyses_dir).adoption("承诺兑现", by="prefecture")}
    assert (rows["北京市"].code, str(rows["北京市"].first_date), rows["北京市"].records) == ("110000", "2020-06-01", 1)
    assert rows["黔东南州"].records == 4  # three county notices and the regulation (undated)
    assert str(rows["黔东南州"].first_date) == "2021-03-01"


CODES = {
    "words": "承诺兑现", "phrase": '"营商环境" 招商', "not": "营商环境 -督查", "body": "body:兑现率", "title": "title:总结 招商",
    "prefix": "招商*", "nested": "(承诺 OR 督查) 企业", "only-not": "-招商", "or": "容缺受理 OR 首违不罚 OR 税收优惠",
    "across": '"落实税收优惠。 二、"',  # a text running over a unit's end is in no unit
    "unit-start": '"（一）招商引资"', "unit-end": '"营商环境各项指标。"', "prefix-inside": "-(招商* 企业)",
}


def test_codes_decide_each_unit_as_a_clause_query_does(data_dir: Path, tmp_path: Path) -> None:
    """qdn code decides all units at once (search/unitscan.py), qdn clauses one by one
    (search/units.py): the same units for every kind of query, over several index segments."""
    book = tmp_path / "book.toml"
    book.write_text('["c"]\n' + "".join(f'"{k}" = \'{q}\'\n' for k, q in CODES.items()), "utf-8")
    corpus = Corpus(data_dir)
    corpus.open()
    for f in sorted(ANALYSES.iterdir()):  # a second segment, written by an update
        shutil.copy2(f, data_dir / "raw" / f.name)
    corpus.refresh()
    units = corpus.code(book, show="units")
    assert len({u.file for u in units}) > 5
    for label, query in CODES.items():
        expected = {c.code for c in corpus.clauses(query)}
        assert {u.code for u in units if u.label == label} == expected, label
        assert bool(expected) == (label != "across"), label
    fields_only = tmp_path / "fields.toml"  # nothing to scan the bodies for
    fields_only.write_text('["c"]\n"t" = \'title:总结\'\n', "utf-8")
    assert {u.code for u in corpus.code(fields_only, show="units")} == {c.code for c in corpus.clauses("title:总结")} != set()
    table = corpus.code(book, show="table")
    counts = {k: len({c.code for c in corpus.clauses(q)}) for k, q in CODES.items()}
    assert {r.label: r.units for r in table if r.bucket is None} == {**counts, "*": table.coded}


def test_coding_nothing(qdn: Any, tmp_path: Path) -> None:
    book = tmp_path / "book.toml"
    book.write_text(BOOK, "utf-8")
    out = qdn("code", str(book), "--since", "2030", "--format", "json")
    assert (out.exit_code, out.json()) == (1, [])
    assert "0 of 0 clause unit(s) coded" in out.stderr


def test_unit_codes_number_paragraphs_attachments_and_repeats() -> None:
    body = "前言一段。\n一、甲\n（一）子项一。\n（二）子项二。\n一、重复编号。\n（一）又一。\n附件\n清单标题\n1.第一项。\n2.第二项。"
    headings = [(h.level, h.offset, h.marker + h.text) for h in outline(body)]
    units = cut(body, headings)
    assert [(u.code, body[u.start:u.end].strip()) for u in units] == [
        ("0", "前言一段。"), ("1-1", "（一）子项一。"), ("1-2", "（二）子项二。"), ("1", "一、重复编号。"),
        ("1-1.2", "（一）又一。"), ("a-1", "1.第一项。"), ("a-2", "2.第二项。"),
    ]
    assert units[4].path == ["一、重复编号", "（一）又一"]
    assert [u.code for u in cut(body, headings, numbered=False)] == ["0"] + [""] * 6  # spans only
    assert [(u.code, u.start, u.end) for u in cut("甲。\n\n乙。\n 丙。", [])] == [("p1", 0, 2), ("p2", 4, 6), ("p3", 7, 10)]


def test_the_citation_network(analyses_dir: Path, qdn: Any) -> None:
    corpus = Corpus(analyses_dir)
    net = corpus.network(kind="cites")
    records = {r.file: r for r in corpus.records()}
    citing, cited = records["raw/leishan_2023.txt"], records["raw/regulation.txt"]
    assert [(e.source, e.target, e.weight, str(e.first)) for e in net.edges] == [(citing.id, cited.id, 1, "2023-02-01")]
    nodes = {n.node: n for n in net.nodes}
    assert nodes[cited.id].label == "黔东南州优化营商环境条例" and nodes[cited.id].degree == 1
    assert net.graph.is_directed()
    out = qdn("--data-dir", str(analyses_dir), "network", "--kind", "cites", "--show", "nodes", "--format", "csv")
    assert out.exit_code == 0 and out.stdout.splitlines()[0] == "\ufeffnode,label,documents,partners,degree,weighted_degree,betweenness"


def test_a_region_with_undated_records_only_adopted_on_no_known_date(analyses_dir: Path) -> None:
    [row] = Corpus(analyses_dir).adoption("本条例", by="prefecture")  # only the (undated) regulation
    assert (row.region, row.adopted, row.records, row.first_date, row.first_id) == ("黔东南州", True, 1, None, None)
