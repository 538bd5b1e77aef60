"""A record's engine fields: what Whoosh holds of it (see fulltext.py for the rest; the schema
itself is engine.py's). The field names are part of the on-disk format."""

from __future__ import annotations

import zlib
from typing import Any

from qdn_corpus.models import Record
from qdn_corpus.text.normalize import url_host


def document_fields(record: Record) -> dict[str, Any]:
    """The Whoosh fields of a record, tokens computed here (so it runs in a worker).

    The body, the words and the short fields' texts are not Whoosh fields: they go to
    fulltext.py's files.
    """
    fields: dict[str, Any] = {"id": record.id, "file": record.file}  # the record itself: packed_record(), in fulltext.py's .qrec
    levels = [p for p in (record.region.province, record.region.prefecture, record.region.county) if p]
    if levels:
        fields["region"] = " ".join(levels)
    if record.category:
        fields["category"] = record.category
    if record.doc_type:
        fields["doc_type"] = record.doc_type
    return fields


def packed_record(record: Record) -> bytes:
    """The record as the index keeps it (fulltext.py's .qrec): its JSON, compressed on its own,
    so that a page of 20 reads 20 (zlib's level 3: what Whoosh used for its stored records)."""
    return zlib.compress(record.model_dump_json().encode("utf-8"), 3)


def short_texts(record: Record) -> dict[str, str]:
    """The folded texts a field query or filter looks into (fulltext.SHORT_COLUMNS): title,
    source (source and issuer), 文号, issuers, site (and the URL's host)."""
    from qdn_corpus.text.normalize import fold

    texts = {
        "title_text": record.title,
        "source_text": " ".join(dict.fromkeys(n for n in (record.source, record.issuer) if n)),
        "number_text": record.doc_number,
        "issuer_text": " ".join(record.issuers) or record.issuer,
        "site_text": " ".join(dict.fromkeys(s for s in (record.site, url_host(record.url)) if s)),
    }
    return {k: fold(v) for k, v in texts.items() if v}


def facets(record: Record, folded: str | None = None) -> dict[str, Any]:
    """What trends group by and sections are cut by, kept beside the full text (fulltext.py):
    region levels, source, issuer, type, site, format (qdn serve's facets), the outline as [level, offset, folded heading],
    the clause units (read/units.py) as byte spans of the folded body
    (offsets into the body, which folding keeps); what relations.py links records by; and the
    short fields' folded texts."""
    from qdn_corpus.read.units import cut
    from qdn_corpus.store import relations
    from qdn_corpus.text.normalize import fold

    out: dict[str, Any] = {}
    for key, value in (
        ("province", record.region.province), ("prefecture", record.region.prefecture), ("county", record.region.county),
        ("source", record.source), ("issuer", record.issuer), ("doc_type", record.doc_type),
        ("site", record.site or url_host(record.url)), ("category", record.category), ("format", record.format),
    ):
        if value:
            out[key] = value
    folded = fold(record.body) if folded is None else folded  # the worker folded it already
    if record.outline:
        out["outline"] = [[h.level, h.offset, fold(f"{h.marker}{h.text}")] for h in record.outline]
    headings = [(h.level, h.offset, f"{h.marker}{h.text}") for h in record.outline]
    out["unit_spans"] = unit_spans(folded, cut(record.body, headings, numbered=False))
    out.update(relations.identity(record))
    out.update(short_texts(record))
    return out


def unit_spans(folded: str, units: list[Any]) -> list[int]:
    """Clause units as [start, end, start, end …] byte offsets into the folded body's UTF-8 (the
    full-text file's form), so that qdn code scans every body at once without decoding."""
    out: list[int] = []
    char = byte = 0
    for u in units:
        byte += len(folded[char:u.start].encode("utf-8"))
        start = byte
        byte += len(folded[u.start:u.end].encode("utf-8"))
        out += (start, byte)
        char = u.end
    return out
