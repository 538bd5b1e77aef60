"""No text lost, checked on what a user sees: realistic generated documents and streams, and
each piece of them looked for in the record's title, fields, meta values or body.

The generator writes what collected files hold: titles wrapped over lines, a letterhead, the
文号, header lines, a 信息公开 block, an addressee, outline headings, paragraphs (with dates,
《titles》 and numbers inside), table rows, an attachment note, a signature; and streams with
a preamble before the first header and several records on one line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from qdn_corpus.models import Record
from qdn_corpus.read.parsing import parse_text

ORGS = ["黔东南州人民政府办公室", "黔东南州投资促进局", "凯里市人民政府", "贵州省发展和改革委员会", "黎平县商务局"]
TOPICS = ["做好招商引资工作", "进一步优化营商环境", "印发黔东南州招商引资项目承诺兑现工作方案", "开展2022年营商环境评价",
          "加快推进“贵人服务”品牌建设", "建立健全政府守信践诺机制"]
SENTENCES = [
    "全州投资促进系统以习近平新时代中国特色社会主义思想为指导，全面贯彻落实中央及省、州经济工作会议精神。",
    "1—6月，全州新引进重点产业项目289个，合同约定投资总额355.7亿元，同比增长5.5%。",
    "各地要严格落实《贵州省优化营商环境条例》，对承诺事项逐项建立台账。",
    "根据《国务院关于支持贵州在新时代西部大开发上闯新路的意见》（国发〔2022〕2号）精神，制定本方案。",
    "2021年7月2日，州投资促进局召开专题会议，研究部署承诺兑现工作。",
    "截至目前，事项兑现率达96.92%。",
    "请各单位于每月5日前将工作进展报送州投资促进局。",
    "联系人：张三，电话：0855-8222222。",
    "对新引进的优强企业，实行“一企一策”精准服务",
]
HEADINGS = ["一、总体要求", "二、主要工作措施", "（一）强化项目谋划", "（二）夯实招商基础工作", "1.建立项目台账", "2.加强督促检查"]
TABLE_ROWS = ["序号\t项目名称\t投资额（亿元）", "1\t凯里经济开发区标准厂房\t12.5"]
ADDRESSEES = ["各县（市）人民政府，州直各部门：", "各县（市）投资促进局：", "州人大常委会："]


@dataclass
class Doc:
    text: str
    title: str
    lines: list[str] = field(default_factory=list)  # body lines that must be in the body
    source: str | None = None
    date: dt.date | None = None
    number: str | None = None
    addressee: str | None = None
    signer: str | None = None
    signed: dt.date | None = None
    meta: dict[str, str] = field(default_factory=dict)


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def documents(draw: st.DrawFn) -> Doc:
    org = draw(st.sampled_from(ORGS))
    title = f"{org}关于{draw(st.sampled_from(TOPICS))}的通知"
    # A long title wraps over two or three lines, cut where the page or PDF cut it.
    cuts = sorted(draw(st.sets(st.integers(min_value=10, max_value=len(title) - 4), max_size=2)))
    if len(cuts) == 2 and cuts[1] - cuts[0] < 6:
        cuts = cuts[:1]
    title_lines = [title[a:b] for a, b in zip([0, *cuts], [*cuts, len(title)], strict=True)]
    out: list[str] = []
    doc = Doc("", title)
    number = f"黔东府办发〔{draw(st.integers(2015, 2026))}〕{draw(st.integers(1, 99))}号"
    letterhead = draw(st.booleans())
    if letterhead:
        out += [f"{org}文件", "", number, ""]
        doc.meta["版头"] = f"{org}文件"
        doc.number = number
    out += [*title_lines, ""]
    if draw(st.booleans()):
        doc.source, doc.date = draw(st.sampled_from(ORGS)), draw(dates)
        out += [f"来源：{doc.source}　发布时间：{doc.date.isoformat()} 15:59", ""]
        doc.meta["来源"] = doc.source
    elif not letterhead and draw(st.booleans()):
        doc.number = number
        index_no = f"000014349/{draw(st.integers(2015, 2026))}-{draw(st.integers(1, 99999)):05d}"
        doc.meta["索引号"] = index_no
        out += [f"索引号：{index_no}", f"发文字号：{number}", ""]
    if draw(st.booleans()):
        doc.addressee = draw(st.sampled_from(ADDRESSEES))
        out += [doc.addressee]
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["p", "p", "h", "t"]))
        line = draw(st.sampled_from({"p": SENTENCES, "h": HEADINGS, "t": TABLE_ROWS}[kind]))
        if kind == "p" and draw(st.booleans()):
            line += draw(st.sampled_from(SENTENCES))  # a paragraph of two sentences
        out.append(("　　" if kind == "p" else "") + line)
        doc.lines.append(line)
    if draw(st.booleans()):
        note = "附件：1.黔东南州招商引资项目承诺事项清单"
        out += ["", note]
        doc.lines.append(note)
    if draw(st.booleans()):
        doc.signer, doc.signed = org, draw(dates)
        out += ["", doc.signer, _cn_date(doc.signed)]
    doc.text = "\n".join(out) + "\n"
    return doc


def visible(record: Record) -> list[str]:
    """Every text a user sees of a record: title, body and each field and meta value."""
    texts = [record.title, record.body, record.source, record.issuer, record.addressee, record.doc_number,
             record.index_no, record.topic, record.validity, *record.issuers, *record.meta.values()]
    return [t for t in texts if t]


@settings(max_examples=300, deadline=None)
@given(documents())
def test_a_generated_document_keeps_every_piece_where_a_user_sees_it(doc: Doc) -> None:
    result = parse_text(doc.text, "raw/d.txt")
    [record] = result.records
    assert record.title == doc.title, doc.text
    for line in doc.lines:
        assert line in record.body, (line, doc.text)
    if doc.source:
        assert record.source == doc.source, doc.text
        assert record.date == doc.date, doc.text
    for label, value in doc.meta.items():
        assert record.meta.get(label) == value, doc.text
    if doc.number:
        assert record.doc_number == doc.number, doc.text
    if doc.addressee:
        assert record.addressee == doc.addressee.rstrip("：") or doc.addressee in record.body, doc.text
    if doc.signer:
        assert doc.signer in record.issuers or doc.signer in record.body, doc.text
        assert record.written_date == doc.signed or _cn_date(doc.signed) in record.body, doc.text  # type: ignore[arg-type]
    # And nothing but these pieces: each non-space character a user sees came from the input.
    seen = "".join(visible(record))
    assert set(seen) - set(doc.text) <= set("〔〕"), doc.text


REGIONS = ["贵州省-黔东南", "贵州省-黔东南-凯里市", "贵州省", "贵州省-黔东南-黎平县"]
CATEGORIES = ["政策解读", "通知", "工作动态", "公告"]


@st.composite
def streams(draw: st.DrawFn) -> tuple[str, str | None, list[tuple[dt.date, str, str, str]]]:
    """A stream file: an optional preamble, then records, some of them on one line."""
    preamble = draw(st.sampled_from([None, "黔东南州政策文件汇编（2022年）", SENTENCES[0]]))
    items = []
    for _ in range(draw(st.integers(1, 6))):
        body = "".join(draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3)))
        items.append((draw(dates), draw(st.sampled_from(CATEGORIES)), draw(st.sampled_from(REGIONS)), body))
    parts = [f"{preamble}\n"] if preamble else []
    for i, (d, cat, region, body) in enumerate(items):
        sep = draw(st.sampled_from(["\n", " ", ""])) if i else ""
        parts.append(f"{sep}{d.year}.{d.month:02d}.{d.day:02d}:{cat}:{region}:{body}")
    return "".join(parts) + "\n", preamble, items


@settings(max_examples=300, deadline=None)
@given(streams())
def test_a_generated_stream_gives_every_record_and_the_preamble(case: tuple[str, str | None, list[tuple[dt.date, str, str, str]]]) -> None:
    text, preamble, items = case
    result = parse_text(text, "raw/s.txt")
    records = result.records
    if preamble:
        first, *records = records
        assert preamble in "".join(visible(first)), text
    assert [(r.date, r.category, r.body) for r in records] == [(d, cat, body) for d, cat, _, body in items], text
    for r, (_, _, region, _) in zip(records, items, strict=True):
        names = region.split("-")
        assert [p for p in (r.region.province, r.region.prefecture, r.region.county) if p][: len(names)] == [
            {"黔东南": "黔东南州"}.get(n, n) for n in names
        ], text
