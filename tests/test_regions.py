"""Regions: names resolved by the gazetteer, headers cut into levels, the province a text names."""

from __future__ import annotations

import pytest

from qdn_corpus.models import Region
from qdn_corpus.read.parsing.regions import gazetteer, parse_region, province_from_text, region_from_names


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("黔东南苗族侗族自治州", "黔东南州"),  # official name
        ("黔东南州", "黔东南州"),  # canonical
        ("黔东南", "黔东南州"),  # without its suffix
        ("黔东南地区", "黔东南州"),  # another suffix on a known stem
        (" 凯里 ", "凯里市"),
        ("山东", "山东省"),
        ("未知州", None),
        ("贵", None),  # a part of a name is not a name
        ("黔东南苗族", None),
    ],
)
def test_names_resolve_to_their_place(name: str, place: str | None) -> None:
    found = gazetteer().resolve(name)
    assert (found.name if found else None) == place


@pytest.mark.parametrize(
    ("header", "region"),
    [
        ("贵州省-黔东南-凯里市", Region(province="贵州省", prefecture="黔东南州", county="凯里市")),
        # unknown parts are kept as written at the next free level; the rest joins the county
        ("贵州-未知州-甲乡-乙村", Region(province="贵州省", prefecture="未知州", county="甲乡-乙村")),
        ("未知省-未知州", Region(province="未知省", prefecture="未知州")),
        ("黔东南 / 未知县", Region(province="贵州省", prefecture="黔东南州", county="未知县")),
        ("凯里", Region(province="贵州省", prefecture="黔东南州", county="凯里市")),  # a county: all levels
    ],
)
def test_region_headers(header: str, region: Region) -> None:
    assert parse_region(header) == region


def test_the_most_specific_place_of_the_first_name_that_names_one() -> None:
    assert region_from_names(None, "", "黔东南州投资促进局", "贵州省") == Region(province="贵州省", prefecture="黔东南州")
    assert region_from_names("贵州省凯里市") == Region(province="贵州省", prefecture="黔东南州", county="凯里市")
    assert region_from_names("", None) is None


def test_the_province_a_text_names_most() -> None:
    assert province_from_text("今年黔东南招商引资") == Region(province="贵州省")  # once is enough
    assert province_from_text("山东与贵州、凯里、黔东南") == Region(province="贵州省")
    assert province_from_text("山东和贵州") is None  # a tie says nothing
    assert province_from_text("招商引资") is None
    assert province_from_text("贵宾") is None
    # only the first 20,000 characters count
    assert province_from_text("甲" * 19_998 + "山东") == Region(province="山东省")
    assert province_from_text("甲" * 19_999 + "山东") is None
