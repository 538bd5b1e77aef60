"""A segment's postings while it is written (fulltext.SegmentWriter): each document's distinct
bigrams packed with its number in 64-bit words by numpy, sorted one range of first characters
at a time, and written as deflated gaps (fulltext.py reads them, with decode)."""

from __future__ import annotations

import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate
from typing import Any

SHIFT = 21  # code points fit in 21 bits
DOC_BITS = 22  # a bigram's code takes 42 bits of a 64-bit word, the document number the rest


class Grams:
    """A segment's (bigram, document) pairs, each packed in a 64-bit word (code << DOC_BITS |
    document), kept apart by the bigram's first character (_FIRST) so that writing sorts one
    range at a time: a ninth of the pairs in memory twice, not all of them."""

    def __init__(self) -> None:
        import numpy as np

        self.bounds = np.array([c << (SHIFT + DOC_BITS) for c in _FIRST], dtype=np.uint64)
        self.chunks: list[list[Any]] = [[] for _ in range(len(_FIRST) + 1)]  # joined pending pieces
        self.pending: list[list[Any]] = [[] for _ in range(len(_FIRST) + 1)]
        self.pending_size = [0] * (len(_FIRST) + 1)

    def add(self, packed: Any) -> None:
        """One document's pairs, sorted."""
        import numpy as np

        cuts = [0, *np.searchsorted(packed, self.bounds).tolist(), len(packed)]
        for r in range(len(cuts) - 1):
            if cuts[r] < cuts[r + 1]:
                self.pending[r].append(packed[cuts[r] : cuts[r + 1]])
                self.pending_size[r] += cuts[r + 1] - cuts[r]
                if self.pending_size[r] > _JOIN:  # many small arrays cost more than their data
                    self.chunks[r].append(np.concatenate(self.pending[r]))
                    self.pending[r], self.pending_size[r] = [], 0

    def postings(self, keys: list[Any]) -> Iterator[bytes]:
        """Each bigram's documents as encode writes them, in code order; the codes are appended
        to `keys`, one array per range, as their postings are made."""
        for r in range(len(self.chunks)):
            pieces, self.chunks[r], self.pending[r] = self.chunks[r] + self.pending[r], [], []
            codes, parts = _gram_postings(pieces)
            keys.append(codes)
            yield from parts


_FIRST = (0x3000, 0x5000, 0x5800, 0x6000, 0x6800, 0x7000, 0x8000, 0x9000)  # ranges of a bigram's first character
_JOIN = 1 << 20


def _gram_postings(grams: list[Any]) -> tuple[Any, Iterator[bytes]]:
    """The bigram codes in order and, for each, its documents as encode writes them: one sort
    of (code, document) pairs packed in 64-bit words, gaps taken at once by numpy. `grams` is
    emptied as it is read."""
    import numpy as np

    packed = np.empty(sum(len(g) for g in grams), dtype=np.uint64)
    at = 0
    while grams:  # each piece is freed once copied
        piece = grams.pop(0)
        packed[at : at + len(piece)] = piece
        at += len(piece)
        del piece
    if not len(packed):
        return np.zeros(0, dtype=np.uint64), iter(())
    packed.sort()
    docs = (packed & ((1 << DOC_BITS) - 1)).astype(np.uint32)
    packed >>= np.uint64(DOC_BITS)  # the codes, in place
    first = np.empty(len(packed), dtype=bool)
    first[0] = True
    np.not_equal(packed[1:], packed[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    del first
    codes = packed[starts]
    del packed
    heads = docs[starts]
    for end in range(len(docs), 1, -_JOIN):  # gaps in place, from the end (what a slice subtracts is still unchanged)
        begin = max(end - _JOIN, 1)
        np.subtract(docs[begin:end], docs[begin - 1 : end - 1], out=docs[begin:end])
    docs[starts] = heads
    ends = [*starts[1:].tolist(), len(docs)]
    return codes, (deflate(docs[s:e].tobytes()) for s, e in zip(starts.tolist(), ends, strict=True))


def deflate(data: bytes) -> bytes:
    """Raw deflate at level 1 (no header per list): zlib.compress takes wbits from 3.11, half
    the calls of a compressor object; both write the same bytes."""
    if sys.version_info >= (3, 11):
        return zlib.compress(data, 1, -15)
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def encode(docs: Any) -> bytes:
    """Sorted document numbers (a numpy uint32 array) as deflated gaps: about a quarter of the
    raw size."""
    gaps = docs.copy()
    gaps[1:] -= docs[:-1]
    return deflate(gaps.tobytes())


def decode(data: bytes) -> array[int]:
    """encode's document numbers back."""
    gaps = array("I")
    gaps.frombytes(zlib.decompress(data, wbits=-15))
    return array("I", accumulate(gaps))


def write_raw(path: str, arr: Any) -> None:
    """An array (or numpy array) as its raw bytes."""
    with open(path, "wb") as f:
        f.write(arr.tobytes())


def write_parts(base: str, offsets_ext: str, data_ext: str, parts: Iterable[bytes]) -> None:
    """Byte strings one after the other, and their offsets (u64) beside them."""
    offsets = array("Q", [0])
    with open(base + data_ext, "wb") as f:
        for part in parts:
            f.write(part)
            offsets.append(offsets[-1] + len(part))
    write_raw(base + offsets_ext, offsets)
