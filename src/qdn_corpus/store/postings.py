"""A segment's postings while it is written (fulltext_writer.SegmentWriter): each document's distinct
bigrams packed with its number in 64-bit words by numpy, sorted one range of first characters
at a time, and written as gaps (fulltext.py reads them, with decode); reading a segment's files.

A list is written as one byte, its width (1, 2 or 4), then its numbers in that many bytes each
(native order): the largest decides. Gaps of a common bigram fit a byte, as deflate made them,
and all the lists of a range are packed by a few numpy operations, where deflating them one
by one was an eighth of a build (profile)."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate, pairwise
from typing import Any

from qdn_corpus.errors import IndexDamagedError

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

    def postings(self, keys: list[Any]) -> Iterator[tuple[Any, Any]]:
        """Each bigram's documents as pack writes them, in code order, a range at a time (the
        bytes and each list's size); the codes are appended to `keys`, one array per range."""
        for r in range(len(self.chunks)):
            pieces, self.chunks[r], self.pending[r] = self.chunks[r] + self.pending[r], [], []
            codes, packed = _gram_postings(pieces)
            keys.append(codes)
            yield packed


_FIRST = (0x3000, 0x5000, 0x5800, 0x6000, 0x6800, 0x7000, 0x8000, 0x9000)  # ranges of a bigram's first character
_JOIN = 1 << 20


def _gram_postings(grams: list[Any]) -> tuple[Any, tuple[Any, Any]]:
    """The bigram codes in order and their documents as pack writes them: one sort
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
        return np.zeros(0, dtype=np.uint64), pack(np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64))
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
    return codes, pack(docs, starts)


def distinct(values: Any) -> Any:
    """The distinct values of a 1-D numpy array, in order: a sort and a mask. np.unique took
    17 times as long on the 1,300 bigrams of a document (numpy 2.4): 6% of a build."""
    import numpy as np

    out = np.sort(values)
    if len(out) > 1:
        keep = np.empty(len(out), dtype=bool)
        keep[0] = True
        np.not_equal(out[1:], out[:-1], out=keep[1:])
        out = out[keep]
    return out


def pack(values: Any, starts: Any) -> tuple[Any, Any]:
    """Lists of numbers (numpy uint32; list k is values[starts[k]:starts[k + 1]], none empty)
    as pack writes them: the bytes (numpy uint8) and each list's size. Whole lists of about
    _JOIN numbers at a time: the work arrays take some 40 bytes a number."""
    import numpy as np

    if not len(starts):
        return np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.int64)
    cuts = np.searchsorted(starts, np.arange(_JOIN, len(values), _JOIN), side="right")
    edges = [0, *distinct(cuts).tolist(), len(starts)]
    parts = [_pack(values[starts[a] : starts[b] if b < len(starts) else len(values)], starts[a:b] - starts[a])
             for a, b in pairwise(edges) if a < b]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _pack(values: Any, starts: Any) -> tuple[Any, Any]:
    import numpy as np

    lengths = np.diff(np.append(starts, len(values))).astype(np.int64)
    peak = np.maximum.reduceat(values, starts)
    width = np.where(peak < 1 << 8, 1, np.where(peak < 1 << 16, 2, 4)).astype(np.int64)
    sizes = 1 + lengths * width
    first = np.cumsum(sizes) - sizes  # each list's width byte
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    out[first] = width
    of = np.repeat(np.arange(len(starts)), lengths)  # each number's list
    wide = width[of]
    at = first[of] + 1 + (np.arange(len(values)) - starts[of]) * wide  # each number's first byte
    del of
    for w, kind in ((1, np.uint8), (2, np.uint16), (4, np.uint32)):
        chosen = wide == w
        if chosen.any():
            where, raw = at[chosen], values[chosen].astype(kind).view(np.uint8).reshape(-1, w)
            for b in range(w):
                out[where + b] = raw[:, b]
    return out, sizes


def numbers(data: bytes, typecode: str | None = None) -> array[int]:
    """One list as pack wrote it: an array of its width, or of `typecode`."""
    found = array(_TYPECODES[data[0]])
    found.frombytes(data[1:])
    return found if typecode is None or found.typecode == typecode else array(typecode, found)


_TYPECODES = {1: "B", 2: "H", 4: "I"}


def decode(data: bytes) -> array[int]:
    """One list of document numbers as pack wrote their gaps."""
    return array("I", accumulate(numbers(data)))


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


def write_packed(base: str, offsets_ext: str, data_ext: str, packed: Iterable[tuple[Any, Any]]) -> None:
    """Lists as pack makes them (bytes and sizes, a range at a time), one after the other, and
    each list's offset (u64) beside them."""
    import numpy as np

    offsets, end = [np.zeros(1, dtype=np.uint64)], 0
    with open(base + data_ext, "wb") as f:
        for data, sizes in packed:
            f.write(data.tobytes())
            offsets.append(end + np.cumsum(sizes, dtype=np.uint64))
            end += len(data)
    write_raw(base + offsets_ext, np.concatenate(offsets))


def open_part(path: str, mode: str = "rb") -> Any:
    """A segment file opened for reading; a missing or unreadable one is a damaged index."""
    try:
        return open(path, mode, encoding=None if "b" in mode else "utf-8")
    except OSError as exc:
        raise IndexDamagedError(f"cannot read {path} ({exc.strerror}): run `qdn index --rebuild`") from None


def load_array(path: str, typecode: str) -> array[int]:
    arr = array(typecode)
    with open_part(path) as f:
        arr.frombytes(f.read())
    return arr
