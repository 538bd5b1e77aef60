"""Policy diffusion (qdn adoption): for each region, its first record matching a query and how
many matched, with the regions under --within that never did listed as not adopted; tidy rows
for event-history models. Matching is search's (one record per copy group), and "first" is the
first of the region's records in `qdn list --sort date` order.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from qdn_corpus.errors import UsageError
from qdn_corpus.read.parsing.regions import Place, gazetteer
from qdn_corpus.rows import AdoptionRow
from qdn_corpus.search.plan import Plan
from qdn_corpus.search.view import View
from qdn_corpus.store.engine import Index

Level = Literal["province", "prefecture", "county"]
LEVELS: tuple[str, ...] = ("province", "prefecture", "county")
_RANK = {"province": 1, "prefecture": 2, "county": 3}


def check_level(by: str) -> Level:
    if by not in LEVELS:
        raise UsageError(f"unknown --by {by!r}: use province, prefecture or county")
    return by  # type: ignore[return-value]


def check_within(within: str | None, by: Level) -> Place | None:
    """The region --within names, above the --by level; an error otherwise."""
    if within is None:
        return None
    place = gazetteer().resolve(within)
    if place is None:
        raise UsageError(f"unknown region {within!r} for --within: give a province or prefecture, e.g. 黔东南州, 贵州省")
    if place.level >= _RANK[by]:
        raise UsageError(f"--within {place.name} is not above --by {by}: e.g. --by county --within 黔东南州")
    return place


@lru_cache(maxsize=1)
def _municipalities() -> frozenset[str]:
    """Provinces without prefectures (北京市, 天津市, 上海市, 重庆市): prefecture-level themselves."""
    places = gazetteer().places
    with_prefectures = {p.province for p in places if p.level == 2}
    return frozenset(p.name for p in places if p.level == 1 and p.name not in with_prefectures)


def _places(by: Level, within: Place | None) -> list[Place]:
    gaz = gazetteer()
    if within is not None:
        return [p for p in gaz.below(within) if p.level == _RANK[by]]
    return [p for p in gaz.places if p.level == 1] if by == "province" else []


def adoption(ix: Index, p: Plan, by: Level, within: Place | None) -> list[AdoptionRow]:
    """Adopters first (earliest first, undated adopters after the dated), then the regions
    under --within (or every province) that never matched."""
    firsts: dict[str, int] = {}  # region -> its first dated docnum (by_date puts undated last)
    counts: dict[str, int] = {}
    with ix.reader() as reader:
        view = View(reader, ix)
        docs = view.matching(p)
        outer = None if within is None else ("province" if within.level == 1 else "prefecture")
        for d in view.by_date(docs, "date", None):
            store, local = view.locate(d)
            name = store.column(by)[local]
            if not name and by == "prefecture" and store.column("province")[local] in _municipalities():
                name = store.column("province")[local]  # 北京市's districts: the city is their prefecture
            if not name or (outer is not None and store.column(outer)[local] != within.name):  # type: ignore[union-attr]
                continue
            counts[name] = counts.get(name, 0) + 1
            if store.days()[local] and name not in firsts:
                firsts[name] = d
        first_records = {name: view.record(d) for name, d in firsts.items()}
    gaz = gazetteer()
    known = {pl.name: pl for pl in _places(by, within)}
    rows = []
    for name, n in counts.items():
        place = known.get(name) or gaz.resolve(name)
        record = first_records.get(name)
        rows.append(AdoptionRow(
            region=name, level=by, code=place.code if place and (place.level == _RANK[by] or name in _municipalities()) else None,
            parent=place.parent if place and place.level == _RANK[by] else None,
            first_date=record.date if record else None, first_id=record.id if record else None,
            first_title=record.title if record else None, records=n, adopted=True,
        ))
    rows.sort(key=lambda r: (r.first_date is None, r.first_date or 0, r.region))
    for name, place in known.items():
        if name not in counts:
            rows.append(AdoptionRow(region=name, level=by, code=place.code, parent=place.parent, first_date=None,
                                    first_id=None, first_title=None, records=0, adopted=False))
    return rows
