"""Region names: a gazetteer of provinces, prefectures and Guizhou counties (data file)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

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

    def region(self) -> Region:
        if self.level == 1:
            return Region(province=self.name)
        if self.level == 2:
            return Region(province=self.province, prefecture=self.name)
        return Region(province=self.province, prefecture=self.prefecture, county=self.name)


def _stem(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass
class Gazetteer:
    full: dict[str, Place]  # canonical and official full names
    stems: dict[str, Place]  # names without their suffix (黔东南, 山东)
    pattern: regex.Pattern[str]

    def resolve(self, name: str) -> Place | None:
        """The place a name denotes: full names first, then stems (provinces win ties)."""
        name = name.strip()
        return self.full.get(name) or self.stems.get(name) or self.stems.get(_stem(name))

    def mentions(self, text: str) -> list[Place]:
        """Places named in a text, longest name first at each position."""
        out = []
        for m in self.pattern.finditer(text):
            place = self.full.get(m.group()) or self.stems.get(m.group())
            if place is not None:
                out.append(place)
        return out


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load the gazetteer data file once."""
    text = resources.files("qdn_corpus").joinpath("data/gazetteer.txt").read_text("utf-8")
    full: dict[str, Place] = {}
    stems: dict[str, Place] = {}
    province = prefecture = ""
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        kind, canonical, *aliases = raw.split()
        if kind == "P":
            province, prefecture = canonical, ""
            place = Place(1, canonical, canonical)
        elif kind == "C":
            prefecture = canonical
            place = Place(2, canonical, province)
        else:
            place = Place(3, canonical, province, prefecture)
        for name in (canonical, *aliases):
            full.setdefault(name, place)
            stem = _stem(name)
            # A province keeps its stem (吉林 is the province before the city); otherwise
            # the first, higher-level place to claim a stem keeps it.
            if stem != name and len(stem) >= 2:
                stems.setdefault(stem, place)
    names = sorted({*full, *stems}, key=lambda s: (-len(s), s))
    pattern = regex.compile("|".join(regex.escape(n) for n in names))
    return Gazetteer(full, stems, pattern)


def parse_region(text: str) -> Region:
    """A region header such as 贵州省-黔东南 or 贵州省/黔东南州/凯里市, canonicalised.

    Parts the gazetteer does not know are kept as written, at the next free level.
    """
    gaz = gazetteer()
    parts = [p for p in regex.split(r"\s*[-－—/／·、]\s*", text.strip()) if p]
    region = Region()
    for part in parts:
        place = gaz.resolve(part)
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
