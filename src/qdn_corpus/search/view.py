"""The searcher: one reader's documents as sets of global numbers, answering query trees
(search/tree.py) by set algebra, ranking by BM25 from qdn's full-text files, ordering by date,
and reading stored records. Used by search, list, get and every report.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Any

import numpy as np

from qdn_corpus.models import Hit, Record
from qdn_corpus.search.plan import Plan, Sort
from qdn_corpus.search.records import stored_record
from qdn_corpus.search.snippets import MentionCounter, in_section, occurrences
from qdn_corpus.search.tree import And, Native, Or, SegmentSet, Without
from qdn_corpus.store import engine
from qdn_corpus.store.index import links_of


def fulltext_of(leaf: engine.Leaf) -> Any:
    """The full-text files (store/fulltext.py) of a segment."""
    from qdn_corpus.store.fulltext import reader

    return reader(leaf.folder, leaf.segment_id)


_NATIVE: dict[tuple[Any, ...], Any] = {}  # native query answers as masks (View._native)
K1, B = 1.2, 0.75  # BM25, Whoosh's defaults


class View:
    """One searcher's documents: set algebra, BM25 and date order over global numbers."""

    def __init__(self, reader: engine.Reader, ix: engine.Index) -> None:
        from qdn_corpus.store import relations

        self.reader = reader
        self.leaves = [(leaf, fulltext_of(leaf)) for leaf in reader.leaves()]
        self._offsets = [leaf.offset for leaf, _ in self.leaves]
        self._live: Any = None
        self.links = links_of(ix)  # attachment URL or path -> file (index.links_of)
        self.relations = relations.load(ix.folder)
        self._segment_offsets: dict[str, int] | None = None

    def _copies(self) -> tuple[Any, Any]:
        """Each document number's copy group and each group's canonical document number, as
        numpy arrays (-1 for none): made once per relations file and segment layout
        (Relations.derived), not per request of a long-running reader."""

        key = tuple((leaf.segment_id, leaf.offset) for leaf, _ in self.leaves)
        cache = self.relations.derived
        if key not in cache:
            group_of = np.full(self.span(), -1, dtype=np.int64)
            for ref, g in self.relations.group_of_ref.items():
                if (d := self.docnum(ref)) is not None:
                    group_of[d] = g
            head_of = np.full(len(self.relations.raw_groups), -1, dtype=np.int64)
            for g, members in enumerate(self.relations.raw_groups):
                if members and (d := self.docnum(members[0][0])) is not None:
                    head_of[g] = d
            cache.clear()  # one layout at a time: the index's current one
            cache[key] = (group_of, head_of)
        found: tuple[Any, Any] = cache[key]
        return found

    def ref(self, docnum: int) -> str:
        """The name relations.py gives a document: segment:local."""
        leaf = self.leaves[bisect_right(self._offsets, docnum) - 1][0]
        return f"{leaf.segment_id}:{docnum - leaf.offset}"

    def docnum(self, ref: str) -> int | None:
        """The document number of a relations.py name, None when its segment is gone."""
        if self._segment_offsets is None:
            self._segment_offsets = {leaf.segment_id: leaf.offset for leaf, _ in self.leaves}
        seg, _, local = ref.partition(":")
        offset = self._segment_offsets.get(seg)
        return None if offset is None else offset + int(local)

    def collapse_mask(self, mask: Any) -> Any:
        """One document per copy group (a numpy boolean per document number in and out): the
        group's canonical when it is among them, else the first of them."""

        group_of, head_of = self._copies()
        if not len(head_of):
            return mask
        members = np.flatnonzero(mask & (group_of >= 0))
        groups, first = np.unique(group_of[members], return_index=True)
        heads = head_of[groups]
        head_in = (heads >= 0) & mask[np.maximum(heads, 0)]
        out = mask.copy()
        out[members] = False
        out[np.where(head_in, heads, members[first])] = True
        return out

    def live_mask(self) -> Any:
        """Every live document, a numpy boolean per document number."""
        if self._live is None:

            live = np.ones(self.span(), dtype=bool)
            for leaf, _ in self.leaves:
                if leaf.deleted:
                    live[np.fromiter(leaf.deleted, dtype=np.int64, count=len(leaf.deleted)) + leaf.offset] = False
            self._live = live
        return self._live

    def mask_of(self, docs: set[int]) -> Any:
        """A set of document numbers as a numpy boolean per document number."""

        mask = np.zeros(self.span(), dtype=bool)
        mask[np.fromiter(docs, dtype=np.int64, count=len(docs))] = True
        return mask

    @staticmethod
    def set_of(mask: Any) -> set[int]:

        return set(np.flatnonzero(mask).tolist())

    def docs(self, query: Any) -> set[int]:
        """The live documents of a query tree."""
        return self.set_of(self.mask(query))

    def mask(self, query: Any) -> Any:
        """The live documents of a query tree, a numpy boolean per document number: set algebra
        over whole arrays (Python sets of 60,000 numbers cost 30 ms a query)."""
        if isinstance(query, SegmentSet):
            return query.mask(self.leaves, self.span()) & self.live_mask()
        if isinstance(query, And):
            positive = [c for c in query.parts if not isinstance(c, Without)]
            out = self.mask(positive[0]) if positive else self.live_mask().copy()
            for c in positive[1:]:
                out &= self.mask(c)
            for c in query.parts:
                if isinstance(c, Without):
                    out &= ~self.mask(c.part)
            return out
        if isinstance(query, Or):
            out = self.mask(query.parts[0])
            for c in query.parts[1:]:
                out |= self.mask(c)
            return out
        if isinstance(query, Without):
            return self.live_mask() & ~self.mask(query.part)
        if isinstance(query, Native):
            return self._native(query.q).copy()
        raise TypeError(f"not a query node: {query!r}")

    def _native(self, query: Any) -> Any:
        """A native query's documents (a numpy mask), kept while the index is unchanged (the key
        holds each segment's id and deletion count): title phrases cost milliseconds each."""
        key = (tuple((leaf.segment_id, leaf.deleted_count) for leaf, _ in self.leaves), query)
        found = _NATIVE.get(key)
        if found is None:
            if len(_NATIVE) >= 256:
                _NATIVE.pop(next(iter(_NATIVE)))
            found = _NATIVE[key] = self.mask_of(set(self.reader.docs(query)))
        return found

    def span(self) -> int:
        """One more than the largest document number (deleted ones included)."""
        leaf = self.leaves[-1][0] if self.leaves else None
        return leaf.offset + leaf.size if leaf else 0

    def nums(self, docs: Any) -> Any:
        """Document numbers, ascending, of a set or a numpy mask."""

        if isinstance(docs, np.ndarray):
            return np.flatnonzero(docs)
        return np.sort(np.fromiter(docs, dtype=np.int64, count=len(docs)))

    def scores(self, docs: Any, words: list[str]) -> Any:
        """BM25 of each matching document for the query's words (0.0 without any): a numpy
        array over every document number, computed a posting list at a time (a loop per hit
        cost 200 ms for 57,000 hits)."""

        scores = np.zeros(self.span(), dtype=np.float64)
        if not words or not len(docs):
            return scores
        wanted = docs if isinstance(docs, np.ndarray) else self.mask_of(docs)
        # The statistics count live documents only: a deleted (replaced) version still in its
        # segment would make scores depend on the index's history, not on the corpus.
        segments = []
        n = length = 0
        for leaf, store in self.leaves:
            lengths = np.frombuffer(store.lengths(), dtype=np.uint32)
            deleted = np.fromiter(leaf.deleted, dtype=np.int64, count=len(leaf.deleted))
            segments.append((leaf.offset, store, lengths, deleted))
            n += leaf.size - len(deleted)
            length += int(lengths.sum(dtype=np.int64)) - int(lengths[deleted].sum(dtype=np.int64))
        average = length / max(n, 1) or 1.0
        for word in words:
            postings = []
            df = 0
            for offset, store, lengths, deleted in segments:
                nums, weights = store.word_postings(word)
                nums = np.frombuffer(nums, dtype=np.uint32)
                postings.append((offset, nums, np.frombuffer(weights, dtype=np.uint16), lengths))
                df += len(nums) - (int(np.isin(nums, deleted).sum()) if len(deleted) else 0)
            if not df:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            for offset, nums, weights, lengths in postings:
                hit = wanted[nums.astype(np.int64) + offset]
                local = nums[hit]
                tf = weights[hit].astype(np.float64)
                norm = K1 * (1 - B + B * lengths[local] / average)
                scores[local.astype(np.int64) + offset] += idf * tf * (K1 + 1) / (tf + norm)
        return scores

    def among(self, query: Any, nums: Any) -> Any:
        """mask(query)[nums] for ascending document numbers `nums`, a numpy boolean each: a
        full-text leaf checks only those documents where it can (SegmentSet.among)."""

        if isinstance(query, SegmentSet):
            out = np.zeros(len(nums), dtype=bool)
            for leaf, store in self.leaves:
                lo, hi = np.searchsorted(nums, (leaf.offset, leaf.offset + leaf.size))
                if lo < hi:
                    out[lo:hi] = query.among(store, nums[lo:hi] - leaf.offset)
            return out & self.live_mask()[nums]
        if isinstance(query, (And, Or)):
            out = self.among(query.parts[0], nums)
            for c in query.parts[1:]:
                out = out & self.among(c, nums) if isinstance(query, And) else out | self.among(c, nums)
            return out
        if isinstance(query, Without):
            return self.live_mask()[nums] & ~self.among(query.part, nums)
        return self.mask(query)[nums]

    def add_bonus(self, scores: Any, docs: Any, exact: list[Any], bonus: float) -> None:
        """Add `bonus` to the score of each of the document numbers `docs`, once per query of
        `exact` it matches."""

        nums = np.sort(np.asarray(docs, dtype=np.int64))
        for query in exact:
            scores[nums[self.among(query, nums)]] += bonus

    def best(self, docs: Any, scores: Any, limit: int | None, exact: list[Any] | None = None, bonus: float = 0.0) -> list[int]:
        """The `limit` best-scored documents, best first, ties in index order, each with
        `bonus` added (add_bonus) per query of `exact` it matches. The bonus is checked best
        first, a block at a time, until no document left could reach the page; a partition
        finds the cut, and only the documents at or above it are sorted."""

        nums, limit = self.nums(docs), limit or None
        if exact and limit is not None and limit < len(nums):
            nums = self._bonus_best_first(nums, scores, limit, exact, bonus)
        elif exact:
            self.add_bonus(scores, nums, exact, bonus)
        got = scores[nums]
        if limit is not None and limit < len(nums):
            cut = np.partition(got, len(got) - limit)[len(got) - limit]
            nums, got = nums[got >= cut], got[got >= cut]
        return [int(d) for d in nums[np.lexsort((nums, -got))][:limit]]

    def _bonus_best_first(self, nums: Any, scores: Any, limit: int, exact: list[Any], bonus: float) -> Any:
        """The documents of `nums` whose bonus best() checked, ascending: best-scored first, a
        block at a time, until the page's last score beats every unchecked score plus the
        most bonus it could get (ties need it beaten: a tie goes to the lower number)."""

        order = nums[np.lexsort((nums, -scores[nums]))]
        done, step = 0, max(4 * limit, 256)
        while done < len(order):
            self.add_bonus(scores, order[done : done + step], exact, bonus)
            done, step = min(done + step, len(order)), step * 2
            page_cut = np.partition(scores[order[:done]], done - limit)[done - limit]
            if done < len(order) and page_cut > scores[order[done]] + bonus * len(exact):
                break
        return np.sort(order[:done])

    def by_date(self, docs: Any, sort: Sort, limit: int | None) -> list[int]:
        """Newest (or oldest) first, undated last; ties in index order."""

        days = np.concatenate([np.frombuffer(store.days(), dtype=np.int32) for _leaf, store in self.leaves] or [np.zeros(0, np.int32)])
        keys = np.where(days == 0, np.int64(1 << 31), -days.astype(np.int64) if sort == "-date" else days.astype(np.int64))
        nums = self.nums(docs)
        got, limit = keys[nums], limit or None
        if limit is not None and limit < len(nums):
            cut = np.partition(got, limit - 1)[limit - 1]
            nums, got = nums[got <= cut], got[got <= cut]
        return [int(d) for d in nums[np.lexsort((nums, got))][:limit]]

    def locate(self, docnum: int) -> tuple[Any, int]:
        """The full-text store of a global document number and its number there."""
        i = bisect_right(self._offsets, docnum) - 1
        if i >= 0:
            leaf, store = self.leaves[i]
            if docnum < leaf.offset + leaf.size:
                return store, docnum - leaf.offset
        raise IndexError(docnum)

    def mentions(self, docnum: int, needles: list[str], within: str | None = None) -> int:
        """How often a document's body holds the needles (occurrences()), from the full-text
        files; with `within`, only under headings that contain it."""
        store, local = self.locate(docnum)
        found = occurrences(store.text(local), needles)
        if within is not None:
            headings = store.facets(local).get("outline") or []
            found = [o for o in found if in_section(headings, o[0], within)]
        return len(found)

    def mention_counts(self, nums: Any, needles: list[str], within: str | None = None) -> Any:
        """mentions() of each document number of `nums` (ascending), as a numpy array: from
        each needle's count per document (fulltext.SegmentReader.counts, kept per segment) where
        snippets.MentionCounter can, else document by document."""

        counter = MentionCounter(needles)
        if within is not None or not counter.usable:
            return np.array([self.mentions(d, needles, within) for d in nums.tolist()], dtype=np.int64)
        parts = [np.zeros(0, dtype=np.int64)]
        for leaf, store in self.leaves:
            lo, hi = np.searchsorted(nums, (leaf.offset, leaf.offset + leaf.size))
            local = nums[lo:hi] - leaf.offset

            def count_of(needle: str, store: Any = store, local: Any = local) -> Any:
                return store.counts(needle)[local].astype(np.int64)

            parts.append(np.asarray(counter.count(count_of), dtype=np.int64))
        return np.concatenate(parts)

    def matching(self, p: Plan) -> set[int]:
        """The documents a plan matches (matching_mask()), as a set."""
        return self.set_of(self.matching_mask(p))

    def matching_mask(self, p: Plan) -> Any:
        """The documents a plan matches, a numpy boolean per document number: query (every
        live one for a listing), filters, --within's sections, and one per copy group unless
        all_copies."""
        docs = self.mask(p.match) if p.match is not None else self.live_mask().copy()
        if p.filter is not None and docs.any():
            docs &= self.mask(p.filter)
        if p.within is not None and p.highlights:
            for d in self.nums(docs):
                docs[d] = bool(self.mentions(int(d), p.highlights, p.within))
        return docs if p.all_copies else self.collapse_mask(docs)

    def record(self, docnum: int) -> Record:
        """The stored record of a document, with copies, citation targets and attachment files
        filled in: validated once, from the stored JSON."""
        return stored_record(self.reader.record_json(docnum), self.relations, self.links, Record)

    def hit(self, docnum: int, score: float) -> Hit:
        """The stored record of a document as a search hit (its snippets are set after)."""
        return stored_record(self.reader.record_json(docnum), self.relations, self.links, Hit, score=score)

