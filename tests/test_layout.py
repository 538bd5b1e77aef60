"""Layout rules at their edges: wrapped titles, title repeats, notes under the title, headings."""

from __future__ import annotations

import datetime as dt

import pytest

from qdn_corpus.models import Hints, Region
from qdn_corpus.read.fields import doc_type, outline
from qdn_corpus.read.parsing import parse_text, record_id


def one(text: str, title: str | None = None) -> tuple[str | None, str]:
    hints = Hints(title=title) if title else None
    [record] = parse_text(text, "raw/x.txt", hints=hints).records
    return record.title, record.body


@pytest.mark.parametrize(
    ("text", "title", "body"),
    [
        # wrapped over four lines: one title; the note under it belongs to it, after a 文号 too
        ("关于进一步\n优化营商环境\n更好服务市场主体的\n通知\n正文内容。",
         "关于进一步优化营商环境更好服务市场主体的通知", "正文内容。"),
        ("黔府发〔2022〕5号\n关于印发营商环境实施方案的通知\n（征求意见稿）\n各县市人民政府：\n现将方案印发给你们。",
         "关于印发营商环境实施方案的通知（征求意见稿）", "现将方案印发给你们。"),
        # wrapped inside the document type (PDF lines break anywhere)
        ("关于印发黔东南州招商引资办法的通\n知\n各县市人民政府：\n现将办法印发给你们。",
         "关于印发黔东南州招商引资办法的通知", "现将办法印发给你们。"),
        # a document that is only its wrapped title
        ("关于印发黔东南州招商引资办法的\n通知", "关于印发黔东南州招商引资办法的通知", ""),
        # at most four lines join: a fifth is body
        ("关于进一步\n优化营商环境\n更好服务市场主体\n若干措施的\n通知\n正文内容。",
         "关于进一步", "优化营商环境\n更好服务市场主体\n若干措施的\n通知\n正文内容。"),
        # an outline heading never joins a title, even when it would end it
        ("关于做好招商引资工作\n一、总体要求的通知\n正文。", "关于做好招商引资工作", "一、总体要求的通知\n正文。"),
    ],
)
def test_titles_wrapped_over_lines(text: str, title: str, body: str) -> None:
    assert one(text) == (title, body)


def test_a_page_title_repeated_in_the_text_is_not_body() -> None:
    title = "关于印发黔东南州营商环境实施方案的通知"
    # repeated wrapped over two lines, with spaces inside: consumed
    assert one("关于印发黔东南州 营商环境\n实施方案的通知\n正文。", title) == (title, "正文。")
    # a line that only begins like the title is text, also at the end of the document
    assert one("正文。\n关于印发", title) == (title, "正文。\n关于印发")
    assert one("关于印发", title) == (title, "关于印发")
    assert one("关于印发其他事项的通知\n正文。", title) == (title, "关于印发其他事项的通知\n正文。")


@pytest.mark.parametrize(("length", "kept"), [(59, 59), (60, 60), (79, 79), (80, 60), (200, 60)])
def test_a_heading_is_its_text_to_the_first_stop_within_80_characters_else_60(length: int, kept: int) -> None:
    [heading] = outline("一、" + "甲" * length + "。正文")
    assert heading.text == "甲" * kept


STREAM = ("前言一段。\n2022.11.05:政策解读:贵州省-黔东南:正文一。\n"
          "2022.11.06:工作动态:贵州省-黔东南:\n2022.11.07:工作动态:贵州省-黔东南:正文三。")


def test_a_stream_with_a_preamble_and_an_empty_record() -> None:
    where = Hints(url="https://www.qdn.gov.cn/a/b.html", site="黔东南州人民政府")
    result = parse_text(STREAM, "raw/s.txt", hints=where)
    assert result.layout == "stream"  # what `qdn -v index` prints for the file
    assert [r.body for r in result.records] == ["前言一段。", "正文一。", "", "正文三。"]
    # ids are stable by file and position; offsets point at each record's start
    assert [r.id for r in result.records] == [record_id("raw/s.txt", i) for i in range(4)]
    assert [r.offset for r in result.records] == [0, 6, 35, 60]
    # the file's URL and site hold for every record, the preamble too
    assert {(r.url, r.site) for r in result.records} == {(where.url, where.site)}
    # the empty record is kept and said, at its header
    assert [(p.offset, p.message) for p in result.problems] == [(35, "stream record has no body text")]
    # without a site name, the URL's host stands for it
    plain = parse_text(STREAM, "raw/s.txt", hints=Hints(url=where.url))
    assert {r.site for r in plain.records} == {"www.qdn.gov.cn"}
    assert parse_text("正文。", "raw/a.txt").layout == "document"


def test_an_impossible_stream_date_is_null_with_no_source() -> None:
    result = parse_text("2022.02.30:政策解读:贵州省-黔东南:正文。", "raw/s.txt")
    [record] = result.records
    assert (record.date, record.date_source, record.body) == (None, None, "正文。")
    assert [p.message for p in result.problems] == ["impossible date 2022-02-30; kept the record with date null"]


def _record(text: str):
    [record] = parse_text(text, "raw/x.txt").records
    return record


def test_the_header_issuer_wins_over_the_signature() -> None:
    record = _record("发文机关：黔东南州人民政府办公室\n关于印发方案的通知\n正文。\n贵州省人民政府\n2022年7月4日")
    assert (record.issuer, record.date, record.date_source, record.body) == (
        "黔东南州人民政府办公室", dt.date(2022, 7, 4), "signature", "正文。")


def test_a_date_under_the_title_is_the_header_date_unless_it_ends_the_text() -> None:
    record = _record("关于印发方案的通知\n2022年7月4日\n正文。")
    assert (record.date, record.date_source, record.body) == (dt.date(2022, 7, 4), "header", "正文。")
    record = _record("关于印发方案的通知\n2022年7月4日")
    assert (record.date, record.date_source, record.body) == (dt.date(2022, 7, 4), "text", "2022年7月4日")


def test_a_document_starts_at_its_first_character() -> None:
    text = "\n\n  关于印发方案的通知\n  正文。"
    record = _record(text)
    assert record.offset == 4 and text[record.offset :].startswith("关于")
    assert _record("\n \n\t 正文一行。").offset == 5


@pytest.mark.parametrize(
    ("first", "is_title"),
    [
        ("甲" * 120, True),  # up to 120 characters
        ("甲" * 121, False),
        ("落实承诺兑现。”", False),  # a sentence, also with a closing quote after its 。
        ("落实。承诺兑现", False),
        ("一、总体要求", False),  # an outline heading
        ("关于印发方案的通知", True),
        ("通知", True),  # two characters are enough
    ],
)
def test_what_a_first_line_must_be_to_be_a_title(first: str, is_title: bool) -> None:
    record = _record(first + "\n正文。")
    assert (record.title, record.body) == ((first, "正文。") if is_title else (None, first + "\n正文。"))


def test_lines_above_the_title() -> None:
    record = _record("黔东南州人民政府文件\n黔东府发〔2022〕5号\n2022年7月4日\n附件2\n关于印发方案的通知\n正文。")
    assert (record.title, record.doc_number, record.date, record.date_source, record.body) == (
        "关于印发方案的通知", "黔东府发〔2022〕5号", dt.date(2022, 7, 4), "header", "正文。")
    assert record.meta["版头"] == "黔东南州人民政府文件" and record.meta["附件"] == "附件2"
    assert record.meta["日期"] == "2022年7月4日"
    # with just one line after them, they are still what they are
    record = _record("黔东南州人民政府文件\n关于印发方案的通知")
    assert (record.meta.get("版头"), record.title) == ("黔东南州人民政府文件", "关于印发方案的通知")
    record = _record("附件2\n关于印发方案的通知")
    assert (record.meta.get("附件"), record.title) == ("附件2", "关于印发方案的通知")


@pytest.mark.parametrize("text", ["黔东南州人民政府文件", "附件2", "通知"])
def test_a_one_line_document_is_its_body(text: str) -> None:
    record = _record(text)
    assert (record.title, record.body, record.meta) == (None, text, {})


def test_a_page_title_takes_no_other_line_for_the_title() -> None:
    hints = Hints(title="关于印发方案的通知")
    [record] = parse_text("招商引资工作动态\n正文。", "raw/x.txt", hints=hints).records
    assert (record.title, record.body) == ("关于印发方案的通知", "招商引资工作动态\n正文。")


def test_an_addressee_needs_text_after_it() -> None:
    record = _record("关于印发方案的通知\n各县市人民政府：\n正文。")
    assert (record.addressee, record.body) == ("各县市人民政府", "正文。")
    record = _record("关于印发方案的通知\n各县市人民政府：")
    assert (record.addressee, record.body) == (None, "各县市人民政府：")


def test_a_page_with_a_title_and_no_text_is_still_a_record() -> None:
    result = parse_text("  \n", "raw/p.html", "html", Hints(title="关于印发方案的通知"))
    assert [(r.title, r.body) for r in result.records] == [("关于印发方案的通知", "")]


def test_a_text_document_without_body_is_said_at_its_start() -> None:
    result = parse_text("\n黔府发〔2022〕5号\n关于印发方案的通知", "raw/x.txt")
    assert [r.body for r in result.records] == [""]
    assert [(p.offset, p.message) for p in result.problems] == [(1, "document has no body text")]
    assert parse_text("\n黔府发〔2022〕5号\n关于印发方案的通知", "raw/x.html", "html").problems == []


def test_hints_and_the_text_together() -> None:
    # a hint's value wins; a hint without a value only fills a label the text does not have
    hints = Hints(meta={"来源": None, "关键词": None, "作者": "张三"}, date="2022-07-04")
    [record] = parse_text("来源：黔东南州投资促进局\n关于印发方案的通知\n正文。", "raw/x.html", "html", hints).records
    assert record.meta == {"来源": "黔东南州投资促进局", "关键词": None, "作者": "张三"}
    assert (record.date, record.date_source) == (dt.date(2022, 7, 4), "header")


KAILI = Region(province="贵州省", prefecture="黔东南州", county="凯里市")
QDN = Region(province="贵州省", prefecture="黔东南州")


@pytest.mark.parametrize(
    ("text", "site", "region"),
    [
        ("来源：凯里市投资促进局\n关于印发黔东南州方案的通知\n正文。", None, KAILI),  # the source first
        ("来源：本网\n发文机关：凯里市人民政府\n关于印发黔东南州方案的通知\n正文。", None, KAILI),  # then the issuer
        ("来源：本网\n发文机关：本局\n关于凯里市招商引资的通知\n正文。", "黔东南州人民政府网", KAILI),  # the title
        ("关于印发方案的通知\n正文。", "黔东南州人民政府网", QDN),  # then the site's name
    ],
)
def test_the_region_comes_from_the_first_name_that_names_a_place(text: str, site: str | None, region: Region) -> None:
    [record] = parse_text(text, "raw/x.html", "html", Hints(site=site)).records
    assert record.region == region


def test_a_signature_takes_up_to_three_lines_of_names_above_its_date() -> None:
    record = _record("关于印发方案的通知\n正文。\n州委\n州政府\n贵州省发展改革委\n黔东南州财政局\n2022年7月4日")
    assert record.issuers == ["州政府", "贵州省发展改革委", "黔东南州财政局"]
    assert (record.body, record.written_date) == ("正文。\n州委", dt.date(2022, 7, 4))
    # the body keeps at least one line
    record = _record("关于印发方案的通知\n黔东南州人民政府\n2022年7月4日")
    assert (record.issuers, record.body, record.date_source) == ([], "黔东南州人民政府", "signature")


@pytest.mark.parametrize(
    ("text", "layout"),
    [
        ("甲\n乙\n2022.11.05:政策解读:贵州省-黔东南:正文。", "stream"),  # a header at a line start
        ("前言\n甲2022.11.05:政策解读:贵州省-黔东南:正文。", "document"),  # only inside a line
        ("前言。2022.11.05:政策解读:贵州省-黔东南:正文。\n更多。", "document"),
    ],
)
def test_a_stream_needs_a_header_at_a_line_start(text: str, layout: str) -> None:
    assert parse_text(text, "raw/s.txt").layout == layout


def test_a_document_naming_its_own_number_cites_it_only_with_a_title() -> None:
    text = "黔府发〔2022〕5号\n关于印发方案的通知\n根据黔府发〔2022〕5号和黔府发〔2022〕6号，《关于印发方案的通知》（黔府发〔2022〕5号）。"
    record = _record(text)
    assert record.doc_number == "黔府发〔2022〕5号"
    assert [(c.title, c.doc_number) for c in record.citations] == [
        (None, "黔府发〔2022〕6号"), ("关于印发方案的通知", "黔府发〔2022〕5号")]


@pytest.mark.parametrize("label", ["有效性", "时效性"])
def test_validity_from_either_label(label: str) -> None:
    [record] = parse_text("关于印发方案的通知\n正文。", "raw/x.html", "html", Hints(meta={label: "有效"})).records
    assert record.validity == "有效"


@pytest.mark.parametrize(
    ("body", "headings"),
    [
        # indented line starts, a line with spaces inside, and one after a sentence
        ("　　一、总体要求\n甲 乙 丙，\n　　（一）工作目标\n正文。（二）保障措施。",
         [(1, "一、", "总体要求"), (2, "（一）", "工作目标"), (2, "（二）", "保障措施")]),
        ("正文。一、总体要求。（一）工作目标。", [(1, "一、", "总体要求"), (2, "（一）", "工作目标")]),
        # a heading both at a line start and after a sentence is one heading, and the next still counts
        ("正文。\n（一）工作目标。二、保障措施。", [(2, "（一）", "工作目标"), (1, "二、", "保障措施")]),
    ],
)
def test_outline_headings_and_where_they_are(body: str, headings: list[tuple[int, str, str]]) -> None:
    found = outline(body)
    assert [(h.level, h.marker, h.text) for h in found] == headings
    assert all(body[h.offset :].startswith(h.marker + h.text) for h in found)


def test_a_joint_letterhead_over_two_lines() -> None:
    record = _record("中共黔东南州委员会文件\n黔东南州人民政府文件\n关于印发方案的通知\n正文。\n黔东南州人民政府文件")
    assert (record.meta["版头"], record.title) == ("中共黔东南州委员会文件 黔东南州人民政府文件", "关于印发方案的通知")
    assert record.body == "正文。\n黔东南州人民政府文件"  # further down, such a line is text


def test_a_signature_has_at_most_three_lines_of_names() -> None:
    orgs = "黔东南州财政局\n黔东南州商务局\n黔东南州投资促进局\n黔东南州发展和改革委员会"
    record = _record(f"关于印发方案的通知\n正文。\n{orgs}\n2022年7月4日")
    assert record.issuers == ["黔东南州商务局", "黔东南州投资促进局", "黔东南州发展和改革委员会"]
    assert record.body == "正文。\n黔东南州财政局"


def test_joint_issuers_from_the_header_keep_two_character_names() -> None:
    assert _record("发文机关：州委 财政部\n关于印发方案的通知\n正文。").issuers == ["州委", "财政部"]


@pytest.mark.parametrize(
    ("title", "kind"),
    [("《关于印发方案的通知》", "通知"), ("黔东南州招商引资实施方案（试行）", "方案"), ("黔东南州招商引资工作", None)],
)
def test_the_document_type_at_the_end_of_a_title(title: str, kind: str | None) -> None:
    assert doc_type(title) == kind
