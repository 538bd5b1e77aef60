"""Pure parsing: decoded text in, records out. No I/O, no jieba, no whoosh."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from qdn_corpus.models import Problem, Record, Region
from qdn_corpus.parsing import stream
from qdn_corpus.parsing.document import NUMBER_LABELS, SOURCE_LABELS, parse_document
from qdn_corpus.parsing.fields import doc_type, make_date, normalise_doc_number, outline
from qdn_corpus.parsing.regions import parse_region, province_from_text, region_from_names


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


def parse_text(text: str, file: str) -> ParseResult:
    """Parse one decoded file: a dated stream gives many records, anything else one."""
    if stream.is_stream(text):
        return _parse_stream(text, file)
    result = ParseResult()
    record = _document_record(text, file, 0, 0, result)
    if record is not None:
        result.records.append(record)
    return result


def _document_record(
    text: str, file: str, base: int, ordinal: int, result: ParseResult
) -> Record | None:
    parts = parse_document(text)
    if not parts.body and not parts.title and not parts.consumed:
        return None
    result.consumed.extend(parts.consumed)
    date, date_source = parts.date()
    issuer = parts.issuer()
    source = parts.first(SOURCE_LABELS) or issuer
    number_text = parts.first(NUMBER_LABELS) or parts.doc_number_line
    doc_number = (normalise_doc_number(number_text) or number_text) if number_text else None
    region = (
        region_from_names(source, issuer, parts.title)
        or province_from_text(parts.body)
        or Region()
    )
    if not parts.body:
        result.problems.append(Problem(file=file, offset=base + parts.start, message="document has no body text"))
    return Record(
        id=record_id(file, ordinal),
        title=parts.title,
        date=date,
        date_source=date_source,
        doc_type=doc_type(parts.title),
        region=region,
        source=source,
        issuer=issuer,
        addressee=parts.addressee,
        doc_number=doc_number,
        meta=parts.meta,
        body=parts.body,
        outline=outline(parts.body),
        file=file,
        offset=base + parts.start,
    )


def _parse_stream(text: str, file: str) -> ParseResult:
    result = ParseResult(layout="stream")
    for ordinal, item in enumerate(stream.split(text)):
        if item.header is None:
            record = _document_record(text[item.body_start : item.body_end], file, 0, ordinal, result)
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
                body=body,
                outline=outline(body),
                file=file,
                offset=h.start(),
            )
        )
    return result
