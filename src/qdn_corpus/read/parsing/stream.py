"""The dated stream layout: `2022.12.05:政策解读:贵州省-黔东南:<body>` records back to back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import regex

from qdn_corpus.read.parsing.regions import is_region_header

# Bounded repetitions only, so matching costs O(1) per position and the scan is linear.
HEADER_RE = regex.compile(
    r"(?P<y>\d{4})\s*[-./．－／年]\s*(?P<m>\d{1,2})\s*[-./．－／月]\s*(?P<d>\d{1,2})\s*日?\s*[:：]\s*"
    r"(?P<cat>[\p{Han}A-Za-z]{1,12})\s*[:：]\s*"
    r"(?P<region>\p{Han}{2,16}(?:\s*[-－—/／·]\s*\p{Han}{2,16}){0,3})\s*[:：]"
)


@dataclass
class StreamItem:
    header: regex.Match[str] | None  # None for text before the first header; it starts the item
    body_start: int
    body_end: int


@lru_cache(maxsize=4096)
def _known_region(text: str) -> bool:
    return is_region_header(text)


def headers(text: str) -> Iterator[regex.Match[str]]:
    """Stream headers in a text; a header must name a known place, so body text rarely fools it."""
    for m in HEADER_RE.finditer(text):
        if _known_region(m["region"]):
            yield m


def is_stream(text: str) -> bool:
    """A stream has a header at the start of a line (a title or preamble may come first)."""
    return any(not text[text.rfind("\n", 0, m.start()) + 1 : m.start()].strip() for m in headers(text))


def split(text: str) -> list[StreamItem]:
    """Cut a stream into items: each header up to the next one; leading text is its own item."""
    items: list[StreamItem] = []
    prev: regex.Match[str] | None = None
    for m in headers(text):
        if prev is None:
            if text[: m.start()].strip():
                items.append(StreamItem(None, 0, m.start()))
        else:
            items.append(StreamItem(prev, prev.end(), m.start()))
        prev = m
    if prev is not None:
        items.append(StreamItem(prev, prev.end(), len(text)))
    return items
