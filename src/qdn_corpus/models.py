"""Pydantic records shared by parsing, the index, search hits and every output format; no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

DateSource = Literal["meta", "stream", "header", "signature", "text"]
Format = Literal["text", "html", "docx", "pdf", "doc", "wps", "ofd", "image"]
TextSource = Literal["text", "ocr"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Region(_Model):
    """Where a record belongs; canonical names (黔东南州), any level may be unknown."""

    province: str | None = None
    prefecture: str | None = None
    county: str | None = None

    LEVELS: ClassVar[tuple[str, ...]] = ("county", "prefecture", "province")  # narrowest first

    def label(self) -> str:
        return " ".join(p for p in (self.province, self.prefecture, self.county) if p)

    def narrowest(self) -> str | None:
        """The most precise level the record names: its county, else prefecture, else province."""
        return narrowest(self.model_dump())


def narrowest(levels: Mapping[str, object]) -> str | None:
    """The most precise region in a mapping of county/prefecture/province (a record's facets)."""
    return next((str(v) for key in Region.LEVELS if (v := levels.get(key))), None)


class Heading(_Model):
    """One outline heading: 一、 is level 1, （一） 2, 1. 3, （1） 4; the units of regulations rank
    above them (款 0, 条 -1, 节 -2, 章 -3, 编 -4) and an attachment (附件1) above all, -5. A smaller
    level is a larger unit; offset is into the body."""

    level: int
    marker: str
    text: str
    offset: int


class Attachment(_Model):
    """A document the page links to: its link text, its URL, and its file when it is in the corpus."""

    name: str = Field(description="the link's text, else the file name in the URL")
    url: str = Field(description="the link resolved against the page's URL (as written when the page's URL is unknown)")
    file: str | None = Field(
        default=None,
        description="the raw file holding that document, when it is in the corpus (by URL or by relative path)",
    )


class Citation(_Model):
    """A document a record cites: by 《title》, by 文号, or both."""

    text: str = Field(description="as written: 《…的通知》(国办发〔2022〕35号), 国发〔2022〕2号, 新国发2号文件")
    title: str | None = Field(default=None, description="the cited title without 《》 and spaces, or null")
    doc_number: str | None = Field(default=None, description="the cited 文号, brackets normalised to 〔〕, or null")
    offset: int = Field(description="where the citation starts in the body")
    target: str | None = Field(
        default=None, description="the id of the corpus record it names (its 文号, else its title, names one), else null"
    )


class CitationRow(Citation):
    """One citation as a table row (qdn export's citations): the citing record and which of its
    citations it is, then the citation's own fields."""

    id: str = Field(description="the citing record's id")
    n: int = Field(description="the citation's place among the record's citations, from 0")


class CopyRef(_Model):
    """Another record holding the same document."""

    id: str
    file: str
    site: str | None = None


class Record(_Model):
    """One document (or one item of a dated stream); the JSON contract of every command."""

    id: str = Field(description="16 hex chars, stable: from the file path and the record's position in it")
    title: str | None = Field(default=None, description="title, or null (never invented)")
    date: dt.date | None = Field(default=None, description="publication date (发布日期), YYYY-MM-DD")
    date_source: DateSource | None = Field(
        default=None,
        description="where the date came from: meta (a page's meta tags), stream, header, signature, text",
    )
    category: str | None = Field(default=None, description="stream category, or the site's column (ColumnName) for a page")
    doc_type: str | None = Field(default=None, description="通知, 意见, 报告 … from the end of the title")
    region: Region = Field(default=Region(), description="province, prefecture, county; canonical names")
    source: str | None = Field(default=None, description="来源 (else the issuer)")
    issuer: str | None = Field(default=None, description="the issuing bodies as one string, space-separated")
    addressee: str | None = Field(default=None, description="主送机关 without its colon: 各县（市）人民政府")
    issuers: list[str] = Field(default=[], description="the issuing bodies (发文机关), one per entry: joint documents name several")
    doc_number: str | None = Field(default=None, description="发文字号 with brackets normalised to 〔〕")
    written_date: dt.date | None = Field(
        default=None,
        description="成文日期: the date written under the signature, or the 信息公开 block's 成文日期/生成日期",
    )
    index_no: str | None = Field(default=None, description="索引号 of the 信息公开 block")
    topic: str | None = Field(default=None, description="主题分类 of the 信息公开 block")
    validity: str | None = Field(default=None, description="有效性 / 时效性 as written")
    url: str | None = Field(
        default=None,
        description="where the document was published: meta Url, canonical link, saved-from comment, or the crawler's sidecar",
    )
    site: str | None = Field(default=None, description="the site's name (SiteName), else its host")
    attachments: list[Attachment] = Field(default=[], description="documents the page links to (.pdf .doc .docx .wps .ofd .xls .zip …)")
    format: Format = Field(default="text", description="the file's format: text, html, docx, pdf, doc, wps, ofd, image")
    text_source: TextSource = Field(
        default="text", description="where the text came from: text (the file's own text) or ocr (read from page images)"
    )
    meta: dict[str, str | None] = Field(
        default={},
        description="every header label found (来源, 发布时间, 索引号 …), empty values null;"
        " above the title also 版头 (letterhead), 日期, 附件",
    )
    body: str = Field("", description="the text without title, header lines, signature and page furniture")
    outline: list[Heading] = Field(
        default=[], description="headings 一、/（一）/1./（1）, 第…编/章/节/条/款 and 附件 with levels and offsets into body"
    )
    citations: list[Citation] = Field(default=[], description="documents the body cites, in order (qdn cites ID)")
    file: str = Field(description="the raw file, relative to the data dir")
    offset: int = Field(default=0, description="where the record starts in the file's text")
    copies: int = Field(default=1, description="records of its copy group (reposts of one document), itself included")
    canonical: str | None = Field(
        default=None, description="the id of its group's representative (its own id when it has no copies); null from parse"
    )
    copies_in: list[CopyRef] = Field(default=[], description="the other records of its group: {id, file, site}")

    def display_title(self, width: int = 40) -> str:
        """The title, or the body's first sentence when there is none."""
        if self.title:
            return self.title
        first = self.body.strip().split("\n", 1)[0]
        for stop in "。！？；":
            cut = first.find(stop)
            if 0 <= cut < width:
                return first[: cut + 1]
        return first[:width] + ("…" if len(first) > width else "")


class Snippet(_Model):
    """A passage of a record with the matched spans as [start, end) offsets into `text`."""

    text: str
    highlights: list[tuple[int, int]]
    section: list[str] = Field(
        default=[], description="the heading path of the passage, outermost first: 三、存在问题及下步打算, （二）下步工作措施 …"
    )


class Hit(Record):
    """A search result: the record plus its score and snippets."""

    score: float
    snippets: list[Snippet] = []


class Problem(_Model):
    """A warning about one file: what went wrong and where (character offset or line)."""

    file: str
    message: str
    offset: int | None = None
    kind: Literal["warning", "note"] = "warning"  # a note is a decision qdn made (shown with -v only)

    def __str__(self) -> str:
        where = f" (offset {self.offset})" if self.offset is not None else ""
        return f"{self.file}{where}: {self.message}"


@dataclass
class Hints:
    """What a file's format knows about its document beyond the text (formats/ fill it in,
    parsing/ trusts it first): a page's meta tags and 信息公开 block, a crawler's URL."""

    title: str | None = None
    title_fallback: str | None = None  # only when the text names no title (a page's <title>)
    date: str | None = None  # as written; parsing finds the date in it
    date_source: DateSource | None = None
    date_tag: str | None = None  # the meta tag the date came from (PubDate), kept when the date is not taken
    date_is_stamp: bool = False
    text_source: TextSource = "text"  # the meta date is the page's own generation stamp (页面生成时间)
    written_date: str | None = None
    source: str | None = None
    issuers: list[str] = field(default_factory=list)
    doc_number: str | None = None
    index_no: str | None = None
    topic: str | None = None
    validity: str | None = None
    category: str | None = None
    url: str | None = None
    site: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    meta: dict[str, str | None] = field(default_factory=dict)


class TrendRow(_Model):
    """One bucket of one query in `qdn trend` (the tidy rows of --format json|jsonl|csv)."""

    bucket: str | None = Field(description="2022-11, 2022-Q4, 2022, or a region, source, issuer …; null: undated, or without that field")
    query: str = Field(description="the query as typed")
    records: int = Field(description="matching records in the bucket")
    mentions: int = Field(description="places in their bodies a snippet would mark (the query's text, else its words)")
    total_records: int = Field(description="records of the bucket that pass the filters, whatever the query")
    per: float | None = Field(default=None, description="with --per N: records per N records of the bucket")


class FigureRow(_Model):
    """One figure of `qdn figures`: a number with its unit in a clause that names the query."""

    id: str = Field(description="the record's id")
    date: dt.date | None = Field(description="the record's date")
    region: Region = Field(description="the record's region")
    title: str | None = Field(description="the record's title")
    indicator: str | None = Field(description="the phrase before the figure in its clause: 事项兑现率, 合同约定投资总额")
    figure: str = Field(description="as written: 355.7亿元, 1,645个, 三千余万元, 百分之五十")
    value: int | float = Field(description="the number times 万/亿/万亿, exact (an integer when whole): 35570000000")
    unit: str = Field(description="元, %, 个百分点, 项, 个, 家 …")
    approx: bool = Field(description="written with 余 or 多: at least this much")
    clause: str = Field(description="the clause holding the figure and the query's text")
    offset: int = Field(description="the figure's offset in the record's body")
    file: str = Field(description="the record's raw file")


class RefRow(_Model):
    """One cited document in `qdn refs`: who cites it, where and when."""

    title: str | None = Field(description="the cited title (without 《》), when any citation gives one")
    doc_number: str | None = Field(description="the cited 文号, when any citation gives one")
    text: str | None = Field(default=None, description="the citation as written, when it names neither (新国发2号文件)")
    target: str | None = Field(description="the id of the corpus record it is, else null (the corpus does not hold it)")
    held: bool = Field(description="whether the corpus holds the cited document")
    citing_records: int = Field(description="records that cite it (copies of one document count once)")
    citing_regions: list[str] = Field(description="the regions of the citing records, most frequent first")
    first: dt.date | None = Field(description="the earliest citing record's date")
    last: dt.date | None = Field(description="the latest citing record's date")


class CitedByRow(_Model):
    """One record that cites a document, in `qdn cited-by`."""

    id: str
    date: dt.date | None
    region: Region
    title: str | None
    file: str
    citation: str = Field(description="the citation as written")
    sentence: str = Field(description="the sentence of the body that holds the citation")


class DupRow(_Model):
    """One copy of a document, in `qdn dups`: groups are listed largest first, canonical first."""

    group: int = Field(description="the group's number in this listing (1 is the largest)")
    copies: int = Field(description="records in the group")
    id: str
    canonical: bool = Field(description="whether this record is the group's representative")
    similarity: float = Field(description="estimated Jaccard similarity of its body's 5-grams to the canonical's")
    date: dt.date | None
    title: str | None
    site: str | None
    file: str


class StatsRow(_Model):
    """One row of `qdn stats`: the corpus, a format, a site or a skip reason, and how well its
    records were read (shares of records with each field, 0 to 1; null without records)."""

    group: Literal["total", "format", "site", "skipped"] = Field(description="what the row counts")
    key: str | None = Field(description="the format, the site, or the skip reason; null for the total")
    files: int = Field(description="raw files (for a site: files with a record of that site)")
    records: int
    skipped: int = Field(description="files skipped (for group skipped: files with that reason)")
    ocr: int = Field(default=0, description="records whose text was read by OCR")
    date_conflicts: int = Field(default=0, description="records whose meta date was not taken (meta.meta_date)")
    date: float | None = None
    title: float | None = None
    issuer: float | None = None
    doc_number: float | None = None
    written_date: float | None = None
    region: float | None = None
