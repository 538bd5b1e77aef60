"""Every contact with Whoosh: the schema, index folders, segment writing, readers, queries.

qdn stores its records and metadata terms in Whoosh 2.7 and everything else in its own files
(fulltext.py), and writes segments in worker processes, which needs parts of Whoosh that are not
its public API (SegmentWriter's private arguments and methods, the TOC commit, a segment's
storage). They are used here and nowhere else, checked against the installed Whoosh when this
module is imported; replacing Whoosh means replacing this module. The rest of qdn sees index,
segment, writer and reader objects and opaque native queries.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import whoosh
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, STORED, Schema

from qdn_corpus.errors import QdnError

KNOWN = (2, 7)  # the Whoosh line whose internals this module uses (whoosh-reloaded 2.7.5 included)


class EngineError(QdnError):
    """The installed Whoosh is not one qdn knows."""


def check_version(version: tuple[int, ...] = tuple(whoosh.__version__)) -> None:
    if tuple(version[:2]) != KNOWN:
        found = ".".join(str(p) for p in version)
        raise EngineError(
            f"qdn needs Whoosh 2.7 (found {found}): pip install 'whoosh-reloaded>=2.7.5,<2.8'"
        )


check_version()


# ---- schema ----------------------------------------------------------------------------------


def _schema() -> Any:
    return Schema(
        id=ID(stored=True, unique=True),
        file=ID,
        record=STORED,
        region=KEYWORD(scorable=False),
        category=ID,
        doc_type=ID,
    )


# ---- index folders ---------------------------------------------------------------------------


def create(folder: Path) -> None:
    """An empty index in `folder`."""
    from whoosh.index import create_in

    create_in(str(folder), _schema())


def open_index(folder: Path) -> Index | None:
    """The index in `folder`, or None when it cannot be opened (missing, truncated, foreign):
    the caller rebuilds."""
    from whoosh.index import open_dir

    try:
        return Index(open_dir(str(folder)))
    except Exception:  # Whoosh raises a dozen kinds for a damaged index; each means "rebuild"
        return None


def toc_generation(folder: Path) -> int:
    """The generation of the index's last committed table of contents, from Whoosh's file names
    (cheaper than opening the index); -1 when there is none."""
    try:
        found = [int(m[1]) for n in os.listdir(folder) if (m := _TOC_RE.fullmatch(n))]
    except OSError:
        return -1
    return max(found, default=-1)


_TOC_RE = re.compile(r"_MAIN_(\d+)\.toc")


@dataclass
class Index:
    """An open index."""

    ix: Any
    _searcher: Any = field(default=None, init=False, repr=False, compare=False)
    _readers: int = field(default=0, init=False, repr=False, compare=False)  # Readers in use

    @property
    def folder(self) -> Path:
        return Path(self.ix.storage.folder)

    def segments(self) -> list[Segment]:
        """The live segments (those with a document not deleted)."""
        return [Segment(s) for s in self.ix._segments() if s.deleted_count() < s.doc_count_all()]

    def writer(self) -> Writer:
        return Writer(self.ix.writer())

    def reader(self) -> Reader:
        """A reader of the latest committed state. Its searcher is kept while the table of
        contents is unchanged: Whoosh reads a segment's stored-record offsets when a record of
        it is first asked for (about 12 ms a segment at 100,000 documents), once per searcher.
        A changed index gets a new searcher, never Whoosh's refresh(): that reuses a segment's
        reader by the segment's id, keeping the deletions it had."""
        if self._searcher is None or not self._searcher.up_to_date():
            if self._searcher is not None and not self._readers:
                self._searcher.close()  # one still read (a reader inside a reader) is left to __del__
            self._searcher = self.ix.searcher()
        return Reader(self._searcher, self)

    def __del__(self) -> None:
        if self._searcher is not None:
            self._searcher.close()


@dataclass
class Segment:
    s: Any

    @property
    def id(self) -> str:
        return str(self.s.segment_id())

    @property
    def doc_count(self) -> int:
        return int(self.s.doc_count())


# ---- writing -----------------------------------------------------------------------------------


class Writer:
    """The index's one writer (it holds Whoosh's lock): deletes documents, then commits the
    segments the workers wrote along with the surviving old ones."""

    def __init__(self, w: Any) -> None:
        self.w = w

    def delete_file(self, name: str) -> None:
        self.w.delete_by_term("file", name)

    def commit(self, new_segments: list[Any]) -> None:
        kept = [s for s in self.w.segments if s.deleted_count() < s.doc_count_all()]
        self.w._close_segment()
        self.w._commit_toc(kept + new_segments)
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
        from whoosh.index import open_dir
        from whoosh.writing import SegmentWriter

        # compound=False: opening a part of a compound segment copies it into memory (6 ms each)
        self.w = SegmentWriter(open_dir(str(folder)), _lk=False, compound=False)
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
    """A searcher's view: leaves, live documents, stored records, native query answers."""

    def __init__(self, searcher: Any, index: Index) -> None:
        self.searcher = searcher
        self.r = searcher.reader()
        self.index = index  # whose kept searcher this is: the index closes it
        index._readers += 1

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.index._readers -= 1

    def leaves(self) -> list[Leaf]:
        out = []
        for leaf, offset in self.r.leaf_readers():
            storage = leaf.storage()
            while not hasattr(storage, "folder"):
                storage = storage.b  # a compound segment's OverlayStorage
            seg = leaf.segment()
            deleted = frozenset(seg.deleted_docs()) if leaf.has_deletions() else frozenset()
            out.append(Leaf(offset, leaf.doc_count_all(), storage.folder, str(seg.segment_id()), deleted, seg.deleted_count()))
        return out

    def doc_count_all(self) -> int:
        return int(self.r.doc_count_all())

    def live_docs(self) -> Iterator[int]:
        return iter(self.r.all_doc_ids())

    def record_json(self, docnum: int) -> str:
        return str(self.searcher.stored_fields(docnum)["record"])

    def docs(self, native: Any) -> frozenset[int]:
        """The documents of a native query (from term, phrase, prefix, wildcard, any_of)."""
        return frozenset(self.searcher.docs_for_query(native))

    def ids_starting(self, prefix: str, limit: int) -> list[tuple[str, str]]:
        """(id, record JSON) of the records whose id starts with `prefix`, at most `limit`."""
        return [(hit["id"], hit["record"]) for hit in self.searcher.search(wq.Prefix("id", prefix), limit=limit)]


# ---- native queries (opaque to the rest of qdn; hashable, so answers can be kept) -----------


def term(field: str, text: str) -> Any:
    return wq.Term(field, text)


def wildcard(field: str, pattern: str) -> Any:
    return wq.Wildcard(field, pattern)


def any_of(queries: list[Any]) -> Any:
    return wq.Or(queries)
