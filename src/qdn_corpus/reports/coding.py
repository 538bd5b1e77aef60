"""Coding (qdn code): each unit (clause or record) of the matching records against each code of
a codebook; the coded units, the cross-tab of codes by bucket, the units no code matched, and
the codes that occur together.

Clause units are decided all at once over the folded bodies and unit spans the index keeps
(search/unitscan.py, with search/units.py's meaning); record units exactly as search decides a
record, so a code's record count is its query's search total.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Literal

from qdn_corpus.errors import UsageError
from qdn_corpus.read.units import Unit
from qdn_corpus.reports.clauses import as_clause, matched, record_units
from qdn_corpus.reports.codebook import Codebook
from qdn_corpus.reports.trend import BY, bucket_of, ordered_buckets
from qdn_corpus.rows import Clause, CodeCount, CodedUnit, CoOccurrence
from qdn_corpus.search.plan import Request, plan, request
from qdn_corpus.search.units import UnitQuery, unit_query
from qdn_corpus.search.unitscan import scan
from qdn_corpus.search.view import View
from qdn_corpus.store.engine import Index

UnitKind = Literal["clause", "record"]
UNITS = ("clause", "record")
SHOWS = ("table", "units", "uncoded", "cooccurrence")


def check_unit(unit: str) -> UnitKind:
    if unit not in UNITS:
        raise UsageError(f"unknown --unit {unit!r}: use clause or record")
    return unit  # type: ignore[return-value]


def check_show(show: str) -> str:
    if show not in SHOWS:
        raise UsageError(f"unknown --show {show!r}: use one of {', '.join(SHOWS)}")
    return show


def check_by(by: str | None) -> str | None:
    if by is not None and by not in BY:
        raise UsageError(f"unknown --by {by!r}: use one of {', '.join(BY)}")
    return by


@dataclass
class Coding:
    """What qdn code found: the units (document number and place in the record, in document
    order; records are one unit each), each unit's bucket, and per code a boolean array of the
    units it matched."""

    codebook: Codebook
    unit: UnitKind
    by: str | None
    doc: Any = None  # numpy int64 array
    k: Any = None
    masks: list[Any] = field(default_factory=list)
    bucket: Any = None  # numpy array: each unit's bucket's place in `buckets`
    buckets: list[str | None] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)  # what --show asked for

    @property
    def total(self) -> int:
        return len(self.doc)

    def coded(self) -> Any:
        """The units any code matched."""
        import numpy as np

        out = np.zeros(len(self.doc), dtype=bool)
        for m in self.masks:
            out |= m
        return out

    def hits(self) -> dict[tuple[int, int], list[str]]:
        """(document, unit place) -> the keys of the codes that matched it."""
        docs, places = self.doc.tolist(), self.k.tolist()
        found: dict[tuple[int, int], list[str]] = {}
        for c, mask in zip(self.codebook.codes, self.masks, strict=True):
            for i in mask.nonzero()[0].tolist():
                found.setdefault((docs[i], places[i]), []).append(c.key)
        return found


def code(ix: Index, book: Codebook, req: Request, unit: UnitKind, by: str | None, show: str) -> Coding:
    """Code every unit of the records a request's filters keep."""
    import numpy as np

    result = Coding(book, unit, by)
    with ix.reader() as reader:
        view = View(reader, ix)
        base = view.matching(plan(req))
        if unit == "record":
            result.doc = np.array(sorted(base), dtype=np.int64)
            result.k = np.zeros(len(base), dtype=np.int64)
            for c in book.codes:
                matching = view.matching(plan(request(c.query, filters=req.filters, all_copies=req.all_copies))) & base
                result.masks.append(np.isin(result.doc, np.fromiter(matching, dtype=np.int64, count=len(matching))))
        else:
            found = scan(view, base, [unit_query(c.query, view.docs) for c in book.codes], view.docs)
            result.doc, result.k, result.masks = found.doc, found.k, found.masks
        key_of = bucket_of(view, by) if by else (lambda d: None)
        doc_bucket = {d: key_of(d) for d in base}
        sizes = Counter(doc_bucket.values())
        result.buckets = ordered_buckets(set(sizes), sizes, by or "")
        place = {b: i for i, b in enumerate(result.buckets)}
        by_doc = {d: place[b] for d, b in doc_bucket.items()}
        result.bucket = np.array([by_doc[d] for d in result.doc.tolist()], dtype=np.int64)
        result.rows = _rows(view, result, base, show)
    return result


def _rows(view: View, result: Coding, base: set[int], show: str) -> list[Any]:
    if show == "table":
        return table(result)
    if show == "cooccurrence":
        return cooccurrence(result)
    if show == "units":
        return list(_coded_units(view, result))
    return list(_uncoded(view, result, base))


def table(result: Coding) -> list[CodeCount]:
    """The cross-tab: per code (and per category, label *), units matched in each bucket, and
    their share of all the bucket's units."""
    import numpy as np

    n = len(result.buckets)
    totals = np.bincount(result.bucket, minlength=n).tolist()
    rows = []
    codes = result.codebook.codes
    for cat in dict.fromkeys(c.category for c in codes):
        members = [(c.label, m) for c, m in zip(codes, result.masks, strict=True) if c.category == cat]
        anyone = np.zeros(len(result.doc), dtype=bool)
        for _label, m in members:
            anyone |= m
        for label, mask in [*members, ("*", anyone)]:
            counts = np.bincount(result.bucket[mask], minlength=n).tolist()
            for b, units, total in zip(result.buckets, counts, totals, strict=True):
                share = round(units / total, 4) if total else 0.0
                rows.append(CodeCount(category=cat, label=label, bucket=b, units=units, share=share, total=total))
    return rows


def cooccurrence(result: Coding) -> list[CoOccurrence]:
    """Pairs of codes matching one unit, most frequent first."""
    codes = result.codebook.codes
    alone = [int(m.sum()) for m in result.masks]
    pairs = []
    for (i, a), (j, b) in combinations(enumerate(codes), 2):
        both = int((result.masks[i] & result.masks[j]).sum())
        if both:
            pairs.append((both, i, j, CoOccurrence(a=a.key, b=b.key, units=both, jaccard=round(both / (alone[i] + alone[j] - both), 4))))
    return [row for *_, row in sorted(pairs, key=lambda p: (-p[0], p[1], p[2]))]


def _coded_units(view: View, result: Coding) -> Iterator[CodedUnit]:
    """One row per unit and code, newest record first, units in body order."""
    codes = {c.key: c for c in result.codebook.codes}
    queries: dict[str, UnitQuery] = {}
    from qdn_corpus.text.normalize import fold

    hits = result.hits()
    with_docs = {d for d, _ in hits}
    for d in view.by_date(with_docs, "-date", None):
        record = view.record(d)
        units = record_units(record) if result.unit == "clause" else [Unit("", 0, len(record.body), [])]
        folded = fold(record.body)
        for i, u in enumerate(units):
            for key in hits.get((d, i), []):
                c = codes[key]
                if key not in queries:
                    queries[key] = unit_query(c.query, view.docs)
                piece = folded[u.start:u.end]
                base = as_clause(record, u, matched(piece, queries[key].marks(d, piece)))
                if result.unit == "record":
                    base = base.model_copy(update={"code": record.id[:8]})  # the unit is the whole body
                yield CodedUnit(**base.model_dump(), category=c.category, label=c.label)


def _uncoded(view: View, result: Coding, base: set[int]) -> Iterator[Clause]:
    """The units no code matched (coverage), newest record first."""
    coded = result.coded()
    hit = {(d, k) for d, k, c in zip(result.doc.tolist(), result.k.tolist(), coded.tolist(), strict=True) if c}
    for d in view.by_date(base, "-date", None):
        record = view.record(d)
        units = record_units(record) if result.unit == "clause" else [Unit("", 0, len(record.body), [])]
        for i, u in enumerate(units):
            if (d, i) not in hit:
                clause = as_clause(record, u, [])
                yield clause if result.unit == "clause" else clause.model_copy(update={"code": record.id[:8]})
