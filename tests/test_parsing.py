"""Parsing: golden records for the seeds, layout variants, and no-text-lost properties."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, SEEDS
from qdn_corpus.read.fields import doc_type, normalise_doc_number, outline
from qdn_corpus.read.parsing import ParseResult, parse_text
from qdn_corpus.read.parsing.regions import parse_region

GOLDEN = Path(__file__).parent / "golden" / "seeds.json"


def parse_seed(name: str) -> ParseResult:
    return parse_text((SEEDS / name).read_text("utf-8"), f"raw/{name}")


def accounted(text: str, result: ParseResult) -> None:
    """Every non-space character of the input is in a title, a body or recognised structure."""
    # Titles, header lines and signatures are in `consumed` as the lines they came from.
    pieces = [r.body for r in result.records] + result.consumed
    want = Counter(ch for ch in text if not ch.isspace())
    got = Counter(ch for piece in pieces for ch in piece if not ch.isspace())
    assert got == want


def test_golden_seed_records() -> None:
    records = [
        r.model_dump(mode="json")
        for seed in sorted(p.name for p in SEEDS.iterdir())
        for r in parse_seed(seed).records
    ]
    if os.environ.get("QDN_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", "utf-8")
    assert records == json.loads(GOLDEN.read_text("utf-8"))


def test_stream_seed_gives_15_dated_records_in_file_order() -> None:
    result = parse_seed("000_79ec2d9e8d54e8d5.txt")
    assert len(result.records) == 15
    dates = [str(r.date) for r in result.records]
    assert dates[0] == "2022-12-05" and dates[-1] == "2022-11-23"
    assert min(dates) == "2022-11-23" and max(dates) == "2022-12-05"
    assert {r.category for r in result.records} == {"政策解读"}
    assert {(r.region.province, r.region.prefecture) for r in result.records} == {("贵州省", "黔东南州")}
    for r in result.records:
        assert "政策解读:" not in r.body and "贵州省-黔东南:" not in r.body
    assert [r.offset for r in result.records] == sorted(r.offset for r in result.records)


@pytest.mark.parametrize(
    ("seed", "title", "date", "source", "region"),
    [
        ("001_412e36e966f0b5c0.txt", "黔东南州投资促进工作2021年半年工作总结", "2021-07-03", "黔东南州投资促进局", ("贵州省", "黔东南州")),
        (
            "002_599b142bf1e4d88c.txt", "黔东南州人民政府关于全州优化营商环境工作情况的报告", None,
            "黔东南州人民政府", ("贵州省", "黔东南州"),
        ),
        ("003_c38b28ae2b63eeac.txt", None, "2018-04-02", None, ("贵州省", None)),
        (
            "004_710e0533f7adc8fa.txt",
            "省委省政府印发《关于贯彻落实习近平总书记重要讲话精神统筹推进新冠肺炎疫情防控和经济社会发展工作的若干意见》",
            "2020-02-29", None, ("山东省", None),
        ),
    ],
)
def test_single_document_seeds(seed: str, title: str | None, date: str | None, source: str | None, region: tuple[str, str | None]) -> None:
    (record,) = parse_seed(seed).records
    assert record.title == title
    assert (str(record.date) if record.date else None) == date
    assert record.source == source
    assert (record.region.province, record.region.prefecture) == region


def test_seed_details() -> None:
    (r1,) = parse_seed("001_412e36e966f0b5c0.txt").records
    assert r1.meta == {"来源": "黔东南州投资促进局", "发布时间": "2021-07-03 15:59"}
    assert r1.issuer == "黔东南州投资促进局" and r1.doc_type == "总结"
    assert not r1.body.startswith("来源") and not r1.body.endswith("2021年7月2日")
    (r2,) = parse_seed("002_599b142bf1e4d88c.txt").records
    assert r2.addressee == "州人大常委会" and r2.doc_type == "报告"
    assert r2.body.startswith("根据《贵州省优化营商环境条例》")
    assert [h.marker for h in r2.outline[:3]] == ["一、", "(一)", "(二)"]
    (r4,) = parse_seed("004_710e0533f7adc8fa.txt").records
    assert r4.meta["来源"] is None and r4.meta["作者"] is None and r4.doc_type == "意见"
    assert r4.body.startswith("近日,省委、省政府印发"), "the wrapped title repeat is removed"


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.iterdir()))
def test_seeds_lose_no_text(seed: str) -> None:
    text = (SEEDS / seed).read_text("utf-8")
    accounted(text, parse_text(text, seed))


def test_ids_are_stable_and_distinct_across_files() -> None:
    text = (SEEDS / "003_c38b28ae2b63eeac.txt").read_text("utf-8")
    a, b = parse_text(text, "raw/a.txt"), parse_text(text, "raw/b.txt")
    assert a.records[0].id != b.records[0].id
    assert a.records[0].id == parse_text(text, "raw/a.txt").records[0].id


# ---- stream variants -----------------------------------------------------------------------

STREAM_VARIANTS = [
    ("2022-11-05：通知公告：贵州省-黔东南-凯里市：正文一。2022/11/06:政策解读:贵州省/黔东南州:正文二。",
     [("2022-11-05", "通知公告", ("贵州省", "黔东南州", "凯里市"), "正文一。"),
      ("2022-11-06", "政策解读", ("贵州省", "黔东南州", None), "正文二。")]),
    ("2022.11.05:政策解读:贵州省-黔东南:第一条\n2022.11.06:工作动态:贵州省-黔南:第二条\n",
     [("2022-11-05", "政策解读", ("贵州省", "黔东南州", None), "第一条"),
      ("2022-11-06", "工作动态", ("贵州省", "黔南州", None), "第二条")]),
    ("2022.13.45:政策解读:贵州省-黔东南:日期不对但正文要留下。2022.11.06:政策解读:贵州省-黔东南:第二条",
     [(None, "政策解读", ("贵州省", "黔东南州", None), "日期不对但正文要留下。"),
      ("2022-11-06", "政策解读", ("贵州省", "黔东南州", None), "第二条")]),
    ("２０２２．１１．０５:政策解读:贵州省-黔东南苗族侗族自治州:全角数字。",
     [("2022-11-05", "政策解读", ("贵州省", "黔东南州", None), "全角数字。")]),
    ("2022.11.05:政策解读:贵州省-黔东南:会上说2022年11月23日:开会:事项:继续。",
     [("2022-11-05", "政策解读", ("贵州省", "黔东南州", None), "会上说2022年11月23日:开会:事项:继续。")]),
    ("2022.11.05:政策解读:贵州省-黔东南:正文。2022.11.06:政策解读:贵州省-黔东南:",
     [("2022-11-05", "政策解读", ("贵州省", "黔东南州", None), "正文。"),
      ("2022-11-06", "政策解读", ("贵州省", "黔东南州", None), "")]),
]


@pytest.mark.parametrize(("text", "expected"), STREAM_VARIANTS)
def test_stream_variants(text: str, expected: list[tuple[str | None, str, tuple[str, str, str | None], str]]) -> None:
    result = parse_text(text, "raw/s.txt")
    got = [
        (str(r.date) if r.date else None, r.category, (r.region.province, r.region.prefecture, r.region.county), r.body)
        for r in result.records
    ]
    assert got == expected
    accounted(text, result)


def test_impossible_date_warns_with_offset() -> None:
    text = STREAM_VARIANTS[2][0]
    problems = parse_text(text, "raw/s.txt").problems
    assert any("impossible date" in p.message and p.offset == 0 for p in problems)


def test_stream_splits_large_input_linearly() -> None:
    one = "2022.11.05:政策解读:贵州省-黔东南:" + "招商引资承诺兑现。" * 40
    result = parse_text(one * 2000, "raw/big.txt")
    assert len(result.records) == 2000


# ---- document variants ---------------------------------------------------------------------


def test_fixture_documents_lose_no_text() -> None:
    for path in sorted(FIXTURES.glob("doc_*.txt")):
        text = path.read_text("utf-8")
        accounted(text, parse_text(text, path.name))


def test_govcn_metadata_block() -> None:
    text = (FIXTURES / "doc_govcn.txt").read_text("utf-8")
    (r,) = parse_text(text, "raw/g.txt").records
    assert r.title == "黔东南州人民政府办公室关于印发黔东南州优化营商环境十条措施的通知"
    assert r.doc_number == "黔东南府办发〔2023〕5号"
    assert r.issuer == "黔东南州人民政府办公室"
    assert str(r.date) == "2023-03-06" and r.date_source == "header"
    assert r.meta["索引号"] == "000014349/2023-00123"
    assert r.doc_type == "通知"
    assert (r.region.province, r.region.prefecture) == ("贵州省", "黔东南州")
    assert [h.level for h in r.outline] == [1, 2, 3, 4, 1]


def test_variant_header_labels() -> None:
    text = "凯里市关于开展招商引资工作的方案\n信息来源：凯里市投资促进局　发布日期：2022年3月5日\n\n正文第一段。\n"
    (r,) = parse_text(text, "raw/v.txt").records
    assert r.source == "凯里市投资促进局" and str(r.date) == "2022-03-05"
    assert (r.region.prefecture, r.region.county) == ("黔东南州", "凯里市")
    assert r.body == "正文第一段。" and r.doc_type == "方案"


def test_title_only_and_no_title() -> None:
    (r,) = parse_text("只有一行标题\n", "raw/t.txt").records
    assert (r.title, r.body) == (None, "只有一行标题"), "a lone line is kept as text, not made a title"
    (r,) = parse_text("这是一条没有标题的新闻。内容继续。\n第二段。", "raw/n.txt").records
    assert r.title is None and r.body.startswith("这是一条")


def test_region_is_never_assumed() -> None:
    (r,) = parse_text("会议纪要\n\n会议讨论了若干事项。", "raw/x.txt").records
    assert r.region.province is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("黔东南府办发[2023]5号", "黔东南府办发〔2023〕5号"), ("国发（2022）2号", "国发〔2022〕2号"),
     ("黔府发【2021】12号", "黔府发〔2021〕12号"), ("无文号", None)],
)
def test_doc_numbers(raw: str, expected: str | None) -> None:
    assert normalise_doc_number(raw) == expected


@pytest.mark.parametrize(
    ("title", "kind"),
    [("关于印发某某的通知", "通知"), ("某某实施意见", "意见"), ("关于某事的报告", "报告"), ("某某办法（试行）", "办法"),
     ("政策解读", "解读"), ("黔东南州概况", None), (None, None)],
)
def test_doc_types(title: str | None, kind: str | None) -> None:
    assert doc_type(title) == kind


def test_region_aliases() -> None:
    assert parse_region("贵州省-黔东南").prefecture == "黔东南州"
    assert parse_region("黔东南苗族侗族自治州").province == "贵州省"
    assert parse_region("贵州-黔东南-某新区").county == "某新区"


def test_outline_levels() -> None:
    body = "一、总体要求\n（一）目标\n1.第一项\n（1）细则\n二、措施"
    assert [(h.level, h.text) for h in outline(body)] == [(1, "总体要求"), (2, "目标"), (3, "第一项"), (4, "细则"), (1, "措施")]


# ---- properties ----------------------------------------------------------------------------

_pieces = st.sampled_from(
    ["2022.11.05:政策解读:贵州省-黔东南:", "2022.13.45:政策解读:贵州省-黔东南:", "2022-11-05：通知：贵州省：",
     "招商引资", "承诺兑现", "。", "\n", ":", "：", "-", "2022", "来源: ", "发布时间: 2021-07-03", "一、", "（一）",
     "标题", "州人大常委会:", "黔东南州投资促进局", "2021年7月2日", " ", "　", "\u00a0", "abc"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=30))
def test_parsing_never_raises_and_never_loses_text(parts: list[str]) -> None:
    text = "".join(parts).replace("\r", "\n")
    result = parse_text(text, "raw/h.txt")
    accounted(text, result)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=30))
def test_stream_parsing_is_stable_under_reparsing(parts: list[str]) -> None:
    text = "".join(parts).replace("\r", "\n")
    result = parse_text(text, "raw/h.txt")
    if result.layout != "stream":
        return
    rebuilt = "".join(
        f"{r.date.strftime('%Y.%m.%d') if r.date else '2022.01.01'}:{r.category}:"
        f"{'-'.join(p for p in (r.region.province, r.region.prefecture, r.region.county) if p)}:{r.body}\n"
        for r in result.records if r.category
    )
    again = parse_text(rebuilt, "raw/h.txt")
    assert [r.body for r in again.records] == [r.body for r in result.records if r.category]
