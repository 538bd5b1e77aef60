"""qdn clauses: the clause units (read/units.py) of matching records, with the record's fields,
and those a query matches (search/units.py decides a query on one unit)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qdn_corpus.models import Record
from qdn_corpus.read.units import Unit, cut
from qdn_corpus.rows import Clause
from qdn_corpus.search.plan import Plan, Request
from qdn_corpus.search.snippets import in_section, occurrences
from qdn_corpus.search.units import UnitQuery
from qdn_corpus.store.engine import Index
from qdn_corpus.text.normalize import fold


def record_units(record: Record) -> list[Unit]:
    return cut(record.body, [(h.level, h.offset, f"{h.marker}{h.text}") for h in record.outline])


def as_clause(record: Record, unit: Unit, matches: list[str]) -> Clause:
    return Clause(
        code=f"{record.id[:8]}-{unit.code}", id=record.id, path=unit.path, text=record.body[unit.start:unit.end].strip(),
        offset=unit.start, matches=matches, date=record.date, region=record.region, issuers=record.issuers,
        doc_type=record.doc_type, title=record.title, file=record.file,
    )


def matched(folded: str, highlights: list[str]) -> list[str]:
    """The query texts found in a folded unit, longest first, each once."""
    found = occurrences(folded, highlights)
    return sorted({folded[s:e] for s, e, _ in found}, key=lambda t: (-len(t), t))


def units_of(d: int, record: Record, uq: UnitQuery | None, within: str | None) -> Iterator[tuple[Unit, list[str]]]:
    """The units of one record that a unit query (and --within) keeps, with the texts matched."""
    units = record_units(record)
    headings = [(h.level, h.offset, fold(f"{h.marker}{h.text}")) for h in record.outline] if within else []
    folded_body = fold(record.body)
    for u in units:
        if within is not None and not in_section(headings, u.start, within):
            continue
        text = folded_body[u.start:u.end]
        if uq is not None and not uq.test(d, text):
            continue
        yield u, matched(text, uq.marks(d, text)) if uq is not None else []


def unit_plan(view: Any, req: Request) -> tuple[Plan, UnitQuery | None]:
    """The records a unit query needs looked at (the query with its NOTs dropped, and the
    filters) and the query for their units; a plain listing without a query."""
    from qdn_corpus.search.units import unit_query

    if req.query is None:
        return Plan(req, None, req.filters.query()), None
    uq = unit_query(req.query, view.docs)
    return Plan(req, uq.relaxed, req.filters.query()), uq


def clauses(ix: Index, req: Request) -> tuple[list[Clause], int]:
    """The units of the records a request keeps (newest record first, units in body order)
    that match its query; and how many records held one."""
    from qdn_corpus.search.view import View

    rows: list[Clause] = []
    held = 0
    with ix.reader() as reader:
        view = View(reader, ix)
        p, uq = unit_plan(view, req)
        for d in view.by_date(view.matching_mask(p), "-date", None):
            record = view.record(d)
            found = [as_clause(record, u, m) for u, m in units_of(d, record, uq, req.within)]
            held += bool(found)
            rows.extend(found)
    return rows, held
