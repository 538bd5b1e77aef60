"""Every format a researcher saves: web pages, PDF, DOCX, DOC/WPS, OFD; damaged files; links.

Fixtures are our own (tests/fixtures/pages imitate three CMS layouts; docgen.py writes the
binary formats); ../shared/real-pages is for measuring (bench/formats.py), not for tests.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import docgen
from conftest import FIXTURES
from qdn_corpus.models import Record
from qdn_corpus.read.files import discover, read
from qdn_corpus.read.formats import extract, sniff
from qdn_corpus.read.parsing import parse_text

PAGES = FIXTURES / "pages"
FURNITURE = ("版权所有", "ICP备", "网站标识码", "打印本页", "关闭窗口", "分享到", "当前位置", "相关文章", "浏览次数",
             "首页", "政务公开", "承诺兑现脚本", "color:red", "English", "技术支持")


def records_of(path: Path, base: Path | None = None) -> list[Record]:
    return [r for e in discover([path], base=base or path.parent) for r in read(e).records]


def one(path: Path) -> Record:
    records = records_of(path)
    assert len(records) == 1, records
    return records[0]


# ---- web pages -------------------------------------------------------------------------------


def test_cms_page_gives_the_article_and_its_meta_tags() -> None:
    r = one(PAGES / "cms_meta.html")  # GBK, declared by http-equiv
    assert r.format == "html"
    assert r.title == "黔东南州人民政府办公室关于进一步做好招商引资承诺兑现工作的通知"  # ArticleTitle, wrapped in the tag
    assert (str(r.date), r.date_source) == ("2023-03-15", "meta")
    assert (r.source, r.site, r.category) == ("州投资促进局", "黔东南州人民政府", "通知公告")
    assert r.url == "http://www.qdn.gov.cn/zwgk/tzgg/202303/t20230315_1.html"
    assert r.doc_number == "黔东南府办发〔2023〕5号"
    assert r.addressee == "各县（市）人民政府，州政府各部门"
    assert r.issuers == ["黔东南州人民政府办公室"] and str(r.written_date) == "2023-03-14"
    assert (r.region.province, r.region.prefecture) == ("贵州省", "黔东南州")
    assert r.doc_type == "通知"
    for sentence in (
        "为进一步优化营商环境，切实做好招商引资承诺兑现工作，经州人民政府同意，现就有关事项通知如下。",
        "一、全面梳理承诺事项",
        "各县（市）要对2018年以来签约项目的承诺事项逐一梳理，建立台账，明确责任单位和兑现时限。",
        "对已到期未兑现的承诺，要在3个月内兑现到位；确有困难的，要与企业协商，签订补充协议。",
        "附件：承诺事项台账模板.pdf",
    ):
        assert sentence in r.body
    assert "县（市）\t承诺事项\t已兑现\n凯里市\t12\t10" in r.body  # a table row is a line, cells apart
    for junk in FURNITURE:
        assert junk not in r.body, junk
    assert "<" not in r.body and "&gt;" not in r.body
    assert [h.text for h in r.outline][:2] == ["全面梳理承诺事项", "加快兑现进度"]
    assert [(a.name, a.url) for a in r.attachments] == [
        ("承诺事项台账模板.pdf", "http://www.qdn.gov.cn/zwgk/tzgg/202303/P020230315_1.pdf")
    ]


def test_information_disclosure_block() -> None:
    r = one(PAGES / "xxgk_table.html")
    assert r.title == "关于印发贵州省优化营商环境若干措施的通知"
    assert r.index_no == "000014349/2022-00123"  # label written 索　引　号
    assert r.topic == "综合政务\\营商环境"
    assert r.validity == "有效"
    assert r.issuers == ["贵州省发展和改革委员会", "贵州省财政厅"]  # a joint document
    assert r.issuer == "贵州省发展和改革委员会 贵州省财政厅"
    assert r.doc_number == "黔发改体改〔2022〕88号"
    assert (str(r.date), str(r.written_date)) == ("2022-11-25", "2022-11-20")  # 发布日期 vs 成文日期
    assert r.url == "https://www.guizhou.gov.cn/zwgk/zcfg/szfwj/202211/t2022_1.html"  # <!-- saved from url=… -->
    assert r.site == "www.guizhou.gov.cn"  # no SiteName: the host
    assert r.body.startswith("现将《贵州省优化营商环境若干措施》印发给你们")
    assert "二、健全政府守信践诺机制，建立招商引资承诺兑现台账，对失信行为依法依规严肃处理。" in r.body
    assert "索引号" not in r.body and "打印" not in r.body and "版权所有" not in r.body and "位置" not in r.body


def test_deeply_nested_article_sidecar_url_and_title_suffix() -> None:
    records = records_of(PAGES)
    by_file = {r.file.rsplit("/", 1)[-1]: r for r in records}
    assert "nested_sections.html.metadata.json" not in by_file  # the sidecar is not a document
    r = by_file["nested_sections.html"]
    assert r.title == "安顺市住房公积金贷款政策问答"  # <title> minus the site's name
    assert r.url == "https://gjj.anshun.gov.cn/zcfg/202305/t20230506_1.html"  # from the sidecar
    assert (r.site, r.region.prefecture, r.source) == ("gjj.anshun.gov.cn", "安顺市", "安顺市住房公积金管理中心")
    assert str(r.date) == "2023-05-06"
    paragraphs = [
        "近期，中心收到不少缴存职工咨询贷款政策的问题，现将有关政策解答如下。",
        "一、首套住房贷款额度是多少？",
        "单缴存职工最高可贷50万元，双缴存职工最高可贷70万元，多子女家庭上浮20%。",
        "二、异地缴存职工能否在本市贷款？",
        "在异地正常缴存的职工，在本市购买自住住房的，可以申请住房公积金贷款，享受与本地职工同等待遇。",
    ]
    assert r.body == "\n".join(paragraphs)


@pytest.mark.parametrize("name", ["content.jsp", "t20230315_1", "index.do", "page.cn"])
def test_html_is_recognised_by_content_whatever_its_name(tmp_path: Path, name: str) -> None:
    shutil.copy(PAGES / "cms_meta.html", tmp_path / name)
    r = one(tmp_path / name)
    assert r.format == "html" and r.title == "黔东南州人民政府办公室关于进一步做好招商引资承诺兑现工作的通知"


def test_a_script_only_page_is_skipped_with_its_reason() -> None:
    result = read(next(iter(discover([PAGES / "script_only"], base=PAGES))))
    assert not result.records
    assert result.skipped is not None and "script-only" in result.skipped


_HAN = "的地方政府企业投资营商环境承诺兑现项目建设服务改革推进落实"
_SENTENCE = st.text(alphabet=_HAN, min_size=4, max_size=30).map(lambda s: s + "，" + s[::-1] + "。")
_LAYOUTS = {
    "paragraphs": '<div class="content">{paras}</div>',
    "br": '<div id="zoom">{br}</div>',
    "table": '<table width="100%"><tr><td class="left"><a href="/x">栏目导航</a></td><td>{paras}</td></tr></table>',
    "sections": '<div class="rich">{sections}</div>',
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=st.lists(st.lists(_SENTENCE, min_size=1, max_size=4).map("".join), min_size=1, max_size=8),
       layout=st.sampled_from(sorted(_LAYOUTS)))
def test_no_article_paragraph_is_lost_and_no_furniture_kept(paragraphs: list[str], layout: str) -> None:
    """Any article in any of four layouts, between navigation and a footer: every paragraph of it
    is a line of the body, and nothing of the page around it is."""
    article = _LAYOUTS[layout].format(
        paras="".join(f"<p>{p}</p>" for p in paragraphs),
        br="<br>".join(paragraphs),
        sections="".join(f"<section><section><p>{p}</p></section></section>" for p in paragraphs),
    )
    page = (
        "<html><head><meta charset='utf-8'><title>测试页面标题-某某市人民政府</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> <a href='/a'>政务公开</a> <a href='/b'>互动交流</a></div>"
        "<div>当前位置：<a href='/'>首页</a> &gt; <a href='/a'>通知公告</a></div>"
        f"<h1>测试页面标题</h1><div>发布时间：2024-01-02 来源：某某局</div>{article}"
        "<div>【打印本页】【关闭窗口】</div><div class='footer'>版权所有：某某市人民政府 网站标识码：1234567890 ICP备000001号</div>"
        "</body></html>"
    )
    r = extract("page.html", page.encode())
    assert r.text is not None
    lines = r.text.split("\n")
    for p in paragraphs:
        assert p in lines
    for junk in ("首页", "政务公开", "当前位置", "打印本页", "版权所有", "网站标识码", "栏目导航"):
        assert junk not in r.text
    assert r.hints.title == "测试页面标题"


# ---- documents -------------------------------------------------------------------------------

NOTICE = [
    "黔东南州人民政府办公室",
    "关于进一步做好招商引资承诺兑现工作的通知",
    "黔东南府办发〔2023〕5号",
    "各县（市）人民政府，州政府各部门：",
    "为进一步优化营商环境，切实做好招商引资承诺兑现工作，经州人民政府同意，现就有关事项通知如下。",
    "一、全面梳理承诺事项",
    "各县（市）要对签约项目的承诺事项逐一梳理，建立台账。",
    "（一）明确责任单位",
    "二、加快兑现进度",
    "对已到期未兑现的承诺，要在3个月内兑现到位。",
    "黔东南州人民政府办公室",
    "2023年3月14日",
]


def _same_fields(a: Record) -> dict[str, Any]:
    return {k: v for k, v in a.model_dump().items() if k not in ("id", "file", "format", "offset")}


def test_a_notice_saved_as_docx_gives_the_record_of_the_same_notice_saved_as_text(tmp_path: Path) -> None:
    (tmp_path / "n.txt").write_text("\n".join(NOTICE) + "\n", "utf-8")
    docgen.make_docx(tmp_path / "n.docx", NOTICE)
    text, docx = one(tmp_path / "n.txt"), one(tmp_path / "n.docx")
    assert docx.format == "docx" and text.format == "text"
    assert _same_fields(docx) == _same_fields(text)
    assert docx.title == "黔东南州人民政府办公室关于进一步做好招商引资承诺兑现工作的通知"  # wrapped over two lines
    assert (docx.doc_number, docx.addressee, str(docx.written_date), docx.issuers) == (
        "黔东南府办发〔2023〕5号", "各县（市）人民政府，州政府各部门", "2023-03-14", ["黔东南州人民政府办公室"],
    )
    assert [h.text for h in docx.outline] == ["全面梳理承诺事项", "明确责任单位", "加快兑现进度"]


def test_letterhead_and_number_before_the_title(tmp_path: Path) -> None:
    """A 红头 document: 黔东南州人民政府文件, then the 文号, then the title."""
    lines = ["黔东南州人民政府文件", "黔东南府发〔2023〕7号", NOTICE[1], *NOTICE[3:]]
    (tmp_path / "n.txt").write_text("\n".join(lines) + "\n", "utf-8")
    r = one(tmp_path / "n.txt")
    assert r.title == "关于进一步做好招商引资承诺兑现工作的通知"
    assert r.doc_number == "黔东南府发〔2023〕7号"
    assert "文件" not in r.body and r.body.startswith("为进一步优化营商环境")


def test_docx_tables_are_rows_in_document_order(tmp_path: Path) -> None:
    docgen.make_docx(tmp_path / "t.docx", NOTICE, table=[["县（市）", "承诺事项"], ["凯里市", "12"]], table_after=6)
    body = one(tmp_path / "t.docx").body
    assert "建立台账。\n县（市）\t承诺事项\n凯里市\t12\n（一）明确责任单位" in body


def _pdf_pages() -> list[list[str]]:
    """Three pages of a gazette: its name on top, the page number at the foot, full lines."""
    body = [
        "为进一步优化营商环境，全面落实第{n}批惠企政策，各地要做好承诺",
        "兑现工作，确保第{n}批签约项目按期落地见效。",
        "{n}、全面梳理第{n}批承诺事项",
        "各县（市）要对签约项目的承诺事项逐一梳理，建立工作台账，",
        "明确责任单位和兑现时限，按月调度推进情况，第{n}季度完成。",
    ]
    return [["黔东南州人民政府公报", *(line.format(n=n) for line in body), f"— {k} —"] for k, n in enumerate("一二三", 1)]


def test_pdf_text_without_running_heads_and_page_numbers_and_with_broken_lines_joined(tmp_path: Path) -> None:
    r = one(docgen.make_pdf(tmp_path / "g.pdf", _pdf_pages()))
    assert r.format == "pdf"
    assert "各地要做好承诺兑现工作，确保第二批签约项目按期落地见效。" in r.body
    assert "建立工作台账，明确责任单位和兑现时限" in r.body
    assert "公报" not in r.body and "—" not in r.body
    for n in "一二三":
        assert f"\n{n}、全面梳理第{n}批承诺事项\n" in r.body  # a heading is not joined to the line before


def test_doc_and_wps_text(tmp_path: Path) -> None:
    text = "\n".join(NOTICE) + "\n"
    for name in ("n.doc", "n.wps"):
        r = one(docgen.make_doc(tmp_path / name, text, ascii_tail="Annex: table 1\n"))
        assert r.format == name[-3:]
        assert r.title == "黔东南州人民政府办公室关于进一步做好招商引资承诺兑现工作的通知"
        assert r.doc_number == "黔东南府办发〔2023〕5号"
        assert "切实做好招商引资承诺兑现工作" in r.body and "Annex: table 1" in r.body  # both kinds of piece


def test_ofd_text(tmp_path: Path) -> None:
    r = one(docgen.make_ofd(tmp_path / "n.ofd", [NOTICE[:6], NOTICE[6:]]))
    assert r.format == "ofd"
    assert r.title == "黔东南州人民政府办公室关于进一步做好招商引资承诺兑现工作的通知"
    assert r.body.endswith("对已到期未兑现的承诺，要在3个月内兑现到位。")


def _damaged(tmp_path: Path) -> dict[str, str]:
    """File name -> what its skip reason must say."""
    good = docgen.make_pdf(tmp_path / "good.pdf", [["一页正文。"]]).read_bytes()
    (tmp_path / "truncated.pdf").write_bytes(good[: len(good) // 3])
    docgen.make_pdf(tmp_path / "locked.pdf", [["加密文件。"]], encrypt="secret")
    docgen.make_blank_pdf(tmp_path / "scan.pdf")
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "garbage.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    docgen.make_doc(tmp_path / "locked.doc", "加密", encrypted=True)
    (tmp_path / "cut.doc").write_bytes((docgen.make_doc(tmp_path / "whole.doc", "正文").read_bytes())[:1500])
    (tmp_path / "whole.doc").unlink()
    (tmp_path / "good.pdf").unlink()
    with zipfile.ZipFile(tmp_path / "sheet.xlsx", "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with zipfile.ZipFile(tmp_path / "files.zip", "w") as z:
        z.writestr("a.txt", "附件")
    return {
        "truncated.pdf": "damaged or truncated", "locked.pdf": "encrypted", "scan.pdf": "no text layer",
        "empty.pdf": "empty", "garbage.docx": "damaged", "locked.doc": "encrypted", "cut.doc": "truncated",
        "sheet.xlsx": "spreadsheet", "files.zip": "ZIP archive",
    }


def test_damaged_and_unsupported_files_get_one_line_reasons(tmp_path: Path) -> None:
    expected = _damaged(tmp_path)
    for entry in discover([tmp_path], base=tmp_path):
        result = read(entry)
        assert not result.records
        assert result.skipped and expected[entry.name] in result.skipped, (entry.name, result.skipped)
        assert "\n" not in result.skipped


def test_sniffing_uses_content_not_the_name() -> None:
    assert sniff("x.pdf", b"<!DOCTYPE html><html><head></head><body>x</body></html>") == "html"
    assert sniff("x.html", b"%PDF-1.7\n") == "pdf"
    assert sniff("notes.txt", "一份普通的文本文件。".encode()) == "text"


# ---- through the CLI ---------------------------------------------------------------------------


@pytest.fixture
def mixed(data_dir: Path) -> Path:
    """The seeds plus a saved site (wget layout), a crawler's download with its sidecar, a PDF,
    a DOCX and the damaged files."""
    site = data_dir / "raw" / "www.qdn.gov.cn" / "zwgk" / "tzgg" / "202303"
    site.mkdir(parents=True)
    shutil.copy(PAGES / "cms_meta.html", site / "t20230315_1.html")
    docgen.make_pdf(site / "P020230315_1.pdf", _pdf_pages())  # the page's attachment, by relative path
    crawl = data_dir / "raw" / "crawl"
    crawl.mkdir()
    shutil.copy(PAGES / "nested_sections.html", crawl / "a1.html")
    shutil.copy(PAGES / "nested_sections.html.metadata.json", crawl / "a1.html.metadata.json")
    shutil.copy(PAGES / "xxgk_table.html", crawl / "b2.html")
    docgen.make_docx(crawl / "c3.docx", NOTICE)
    bad = data_dir / "raw" / "bad"
    bad.mkdir()
    _damaged(bad)
    return data_dir


def test_index_reads_every_format_and_lists_what_it_skipped(mixed: Path, qdn: Any) -> None:
    run = qdn("index")
    assert run.exit_code == 0, run.stderr
    skipped = [line for line in run.stderr.splitlines() if "skipped raw/bad/" in line]
    assert len(skipped) == 9
    assert "9 file(s) skipped" in run.stderr.splitlines()[-1]
    assert "Traceback" not in run.stderr
    formats = {r["format"] for r in qdn("list", "--format", "jsonl").jsonl()}
    assert formats == {"text", "html", "pdf", "docx"}


def test_search_over_pages_and_attachments_shows_clean_snippets(mixed: Path, qdn: Any) -> None:
    run = qdn("search", "承诺兑现", "--format", "json", "--limit", "50")
    assert run.exit_code == 0
    hits = run.json()
    by_format = {h["format"] for h in hits}
    assert {"html", "pdf", "docx", "text"} <= by_format
    for hit in hits:
        for s in hit["snippets"]:
            assert "<" not in s["text"] and "版权所有" not in s["text"] and "打印本页" not in s["text"]
    pdf = next(h for h in hits if h["format"] == "pdf")
    assert any("承诺兑现" in s["text"].replace("\n", "") for s in pdf["snippets"])


def test_attachments_resolve_to_corpus_files(mixed: Path, qdn: Any) -> None:
    page = next(r for r in qdn("list", "--format", "jsonl").jsonl() if r["file"].endswith("t20230315_1.html"))
    shown = qdn("show", page["id"], "--format", "json").json()[0]
    want = "raw/www.qdn.gov.cn/zwgk/tzgg/202303/P020230315_1.pdf"
    assert [a["file"] for a in shown["attachments"]] == [want]  # wget's layout: the link's relative path
    listed = next(r for r in qdn("list", "--format", "jsonl").jsonl() if r["id"] == page["id"])
    assert listed["attachments"] == shown["attachments"]  # the same record in every command
    # A crawler stored the attachment under its hash, with a sidecar naming its URL.
    site = mixed / "raw" / "www.qdn.gov.cn" / "zwgk" / "tzgg" / "202303"
    (site / "P020230315_1.pdf").rename(mixed / "raw" / "crawl" / "9f2c.pdf")
    (mixed / "raw" / "crawl" / "9f2c.pdf.metadata.json").write_text(
        json.dumps({"url": "http://www.qdn.gov.cn/zwgk/tzgg/202303/P020230315_1.pdf"}), "utf-8"
    )
    shown = qdn("show", page["id"], "--format", "json").json()[0]
    assert [a["file"] for a in shown["attachments"]] == ["raw/crawl/9f2c.pdf"]
    (mixed / "raw" / "crawl" / "9f2c.pdf").unlink()
    (mixed / "raw" / "crawl" / "9f2c.pdf.metadata.json").unlink()
    shown = qdn("show", page["id"], "--format", "json").json()[0]
    assert [a["file"] for a in shown["attachments"]] == [None]


@pytest.mark.parametrize(
    ("args", "files"),
    [
        (["--site", "qdn.gov.cn"], {"t20230315_1.html"}),
        (["--site", "黔东南州人民政府"], {"t20230315_1.html"}),
        (["--site", "anshun"], {"a1.html"}),
        (["--issuer", "财政厅"], {"b2.html"}),
        (["--issuer", "黔东南州人民政府办公室"], {"t20230315_1.html", "c3.docx"}),
    ],
)
def test_site_and_issuer_filters(mixed: Path, qdn: Any, args: list[str], files: set[str]) -> None:
    listed = qdn("list", *args, "--format", "jsonl")
    assert listed.exit_code == 0
    assert {r["file"].rsplit("/", 1)[-1] for r in listed.jsonl()} == files
    found = qdn("search", "营商环境", *args, "--format", "jsonl")
    assert {r["file"].rsplit("/", 1)[-1] for r in found.jsonl()} <= files


def test_site_and_issuer_query_fields(mixed: Path, qdn: Any) -> None:
    hits = qdn("search", "site:anshun.gov.cn", "--format", "jsonl").jsonl()
    assert [h["file"].rsplit("/", 1)[-1] for h in hits] == ["a1.html"]
    hits = qdn("search", "issuer:发展和改革委员会", "--format", "jsonl").jsonl()
    assert [h["file"].rsplit("/", 1)[-1] for h in hits] == ["b2.html"]


def test_a_changed_sidecar_reindexes_its_file(mixed: Path, qdn: Any) -> None:
    qdn("index")
    side = mixed / "raw" / "crawl" / "a1.html.metadata.json"
    before = side.stat()
    side.write_text(json.dumps({"url": "https://gjj.anshun.gov.cn/new/place.html"}), "utf-8")
    os.utime(side, ns=(before.st_atime_ns, before.st_mtime_ns))  # a copy that kept its time
    run = qdn("index")
    assert "1 updated" in run.stderr
    rec = next(r for r in qdn("list", "--site", "anshun", "--format", "jsonl").jsonl())
    assert rec["url"] == "https://gjj.anshun.gov.cn/new/place.html"


def test_a_text_corpus_never_loads_the_format_libraries(qdn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    roots = ("lxml", "pypdfium2", "docx", "olefile")
    for name in [n for n in sys.modules if n.split(".")[0] in roots]:
        monkeypatch.delitem(sys.modules, name)  # put back afterwards: pypdfium2 cannot be imported twice
    assert qdn("index", "--rebuild").exit_code == 0
    assert qdn("search", "承诺兑现", "--format", "jsonl").exit_code == 0
    loaded = {n for n in ("lxml", "pypdfium2", "docx", "olefile") if n in sys.modules}
    assert not loaded


def test_hidden_article_info_table_inside_the_article_and_hidden_scraps() -> None:
    """The article hidden until a script shows it is kept; a hidden scrap of ids is not; a
    信息公开 table beside the article goes to the fields (its label cells hold <p>s)."""
    r = one(PAGES / "hidden_article.html")
    assert r.title == "州财政局关于下达2023年招商引资奖补资金的通知"
    assert (r.index_no, r.doc_number, r.issuers) == ("11522600MB1234567X/2023-00045", "黔东南财建〔2023〕21号", ["黔东南州财政局"])
    assert str(r.written_date) == "2023-06-02"
    assert r.addressee == "各县（市）财政局"
    assert r.body.startswith("根据《黔东南州招商引资奖励办法》，现将2023年招商引资奖补资金下达给你们")
    assert "二、绩效管理。各地要加强资金绩效管理，年底前报送资金使用情况。" in r.body
    assert str(r.date) == "2023-06-02"  # the header line below the article
    assert [(a.name, a.url) for a in r.attachments] == [("奖补资金分配表.xls", "/uploads/P0203.xls")]  # hidden, for a script
    for junk in ("2263174", "zcwj_gz", "索引号", "发文字号", "名称", "发布机构", "版权所有", "时间", "来源"):
        assert junk not in r.body, junk


def test_joint_issuers_from_title_and_signature(tmp_path: Path) -> None:
    lines = [
        "自然资源部 中国银行保险监督管理委员会关于协同做好不动产“带押过户”便民利企服务的通知",
        "各省、自治区、直辖市自然资源主管部门，各银保监局：",
        "为贯彻中央经济工作会议精神，现通知如下。",
        "自然资源部 中国银行保险监督管理委员会",
        "2023年3月3日",
    ]
    (tmp_path / "a.txt").write_text("\n".join(lines), "utf-8")
    (tmp_path / "b.txt").write_text("\n".join(lines[1:]), "utf-8")  # no title: the signature names them
    page = ("<html><head><meta charset='utf-8'></head><body><table><tr><td>发布机构：</td><td>部委联合发文</td></tr></table>"
            f"<h1>{lines[0]}</h1><div class='c'><p>{lines[1]}</p><p>{lines[2]}</p></div></body></html>")
    (tmp_path / "c.html").write_text(page, "utf-8")
    for name in ("a.txt", "b.txt", "c.html"):
        r = one(tmp_path / name)
        assert r.issuers == ["自然资源部", "中国银行保险监督管理委员会"], name
        assert r.issuer == "自然资源部 中国银行保险监督管理委员会"
    assert one(tmp_path / "a.txt").body == lines[2]


@pytest.mark.parametrize("date_line", ["2026-04-16", "2026年4月16日", "2026-04-16 09:30"])
def test_a_bare_date_under_the_title_is_the_publication_date(tmp_path: Path, date_line: str) -> None:
    lines = [NOTICE[1], date_line, NOTICE[2], NOTICE[3], NOTICE[4], "黔东南州人民政府办公室", "2026年4月10日"]
    (tmp_path / "n.txt").write_text("\n".join(lines), "utf-8")
    r = one(tmp_path / "n.txt")
    assert (str(r.date), r.date_source, str(r.written_date)) == ("2026-04-16", "header", "2026-04-10")
    assert (r.doc_number, r.addressee) == ("黔东南府办发〔2023〕5号", "各县（市）人民政府，州政府各部门")
    assert r.body == NOTICE[4]


def test_a_title_set_on_two_lines_is_one_title() -> None:
    title = "合肥市国有建设用地使用权出让公告（合自然资规公告[2021]11号）"
    page = (f"<html><head><meta charset='utf-8'><title>{title}_某交易平台</title></head>"
            "<body><div class='c'><p>合肥市国有建设用地使用权出让公告</p><p>（合自然资规公告[2021]11号）</p>"
            "<p>根据有关规定，经合肥市土地管理委员会批准，决定出让下列国有建设用地使用权。现将有关事项公告如下：</p></div></body></html>")
    r = extract("p.html", page.encode())
    assert r.hints.title == "合肥市国有建设用地使用权出让公告（合自然资规公告[2021]11号）"
    record = parse_text(r.text or "", "p.html", "html", r.hints).records[0]
    assert record.doc_number == "合自然资规公告〔2021〕11号"  # the 文号 the title ends with


def test_a_date_written_with_spaces_as_pdf_text_has_it(tmp_path: Path) -> None:
    lines = ["北京市地震预警管理办法", "（2022 年 12 月 23 日北京市人民政府第 307 号令公布 自2023 年 3 月 1 日起施行）",
             "第一条 为了规范地震预警活动，制定本办法。"]
    (tmp_path / "r.txt").write_text("\n".join(lines), "utf-8")
    r = one(tmp_path / "r.txt")
    assert (str(r.date), r.date_source) == ("2022-12-23", "text")


def test_a_cell_that_starts_with_a_label_word_is_not_a_label() -> None:
    """来源渠道 or 时间安排 in an article's table are words, not 来源：/时间： labels."""
    page = ("<html><head><meta charset='utf-8'><title>关于申报招商引资奖励的通知-某市人民政府</title></head><body>"
            "<h1>关于申报招商引资奖励的通知</h1><div class='info'>来源：市投资促进局</div>"
            "<div class='c'><p>各有关企业：</p><p>现将申报招商引资奖励的有关事项通知如下，请按时申报。</p>"
            "<table><tr><td>来源渠道</td><td>企业自行申报</td></tr><tr><td>时间安排</td><td>五月底前</td></tr></table>"
            "<p>逾期不再受理，请各企业认真准备申报材料。</p></div></body></html>")
    r = extract("p.html", page.encode())
    record = parse_text(r.text or "", "p.html", "html", r.hints).records[0]
    assert record.source == "市投资促进局"
    assert "时间" not in record.meta and "来源渠道\t企业自行申报" in record.body


def test_a_stream_file_keeps_its_sidecar_url(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("2022.12.05:政策解读:贵州省-黔东南:第一条消息正文。2022.12.04:政策解读:贵州省-黔东南:第二条。", "utf-8")
    (tmp_path / "s.txt.metadata.json").write_text(json.dumps({"url": "https://www.qdn.gov.cn/zcjd/1.html"}), "utf-8")
    records = records_of(tmp_path)
    assert len(records) == 2
    assert {(r.url, r.site) for r in records} == {("https://www.qdn.gov.cn/zcjd/1.html", "www.qdn.gov.cn")}


def test_of_two_sidecars_the_metadata_json_one_speaks_and_neither_is_a_document(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("关于做好承诺兑现工作的通知\n\n各县市：要做好承诺兑现工作。\n", "utf-8")
    (tmp_path / "s.txt.json").write_text(json.dumps({"url": "https://www.qdn.gov.cn/b.html"}), "utf-8")
    (tmp_path / "s.txt.metadata.json").write_text(json.dumps({"url": "https://www.qdn.gov.cn/a.html"}), "utf-8")
    records = records_of(tmp_path)
    assert [(r.file.split("/")[-1], r.url) for r in records] == [("s.txt", "https://www.qdn.gov.cn/a.html")]
