"""Unit queries over every clause unit of many records at once (qdn code at scale).

search/units.py decides a query on one passage; deciding twelve codes on half a million units
one by one costs seconds per code. Here each segment's folded bodies are scanned once for every
text a codebook's queries hold (an Aho-Corasick automaton over the UTF-8 bytes the full-text
files keep), each occurrence is placed in its unit (the units' byte spans are kept in the index,
store/schema.unit_spans), and each query becomes set algebra over boolean arrays of units, with
the same meaning as search/units.py: a word holds when all of its tokeniser words occur in the
unit, a phrase when it does, NOT when the unit lacks it, record fields for every unit of a
matching record. A text crossing a unit's end belongs to no unit, as in search/units.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from qdn_corpus.search.language import Bool, Node, Not, Term
from qdn_corpus.search.units import UnitQuery


@dataclass
class UnitScan:
    """The units of the scanned records, in document order: `doc` (global number) and `k` (the
    unit's place in its record) per unit; one boolean array per query."""

    doc: Any  # numpy int64 array
    k: Any
    masks: list[Any]


def scan(view: Any, docs: set[int], queries: list[UnitQuery], docs_of: Callable[[object], set[int]]) -> UnitScan:
    """Decide every query on every unit of `docs`: segments are scanned in threads (the
    automaton releases the GIL), units placed with numpy."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    needles = sorted({h for uq in queries for h in _needles(uq.node)})
    index = {n: i for i, n in enumerate(needles)}
    automaton = None
    if needles:
        import ahocorasick_rs

        automaton = ahocorasick_rs.BytesAhoCorasick([n.encode("utf-8") for n in needles])
    segments = []
    for leaf, store in view.leaves:
        local = sorted(d - leaf.offset for d in docs if leaf.offset <= d < leaf.offset + leaf.size)
        if local:
            segments.append((leaf.offset, store, local))
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        parts = list(pool.map(lambda seg: _segment(seg[0], seg[1], seg[2], automaton, len(needles)), segments))
    unit_doc = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    k = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    present = np.concatenate([p[2] for p in parts], axis=1) if parts else np.zeros((len(needles), 0), dtype=bool)
    masks = [_mask(uq.node, present, index, unit_doc, docs_of, view) for uq in queries]
    return UnitScan(unit_doc, k, masks)


def _segment(offset: int, store: Any, local: list[int], automaton: Any, n_needles: int) -> tuple[Any, Any, Any]:
    """One segment's units of the wanted documents (global number, place in the record) and which
    needles each holds."""
    import numpy as np

    spans = store.column("unit_spans")
    text, offsets = store.texts()
    counts = np.array([len(spans[d] or ()) // 2 for d in local], dtype=np.int64)
    flat = np.fromiter(chain.from_iterable(spans[d] or () for d in local), dtype=np.int64, count=int(counts.sum()) * 2)
    base = np.repeat(np.asarray(offsets, dtype=np.int64)[local], counts)
    starts, ends = flat[0::2] + base, flat[1::2] + base
    unit_doc = np.repeat(np.array(local, dtype=np.int64) + offset, counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    k = np.arange(len(starts), dtype=np.int64) - first
    present = np.zeros((n_needles, len(starts)), dtype=bool)
    if automaton is not None and len(starts):
        matches = automaton.find_matches_as_indexes(bytes(text), overlapping=True)
        found = np.fromiter(chain.from_iterable(matches), dtype=np.int64, count=3 * len(matches)).reshape(-1, 3)
        unit = np.searchsorted(starts, found[:, 1], side="right") - 1
        inside = unit >= 0
        inside[inside] &= found[inside, 2] <= ends[unit[inside]]
        present[found[inside, 0], unit[inside]] = True
    return unit_doc, k, present


def _needles(node: Node) -> list[str]:
    """The texts a unit must be searched for: each text term's folded text and its words."""
    from qdn_corpus.text.tokens import query_words

    if isinstance(node, Bool):
        return [n for c in node.children for n in _needles(c)]
    if isinstance(node, Not):
        return _needles(node.child)
    if node.field not in (None, "body"):
        return []
    if node.prefix or node.phrase or node.field == "body":
        return [node.folded]
    return query_words(node.folded) or [node.folded]


def _mask(node: Node, present: Any, index: dict[str, int], unit_doc: Any, docs_of: Callable[[object], set[int]], view: Any) -> Any:
    import numpy as np

    if isinstance(node, Bool):
        parts = [_mask(c, present, index, unit_doc, docs_of, view) for c in node.children]
        out = parts[0].copy()
        for p in parts[1:]:
            out = (out & p) if node.op == "and" else (out | p)
        return out
    if isinstance(node, Not):
        return ~_mask(node.child, present, index, unit_doc, docs_of, view)
    if node.field not in (None, "body"):
        from qdn_corpus.search.plan import compile_node

        matching = docs_of(compile_node(node).match)
        return np.isin(unit_doc, np.fromiter(matching, dtype=np.int64, count=len(matching)))
    texts = _needles(node)
    out = present[index[texts[0]]].copy()
    for t in texts[1:]:
        out &= present[index[t]]
    if node.prefix:  # a word must start with it: check the few units that hold the text
        out = _prefix_words(node, out, unit_doc, view)
    return out


def _prefix_words(term: Term, candidates: Any, unit_doc: Any, view: Any) -> Any:
    """Of the units holding a prefix's text, those where one of the tokeniser's words starts with it."""
    import numpy as np

    from qdn_corpus.text.tokens import words

    out = np.zeros_like(candidates)
    first: dict[int, int] = {}
    for i, d in enumerate(unit_doc.tolist()):
        first.setdefault(d, i)
    for i in np.nonzero(candidates)[0].tolist():
        d = int(unit_doc[i])
        store, local = view.locate(d)
        spans = store.column("unit_spans")[local]
        k = i - first[d]
        raw, offsets = store.texts()
        base = offsets[local]
        piece = bytes(raw[base + spans[2 * k] : base + spans[2 * k + 1]]).decode("utf-8")
        out[i] = any(w.startswith(term.folded) for w in words(piece))
    return out
