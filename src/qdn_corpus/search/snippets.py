"""Where a query's texts occur in a body, the heading path above a place, and the passages
(snippets) a hit shows. Mentions in a trend are the same occurrences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qdn_corpus.models import Record, Snippet
from qdn_corpus.read.units import section_at
from qdn_corpus.text.normalize import fold


def occurrences(folded: str, needles: list[str], most: int | None = None) -> list[tuple[int, int, int]]:
    """Where the needles occur in a folded text, as (start, end, rank): the longest needle (the
    whole query) first, then each shorter one (its words) where it does not overlap a place
    already found. These are what a snippet marks and what a trend counts as mentions."""
    found: list[tuple[int, int, int]] = []
    for rank, needle in enumerate(sorted(needles, key=len, reverse=True)):
        start = folded.find(needle) if needle else -1  # an empty needle would be found everywhere
        while start >= 0 and (most is None or len(found) < most):
            end = start + len(needle)
            if not any(s < end and start < e for s, e, _ in found):
                found.append((start, end, rank))
            start = folded.find(needle, end)
    return found


def _can_share(a: str, b: str) -> bool:
    """Whether a place of `a` and a place of `b` (two needles) can overlap."""
    return b in a or a in b or any(a.endswith(b[:k]) or b.endswith(a[:k]) for k in range(1, min(len(a), len(b))))


class MentionCounter:
    """len(occurrences(text, needles)) from each needle's count alone, where the needles'
    shape allows (a query's texts: each whole and the words inside it).

    The needles fall into groups: a whole and the needles inside it. This holds when no two
    groups can share a place, the inner needles of a group cannot share a place with each
    other, and none can overlap its whole's edge: then each inner place lies inside a place of
    the whole (k of them per place, k its count in the whole) or apart from them all, and the
    places are the wholes' plus the inner ones apart. bytes.count and occurrences() scan
    alike (leftmost, non-overlapping), so a needle overlapping itself changes neither. Otherwise
    `usable` is False, and the caller asks occurrences()."""

    def __init__(self, needles: list[str]) -> None:
        ordered = sorted(dict.fromkeys(n for n in needles if n), key=len, reverse=True)
        groups: list[tuple[str, list[str]]] = []
        for n in ordered:
            home = next((g for g in groups if n in g[0]), None)
            groups.append((n, [])) if home is None else home[1].append(n)
        apart = all(not _can_share(a, b) for i, (w1, s1) in enumerate(groups) for w2, s2 in groups[i + 1 :]
                    for a in (w1, *s1) for b in (w2, *s2))
        inner = all(not _can_share(a, b) for _, subs in groups for i, a in enumerate(subs) for b in subs[i + 1 :])
        edges = any(w.endswith(x[:k]) or w.startswith(x[-k:]) for w, subs in groups for x in subs for k in range(1, len(x)))
        self.usable = apart and inner and not edges
        self.groups = [(w, [(x, w.count(x)) for x in subs]) for w, subs in groups]

    def count(self, count_of: Callable[[str], Any]) -> Any:
        """The places, from count_of(needle): a needle's non-overlapping count (a number, or
        numpy arrays of one per document). Only when usable."""
        total: Any = 0
        for whole, inner in self.groups:
            found = count_of(whole)
            total = total + found + sum(count_of(x) - found * k for x, k in inner)
        return total


def in_section(headings: list[Any], pos: int, within: str) -> bool:
    """Whether a body offset lies under a heading whose (folded) text contains `within`."""
    return any(within in h[2] for h in section_at(headings, pos))


def snippets(
    record: Record, needles: list[str], width: int = 36, most: int = 2, within: str | None = None
) -> list[Snippet]:
    """Passages of the body around the matched text, with highlight offsets into each passage
    and the heading path of the place (`section`); with `within`, only places under a heading
    that contains it.

    Passages around the longest needle (the whole query) are chosen first, then the words.
    """
    body = record.body
    folded = fold(body)
    headings = [(h.level, h.offset, f"{h.marker}{h.text}") for h in record.outline]
    # The first 200 places are plenty to choose passages from, but not when --within keeps only
    # those under some heading: the kept ones may all come later.
    found = occurrences(folded, needles, most=200 if within is None else None)
    folded_headings = [(lv, off, fold(text)) for lv, off, text in headings] if within is not None else []
    if within is not None:
        found = [o for o in found if in_section(folded_headings, o[0], within)]
    windows: list[tuple[int, int, int]] = []
    for start, end, _rank in sorted(found, key=lambda o: (o[2], o[0])):
        if len(windows) >= most:
            break
        a, b = max(0, start - width), min(len(body), end + width)
        if not any(a < y and x < b for x, y, _ in windows):
            windows.append((a, b, start))
    out = []
    for a, b, start in sorted(windows):
        # Every place in the passage is marked (with --within, those under such a heading), also
        # past the first 200 the passages were chosen from.
        inside = sorted((x, y) for x, y, _ in occurrences(folded[a:b], needles)
                        if within is None or in_section(folded_headings, a + x, within))
        section = [text for _lv, _off, text in section_at(headings, start)]
        out.append(Snippet(text=body[a:b], highlights=inside, section=section))
    return out
