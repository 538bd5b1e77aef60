"""Pure parsing: decoded text in, records out. No I/O, no jieba, no whoosh."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import regex

from qdn_corpus.models import Citation, DateSource, Format, Hints, Problem, Record, Region
from qdn_corpus.read.fields import PUBLISHED_LABELS, doc_type, find_date, make_date, normalise_doc_number, outline
from qdn_corpus.read.parsing import citations, stream
from qdn_corpus.read.parsing.document import (
    NUMBER_LABELS,
    SOURCE_LABELS,
    WRITTEN_LABELS,
    DocParts,
    org_names,
    parse_document,
)
from qdn_corpus.read.parsing.regions import parse_region, province_from_text, region_from_names
from qdn_corpus.text.normalize import strip_invisible, url_host


@dataclass
class ParseResult:
    """Records of one file, the text recognised as structure (headers, labels, boilerplate),
    and warnings. Every character of the input is in a record's title or body, or in consumed.
    """

    records: list[Record] = field(default_factory=list)
    consumed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    layout: str = "document"


def record_id(file: str, ordinal: int) -> str:
    """Stable id: the same file path and position give the same id on any machine."""
    return hashlib.sha1(f"{file}\n{ordinal}".encode()).hexdigest()[:16]


def parse_text(text: str, file: str, fmt: Format = "text", hints: Hints | None = None) -> ParseResult:
    """Parse one file's text: a dated stream gives many records, anything else one.

    Every format comes here: `hints` are what the format knew beyond the text (a page's meta
    tags and 信息公开 block) and win over what the layout rules find in the text. Only plain
    text can be a stream.
    """
    if fmt == "text" and stream.is_stream(text):
        return _parse_stream(text, file, hints or Hints())
    result = ParseResult()
    record = _document_record(text, file, 0, result, fmt, hints or Hints())
    if record is not None:
        result.records.append(record)
    return result


_ISSUER_LABELS = ("发文机关", "发文机构", "发文单位", "发布机构", "公开主体", "发布单位", "发布机关")
_JOINT_LABELS = ("联合发文单位",)  # the other issuers of a joint document, beside 发文机关
_NAME_SPLIT_RE = regex.compile(r"[\s、，,；;]+")


_TITLE_NUMBER_RE = regex.compile(r"[（(]([^（()）]{4,30}号)[）)]$")


def _number_in_title(title: str | None) -> str | None:
    """A 文号 in brackets at the end of a title: …出让公告（合自然资规公告[2021]11号）."""
    m = _TITLE_NUMBER_RE.search(title) if title else None
    return m[1] if m and normalise_doc_number(m[1]) else None


def _label(meta: dict[str, str | None], labels: tuple[str, ...]) -> str | None:
    return next((v for k in labels if (v := meta.get(k))), None)


def _names(text: str | None) -> list[str]:
    """Joint issuers: 发展改革委 财政部 … or 自然资源部、中国银行保险监督管理委员会."""
    if not text:
        return []
    return [n for n in _NAME_SPLIT_RE.split(text.strip()) if len(n) >= 2]


def _field(text: str | None) -> str | None:
    """A title or field as shown: zero-width characters out, spaces at its ends trimmed."""
    if text is None:
        return None
    return strip_invisible(text).strip() or None


def _labelled_issuers(meta: dict[str, str | None]) -> list[str]:
    """Every body the 信息公开 block names as issuer (发文机关, 发文机构 …) and as joint issuer
    (联合发文单位), in that order, once each; a label naming no body (部委联合发文) gives none."""

    def bodies(label: str) -> list[str]:
        return org_names(" ".join(_names(_field(meta.get(label))))) or []

    # The first issuer label that names bodies is enough: 发布机构 often repeats 发文机关.
    first = next((names for label in _ISSUER_LABELS if (names := bodies(label))), [])
    return list(dict.fromkeys([*first, *(n for label in _JOINT_LABELS for n in bodies(label))]))


def _date(
    parts: DocParts, hints: Hints, meta: dict[str, str | None], file: str, result: ParseResult
) -> tuple[dt.date | None, DateSource | None]:
    """The publication date is what the page shows: a 发布日期 of its 信息公开 block or a header
    line. A meta tag's date is taken when the page shows none; when the two disagree, or the
    meta date is the page's own generation stamp, the meta date is kept in meta as `meta_date`
    and a note says so (-v)."""
    shown = _label(hints.meta, PUBLISHED_LABELS)
    visible = (find_date(shown) if shown else None) or parts.published_date()
    hinted = find_date(hints.date) if hints.date else None
    if hinted is not None:
        from_meta = hints.date_source == "meta"  # a format's own date (not a meta tag) always holds
        if from_meta and hints.date_is_stamp:
            why = "is the page's generation stamp, not its publication date"
        elif from_meta and visible is not None and visible != hinted:
            why = f"differs from the date the page shows, {visible}: took {visible}"
        else:
            return hinted, hints.date_source or "header"
        meta["meta_date"] = hints.date
        result.problems.append(Problem(file=file, kind="note", message=f"meta date {hints.date_tag or 'tag'} {hinted} {why}"))
    if visible is not None:
        return visible, "header"
    return parts.date()


def _document_record(
    text: str, file: str, ordinal: int, result: ParseResult, fmt: Format, hints: Hints
) -> Record | None:
    """The record of one document's text (a file, or a stream's preamble, which starts the file)."""
    parts = parse_document(text, hints.title)
    if not parts.body and not parts.title and not parts.consumed:
        return None
    result.consumed.extend(parts.consumed)
    meta = {**parts.meta, **{k: v for k, v in hints.meta.items() if v or k not in parts.meta}}
    date, date_source = _date(parts, hints, meta, file, result)
    written_text = _label(meta, WRITTEN_LABELS)
    written_date = (find_date(written_text) if written_text else None) or parts.signature_date
    # A label's value counts when it names bodies (部委联合发文 names none: the title or the
    # signature does).
    issuer_text = _label(hints.meta, _ISSUER_LABELS)
    issuers = _labelled_issuers(hints.meta) or _names(parts.issuer())
    issuer = " ".join(issuers) if issuers else issuer_text
    source = hints.source or _label(hints.meta, SOURCE_LABELS) or parts.first(SOURCE_LABELS) or issuer
    title = _field(parts.title or hints.title_fallback)
    number_text = hints.doc_number or _label(meta, NUMBER_LABELS) or parts.doc_number_line or _number_in_title(title)
    doc_number = (normalise_doc_number(number_text) or number_text) if number_text else None
    region = (
        region_from_names(source, issuer, title)
        or region_from_names(hints.site)
        or province_from_text(parts.body)
        or Region()
    )
    if not parts.body and fmt == "text":
        result.problems.append(Problem(file=file, offset=parts.start, message="document has no body text"))
    return Record(
        id=record_id(file, ordinal),
        title=title,
        date=date,
        date_source=date_source,
        category=hints.category,
        doc_type=doc_type(title),
        region=region,
        source=source,
        issuer=issuer,
        issuers=issuers,
        addressee=parts.addressee,
        doc_number=doc_number,
        written_date=written_date,
        index_no=hints.index_no or meta.get("索引号"),
        topic=hints.topic or meta.get("主题分类"),
        validity=hints.validity or meta.get("有效性") or meta.get("时效性"),
        url=hints.url,
        site=hints.site or url_host(hints.url),
        attachments=hints.attachments,
        format=fmt,
        text_source=hints.text_source,
        meta=meta,
        body=parts.body,
        outline=outline(parts.body),
        citations=_citations(parts.body, doc_number),
        file=file,
        offset=parts.start,
    )


def _citations(body: str, own_number: str | None = None) -> list[Citation]:
    """What a body cites; a document naming its own 文号 does not cite itself."""
    return [
        Citation(text=c.text, title=c.title, doc_number=c.doc_number, offset=c.offset)
        for c in citations.extract(body)
        if not (own_number and c.doc_number == own_number and not c.title)
    ]


def _parse_stream(text: str, file: str, hints: Hints) -> ParseResult:
    """A dated stream's records; where the file came from (a sidecar's URL) holds for each."""
    result = ParseResult(layout="stream")
    where = Hints(url=hints.url, site=hints.site)
    for ordinal, item in enumerate(stream.split(text)):
        if item.header is None:
            record = _document_record(text[item.body_start : item.body_end], file, ordinal, result, "text", where)
            if record is not None:
                result.records.append(record)
            continue
        h = item.header
        result.consumed.append(h.group())
        date = make_date(h["y"], h["m"], h["d"])
        if date is None:
            result.problems.append(
                Problem(file=file, offset=h.start(), message=f"impossible date {h['y']}-{h['m']}-{h['d']}; kept the record with date null")
            )
        raw_body = text[item.body_start : item.body_end]
        body = raw_body.strip()
        if not body:
            result.problems.append(Problem(file=file, offset=h.start(), message="stream record has no body text"))
        result.records.append(
            Record(
                id=record_id(file, ordinal),
                date=date,
                date_source="stream" if date else None,
                category=h["cat"],
                doc_type=doc_type(h["cat"]),
                region=parse_region(h["region"]),
                url=where.url,
                site=where.site or url_host(where.url),
                body=body,
                outline=outline(body),
                citations=_citations(body),
                file=file,
                offset=h.start(),
            )
        )
    return result
