"""Facet counts beside a search: how the matching records spread over years, regions,
issuers, types, sites and formats, and how many copies of reposted documents were folded
(qdn serve's side panel). Counted from the index's columns, no record is read. Imports
nothing heavy until counting: api.py takes FACETS from here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qdn_corpus.errors import UsageError

if TYPE_CHECKING:
    from qdn_corpus.search.plan import Plan
    from qdn_corpus.store.engine import Index

FACETS: tuple[str, ...] = ("year", "region", "issuer", "doc_type", "site", "format")


@dataclass
class Facets:
    """Records per value of each facet, largest first (None: records without it), cut at `top`
    values; `total` matching records; `folded` copies that --all-copies would add."""

    counts: dict[str, list[tuple[str | None, int]]]
    total: int
    folded: int


def check_facets(names: list[str]) -> list[str]:
    unknown = [n for n in names if n not in FACETS]
    if unknown:
        raise UsageError(f"unknown facet {unknown[0]!r}: use {', '.join(FACETS)}")
    return names


def facets(ix: Index, p: Plan, names: list[str], top: int) -> Facets:
    """Count the records `search` would find (every one, not a page of them) by each facet."""
    from qdn_corpus.reports.trend import bucket_counts
    from qdn_corpus.search.view import View

    with ix.reader() as reader:
        view = View(reader, ix)
        every = view.matching_mask(replace(p, request=replace(p.request, all_copies=True)))
        numbers = view.nums(every if p.all_copies else view.collapse_mask(every))  # once for every facet
        counts: dict[str, list[tuple[str | None, int]]] = {}
        for name in names:
            counted = bucket_counts(view, numbers, name)
            known = sorted((k for k in counted if k is not None), key=lambda k: (-counted[k], k))[:top]
            if name == "year":
                known.sort(reverse=True)
            counts[name] = [(k, counted[k]) for k in known] + ([(None, counted[None])] if None in counted else [])
    return Facets(counts, len(numbers), int(every.sum()) - len(numbers))
