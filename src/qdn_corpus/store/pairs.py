"""Pairs of copies among MinHash signatures (relations.py): rows sharing a band of digests
exactly (LSH) whose estimated Jaccard similarity reaches THRESHOLD; an update of a file or two
compares its rows with every row instead."""

from __future__ import annotations

from typing import Any

from qdn_corpus.store.fulltext import PERMUTATIONS

THRESHOLD = 0.8  # estimated Jaccard similarity of 5-gram sets for two records to be copies
NUM_PERM, BANDS = PERMUTATIONS, 16  # the digests a segment stores per document, in bands
_ROWS = NUM_PERM // BANDS
_DIRECT = 4  # new rows up to which comparing each with all beats banding every row (~15 ms a row at 100,000)
_MIX = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)


def pairs(sig: Any, new: Any) -> list[tuple[int, int]]:
    """The pairs of copies (i < j) with at least one `new` row: rows sharing a band of _ROWS
    digests exactly (LSH, BANDS bands) whose estimated Jaccard similarity reaches THRESHOLD.
    A row of zeros has no MinHash (a body too short) and pairs with nothing."""
    import numpy as np

    has = sig.any(axis=1)
    idx = np.flatnonzero(has)
    if len(idx) < 2 or not new[idx].any():
        return []
    if new[idx].sum() <= _DIRECT:  # an update of a file or two: each new row against every row
        return _pairs_of_few(sig, has, idx[new[idx]])
    rows = np.ascontiguousarray(sig[idx]).view(np.uint64)  # two digests per 64-bit word: a band is 4 words
    fresh = new[idx]
    mix = np.array(_MIX, dtype=np.uint64)
    found: set[tuple[int, int]] = set()
    words = _ROWS // 2
    for b in range(BANDS):
        keys = (rows[:, b * words : (b + 1) * words] * mix[:words]).sum(axis=1)  # wraps: a hash, checked below
        chosen = np.arange(len(keys)) if fresh.all() else np.flatnonzero(np.isin(keys, keys[fresh]))
        if len(chosen) < 2:
            continue
        order = chosen[np.argsort(keys[chosen], kind="stable")]
        ordered = keys[order]
        cuts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
        for run in np.split(order, cuts):
            if len(run) > 1:
                members = run.tolist()
                found.update((a, c) for n, a in enumerate(members) for c in members[n + 1 :] if fresh[a] or fresh[c])
    if not found:
        return []
    a, c = np.array(sorted(found)).T
    equal = sig[idx[a]] == sig[idx[c]]
    banded = equal.reshape(len(a), BANDS, _ROWS).all(axis=2).any(axis=1)  # a true band, not a hash collision
    close = equal.sum(axis=1) >= THRESHOLD * NUM_PERM
    keep = np.flatnonzero(banded & close)
    return [(int(min(idx[a[k]], idx[c[k]])), int(max(idx[a[k]], idx[c[k]]))) for k in keep]


def _pairs_of_few(sig: Any, has: Any, fresh: Any) -> list[tuple[int, int]]:
    """pairs() for a few new rows: the same test (a band equal, enough digests equal) of each
    with every row that has a MinHash (`has`)."""
    import numpy as np

    found: set[tuple[int, int]] = set()
    for f in fresh.tolist():
        equal = sig == sig[f]  # no copy of the rows: 50 MB at 100,000
        close = np.flatnonzero((np.count_nonzero(equal, axis=1) >= THRESHOLD * NUM_PERM) & has)
        banded = equal[close].reshape(len(close), BANDS, _ROWS).all(axis=2).any(axis=1)
        found.update((min(f, j), max(f, j)) for j in close[banded].tolist() if j != f)
    return sorted(found)
