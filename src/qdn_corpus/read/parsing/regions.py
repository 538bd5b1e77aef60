"""Region names: a gazetteer of China's provinces, prefectures and county-level divisions with
their 6-digit codes (data/gazetteer.txt, the divisions of 2024; scripts/gazetteer.py makes it).

A county name several divisions share (朝阳区 in 北京市 and 长春市) names none of them alone:
it resolves under its prefecture or province (parse_region's 长春市-朝阳区, `within`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import regex

from qdn_corpus.models import Region

_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特区", "地区",
             "林区", "特区", "省", "市", "州", "县", "区", "盟")


@dataclass(frozen=True)
class Place:
    level: int  # 1 province, 2 prefecture, 3 county
    name: str
    province: str
    prefecture: str | None = None
    code: str | None = None  # the 6-digit administrative division code

    def region(self) -> Region:
        if self.level == 1:
            return Region(province=self.name)
        if self.level == 2:
            return Region(province=self.province, prefecture=self.name)
        return Region(province=self.province, prefecture=self.prefecture or None, county=self.name)

    @property
    def parent(self) -> str | None:
        return None if self.level == 1 else (self.prefecture or self.province) if self.level == 3 else self.province


def _stem(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass
class Gazetteer:
    full: dict[str, Place]  # canonical and official full names
    stems: dict[str, Place]  # names without their suffix (黔东南, 山东)
    names: Any  # ahocorasick_rs.AhoCorasick over every name, leftmost-longest
    places: list[Place]  # every division, in the file's (code) order
    under: dict[tuple[str, str], Place]  # (prefecture or province, name) -> place: shared names too
    shared: dict[str, list[Place]]  # a county name several divisions share -> those divisions

    def resolve(self, name: str, parent: str | None = None) -> Place | None:
        """The place a name denotes: full names first, then stems (provinces win ties); a name
        several places share only under its `parent` (a canonical prefecture or province)."""
        name = name.strip()
        if parent is not None and (found := self.under.get((parent, name))):
            return found
        return self.full.get(name) or self.stems.get(name) or self.stems.get(_stem(name))

    def below(self, place: Place) -> list[Place]:
        """The divisions under a place: a province's prefectures and counties, a prefecture's counties."""
        if place.level == 1:
            return [p for p in self.places if p.level > 1 and p.province == place.name]
        if place.level == 2:
            return [p for p in self.places if p.level == 3 and p.prefecture == place.name]
        return []

    def mentions(self, text: str) -> list[Place]:
        """Places named in a text, longest name first at each position; a name several counties
        share counts when the text also names the prefecture or province of exactly one."""
        out = []
        pending = []
        for _, start, end in self.names.find_matches_as_indexes(text):
            name = text[start:end]
            place = self.full.get(name) or self.stems.get(name)
            if place is not None:
                out.append(place)
            elif name in self.shared:
                pending.append(name)
        if pending:
            named = {p.name for p in out}
            for name in pending:
                candidates = [p for p in self.shared[name] if p.prefecture in named or p.province in named]
                if len(candidates) == 1:
                    out.append(candidates[0])
        return out


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load the gazetteer data file once."""
    text = resources.files("qdn_corpus").joinpath("data/gazetteer.txt").read_text("utf-8")
    full: dict[str, Place] = {}
    stems: dict[str, Place] = {}
    shared: set[str] = set()
    places: list[Place] = []
    under: dict[tuple[str, str], Place] = {}
    province = prefecture = ""
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        kind, *names = raw.split()
        code = names.pop(0) if names[0].isdigit() else None
        canonical = names[0]
        if kind == "P":
            province, prefecture = canonical, ""
            place = Place(1, canonical, canonical, code=code)
        elif kind == "C":
            prefecture = canonical
            place = Place(2, canonical, province, code=code)
        else:
            place = Place(3, canonical, province, prefecture, code=code)
        places.append(place)
        for name in names:
            under[(place.parent or "", name)] = place
            if place.level == 3 and name in full and full[name] != place and full[name].level == 3:
                shared.add(name)  # 朝阳区 of 北京市 and of 长春市: neither alone
            full.setdefault(name, place)
            if kind == "x":
                continue  # a county's stem elsewhere is often a word (光明区, 新华区): full names only
            stem = _stem(name)
            # A province keeps its stem (吉林 is the province before the city); otherwise
            # the first, higher-level place to claim a stem keeps it.
            if stem != name and len(stem) >= 2:
                stems.setdefault(stem, place)
    for name in shared:
        del full[name]
    sharing = {name: [p for (_, n), p in under.items() if n == name] for name in shared}
    # Aho-Corasick (a Rust automaton): 3,800 names over a 20,000-character text in 0.4 ms,
    # where one regex alternation of them took 190 ms.
    import ahocorasick_rs

    automaton = ahocorasick_rs.AhoCorasick(sorted({*full, *stems, *shared}), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    return Gazetteer(full, stems, automaton, places, under, sharing)


def parse_region(text: str) -> Region:
    """A region header such as 贵州省-黔东南 or 贵州省/黔东南州/凯里市, canonicalised.

    Parts the gazetteer does not know are kept as written, at the next free level.
    """
    gaz = gazetteer()
    parts = [p for p in regex.split(r"\s*[-－—/／·、]\s*", text.strip()) if p]
    region = Region()
    for part in parts:
        place = gaz.resolve(part, region.prefecture or region.province)
        if place is not None:
            known = place.region()
            region = Region(
                province=region.province or known.province,
                prefecture=known.prefecture or region.prefecture,
                county=known.county or region.county,
            )
        elif region.province is None:
            region.province = part
        elif region.prefecture is None:
            region.prefecture = part
        else:
            region.county = part if region.county is None else f"{region.county}-{part}"
    return region


def is_region_header(text: str) -> bool:
    """True when some part of a stream's region header is a known place."""
    gaz = gazetteer()
    return any(gaz.resolve(p) for p in regex.split(r"\s*[-－—/／·、]\s*", text.strip()) if p)


def region_from_names(*names: str | None) -> Region | None:
    """The most specific place named in a source, issuer or title (黔东南州投资促进局 -> 黔东南州)."""
    gaz = gazetteer()
    for name in names:
        if not name:
            continue
        places = gaz.mentions(name)
        if places:
            return max(places, key=lambda p: p.level).region()
    return None


def province_from_text(text: str, limit: int = 20000) -> Region | None:
    """The province a text names most often (prefectures and counties count for theirs)."""
    places = gazetteer().mentions(text[:limit])
    if not places:
        return None
    votes = Counter(p.province for p in places)
    (best, n), *rest = [*votes.most_common(2), ("", 0)]
    if rest and rest[0][1] == n:
        return None  # a tie says nothing
    return Region(province=best)
