"""Coding (qdn code): each unit (clause or record) of the matching records against each code of
a codebook; the coded units, the cross-tab of codes by bucket, the units no code matched, and
the codes that occur together.

Clause units are decided on the folded bodies and outlines the index keeps (search/units.py
decides a query on one unit); record units exactly as search decides a record, so a code's
record count is its query's search total. Only the records a code's query could match are
cut; every unit count of the others comes from the index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Literal

from qdn_corpus.errors import UsageError
from qdn_corpus.read.units import Unit, cut
from qdn_corpus.reports.clauses import as_clause, matched, record_units
from qdn_corpus.reports.codebook import Code, Codebook
from qdn_corpus.reports.trend import BY, bucket_of, ordered_buckets
from qdn_corpus.rows import Clause, CodeCount, CodedUnit, CoOccurrence
from qdn_corpus.search.plan import Request, plan, request
from qdn_corpus.search.units import UnitQuery, unit_query
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
    """What qdn code found: per (document, unit index) the keys of the codes that matched."""

    codebook: Codebook
    unit: UnitKind
    by: str | None
    hits: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    totals: Counter[str | None] = field(default_factory=Counter)  # all units per bucket
    bucket: dict[int, str | None] = field(default_factory=dict)
    rows: list[Any] = field(default_factory=list)  # what --show asked for


def _units_of_folded(store: Any, local: int) -> tuple[str, list[Unit]]:
    """A document's folded body and its units, from what the index keeps."""
    text = store.text(local)
    facets = store.facets(local)
    outline = facets.get("outline")
    if outline:
        return text, cut(text, outline, numbered=False)
    return text, [Unit("", s, e, []) for s, e in facets.get("paragraphs") or []]


def _clause_hits(view: View, docs: set[int], queries: list[tuple[Code, UnitQuery, set[int]]]) -> dict[tuple[int, int], list[str]]:
    hits: dict[tuple[int, int], list[str]] = {}
    for d in sorted(docs):
        wanted = [(c, uq) for c, uq, cand in queries if d in cand]
        if not wanted:
            continue
        store, local = view.locate(d)
        text, units = _units_of_folded(store, local)
        for i, u in enumerate(units):
            piece = text[u.start:u.end]
            keys = [c.key for c, uq in wanted if uq.test(d, piece)]
            if keys:
                hits[(d, i)] = keys
    return hits


def code(ix: Index, book: Codebook, req: Request, unit: UnitKind, by: str | None, show: str) -> Coding:
    """Code every unit of the records a request's filters keep."""
    result = Coding(book, unit, by)
    with ix.reader() as reader:
        view = View(reader, ix)
        base = view.matching(plan(req))
        key_of = bucket_of(view, by) if by else (lambda d: None)
        result.bucket = {d: key_of(d) for d in base}
        if unit == "record":
            for c in book.codes:
                p = plan(request(c.query, filters=req.filters, all_copies=req.all_copies))
                for d in view.matching(p) & base:
                    result.hits.setdefault((d, 0), []).append(c.key)
            result.totals = Counter(result.bucket.values())
        else:
            queries = []
            for c in book.codes:
                uq = unit_query(c.query, view.docs)
                cand = base if uq.relaxed is None else base & view.docs(uq.relaxed)
                queries.append((c, uq, cand))
            result.hits = _clause_hits(view, base, queries)
            for d in base:
                store, local = view.locate(d)
                result.totals[result.bucket[d]] += store.column("units")[local] or 0
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
    """The cross-tab: per code (and per category, label *), units matched in each bucket."""
    counts: Counter[tuple[str, str | None]] = Counter()
    for (d, _i), keys in result.hits.items():
        b = result.bucket[d]
        for k in keys:
            counts[(k, b)] += 1
        for cat in dict.fromkeys(k.split("/", 1)[0] for k in keys):
            counts[(f"{cat}/*", b)] += 1
    buckets = ordered_buckets(set(result.totals), result.totals, result.by or "")
    rows = []
    categories = list(dict.fromkeys(c.category for c in result.codebook.codes))
    for cat in categories:
        labels = [c.label for c in result.codebook.codes if c.category == cat]
        for label in [*labels, "*"]:
            for b in buckets:
                n, total = counts[(f"{cat}/{label}", b)], result.totals[b]
                share = round(n / total, 4) if total else 0.0
                rows.append(CodeCount(category=cat, label=label, bucket=b, units=n, share=share, total=total))
    return rows


def cooccurrence(result: Coding) -> list[CoOccurrence]:
    """Pairs of codes matching one unit, most frequent first."""
    alone: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    order = {c.key: n for n, c in enumerate(result.codebook.codes)}
    for keys in result.hits.values():
        ks = sorted(set(keys), key=order.__getitem__)
        alone.update(ks)
        pairs.update(combinations(ks, 2))
    return [
        CoOccurrence(a=a, b=b, units=n, jaccard=round(n / (alone[a] + alone[b] - n), 4))
        for (a, b), n in sorted(pairs.items(), key=lambda kv: (-kv[1], order[kv[0][0]], order[kv[0][1]]))
    ]


def _coded_units(view: View, result: Coding) -> Iterator[CodedUnit]:
    """One row per unit and code, newest record first, units in body order."""
    codes = {c.key: c for c in result.codebook.codes}
    queries: dict[str, UnitQuery] = {}
    from qdn_corpus.text.normalize import fold

    with_docs = {d for d, _ in result.hits}
    for d in view.by_date(with_docs, "-date", None):
        record = view.record(d)
        units = record_units(record) if result.unit == "clause" else [Unit("", 0, len(record.body), [])]
        folded = fold(record.body)
        for i, u in enumerate(units):
            for key in result.hits.get((d, i), []):
                c = codes[key]
                if key not in queries:
                    queries[key] = unit_query(c.query, view.docs)
                piece = folded[u.start:u.end]
                base = as_clause(record, u, matched(piece, queries[key].marks(d, piece)))
                if result.unit == "record":
                    base = base.model_copy(update={"code": record.id[:8], "text": record.title or record.display_title()})
                yield CodedUnit(**base.model_dump(), category=c.category, label=c.label)


def _uncoded(view: View, result: Coding, base: set[int]) -> Iterator[Clause]:
    """The units no code matched (coverage), newest record first."""
    for d in view.by_date(base, "-date", None):
        record = view.record(d)
        units = record_units(record) if result.unit == "clause" else [Unit("", 0, len(record.body), [])]
        for i, u in enumerate(units):
            if (d, i) not in result.hits:
                clause = as_clause(record, u, [])
                yield clause if result.unit == "clause" else clause.model_copy(update={"code": record.id[:8]})
