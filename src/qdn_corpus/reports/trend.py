"""How a topic moves: matching records and mentions per bucket (month, quarter, year, region,
source …), for one or several queries, from the full-text files alone.

A trend matches exactly as search does (View.matching), so a series' records add up to
search's total. Dates come from each segment's day array and the other groupings from its
facets (store/fulltext.py); mentions are the places a snippet would mark (search/snippets.py), counted
in the folded bodies. No stored record is read.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from qdn_corpus.errors import UsageError
from qdn_corpus.models import Region, narrowest
from qdn_corpus.models import TrendRow as Row
from qdn_corpus.search.plan import Plan
from qdn_corpus.search.view import View
from qdn_corpus.store.engine import Index

By = Literal["month", "quarter", "year", "region", "province", "prefecture", "county", "source", "issuer", "doc_type", "site", "category"]
BY: tuple[str, ...] = By.__args__  # type: ignore[attr-defined]
DATE_BUCKETS = ("month", "quarter", "year")
UNDATED = "undated"


def check_by(by: str) -> By:
    if by not in BY:
        raise UsageError(f"unknown --by {by!r}: use one of {', '.join(BY)}")
    return by  # type: ignore[return-value]


def check_per(per: int | None) -> None:
    if per is not None and per < 1:
        raise UsageError(f"--per must be 1 or more (records per that many in the bucket), not {per}")


@dataclass
class Trend:
    rows: list[Row]
    queries: list[str]
    by: By
    per: int | None
    totals: dict[str, int]  # matching records of each query (search's total)

    def hidden(self) -> tuple[str, ...]:
        """The row fields no output shows: per, unless --per asked for it."""
        return () if self.per else ("per",)


@functools.lru_cache(maxsize=1 << 16)
def _date_key(day: int, by: str) -> str | None:
    if not day:
        return None
    d = dt.date.fromordinal(day)
    if by == "year":
        return f"{d.year}"
    if by == "quarter":
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    return f"{d.year}-{d.month:02d}"


def _date_range(first: str, last: str, by: str) -> list[str]:
    """Every bucket from first to last, so that a quiet period shows as zero."""
    if by == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    step = 3 if by == "quarter" else 1

    def months(key: str) -> int:
        y, rest = key.split("-")
        m = (int(rest[1:]) - 1) * 3 + 1 if by == "quarter" else int(rest)
        return int(y) * 12 + m - 1

    out = []
    for n in range(months(first), months(last) + 1, step):
        y, m = divmod(n, 12)
        out.append(f"{y}-Q{m // 3 + 1}" if by == "quarter" else f"{y}-{m + 1:02d}")
    return out


def _facet(store: Any, local: int, by: str) -> str | None:
    if by == "region":  # the most precise level the record names
        return narrowest({level: store.column(level)[local] for level in Region.LEVELS})
    value = store.column(by)[local]
    return value if isinstance(value, str) else None


def bucket_of(view: View, by: str) -> Callable[[int], str | None]:
    """The bucket (--by) of a document number: its month, year …, region, source …"""

    def key_of(docnum: int) -> str | None:
        store, local = view.locate(docnum)
        if by in DATE_BUCKETS:
            return _date_key(store.days()[local], by)
        return _facet(store, local, by)

    return key_of


def bucket_counts(view: View, docs: Iterable[int], by: str, weights: Any = None) -> Counter[str | None]:
    """Documents per bucket (--by), counted segment by segment with numpy: each segment's
    buckets are coded once (fulltext.SegmentReader.codes), then one bincount per segment
    counts them (what the search page's facets and trend's totals count, at times over every
    live document). With `weights` (an integer per document of `docs`, sorted), their sums."""
    import numpy as np

    counts: Counter[str | None] = Counter()
    wanted = docs if isinstance(docs, np.ndarray) else np.fromiter(docs, dtype=np.int64)
    if weights is None:
        wanted = np.sort(wanted)
    for leaf, store in view.leaves:
        lo, hi = np.searchsorted(wanted, (leaf.offset, leaf.offset + leaf.size))
        if lo == hi:
            continue
        codes, values = store.codes(by, lambda store=store: _bucket_values(store, by))
        part = None if weights is None else weights[lo:hi]
        counted = np.bincount(codes[wanted[lo:hi] - leaf.offset], weights=part, minlength=len(values))
        for value, n in zip(values, counted.astype(np.int64).tolist(), strict=True):
            if n:
                counts[value] += n
    return counts


def _bucket_values(store: Any, by: str) -> list[str | None]:
    """The bucket of every document of a segment, in document order."""
    if by in DATE_BUCKETS:
        return [_date_key(day, by) for day in store.days()]
    if by == "region":
        levels = [store.column(level) for level in Region.LEVELS]
        return [narrowest(dict(zip(Region.LEVELS, values, strict=True))) for values in zip(*levels, strict=True)]
    return [v if isinstance(v, str) else None for v in store.column(by)]


def ordered_buckets(seen: set[str | None], sizes: Counter[str | None], by: str) -> list[str | None]:
    """Buckets in the order a table shows them: every period from the first to the last (a
    quiet one shows as zero), other buckets largest first; unknown (None) last."""
    known = sorted(k for k in seen if k is not None)
    if by in DATE_BUCKETS:
        buckets: list[str | None] = list(_date_range(known[0], known[-1], by)) if known else []
    else:
        buckets = sorted(known, key=lambda k: (-sizes[k], k))
    if None in seen:
        buckets.append(None)
    return buckets


def trend(ix: Index, queries: list[str], plans: list[Plan], by: By, per: int | None = None) -> Trend:
    """Count each plan's matching records and mentions per bucket (plans from search.plan,
    all with the same filters)."""
    check_by(by)
    check_per(per)
    with ix.reader() as reader:
        view = View(reader, ix)

        series: list[tuple[Counter[str | None], Counter[str | None]]] = []
        totals: dict[str, int] = {}
        for text, p in zip(queries, plans, strict=True):
            nums = view.nums(view.matching_mask(p))
            totals[text] = len(nums)
            records = bucket_counts(view, nums, by)
            mentions = bucket_counts(view, nums, by, view.mention_counts(nums, p.highlights, p.within)) if p.highlights else Counter()
            series.append((records, mentions))
        base = view.mask(plans[0].filter) if plans[0].filter is not None else view.live_mask()
        if not plans[0].all_copies:
            base = view.collapse_mask(base)
        everything = bucket_counts(view, view.nums(base), by)
    seen = {k for records, _ in series for k in records}
    buckets = ordered_buckets(seen, Counter({k: sum(r[k] for r, _ in series) for k in seen}), by)
    rows = []
    for bucket in buckets:
        for text, (records, mentions) in zip(queries, series, strict=True):
            total = everything[bucket]
            rate = round(records[bucket] * per / total, 2) if per and total else (0.0 if per else None)
            rows.append(Row(bucket=bucket, query=text, records=records[bucket], mentions=mentions[bucket], total_records=total, per=rate))
    return Trend(rows, queries, by, per, totals)
