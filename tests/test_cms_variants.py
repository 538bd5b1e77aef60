"""信息公开 blocks and header lines as CMSs nobody listed write them: labels in brackets and in
any element, values split over cells or spans, a 文号 alone atop the article, a meta date the
page contradicts or that is the page's own generation stamp, invisible characters and escaped
markup in titles, and page furniture recognised by its shape. Fixtures are our own, one per
layout class (never one site's page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qdn_corpus.models import Record
from qdn_corpus.read.formats import extract
from qdn_corpus.read.parsing import ParseResult, parse_text

TITLE = "黔东南州人民政府办公室关于进一步做好招商引资承诺兑现工作的通知"
PARAGRAPHS = [
    "为进一步优化营商环境，切实做好招商引资承诺兑现工作，经州人民政府同意，现就有关事项通知如下。",
    "一、全面梳理承诺事项。各县（市）要对签约项目的承诺事项逐一梳理，建立台账，明确责任单位。",
    "二、加快兑现进度。对已到期未兑现的承诺，要在3个月内兑现到位；确有困难的，要与企业协商。",
]
ADDRESSEE = "各县（市）人民政府，州政府各部门："


def page(block: str = "", meta: str = "", title: str = TITLE, top: str = "", tail: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<html><head><meta charset='utf-8'>{meta}<title>{title}_黔东南州人民政府</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> &gt; <a href='/zwgk'>政务公开</a> &gt; <a href='/t'>通知公告</a></div>"
        f"{block}<h1>{title}</h1><div class='TRS_Editor'>{top}<p>{ADDRESSEE}</p>{body}{tail}</div>"
        "<div class='foot'>版权所有：黔东南州人民政府办公室 黔ICP备05001234号</div></body></html>"
    ).encode()


def parsed(data: bytes) -> tuple[Record, ParseResult]:
    ex = extract("p.html", data)
    result = parse_text(ex.text or "", "p.html", "html", ex.hints)
    assert len(result.records) == 1
    return result.records[0], result


def record(data: bytes) -> Record:
    return parsed(data)[0]


BLOCKS = {
    "brackets in spans, 文号 in three spans": (
        "<div class='xxgk'><ul><li><span>[索引号]</span><span>11522600/2023-00012</span></li>"
        "<li><span>[发文机构]</span><span>黔东南州人民政府办公室</span></li>"
        "<li><span>[联合发文单位]</span><span>黔东南州财政局</span></li>"
        "<li><span>[发文字号]</span><span>黔东南府办发</span><span>〔2023〕</span><span>12号</span></li>"
        "<li><span>[成文日期]</span><span>2023年03月10日</span></li><li><span>[发布日期]</span><span>2023-03-15</span></li></ul></div>"
    ),
    "labels in th, 文号 over three cells": (
        "<table class='xxgk'><tr><th>发文字号</th><td>黔东南府办发</td><td>〔2023〕</td><td>12号</td></tr>"
        "<tr><th>成文日期</th><td>2023-03-10</td><th>发布日期</th><td>2023-03-15</td></tr>"
        "<tr><th>发文机构</th><td>黔东南州人民政府办公室</td><th>联合发文单位</th><td>黔东南州财政局</td></tr></table>"
    ),
    "labels in b, em, strong, label without colons": (
        "<div class='xxgk'><p><b>发文字号</b>黔东南府办发〔2023〕12号</p><p><em>成文日期</em><em>2023-03-10</em></p>"
        "<p><strong>发文机构</strong><span>黔东南州人民政府办公室</span><strong>联合发文单位</strong><span>黔东南州财政局</span></p>"
        "<p><label>发布日期</label> 2023-03-15</p></div>"
    ),
    "lenticular brackets, several labels on a line": (
        "<div class='xxgk'><p>【发文字号】黔东南府办发〔2023〕12号　【成文日期】2023-03-10</p>"
        "<p>【发文机关】黔东南州人民政府办公室 【联合发文单位】黔东南州财政局</p><p>【发布时间】2023-03-15</p></div>"
    ),
    "dt and dd": (
        "<dl class='xxgk'><dt>发文字号</dt><dd>黔东南府办发〔2023〕12号</dd><dt>成文日期</dt><dd>2023-03-10</dd>"
        "<dt>发文机构</dt><dd>黔东南州人民政府办公室</dd><dt>联合发文单位：</dt><dd>黔东南州财政局</dd>"
        "<dt>发布日期</dt><dd>2023-03-15</dd></dl>"
    ),
    "label divs above value divs": (
        "<div class='xxgk'><div class='row'><div class='k'>发文字号：</div><div class='v'>黔东南府办发〔2023〕12号</div></div>"
        "<div class='row'><div class='k'>成文日期：</div><div class='v'>2023-03-10</div></div>"
        "<div class='row'><div class='k'>发文机构：</div><div class='v'>黔东南州人民政府办公室</div></div>"
        "<div class='row'><div class='k'>联合发文单位：</div><div class='v'>黔东南州财政局</div></div>"
        "<div class='row'><div class='k'>发布日期：</div><div class='v'>2023-03-15</div></div></div>"
    ),
}


@pytest.mark.parametrize("layout", list(BLOCKS))
def test_information_block_variants(layout: str) -> None:
    r = record(page(BLOCKS[layout]))
    assert r.doc_number == "黔东南府办发〔2023〕12号"
    assert (str(r.written_date), str(r.date), r.date_source) == ("2023-03-10", "2023-03-15", "header")
    assert r.issuers == ["黔东南州人民政府办公室", "黔东南州财政局"]  # issuer and joint issuer
    assert r.title == TITLE and r.addressee == ADDRESSEE[:-1]
    assert r.body == "\n".join(PARAGRAPHS)


@pytest.mark.parametrize("number", ["黔东南府发〔2023〕5号", "黔东南府发﹝2023﹞5号", "黔东南府发[2023]5号", "黔东南府发〔2023]5号"])
@pytest.mark.parametrize("with_meta_title", [True, False])
def test_a_number_alone_atop_the_article(number: str, with_meta_title: bool) -> None:
    meta = f"<meta name='ArticleTitle' content='{TITLE}'>" if with_meta_title else ""
    r = record(page(meta=meta, top=f"<p style='text-align:center'>{number}</p>"))
    assert r.doc_number == "黔东南府发〔2023〕5号"
    assert r.addressee == ADDRESSEE[:-1] and r.body == "\n".join(PARAGRAPHS)


def test_the_date_a_page_shows_wins_over_a_meta_date_that_disagrees() -> None:
    r, result = parsed(page(meta="<meta name='PubDate' content='2025-06-01 10:20:00'>",
                            block="<div class='info'>日期：2022-12-21　来源：州投资促进局</div>"))
    assert (str(r.date), r.date_source, r.source) == ("2022-12-21", "header", "州投资促进局")
    assert r.meta["meta_date"] == "2025-06-01 10:20:00"  # kept, not lost
    notes = [p for p in result.problems if p.kind == "note"]
    assert len(notes) == 1 and "PubDate 2025-06-01" in notes[0].message and "took 2022-12-21" in notes[0].message


def test_a_meta_date_the_page_agrees_with_is_taken_quietly() -> None:
    r, result = parsed(page(meta="<meta name='PubDate' content='2022-12-21 10:20'>",
                            block="<div class='info'>发布时间：2022-12-21</div>"))
    assert (str(r.date), r.date_source) == ("2022-12-21", "meta")
    assert "meta_date" not in r.meta and result.problems == []


@pytest.mark.parametrize("stamp", [
    "<meta name='others' content='页面生成时间 2025-06-01 10:20:00'>",
    "<!-- 页面生成时间：2025-06-01 10:20:00 -->",
])
def test_a_meta_date_equal_to_the_generation_stamp_is_never_the_date(stamp: str) -> None:
    data = page(meta="<meta name='PubDate' content='2025-06-01 10:20:00'>" + (stamp if "meta" in stamp else ""))
    if "<!--" in stamp:
        data = data.replace(b"</body>", stamp.encode() + b"</body>")
    r, result = parsed(data)
    assert r.date is None and r.meta["meta_date"] == "2025-06-01 10:20:00"
    assert [p.kind for p in result.problems] == ["note"]
    # with a date the page shows, that one is taken
    shown = parsed(data.replace(b"<h1>", "<div>发布日期：2022-12-21</div><h1>".encode()))[0]
    assert (str(shown.date), shown.date_source) == ("2022-12-21", "header")


def test_a_stamp_under_the_title_is_the_date() -> None:
    r = record(page().replace(b"</h1>", "</h1><div class='src'><span>黔东南发布</span> 2023-07-03 08:40:21 星期一</div>".encode()))
    assert (str(r.date), r.date_source) == ("2023-07-03", "header")
    assert "2023-07-03" not in r.body


def test_invisible_characters_and_escaped_markup_leave_titles() -> None:
    meta = "<meta name='ArticleTitle' content='\u200b关于进一步做好招商引资&lt;br/&gt;承诺兑现工作的\ufeff通知'>"
    r = record(page(meta=meta))
    assert r.title == "关于进一步做好招商引资承诺兑现工作的通知"
    r = record(page(title="\u200b\u00a0" + TITLE + "\u200d"))
    assert r.title == TITLE


@pytest.mark.parametrize("furniture", [
    "<p>上一篇：无</p><p>下一篇：无</p>",
    "<p>上一篇：关于做好春节期间安全生产工作的通知</p>",
    "<div>【下一篇】关于开展营商环境评价的通知</div>",
    "<p>扫一扫在手机上查看当前页面</p>",
    "<p>扫码关注黔东南发布微信</p>",
    "<p>关注“黔东南发布”微信公众号</p>",
])
def test_furniture_by_shape_leaves_the_body(furniture: str) -> None:
    r = record(page(tail=furniture))
    assert r.body == "\n".join(PARAGRAPHS)


@pytest.mark.parametrize("prose", ["扫码支付要规范", "上一篇文章讲到的政策", "扫描工作要全面铺开"])
def test_prose_that_starts_like_furniture_stays(prose: str) -> None:
    r = record(page(tail=f"<p>{prose}</p>"))
    assert r.body.endswith(prose)


def test_a_date_conflict_is_said_with_v_only(tmp_path: Path, qdn: Any) -> None:
    f = tmp_path / "p.html"
    f.write_bytes(page(meta="<meta name='PubDate' content='2025-06-01'>", block="<div>发布日期：2022-12-21</div>"))
    quiet = qdn("parse", str(f), "--format", "jsonl")
    assert quiet.exit_code == 0 and "meta date" not in quiet.stderr
    assert quiet.jsonl()[0]["date"] == "2022-12-21"
    loud = qdn("-v", "parse", str(f), "--format", "jsonl")
    assert "note:" in loud.stderr and "PubDate 2025-06-01 differs from the date the page shows, 2022-12-21" in loud.stderr


def test_an_article_written_with_half_width_punctuation_is_kept() -> None:
    """Prose pasted from Word often carries "," and ";", and a sentence may end in a quote
    before its stop (”。). The richest paragraph of this page has no Han character directly
    before a full-width mark: the article finder once took the page for no article and gave
    an empty body (a generated page of the 100,000-document dense benchmark)."""
    paragraphs = [
        "深入开展安全生产集中整治行动,强化企业安全生产主体责任,严格落实应急管理措施,发挥专家作用,"
        "实施“一人一方案”,全力开展医疗救治,努力实现“零死亡”;依法依规全面落实隔离措施,力争“零感染”。",
        "他们聚焦工作重点,狠抓项目策划编制,推动项目落地见效。",
    ]
    sections = "".join(f"<section><section><p>{p}</p></section></section>" for p in paragraphs)
    page = (
        "<html><head><meta charset='utf-8'><title>关于安全生产的方案_某县人民政府</title></head><body>"
        "<div class='nav'><ul><li><a href='/'>首页</a></li><li><a href='/2/'>信息公开</a></li></ul></div>"
        "<div class='detail'><h2>某县关于安全生产的方案</h2><p class='meta'>发布时间：2025-01-20 来源：某县人民政府</p>"
        f"{sections}</div><div class='footer'><p>主办：某县人民政府办公室 版权所有</p></div></body></html>"
    ).encode()
    body = record(page).body
    for p in paragraphs:
        assert p in body
    assert "首页" not in body and "版权所有" not in body
