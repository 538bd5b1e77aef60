"""The searcher: one reader's documents as sets of global numbers, answering query trees
(search/tree.py) by set algebra, ranking by BM25 from qdn's full-text files, ordering by date,
and reading stored records. Used by search, list, get and every report.
"""

from __future__ import annotations

import heapq
import json
import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any, TypeVar

from qdn_corpus.models import Hit, Record
from qdn_corpus.search.plan import Plan, Sort
from qdn_corpus.search.snippets import in_section, occurrences
from qdn_corpus.search.tree import And, Native, Or, SegmentSet, Without
from qdn_corpus.store import engine
from qdn_corpus.store.index import links_of
from qdn_corpus.store.relations import Relations


def fulltext_of(leaf: engine.Leaf) -> Any:
    """The full-text files (store/fulltext.py) of a segment."""
    from qdn_corpus.store.fulltext import reader

    return reader(leaf.folder, leaf.segment_id)


_NATIVE: dict[tuple[Any, ...], frozenset[int]] = {}
K1, B = 1.2, 0.75  # BM25, Whoosh's defaults


def _count_in(nums: Any, wanted: Iterable[int]) -> int:
    """How many of the `wanted` numbers the sorted array `nums` holds."""
    count = 0
    for d in wanted:
        i = bisect_left(nums, d)
        count += i < len(nums) and nums[i] == d
    return count


class View:
    """One searcher's documents: set algebra, BM25 and date order over global numbers."""

    def __init__(self, reader: engine.Reader, ix: engine.Index) -> None:
        from qdn_corpus.store import relations

        self.reader = reader
        self.leaves = [(leaf, fulltext_of(leaf)) for leaf in reader.leaves()]
        self._offsets = [leaf.offset for leaf, _ in self.leaves]
        self._live: set[int] | None = None
        self.links = links_of(ix)  # attachment URL or path -> file (index.links_of)
        self.relations = relations.load(ix.folder)
        self._groups: dict[int, int] | None = None
        self._heads: dict[int, int] = {}
        self._segment_offsets: dict[str, int] | None = None

    def group_of(self) -> dict[int, int]:
        """Document number -> copy group, for the documents that have copies."""
        return self._copies()[0]

    def _copies(self) -> tuple[dict[int, int], dict[int, int]]:
        """Document number -> copy group, and group -> its canonical's document number: made
        once per relations file and segment layout (Relations.derived), not per request of a
        long-running reader."""
        if self._groups is None:
            key = tuple((leaf.segment_id, leaf.offset) for leaf, _ in self.leaves)
            cache = self.relations.derived
            if key not in cache:
                groups: dict[int, int] = {}
                for ref, g in self.relations.group_of_ref.items():
                    if (d := self.docnum(ref)) is not None:
                        groups[d] = g
                heads = {g: d for g, members in enumerate(self.relations.raw_groups)
                         if members and (d := self.docnum(members[0][0])) is not None}
                cache.clear()  # one layout at a time: the index's current one
                cache[key] = (groups, heads)
            self._groups, self._heads = cache[key]
        return self._groups, self._heads

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

    def collapse(self, docs: set[int]) -> set[int]:
        """One document per copy group: the group's canonical when it is among them, else the
        first of them."""
        groups, heads = self._copies()
        if not groups:
            return docs
        kept = docs - groups.keys()
        found: dict[int, list[int]] = {}
        for d in docs & groups.keys():
            found.setdefault(groups[d], []).append(d)
        for g, members in found.items():
            head = heads.get(g)
            kept.add(head if head is not None and head in docs else min(members))
        return kept

    def live(self) -> set[int]:
        """Every live document: each leaf's numbers but its deleted ones (asking Whoosh doc by
        doc costs 0.35 s at 100,000)."""
        if self._live is None:
            live: set[int] = set()
            for leaf, _ in self.leaves:
                if leaf.deleted:
                    live.update(leaf.offset + d for d in range(leaf.size) if d not in leaf.deleted)
                else:
                    live.update(range(leaf.offset, leaf.offset + leaf.size))
            self._live = live
        return self._live

    def docs(self, query: Any) -> set[int]:
        """The live documents of a query tree: intersections smallest first, negations last."""
        if isinstance(query, SegmentSet):
            return query.docset(self.leaves)
        if isinstance(query, And):
            positive = [c for c in query.parts if not isinstance(c, Without)]
            sets = sorted((self.docs(c) for c in positive), key=len) if positive else [set(self.live())]
            out = sets[0]
            for other in sets[1:]:
                out &= other
            for c in query.parts:
                if isinstance(c, Without) and out:
                    out -= self.docs(c.part)
            return out
        if isinstance(query, Or):
            out = set()
            for c in query.parts:
                out |= self.docs(c)
            return out
        if isinstance(query, Without):
            return self.live() - self.docs(query.part)
        if isinstance(query, Native):
            return set(self._native(query.q))
        raise TypeError(f"not a query node: {query!r}")

    def _native(self, query: Any) -> frozenset[int]:
        """A native query's documents, kept while the index is unchanged (the key holds each
        segment's id and deletion count): title phrases cost milliseconds each."""
        key = (tuple((leaf.segment_id, leaf.deleted_count) for leaf, _ in self.leaves), query)
        found = _NATIVE.get(key)
        if found is None:
            if len(_NATIVE) >= 256:
                _NATIVE.pop(next(iter(_NATIVE)))
            found = _NATIVE[key] = self.reader.docs(query)
        return found

    def scores(self, docs: set[int], words: list[str]) -> dict[int, float]:
        """BM25 of each matching document for the query's words (0.0 without any)."""
        scores = dict.fromkeys(docs, 0.0)
        if not docs or not words:
            return scores
        # The statistics count live documents only: a deleted (replaced) version still in its
        # segment would make scores depend on the index's history, not on the corpus.
        total = self.reader.doc_count_all()
        segments = []
        n = length = 0
        for leaf, store in self.leaves:
            offset, size, deleted = leaf.offset, leaf.size, leaf.deleted
            local = {d - offset for d in docs if offset <= d < offset + size} if offset or size < total else docs
            lengths = store.lengths()
            segments.append((offset, store, lengths, local, deleted))
            n += size - len(deleted)
            length += sum(lengths) - sum(lengths[d] for d in deleted)
        average = length / max(n, 1) or 1.0
        for word in words:
            postings = [(offset, store.word_postings(word), lengths, local, deleted)
                        for offset, store, lengths, local, deleted in segments]
            df = sum(len(nums) - _count_in(nums, deleted) for _, (nums, _w), _, _, deleted in postings)
            if not df:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            for offset, (nums, weights), lengths, local, _ in postings:
                hit = local.intersection(nums)  # C speed; then the weights of the hits only
                if len(hit) * 3 < len(nums):
                    pairs: Any = ((d, weights[bisect_left(nums, d)]) for d in hit)
                else:
                    pairs = ((d, tf) for d, tf in zip(nums, weights, strict=True) if d in hit)
                for d, tf in pairs:
                    norm = K1 * (1 - B + B * lengths[d] / average)
                    scores[d + offset] += idf * tf * (K1 + 1) / (tf + norm)
        return scores

    def by_date(self, docs: set[int], sort: Sort, limit: int | None) -> list[int]:
        """Newest (or oldest) first, undated last; ties in index order."""
        days = array("i")
        for _leaf, store in self.leaves:
            days.extend(store.days())
        far = 1 << 31
        keys = [(-day if sort == "-date" else day) if day else far for day in days]
        return sorted(heapq.nsmallest(limit or len(docs), docs, key=keys.__getitem__), key=lambda d: (keys[d], d))

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

    def matching(self, p: Plan) -> set[int]:
        """The documents a plan matches: query (every live one for a listing), filters,
        --within's sections, and one per copy group unless all_copies."""
        docs = self.docs(p.match) if p.match is not None else set(self.live())
        if p.filter is not None and docs:
            docs &= self.docs(p.filter)
        if p.within is not None and p.highlights:
            docs = {d for d in docs if self.mentions(d, p.highlights, p.within)}
        return docs if p.all_copies else self.collapse(docs)

    def record(self, docnum: int) -> Record:
        """The stored record of a document, with copies, citation targets and attachment files
        filled in: validated once, from the stored JSON."""
        return stored_record(self.reader.record_json(docnum), self.relations, self.links, Record)

    def hit(self, docnum: int, score: float) -> Hit:
        """The stored record of a document as a search hit (its snippets are set after)."""
        return stored_record(self.reader.record_json(docnum), self.relations, self.links, Hit, score=score)


R = TypeVar("R", bound=Record)


def stored_record(raw: str | bytes, relations: Relations, links: dict[str, str], model: type[R], **extra: Any) -> R:
    """A record as the index stored it, completed by what is known only of the whole corpus."""
    data = json.loads(raw)
    data.update(relations.fields(data))
    if data.get("attachments") and links:
        data["attachments"] = resolve_attachments(data, links)
    data.update(extra)
    return model.model_validate(data)


def resolve_attachments(record: dict[str, Any], links: dict[str, str]) -> list[dict[str, Any]]:
    """A record's (JSON) attachments, each with `file` set when the linked document is in the
    corpus: by its URL (a page's meta, a sidecar), or by the path the link names relative to
    the page's file, as wget mirrors a site (the URL's path relative to the page's URL)."""
    import posixpath
    from urllib.parse import unquote, urlsplit

    here = posixpath.dirname(record["file"])
    page = urlsplit(record["url"]) if record.get("url") else None
    out = []
    for att in record.get("attachments") or []:
        target = links.get(att["url"])
        if target is None:
            link = urlsplit(att["url"])
            if not link.scheme:
                rel = unquote(link.path)
            elif page is not None and link.netloc == page.netloc:
                rel = posixpath.relpath(unquote(link.path), posixpath.dirname(unquote(page.path)) or "/")
            else:
                rel = None
            if rel:
                target = links.get(posixpath.normpath(posixpath.join(here, rel)))
        out.append({**att, "file": target})
    return out
