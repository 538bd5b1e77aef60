"""The full-text part of each Whoosh segment: body bigram sets, word postings, texts, dates,
columns, the records. Whoosh keeps the metadata terms.

Whoosh's writer costs about 10 µs per posting in pure Python, and a 1,600-character body has
about 1,100 distinct bigrams and 500 distinct jieba words: as Whoosh fields that capped the
build at 44 documents a second per process (measured, see the README). The same postings in
flat arrays cost a fraction of that to write and answer the two questions search asks:
which documents contain a substring (intersect the bigram sets, then check the candidates'
folded text), and how well each matching document scores for the query's jieba words (BM25).

Files are `<segment id>.q*` (Whoosh deletes them with their segment), arrays in native byte
order, document numbers Whoosh's within the segment, stored as gaps and weights (at most
65,535), each list packed in 1, 2 or 4 bytes a number (postings.pack).
  .qkey .qoff .qpst  sorted bigram codes (u64), byte offsets (u64), document numbers
  .qwrd .qwof .qwdc .qwwo .qwtf  sorted words (UTF-8 lines), byte offsets, document numbers,
               byte offsets, weights (u16)
  .qtxt .qtof  folded bodies (UTF-8) and offsets (u64)
  .qday .qlen  each document's date as a proleptic ordinal, 0 when undated (i32); its words (u32)
  .qfac .qfof  the facets that are not columns (the outline), a JSON object per document, offsets
  .qcol .qrel .qspn .qcit  JSON objects of columns (a list per key, null where none): what
               trends group by, what relations.py reads, the clause units' spans, the segment's
               distinct citations (each once)
  .qcio .qcix  each document's citations as indices into .qcit's (u32), and their offsets (u64)
  .qsht .qsho  the folded short fields field queries look into (SHORT_COLUMNS: title, source,
               文号, issuers, site), field after field, each text UTF-8 and NUL-ended; offsets
  .qmhs .qmho  each document's MinHash (relations.py; 128 uint32, empty for a short body), offsets
  .qrec .qreo  each document's record as JSON, zlib-compressed one by one (a page reads 20), offsets
"""

from __future__ import annotations

import json
import mmap
import os
import re
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from qdn_corpus.store import postings
from qdn_corpus.store.postings import SHIFT, decode, distinct, numbers

TITLE_WEIGHT = 3  # a word in the title counts as three in the body
PERMUTATIONS = 128  # a MinHash's digests (pairs.NUM_PERM)
GROUP_COLUMNS = ("province", "prefecture", "county", "source", "issuer", "doc_type", "site", "category", "format")
RELATION_COLUMNS = ("id", "file", "number", "title", "short", "rich", "site")  # site twice: relations read no .qcol
UNIT_COLUMNS = ("unit_spans",)  # the largest column, which only the analyses of clause units read
SHORT_COLUMNS = ("title_text", "source_text", "number_text", "issuer_text", "site_text")  # field queries look in
CITE_COLUMNS = ("citations",)  # each distinct citation once (each document's, as indices: .qcio/.qcix)
COLUMN_FILES = {".qcol": GROUP_COLUMNS, ".qrel": RELATION_COLUMNS, ".qspn": UNIT_COLUMNS, ".qcit": CITE_COLUMNS}
_FILE_OF = {key: ext for ext, keys in reversed(COLUMN_FILES.items()) for key in keys}  # the first file holding it
COLUMNS = (*GROUP_COLUMNS, *RELATION_COLUMNS, *UNIT_COLUMNS, *SHORT_COLUMNS, "cites")  # what add() takes from the facets


def _code(gram: str) -> int:
    return (ord(gram[0]) << SHIFT) | ord(gram[1])


# containing()'s answers checked ahead (search/prefork.py: by the helper process, or by the
# command for the segments the helper has not reached), by the segment's real base path and
# the needle: a segment's files never change once written.
_CONTAINING: dict[tuple[str, str], Sequence[int]] = {}
_AWAITED: list[Callable[[], None]] = []  # answers still on their way: each fills _CONTAINING


def remember_containing(found: dict[tuple[str, str], Sequence[int]]) -> None:
    _CONTAINING.update(found)


def await_containing(fetch: Callable[[], None]) -> None:
    """search/prefork.py's helper is still checking bodies: `fetch` takes its answers (and
    checks what it has not reached), called when a body check is first asked for."""
    _AWAITED.append(fetch)


def _known(base: str, needle: str) -> Sequence[int] | None:
    """The answer given for a segment's needle, if any (the helper checks only texts of three
    characters or more: shorter ones never wait for it)."""
    while _AWAITED and len(needle) > 2:
        _AWAITED.pop(0)()
    return _CONTAINING.pop((os.path.realpath(base), needle), None) if _CONTAINING else None


class SegmentReader:
    """One segment's files, each loaded on first use."""

    def __init__(self, folder: str, segment_id: str) -> None:
        self.base = os.path.join(folder, segment_id)
        self._cache: dict[str, object] = {}
        self._found: dict[str, Any] = {}  # kept answers: a segment never changes
        self._postings_of: dict[str, tuple[array[int], array[int]]] = {}

    def _get(self, ext: str, typecode: str) -> array[int]:
        arr = self._cache.get(ext)
        if arr is None:
            arr = self._cache[ext] = postings.load_array(self.base + ext, typecode)
        return arr  # type: ignore[return-value]

    def _map(self, ext: str) -> mmap.mmap | bytes:
        """A data file, memory-mapped once (a one-character query reads hundreds of lists)."""
        data = self._cache.get(ext)
        if data is None:
            with postings.open_part(self.base + ext) as f:
                size = os.fstat(f.fileno()).st_size
                data = self._cache[ext] = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        return data  # type: ignore[return-value]

    def _part(self, data_ext: str, offsets_ext: str, i: int) -> bytes:
        offsets = self._get(offsets_ext, "Q")
        return self._map(data_ext)[offsets[i] : offsets[i + 1]]

    # ---- substrings

    def _gram_docs(self, i: int) -> array[int]:
        return decode(self._part(".qpst", ".qoff", i))

    def _postings(self, code: int) -> array[int]:
        keys = self._get(".qkey", "Q")
        i = bisect_left(keys, code)
        return self._gram_docs(i) if i < len(keys) and keys[i] == code else array("I")

    def containing(self, needle: str) -> Any:
        """Local numbers of the documents whose folded body contains the folded `needle`, as a
        sorted numpy array (read-only: it is kept).

        Answers are kept (a segment never changes): checking 17,000 candidates' text costs
        70 ms at 100,000 documents, and a session asks for the same words again and again.
        """
        import numpy as np

        def make() -> Any:
            known = _known(self.base, needle)
            return np.array(known if known is not None else self.containing_list(needle), dtype=np.int64)

        return self._kept(needle, make)

    def containing_list(self, needle: str) -> list[int]:
        """containing()'s answer as a sorted list, without numpy (for search/prefork.py's helper)."""
        return sorted(self._containing(needle))

    def counts(self, needle: str) -> Any:
        """How often each document's folded body holds `needle` (non-overlapping places), a
        numpy array, kept like containing()'s answers: counted in the UTF-8 bytes of the
        documents that contain it (a place of a valid UTF-8 needle in valid UTF-8 is a place of
        the text, so nothing is decoded)."""

        def count() -> Any:
            import numpy as np

            texts, offsets = self._map(".qtxt"), self._get(".qtof", "Q")
            found = np.zeros(len(offsets) - 1, dtype=np.int32)
            b = needle.encode("utf-8")
            for d in self.containing(needle).tolist():
                found[d] = texts[offsets[d] : offsets[d + 1]].count(b)
            return found

        return self._kept("count:" + needle, count)

    def field_containing(self, key: str, needle: str) -> Any:
        """Local numbers of the documents whose folded short field `key` (SHORT_COLUMNS) holds
        `needle`, a sorted numpy array, kept: one scan of the segment's texts of that field."""

        def scan() -> Any:  # a valid UTF-8 needle matches only whole characters, never a NUL
            import numpy as np

            offsets = np.frombuffer(self._map(".qsho"), dtype=np.uint64)  # mapped: a title query reads a fifth
            n = (len(offsets) - 1) // len(SHORT_COLUMNS)
            f = SHORT_COLUMNS.index(key)
            starts = offsets[f * n : (f + 1) * n + 1]  # the field's texts, one after the other
            pattern = re.compile(re.escape(needle.encode("utf-8")))
            hits = [m.start() for m in pattern.finditer(self._map(".qsht"), int(starts[0]), int(starts[-1]))]
            return distinct(np.searchsorted(starts, np.array(hits, dtype=np.uint64), side="right") - 1).astype(np.int64)

        return self._kept(f"{key}\0{needle}", scan)

    def _kept(self, key: str, make: Callable[[], Any]) -> Any:
        """A numpy answer made once and kept read-only (a segment never changes), 256 at most."""
        found = self._found.get(key)
        if found is None:
            found = make()
            found.flags.writeable = False
            if len(self._found) >= 256:
                self._found.pop(next(iter(self._found)))
            self._found[key] = found
        return found

    def _containing(self, needle: str) -> set[int]:
        if len(needle) == 1:
            keys = self._get(".qkey", "Q")
            lo, hi = bisect_left(keys, ord(needle) << SHIFT), bisect_left(keys, (ord(needle) + 1) << SHIFT)
            found: set[int] = set()
            for i in range(lo, hi):
                found.update(self._gram_docs(i))
            return found
        sets = sorted((self._postings(_code(needle[i : i + 2])) for i in range(len(needle) - 1)), key=len)
        found = set(sets[0])
        for docs in sets[1:]:
            if not found:
                break
            found.intersection_update(docs)
        if len(needle) > 2 and found:
            texts, offsets = self._map(".qtxt"), self._get(".qtof", "Q")
            b = needle.encode("utf-8")
            found = {d for d in found if texts.find(b, offsets[d], offsets[d + 1]) >= 0}
        return found

    # ---- words

    def _vocabulary(self) -> list[str]:
        words = self._cache.get(".qwrd")
        if words is None:
            with postings.open_part(self.base + ".qwrd", "r") as f:
                text = f.read()
            words = self._cache[".qwrd"] = text.split("\n") if text else []
        return words  # type: ignore[return-value]

    def word_postings(self, word: str) -> tuple[array[int], array[int]]:
        """(document numbers, weights) of a word: its count, title occurrences counting 3."""
        found = self._postings_of.get(word)
        if found is None:
            if len(self._postings_of) >= 256:
                self._postings_of.pop(next(iter(self._postings_of)))
            found = self._postings_of[word] = self._word_postings(word)
        return found

    def _word_postings(self, word: str) -> tuple[array[int], array[int]]:
        vocabulary = self._vocabulary()
        i = bisect_left(vocabulary, word)
        if i == len(vocabulary) or vocabulary[i] != word:
            return array("I"), array("H")
        return decode(self._part(".qwdc", ".qwof", i)), numbers(self._part(".qwtf", ".qwwo", i), "H")

    def with_prefix(self, prefix: str) -> Any:
        """Documents with a word (title or body) starting with `prefix`, a sorted numpy array."""
        import numpy as np

        vocabulary = self._vocabulary()
        found: set[int] = set()
        i = bisect_left(vocabulary, prefix)
        while i < len(vocabulary) and vocabulary[i].startswith(prefix):
            found.update(decode(self._part(".qwdc", ".qwof", i)))
            i += 1
        return np.array(sorted(found), dtype=np.int64)

    # ---- per document

    def days(self) -> array[int]:
        return self._get(".qday", "i")

    def lengths(self) -> array[int]:
        return self._get(".qlen", "I")

    def texts(self) -> tuple[mmap.mmap | bytes, array[int]]:
        """Every folded body of the segment as one UTF-8 buffer, and each document's byte offset
        into it (the last entry is the end): what a scan of all bodies at once reads."""
        return self._map(".qtxt"), self._get(".qtof", "Q")

    def text(self, docnum: int) -> str:
        """A document's folded body."""
        offsets = self._get(".qtof", "Q")
        return bytes(self._map(".qtxt")[offsets[docnum] : offsets[docnum + 1]]).decode("utf-8")

    def record_json(self, docnum: int) -> str:
        """A document's record as JSON (Record.model_dump_json), as the build stored it."""
        return zlib.decompress(self._part(".qrec", ".qreo", docnum)).decode("utf-8")

    def facets(self, docnum: int) -> dict[str, Any]:
        """A document's facets that are not columns (its outline)."""
        found: dict[str, Any] = json.loads(self._part(".qfac", ".qfof", docnum))
        return found

    def column(self, key: str, ext: str | None = None) -> list[Any]:
        """One facet of every document of the segment (fulltext.COLUMNS), in document order;
        from the column file `ext` when given (site is in two)."""
        ext = ext or _FILE_OF[key]
        columns = self._cache.get(ext)
        if columns is None:
            with postings.open_part(self.base + ext, "r") as f:
                columns = self._cache[ext] = json.load(f)
        return columns[key]  # type: ignore[index,no-any-return]

    def cites(self) -> tuple[Any, Any]:
        """Each document's citations as indices into column("citations"), as numpy arrays
        (offsets, indices): document d's are indices[offsets[d] : offsets[d + 1]]."""
        import numpy as np

        return (np.frombuffer(self._get(".qcio", "Q"), dtype=np.uint64).astype(np.int64),
                np.frombuffer(self._get(".qcix", "I"), dtype=np.uint32))

    def codes(self, name: str, values: Callable[[], Sequence[Any]]) -> tuple[Any, list[Any]]:
        """A per-document value (a facet, a bucket) as a numpy array of small integers and the
        distinct values they stand for, made once per segment from values(): np.bincount then
        counts any set of the segment's documents in one call."""
        key = "codes:" + name
        found = self._cache.get(key)
        if found is None:
            import numpy as np

            index: dict[Any, int] = {}
            codes = np.fromiter((index.setdefault(v, len(index)) for v in values()), dtype=np.int32)
            found = self._cache[key] = (codes, list(index))
        return found  # type: ignore[return-value]

    def minhash(self, docnum: int) -> bytes:
        """A document's MinHash as written (b"" when its body was too short)."""
        return bytes(self._part(".qmhs", ".qmho", docnum))

    def digests(self) -> Any:
        """Every document's MinHash as one numpy row of uint32 (pairs.NUM_PERM of them),
        zeros where the body was too short: read at once, without a Python object per document."""
        import numpy as np

        offsets = np.frombuffer(self._get(".qmho", "Q"), dtype=np.uint64)
        has = np.diff(offsets) > 0
        data = self._map(".qmhs")
        rows = np.frombuffer(data, dtype="<u4").reshape(-1, PERMUTATIONS) if len(data) else np.zeros((0, PERMUTATIONS), np.uint32)
        out = np.zeros((len(has), PERMUTATIONS), dtype=np.uint32)
        out[has] = rows
        return out


@lru_cache(maxsize=64)
def reader(folder: str, segment_id: str) -> SegmentReader:
    """The (cached) reader of a segment: a segment's files never change once written."""
    return SegmentReader(folder, segment_id)
