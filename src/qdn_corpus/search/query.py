"""Search, list and get: query text in, models out. Query errors become QdnError."""

from __future__ import annotations

import datetime as dt
import heapq
import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import regex

from qdn_corpus.errors import NoSuchRecordError, QuerySyntaxError, UsageError
from qdn_corpus.models import Hit, Record, Snippet
from qdn_corpus.search.language import Bool, Node, Not, parse_query
from qdn_corpus.store import engine
from qdn_corpus.store.index import links_of
from qdn_corpus.text.dates import parse_period
from qdn_corpus.text.normalize import fold

__all__ = ["Filters", "Plan", "Results", "get", "list_records", "parse_query", "plan", "search"]

Sort = Literal["relevance", "date", "-date"]
# ---- qdn's query tree: set algebra over native (engine) leaves and full-text leaves ---------


@dataclass(frozen=True)
class _And:
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class _Or:
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class _Not:
    part: Any


@dataclass(frozen=True)
class _Native:
    """A query the engine answers (short-field phrases, metadata terms)."""

    q: Any


def _and(parts: list[Any]) -> Any:
    return parts[0] if len(parts) == 1 else _And(tuple(parts))


def _or(parts: list[Any]) -> Any:
    return parts[0] if len(parts) == 1 else _Or(tuple(parts))


@dataclass
class _Compiled:
    match: Any
    words: list[str] = field(default_factory=list)  # ranked with BM25
    exact: list[Any] = field(default_factory=list)  # matches of these rank first
    highlights: list[str] = field(default_factory=list)  # folded texts a snippet marks


def _searchable(text: str) -> str:
    """The folded text of a filter (--source, --site, --issuer); an error when nothing is left
    (a value of spaces). A query's terms are folded by the parser, which refuses empty ones."""
    t = fold(text).strip()
    if not t:
        raise QuerySyntaxError(f"nothing to search for in {text!r}")
    return t


def _substring(t: str, fields: tuple[str, ...]) -> Any:
    """Records whose folded field text contains the folded text `t`: for the body, the
    companion files' bigram sets and a check of the text; for short fields, a Whoosh phrase
    over bigrams."""
    parts: list[Any] = []
    for name in fields:
        if name == "body":
            parts.append(BodyContains(t))
        elif len(t) == 1:
            parts.append(_Native(engine.prefix(name, t)))
        elif len(t) == 2:
            parts.append(_Native(engine.term(name, t)))
        else:
            parts.append(_Native(engine.phrase(name, [t[i : i + 2] for i in range(len(t) - 1)])))
    return _or(parts)


def _fulltext(leaf: engine.Leaf) -> Any:
    """The fulltext.py reader of a segment."""
    from qdn_corpus.store.fulltext import reader

    return reader(leaf.folder, leaf.segment_id)


class _SegmentSet:
    """A leaf answered per segment from its full-text files (fulltext.py)."""

    def _local(self, store: Any) -> Any:
        raise NotImplementedError

    def docset(self, leaves: list[tuple[engine.Leaf, Any]]) -> set[int]:
        """Live documents (global numbers) that match, over (leaf, full-text store) pairs."""
        out: set[int] = set()
        for leaf, store in leaves:
            local = self._local(store)
            if leaf.deleted:
                local = set(local).difference(leaf.deleted)
            out.update(map(leaf.offset.__add__, local)) if leaf.offset else out.update(local)
        return out


@dataclass(frozen=True)
class BodyContains(_SegmentSet):
    """Records whose folded body contains the (folded) needle."""

    needle: str

    def _local(self, store: Any) -> Any:
        return store.containing(self.needle)


@dataclass(frozen=True)
class WordPrefix(_SegmentSet):
    """Records with a word (title or body) starting with the (folded) stem."""

    stem: str

    def _local(self, store: Any) -> Any:
        return store.with_prefix(self.stem)


@dataclass(frozen=True)
class DateIn(_SegmentSet):
    """Records dated from start to end, inclusive; None is open."""

    start: dt.date | None
    end: dt.date | None

    def _local(self, store: Any) -> Any:
        lo = self.start.toordinal() if self.start else 1
        hi = self.end.toordinal() if self.end else 1 << 30
        return [i for i, day in enumerate(store.days()) if lo <= day <= hi]


_TEXT_FIELDS = ("body", "title_g")
_SUBSTRING_FIELDS = {
    "title": ("title_g",), "body": ("body",), "source": ("source_g",), "number": ("number_g",),
    "issuer": ("issuer_g",), "site": ("site_g",),
}


def _compile(node: Node) -> _Compiled:
    from qdn_corpus.text.tokens import query_words, words

    if isinstance(node, Bool):
        parts = [_compile(c) for c in node.children]
        match = (_and if node.op == "and" else _or)([p.match for p in parts])
        return _Compiled(
            match, [w for p in parts for w in p.words], [e for p in parts for e in p.exact],
            [h for p in parts for h in p.highlights],
        )
    if isinstance(node, Not):
        return _Compiled(_Not(_compile(node.child).match))
    if node.field in _SUBSTRING_FIELDS:
        t = node.folded
        return _Compiled(_substring(t, _SUBSTRING_FIELDS[node.field]), [], [], [t])
    if node.field == "region":
        return _Compiled(region_query(node.text))
    if node.field in ("category", "type"):
        name = "category" if node.field == "category" else "doc_type"
        return _Compiled(_Native(engine.term(name, node.text)))
    if node.field == "date":
        return _Compiled(date_query(node.text))
    if node.field == "file":
        return _Compiled(_Native(engine.wildcard("file", f"*{node.text}*")))
    t = node.folded
    if node.prefix:
        return _Compiled(WordPrefix(t), [], [], [t])
    if node.phrase:
        return _Compiled(_substring(t, _TEXT_FIELDS), words(t), [], [t])
    ws = query_words(t) or [t]
    match = _and([_substring(w, _TEXT_FIELDS) for w in ws])
    # The exact string ranks above the same words apart (承诺兑现 above 承诺不兑现).
    exact = [_substring(t, _TEXT_FIELDS)] if len(ws) > 1 else []
    return _Compiled(match, words(t), exact, [t, *ws])


def region_query(name: str) -> Any:
    """Records in a region at any level; aliases (黔东南, 黔东南苗族侗族自治州) resolve."""

    from qdn_corpus.read.parsing.regions import gazetteer

    place = gazetteer().resolve(name)
    return _Native(engine.term("region", place.name if place else name.strip()))


def date_query(text: str) -> Any:
    """date:2022-11, date:2022..2023, date:2022-11.. or date:..2021."""
    lo, sep, hi = text.partition("..")
    if not sep:
        return _date_range(*parse_period(lo))
    start: dt.date | None = parse_period(lo)[0] if lo else None
    end: dt.date | None = parse_period(hi)[1] if hi else None
    if start is None and end is None:
        raise QuerySyntaxError("date:.. needs a start or an end, e.g. date:2022..2023")
    return _date_range(start, end)


def _date_range(start: dt.date | None, end: dt.date | None) -> Any:
    return DateIn(start, end)


# ---- filters, search, list, get ------------------------------------------------------------


@dataclass
class Filters:
    since: str | None = None
    until: str | None = None
    region: str | None = None
    category: str | None = None
    doc_type: str | None = None
    source: str | None = None
    site: str | None = None
    issuer: str | None = None

    def query(self) -> Any:

        parts: list[Any] = []
        if self.since or self.until:
            start = parse_period(self.since)[0] if self.since else None
            end = parse_period(self.until)[1] if self.until else None
            if start and end and start > end:
                raise UsageError(f"--since {self.since} is after --until {self.until}")
            parts.append(_date_range(start, end))
        if self.region:
            parts.append(region_query(self.region))
        if self.category:
            parts.append(_Native(engine.term("category", self.category)))
        if self.doc_type:
            parts.append(_Native(engine.term("doc_type", self.doc_type)))
        if self.source:
            parts.append(_substring(_searchable(self.source), ("source_g",)))
        if self.site:
            parts.append(_substring(_searchable(self.site), ("site_g",)))
        if self.issuer:
            parts.append(_substring(_searchable(self.issuer), ("issuer_g",)))
        if not parts:
            return None
        return _and(parts)


@dataclass
class Results:
    items: list[Any]  # Hit for search, Record for list
    total: int


def check_limit(limit: int | None) -> None:
    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be at least 1 (got {limit})")


@dataclass
class Plan:
    """A checked search: everything that can be wrong with it is found before the index opens."""

    match: Any
    filter: Any
    words: list[str]
    exact: list[Any]
    highlights: list[str]
    limit: int | None
    sort: Sort
    within: str | None = None  # folded: only occurrences under a heading containing it count
    all_copies: bool = False  # every copy of a document, not one per copy group


def check(text: str, filters: Filters, limit: int | None) -> None:
    """Every mistake plan() would find, without cutting words (so before the tokeniser loads)."""
    check_limit(limit)
    filters.query()

    def walk(node: Node) -> None:
        if isinstance(node, Bool):
            for child in node.children:
                walk(child)
        elif isinstance(node, Not):
            walk(node.child)
        elif node.field == "date":
            date_query(node.text)

    walk(parse_query(text))


def check_within(within: str | None) -> str | None:
    """--within's folded text (None without it); an error when it is empty."""
    if within is None:
        return None
    t = fold(within).strip()
    if not t:
        raise UsageError("--within needs the text of a heading, e.g. --within 存在问题")
    return t


def plan(
    text: str, filters: Filters, limit: int | None, sort: Sort, within: str | None, all_copies: bool
) -> Plan:
    """Parse and compile a query and its filters; raises QdnError on any mistake in them
    (check() finds the same ones, and a bad --limit, before the index opens)."""
    c = _compile(parse_query(text))
    return Plan(
        c.match, filters.query(), list(dict.fromkeys(c.words)), c.exact, c.highlights, limit, sort, check_within(within),
        all_copies,
    )


def matching(view: _View, p: Plan) -> set[int]:
    """The documents a plan matches: query, filters, and --within's sections."""
    docs = view.docs(p.match)
    if p.filter is not None and docs:
        docs &= view.docs(p.filter)
    if p.within is not None and p.highlights:
        docs = {d for d in docs if view.mentions(d, p.highlights, p.within)}
    return docs if p.all_copies else view.collapse(docs)


def search(ix: Any, p: Plan) -> Results:
    """Records matching a planned query, best first (or by date), with snippets.

    Matching is set algebra over document numbers; only the page shown is read from Whoosh.
    """
    with ix.reader() as reader:
        view = _View(reader, ix)
        docs = matching(view, p)
        scores = view.scores(docs, p.words)
        for query in p.exact:
            for d in view.docs(query) & docs:
                scores[d] += EXACT_BONUS
        if p.sort == "relevance":
            best = heapq.nlargest(p.limit or len(docs), docs, key=scores.__getitem__)
            page = sorted(best, key=lambda d: (-scores[d], d))
        else:
            page = view.by_date(docs, p.sort, p.limit)
        hits = []
        for d in page:
            record = view.record(d)
            snips = snippets(record, p.highlights, within=p.within)
            hits.append(Hit(**record.model_dump(), score=round(scores[d], 4), snippets=snips))
    return Results(hits, len(docs))


EXACT_BONUS = 50.0
_NATIVE: dict[tuple[Any, ...], frozenset[int]] = {}
K1, B = 1.2, 0.75  # BM25, Whoosh's defaults


def _count_in(nums: Any, wanted: Iterable[int]) -> int:
    """How many of the `wanted` numbers the sorted array `nums` holds."""
    count = 0
    for d in wanted:
        i = bisect_left(nums, d)
        count += i < len(nums) and nums[i] == d
    return count


class _View:
    """One searcher's documents: set algebra, BM25 and date order over global numbers."""

    def __init__(self, reader: engine.Reader, ix: Any) -> None:
        from qdn_corpus.store import relations

        self.reader = reader
        self.leaves = [(leaf, _fulltext(leaf)) for leaf in reader.leaves()]
        self._offsets = [leaf.offset for leaf, _ in self.leaves]
        self._live: set[int] | None = None
        self.links = links_of(ix)  # attachment URL or path -> file (index.links_of)
        self.relations = relations.load(ix.folder)
        self._groups: dict[int, int] | None = None
        self._segment_offsets: dict[str, int] | None = None

    def group_of(self) -> dict[int, int]:
        """Document number -> copy group, for the documents that have copies."""
        if self._groups is None:
            self._groups = {}
            for ref, g in self.relations.group_of_ref.items():
                if (d := self.docnum(ref)) is not None:
                    self._groups[d] = g
        return self._groups

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
        groups = self.group_of()
        if not groups:
            return docs
        kept: set[int] = set()
        found: dict[int, list[int]] = {}
        for d in docs:
            g = groups.get(d)
            if g is None:
                kept.add(d)
            else:
                found.setdefault(g, []).append(d)
        if found:
            heads = {g: self.relations.groups[g][0][0] for g in found}
            for g, members in found.items():
                head = next((d for d in members if self.ref(d) == heads[g]), None)
                kept.add(head if head is not None else min(members))
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
        if isinstance(query, _SegmentSet):
            return query.docset(self.leaves)
        if isinstance(query, _And):
            positive = [c for c in query.parts if not isinstance(c, _Not)]
            sets = sorted((self.docs(c) for c in positive), key=len) if positive else [set(self.live())]
            out = sets[0]
            for other in sets[1:]:
                out &= other
            for c in query.parts:
                if isinstance(c, _Not) and out:
                    out -= self.docs(c.part)
            return out
        if isinstance(query, _Or):
            out = set()
            for c in query.parts:
                out |= self.docs(c)
            return out
        if isinstance(query, _Not):
            return self.live() - self.docs(query.part)
        if isinstance(query, _Native):
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

    def record(self, docnum: int) -> Record:
        record = Record.model_validate_json(self.reader.record_json(docnum))
        return self.relations.apply(resolve_attachments(record, self.links))


def resolve_attachments(record: Record, links: dict[str, str]) -> Record:
    """Set each attachment's `file` when the linked document is in the corpus: by its URL (a
    page's meta, a sidecar), or by the path the link names relative to the page's file, as
    wget mirrors a site (the URL's path relative to the page's URL)."""
    if not record.attachments or not links:
        return record
    import posixpath
    from urllib.parse import unquote, urlsplit

    here = posixpath.dirname(record.file)
    page = urlsplit(record.url) if record.url else None
    out = []
    for att in record.attachments:
        target = links.get(att.url)
        if target is None:
            link = urlsplit(att.url)
            if not link.scheme:
                rel = unquote(link.path)
            elif page is not None and link.netloc == page.netloc:
                rel = posixpath.relpath(unquote(link.path), posixpath.dirname(unquote(page.path)) or "/")
            else:
                rel = None
            if rel:
                target = links.get(posixpath.normpath(posixpath.join(here, rel)))
        out.append(att.model_copy(update={"file": target}))
    return record.model_copy(update={"attachments": out})


def list_records(ix: Any, filter: Any, *, limit: int | None, sort: Sort, all_copies: bool) -> Results:
    """Records matching the filter (from Filters.query; None: all), newest first unless sort
    says otherwise, undated last; one per copy group unless all_copies. The caller has checked
    the limit (check_limit) before opening the index."""
    with ix.reader() as reader:
        view = _View(reader, ix)
        docs = view.docs(filter) if filter is not None else set(view.live())
        if not all_copies:
            docs = view.collapse(docs)
        page = view.by_date(docs, "-date" if sort == "relevance" else sort, limit)
        return Results([view.record(d) for d in page], len(docs))


def check_id(prefix: str) -> str:
    prefix = prefix.strip().lower()
    if not regex.fullmatch(r"[0-9a-f]{1,16}", prefix):
        raise UsageError(f"{prefix!r} is not a record id: ids are hexadecimal, e.g. 9149a584")
    return prefix


def get(ix: Any, prefix: str) -> Record:
    """The one record whose id starts with `prefix`."""

    prefix = check_id(prefix)
    with ix.reader() as reader:
        found = reader.ids_starting(prefix, 6)
    if not found:
        raise NoSuchRecordError(f"no record with an id starting {prefix!r}; `qdn list` shows the ids")
    if len(found) > 1:
        shown = ", ".join(i for i, _ in found[:5])
        many = f"{len(found)}" if len(found) < 6 else "6 or more"
        raise UsageError(f"id prefix {prefix!r} matches {many} records ({shown}…): give more characters")
    from qdn_corpus.store import relations

    return relations.load(ix.folder).apply(resolve_attachments(Record.model_validate_json(found[0][1]), links_of(ix)))


# ---- snippets ------------------------------------------------------------------------------


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


def section_at(headings: list[Any], pos: int) -> list[Any]:
    """The heading path above a body offset: headings as (level, offset, text) in body order;
    each keeps the nearest heading of every higher level before it."""
    path: list[Any] = []
    for h in headings:
        if h[1] > pos:
            break
        while path and path[-1][0] >= h[0]:
            path.pop()
        path.append(h)
    return path


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


# ---- figures -------------------------------------------------------------------------------


def figure_rows(ix: Any, p: Plan) -> tuple[list[Any], int]:
    """The figures (models.FigureRow) in the clauses of matching records that name the query
    (figures.py), newest record first, in text order; and the number of matching records."""
    from qdn_corpus.models import FigureRow
    from qdn_corpus.reports.figures import figures_in

    needles = p.highlights
    # The texts a clause must hold: the query's own, not the words cut from them.
    wanted = [n for n in needles if not any(n != m and n in m for m in needles)]
    rows: list[FigureRow] = []
    with ix.reader() as reader:
        view = _View(reader, ix)
        docs = matching(view, p)
        for d in view.by_date(docs, "-date", None):
            record = view.record(d)
            headings = [(h.level, h.offset, fold(f"{h.marker}{h.text}")) for h in record.outline]
            for f in figures_in(record.body):
                clause = fold(f.clause)
                if not any(w in clause for w in wanted):
                    continue
                if p.within is not None and not in_section(headings, f.offset, p.within):
                    continue
                rows.append(FigureRow(
                    id=record.id, date=record.date, region=record.region, title=record.title, indicator=f.indicator,
                    figure=f.text, value=f.value, unit=f.unit, approx=f.approx, clause=f.clause, offset=f.offset,
                    file=record.file,
                ))
    return rows, len(docs)
