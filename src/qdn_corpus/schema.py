"""The Whoosh schema and the fields of a record: what Whoosh holds (see fulltext.py for the rest).

Whoosh pickles the schema into the index, so these names are part of the on-disk format.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from whoosh.fields import TEXT
from whoosh.system import pack_uint

from qdn_corpus.models import Record
from qdn_corpus.normalize import url_host


class Tokens(TEXT):  # type: ignore[misc]
    """A TEXT field whose value is its list of tokens, computed beforehand (in a worker).

    Whoosh's analyzer chain costs microseconds per token; counting the tokens here does not.
    Phrase fields number tokens 0, 1, 2 …, so bigram positions are character positions.
    """

    def index(self, value: list[str], **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
        boost = self.format.field_boost
        if self.format.supports("positions"):
            positions: dict[str, list[int]] = {}
            for i, token in enumerate(value):
                positions.setdefault(token, []).append(i)
            encode = self.format.encode
            return [(t.encode("utf-8"), len(p), len(p) * boost, encode(p)) for t, p in positions.items()]
        return [(t.encode("utf-8"), n, n * boost, pack_uint(n)) for t, n in Counter(value).items()]


def schema() -> Any:
    from whoosh.fields import ID, KEYWORD, STORED, Schema

    return Schema(
        id=ID(stored=True, unique=True),
        file=ID,
        record=STORED,
        title_g=Tokens(phrase=True),
        source_g=Tokens(phrase=True),
        number_g=Tokens(phrase=True),
        site_g=Tokens(phrase=True),
        issuer_g=Tokens(phrase=True),
        region=KEYWORD(scorable=False),
        category=ID,
        doc_type=ID,
    )


def document_fields(record: Record) -> dict[str, Any]:
    """The Whoosh fields of a record, tokens computed here (so it runs in a worker).

    The body and the words are not Whoosh fields: they go to fulltext.py's files.
    """
    from qdn_corpus.analysis import bigrams

    # The record's JSON as is: Whoosh compresses stored blocks itself (deflating here too made
    # them a third larger).
    fields: dict[str, Any] = {"id": record.id, "file": record.file, "record": record.model_dump_json()}
    if record.title:
        fields["title_g"] = bigrams(record.title)
    names = " ".join(dict.fromkeys(n for n in (record.source, record.issuer) if n))
    if names:
        fields["source_g"] = bigrams(names)
    if record.doc_number:
        fields["number_g"] = bigrams(record.doc_number)
    if record.issuers or record.issuer:
        fields["issuer_g"] = bigrams(" ".join(record.issuers) or record.issuer or "")
    site = " ".join(dict.fromkeys(s for s in (record.site, url_host(record.url)) if s))
    if site:
        fields["site_g"] = bigrams(site)
    levels = [p for p in (record.region.province, record.region.prefecture, record.region.county) if p]
    if levels:
        fields["region"] = " ".join(levels)
    if record.category:
        fields["category"] = record.category
    if record.doc_type:
        fields["doc_type"] = record.doc_type
    return fields
