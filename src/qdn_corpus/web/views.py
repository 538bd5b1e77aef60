"""What the pages draw, as plain data for the templates: a body cut into lines of marked and
anchored pieces, a trend as bars of an SVG chart, a table sorted by a column, safe links.
No HTML is written here: the templates escape every piece of text."""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit


@dataclass
class Piece:
    text: str
    mark: int = 0  # the match's number, from 1; 0: not a match
    anchors: list[str] = field(default_factory=list)  # ids placed before the text: a heading's (h0 …), a match's start (m1 …)


def body_lines(body: str, marks: Sequence[tuple[int, int]], headings: Sequence[int]) -> list[list[Piece]]:
    """The body as lines of pieces: each match (start, end) its own numbered piece, an anchor
    where each heading (an offset) starts. Every character of the body is in exactly one piece."""
    cuts = {0, len(body)}
    for s, e in marks:
        cuts.update((s, e))
    anchors = {off: f"h{i}" for i, off in reversed(list(enumerate(headings)))}
    cuts.update(a for a in anchors if 0 <= a <= len(body))
    pos = 0
    while (nl := body.find("\n", pos)) >= 0:
        cuts.update((nl, nl + 1))
        pos = nl + 1
    spans = sorted(marks)
    starts = [s for s, _ in spans]
    lines: list[list[Piece]] = [[]]
    edges = sorted(c for c in cuts if 0 <= c <= len(body))
    for a, b in itertools.pairwise(edges):
        text = body[a:b]
        i = bisect_right(starts, a) - 1
        n = i + 1 if i >= 0 and a < spans[i][1] else 0
        ids = ([anchors[a]] if a in anchors else []) + ([f"m{n}"] if n and a == starts[i] else [])
        if text == "\n":  # a new line; an anchor placed on the newline itself starts it
            lines.append([Piece("", 0, ids)] if ids else [])
            continue
        lines[-1].append(Piece(text, n, ids))
    if len(body) in anchors:  # a heading at the very end of the body
        lines[-1].append(Piece("", 0, [anchors[len(body)]]))
    return lines


def safe_url(url: str | None) -> str | None:
    """A link only for http(s) addresses: javascript:, data: and the rest show as text."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """The page's parameters with some changed (None drops one), as ?a=1&b=2: every link keeps
    the whole query, so a URL reproduces the page."""
    merged = {**params, **changes}
    pairs = [(k, v) for k, value in merged.items() for v in (value if isinstance(value, list) else [value])
             if v not in (None, "", False)]
    return "?" + urlencode(pairs) if pairs else "?"


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    bucket: str
    query: str
    records: int
    series: int


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)  # x, bucket (thinned)
    ticks: list[tuple[float, int]] = field(default_factory=list)  # y, value
    top: int = 0


def chart(
    rows: Sequence[Any], queries: Sequence[str], label: Callable[[str | None], str], per: bool = False, width: int = 960,
    height: int = 280,
) -> Chart:
    """One bar per bucket and query (grouped by bucket), heights in proportion to records (or
    records per N with --per); labels thinned to fit, ticks at round values."""
    buckets = list(dict.fromkeys(r.bucket for r in rows))
    left, bottom, top_pad = 48.0, 40.0, 10.0
    plot_w, plot_h = width - left - 8, height - bottom - top_pad

    def value(r: Any) -> float:
        return float(r.per or 0.0) if per else float(r.records)

    most = max((value(r) for r in rows), default=0) or 1
    step = plot_w / max(len(buckets), 1)
    bar_w = max(step * 0.8 / max(len(queries), 1), 1.0)
    out = Chart(width, height, top=int(most) if not per else 0)
    place = {b: i for i, b in enumerate(buckets)}
    series = {q: i for i, q in enumerate(queries)}
    for r in rows:
        h = plot_h * value(r) / most
        x = left + place[r.bucket] * step + step * 0.1 + series[r.query] * bar_w
        out.bars.append(Bar(round(x, 2), round(top_pad + plot_h - h, 2), round(bar_w, 2), round(h, 2), label(r.bucket), r.query,
                            r.records, series[r.query]))
    every = max(1, int(len(buckets) / (plot_w / 56)) + 1)  # a label per ~56 px
    out.labels = [(round(left + i * step + step / 2, 2), label(b)) for i, b in enumerate(buckets) if i % every == 0]
    out.ticks = [(round(top_pad + plot_h - plot_h * t / most, 2), t) for t in _ticks(most)] if not per else []
    return out


def _ticks(most: float) -> list[int]:
    step = 1
    while most / step > 5:
        for m in (2, 5, 10):
            if most / (step * m) <= 5:
                step *= m
                break
        else:
            step *= 10
    return list(range(0, int(most) + 1, step))


def sorted_rows(rows: Sequence[dict[str, Any]], column: str | None, descending: bool) -> list[dict[str, Any]]:
    """Rows sorted by a column (empty values last), else as given."""
    if not column or not rows or column not in rows[0]:
        return list(rows)
    filled = [r for r in rows if r[column] not in (None, "")]
    empty = [r for r in rows if r[column] in (None, "")]
    return sorted(filled, key=lambda r: (isinstance(r[column], str), r[column]), reverse=descending) + empty


def crosstab(rows: Sequence[Any]) -> tuple[list[str | None], list[tuple[str, str, list[Any]]]]:
    """qdn code's cells (CodeCount) as a table: buckets in their order, then one line per code
    (its category's own line, label "*", first) with the cell of each bucket."""
    buckets = list(dict.fromkeys(r.bucket for r in rows))
    cells: dict[tuple[str, str], dict[str | None, Any]] = {}
    for r in rows:
        cells.setdefault((r.category, r.label), {})[r.bucket] = r
    return buckets, [(category, label, [row.get(b) for b in buckets]) for (category, label), row in cells.items()]
