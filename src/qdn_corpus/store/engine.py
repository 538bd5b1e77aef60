"""Every contact with Whoosh: the schema, index folders, segment writing, readers, queries.

qdn keeps the metadata terms (region, category, type, id, file) in Whoosh 2.7 and everything
else in its own files (fulltext.py), the records included. It writes segments in worker
processes, which needs parts of Whoosh that are not its public API (SegmentWriter's private
arguments and methods, the TOC commit, a segment's storage, a TOC read by generation). They are
used here and nowhere else, checked against the installed Whoosh when it is first used;
replacing Whoosh means replacing this module. The rest of qdn sees index, segment, writer and
reader objects and opaque native queries.

Whoosh is imported only when it is needed. Each commit writes, beside Whoosh's table of
contents, the list of its segments with their sizes and deleted documents (segments.json): a
search or a list reads that and qdn's own files, and opens Whoosh only for a metadata query
(region:, category:, type:, file:), an id prefix (`qdn show`) or a write. Importing Whoosh took
0.04–0.05 s of a cold search, and reading the 20 records shown from it about 0.01 s more.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from qdn_corpus.errors import IndexChangedError, IndexDamagedError, QdnError

KNOWN = (2, 7)  # the Whoosh line whose internals this module uses (whoosh-reloaded 2.7.5 included)
SEGMENTS = "segments.json"  # {"toc": generation, "toc_size": bytes, "segments": [[id, size, [deleted]], …]}


class EngineError(QdnError):
    """The installed Whoosh is not one qdn knows."""


def check_version(version: tuple[int, ...] | None = None) -> None:
    if version is None:
        import whoosh

        version = tuple(whoosh.__version__)
    if tuple(version[:2]) != KNOWN:
        found = ".".join(str(p) for p in version)
        raise EngineError(
            f"qdn needs Whoosh 2.7 (found {found}): pip install 'whoosh-reloaded>=2.7.5,<2.8'"
        )


@lru_cache(maxsize=1)
def _whoosh() -> None:
    """Import Whoosh and check its version, once: every function here that uses it calls this."""
    check_version()


# ---- schema ----------------------------------------------------------------------------------


def _schema() -> Any:
    _whoosh()
    from whoosh.fields import ID, KEYWORD, Schema

    return Schema(
        id=ID(stored=True, unique=True),
        file=ID,
        region=KEYWORD(scorable=False),
        category=ID,
        doc_type=ID,
    )


# ---- index folders ---------------------------------------------------------------------------


def create(folder: Path) -> None:
    """An empty index in `folder`."""
    _whoosh()
    from whoosh.index import create_in

    create_in(str(folder), _schema())
    _describe(folder, 0, [])


def open_index(folder: Path) -> Index | None:
    """The index in `folder`, or None when it cannot be opened (missing, truncated, foreign):
    the caller rebuilds. Whoosh is opened only when the list of segments is missing or out of
    date (an index killed between a commit and that list)."""
    described = _described(folder)
    if described is not None:
        return Index(folder, described)
    try:
        ix = _open_whoosh(folder)
        toc = ix._read_toc()
    except Exception:  # Whoosh raises a dozen kinds for a damaged index; each means "rebuild"
        return None
    index = Index(folder, Described(toc.generation, [_segment_row(s) for s in toc.segments]))
    index._ix = ix
    return index


def committed_segments(folder: Path) -> list[str]:
    """The ids of the last commit's segments, from its list alone (never Whoosh): [] when the
    list is missing or behind. For a process that reads ahead of opening the index."""
    described = _described(folder)
    return [sid for sid, _, _ in described.segments] if described else []


def toc_generation(folder: Path) -> int:
    """The generation of the index's last committed table of contents, from Whoosh's file names
    (cheaper than opening the index); -1 when there is none."""
    try:
        found = [int(m[1]) for n in os.listdir(folder) if (m := _TOC_RE.fullmatch(n))]
    except OSError:
        return -1
    return max(found, default=-1)


_TOC_RE = re.compile(r"_MAIN_(\d+)\.toc")


def _toc_path(folder: Path, generation: int) -> Path:
    return folder / f"_MAIN_{generation}.toc"


@dataclass
class Described:
    """A committed state: Whoosh's TOC generation and its segments as [id, size, deleted]."""

    toc: int
    segments: list[list[Any]]


def _segment_row(s: Any) -> list[Any]:
    return [str(s.segment_id()), int(s.doc_count_all()), sorted(s.deleted_docs()) if s.deleted_count() else []]


def _describe(folder: Path, generation: int, segments: list[list[Any]]) -> None:
    """Write the list of segments for the TOC just committed (atomically: a reader sees the
    old list or the new one)."""
    size = _toc_path(folder, generation).stat().st_size
    tmp = folder / f"{SEGMENTS}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"toc": generation, "toc_size": size, "segments": segments}), "utf-8")
    os.replace(tmp, folder / SEGMENTS)


def _described(folder: Path) -> Described | None:
    """The list of segments, if it describes the latest TOC (its generation and size)."""
    try:
        found = json.loads((folder / SEGMENTS).read_text("utf-8"))
        toc = found["toc"]
        if toc != toc_generation(folder) or _toc_path(folder, toc).stat().st_size != found["toc_size"]:
            return None
        return Described(toc, found["segments"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _open_whoosh(folder: Path) -> Any:
    _whoosh()
    from whoosh.index import open_dir

    return open_dir(str(folder))


@dataclass
class Index:
    """An open index: its folder and the committed state it was opened at (refreshed by
    reader() when a commit came since)."""

    path: Path
    described: Described
    _ix: Any = field(default=None, init=False, repr=False, compare=False)  # Whoosh's, opened when needed
    _searcher: Any = field(default=None, init=False, repr=False, compare=False)  # for native queries
    _searcher_toc: int = field(default=-1, init=False, repr=False, compare=False)  # the state it reads
    _readers: int = field(default=0, init=False, repr=False, compare=False)  # Readers in use

    @property
    def folder(self) -> Path:
        return self.path

    @property
    def ix(self) -> Any:
        if self._ix is None:
            try:
                self._ix = _open_whoosh(self.path)
            except Exception as exc:  # as in open_index
                raise IndexDamagedError(f"cannot open the index in {self.path} ({exc}): run `qdn index --rebuild`") from None
        return self._ix

    def segments(self) -> list[Segment]:
        """The live segments (those with a document not deleted)."""
        return [Segment(sid, size - len(deleted)) for sid, size, deleted in self.described.segments if len(deleted) < size]

    def writer(self) -> Writer:
        return Writer(self.ix.writer(), self.path)

    def reader(self) -> Reader:
        """A reader of the latest committed state."""
        if self.described.toc != toc_generation(self.path):
            found = open_index(self.path)
            if found is not None:
                self.described = found.described
        return Reader(self, self.described)

    def searcher(self, toc: int) -> Any:
        """Whoosh's searcher of the state `toc` (kept while it is asked for): its document
        numbers are the reader's only if it reads the same TOC."""
        if self._searcher is None or self._searcher_toc != toc:
            from whoosh.index import TOC, FileIndex
            from whoosh.searching import Searcher

            ix = self.ix
            try:
                info = TOC.read(ix.storage, ix.indexname, gen=toc, schema=ix._schema)
            except OSError:
                raise IndexChangedError("the index changed while this command read it: run it again") from None
            if self._searcher is not None and not self._readers:
                self._searcher.close()  # one still read (a reader inside a reader) is left to __del__
            self._searcher = Searcher(FileIndex._reader(ix.storage, info.schema, info.segments, info.generation), fromindex=ix)
            self._searcher_toc = toc
        return self._searcher

    def __del__(self) -> None:
        if self._searcher is not None:
            self._searcher.close()


@dataclass
class Segment:
    id: str
    doc_count: int  # live documents


# ---- writing -----------------------------------------------------------------------------------


class Writer:
    """The index's one writer (it holds Whoosh's lock): deletes documents, then commits the
    segments the workers wrote along with the surviving old ones, and lists them (SEGMENTS)."""

    def __init__(self, w: Any, folder: Path) -> None:
        self.w, self.folder = w, folder

    def delete_file(self, name: str) -> None:
        self.w.delete_by_term("file", name)

    def commit(self, new_segments: list[Any]) -> None:
        kept = [s for s in self.w.segments if s.deleted_count() < s.doc_count_all()]
        self.w._close_segment()
        self.w._commit_toc(kept + new_segments)
        try:
            _describe(self.folder, self.w.generation, [_segment_row(s) for s in kept + new_segments])
        finally:
            self.w._finish()

    def cancel(self) -> None:
        """Give up: the TOC stays as it was, and the files of every segment it does not name
        (this writer's, those the workers wrote) are removed, as Whoosh does after a commit."""
        from whoosh.index import clean_files

        self.w.cancel()
        clean_files(self.w.storage, self.w.indexname, self.w.generation - 1, self.w.segments)


class SegmentBuilder:
    """One new segment, written without the index's lock (in a worker); `finish()` gives the
    segment for Writer.commit, or None when no document was added (its files are dropped)."""

    def __init__(self, folder: Path) -> None:
        from whoosh.writing import SegmentWriter

        # compound=False: opening a part of a compound segment copies it into memory (6 ms each)
        self.w = SegmentWriter(_open_whoosh(folder), _lk=False, compound=False)
        self.id = str(self.w.newsegment.segment_id())
        self.count = 0

    @property
    def next_docnum(self) -> int:
        """The number the next document gets in this segment."""
        return int(self.w.docnum)

    def add(self, fields: dict[str, Any]) -> None:
        self.w.add_document(**fields)
        self.count += 1

    def finish(self) -> Any:
        if not self.count:
            self.w._close_segment()  # its files are not in the TOC: Whoosh deletes them
            return None
        return self.w._finalize_segment()

    def close(self) -> None:
        # Not cancel() or _finish(): they remove the temp folder the writers share.
        if not self.w.perdocwriter.is_closed or not self.w.fieldwriter.is_closed:
            self.w._close_segment()


# ---- reading -----------------------------------------------------------------------------------


@dataclass
class Leaf:
    """One segment as a reader sees it: its documents are offset .. offset + size - 1."""

    offset: int
    size: int
    folder: str
    segment_id: str
    deleted: frozenset[int]  # local numbers
    deleted_count: int


class Reader:
    """One committed state's view: leaves, live documents, stored records (qdn's files), native
    query answers (Whoosh's, at the same state)."""

    def __init__(self, index: Index, described: Described) -> None:
        self.index, self.toc = index, described.toc
        self._leaves, offset = [], 0
        for sid, size, deleted in described.segments:
            self._leaves.append(Leaf(offset, size, str(index.path), sid, frozenset(deleted), len(deleted)))
            offset += size
        self._starts = [leaf.offset for leaf in self._leaves]
        index._readers += 1

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.index._readers -= 1

    def leaves(self) -> list[Leaf]:
        return list(self._leaves)

    def record_json(self, docnum: int) -> str:
        from qdn_corpus.store.fulltext import reader

        leaf = self._leaves[bisect_right(self._starts, docnum) - 1]
        return reader(leaf.folder, leaf.segment_id).record_json(docnum - leaf.offset)

    def docs(self, native: Any) -> frozenset[int]:
        """The documents of a native query (from term, phrase, prefix, wildcard, any_of)."""
        return frozenset(self.index.searcher(self.toc).docs_for_query(native))

    def ids_starting(self, prefix: str, limit: int) -> list[tuple[str, str]]:
        """(id, record JSON) of the records whose id starts with `prefix`, at most `limit`."""
        from whoosh import query as wq

        hits = self.index.searcher(self.toc).search(wq.Prefix("id", prefix), limit=limit)
        return [(hit["id"], self.record_json(hit.docnum)) for hit in hits]


# ---- native queries (opaque to the rest of qdn; hashable, so answers can be kept) -----------


def term(field: str, text: str) -> Any:
    _whoosh()
    from whoosh import query as wq

    return wq.Term(field, text)


def wildcard(field: str, pattern: str) -> Any:
    _whoosh()
    from whoosh import query as wq

    return wq.Wildcard(field, pattern)


def any_of(queries: list[Any]) -> Any:
    _whoosh()
    from whoosh import query as wq

    return wq.Or(queries)
