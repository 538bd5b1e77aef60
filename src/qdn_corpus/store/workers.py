"""The index's worker processes: each parses, tokenises and writes its share of the files as a
Whoosh segment plus qdn's full-text files, reporting each file as it goes (a FileDone) through
a queue. update.py decides what to write and commits what they wrote.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qdn_corpus.errors import IndexWriteError
from qdn_corpus.store.index import write_error

if TYPE_CHECKING:
    from qdn_corpus.models import Problem
    from qdn_corpus.read.files import FileEntry


@dataclass
class FileDone:
    """One raw file indexed (or skipped): what the progress display and the manifest need."""

    entry: FileEntry
    ids: list[str]
    problems: list[Problem]
    skipped: str | None
    layout: str | None
    encoding: str | None
    segment: str | None = None
    urls: list[str] = field(default_factory=list)
    format: str | None = None

    @property
    def record_count(self) -> int:
        return len(self.ids)


Item = FileDone | Any  # a FileDone per file, then the finished Whoosh segment(s)


def index_files(gen: Path, todo: list[FileEntry]) -> Iterator[Item]:
    """Parse, tokenise and write `todo` as new segments: in two worker processes when there is
    enough work to repay starting them, else here."""
    procs = WORKERS if sum(e.size for e in todo) > PARALLEL_BYTES else 1
    if procs == 1:
        yield from _write_segment(gen, todo)
        return
    import multiprocessing as mp
    from queue import Empty

    ctx = mp.get_context("fork")
    queue: Any = ctx.Queue(maxsize=1000)
    chunks = _split(todo, procs)
    workers = [ctx.Process(target=_worker, args=(gen, chunk, queue), daemon=True) for chunk in chunks]
    for w in workers:
        w.start()
    try:
        running = len(workers)
        while running:
            try:
                kind, item = queue.get(timeout=1.0)
            except Empty:  # nothing for a second: check that the workers are still alive
                if any(w.exitcode not in (None, 0) for w in workers):
                    raise IndexWriteError("an indexing worker died; the previous index is intact") from None
                continue
            if kind == "error":
                raise IndexWriteError(item)
            if kind == "end":
                running -= 1
            else:
                yield item
    finally:
        for w in workers:
            if w.is_alive():
                w.terminate()
            w.join()


PARALLEL_BYTES = 4_000_000  # below this, starting workers costs more than it saves
WORKERS = min(os.cpu_count() or 1, 2)  # the machines have two cores


def _split(todo: list[FileEntry], n: int) -> list[list[FileEntry]]:
    """n contiguous chunks of about equal bytes."""
    total = sum(e.size for e in todo) or 1
    chunks: list[list[FileEntry]] = [[] for _ in range(n)]
    seen = 0
    for e in todo:
        chunks[min(n - 1, seen * n // total)].append(e)
        seen += e.size
    return [c for c in chunks if c]


def _worker(gen: Path, todo: list[FileEntry], queue: Any) -> None:
    _die_with_parent()
    try:
        for item in _write_segment(gen, todo):
            queue.put(("segment" if not isinstance(item, FileDone) else "file", item))
    except OSError as exc:
        queue.put(("error", str(write_error(exc, gen.parent))))
    except Exception as exc:  # reported as one line by the parent
        queue.put(("error", f"indexing failed: {type(exc).__name__}: {exc}"))
    queue.put(("end", None))


def checkpoint(point: str) -> None:
    """Where the tests kill `qdn index` (QDN_TEST_KILL_POINT = parse, segment or commit): the
    process announces that it got there (QDN_TEST_KILL_FILE) and waits to be killed. Nothing
    happens unless both are set."""
    if os.environ.get("QDN_TEST_KILL_POINT") == point and (marker := os.environ.get("QDN_TEST_KILL_FILE")):
        Path(marker).write_text(f"{os.getpid()}\n", "utf-8")
        time.sleep(120)


def _die_with_parent() -> None:
    """A worker outliving a killed `qdn index` would hold the write lock: ask Linux to end it."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _write_segment(gen: Path, todo: list[FileEntry]) -> Iterator[Item]:
    """Write one Whoosh segment and its companion files; yield a FileDone per file, then the
    segment (none when no file had a record)."""
    from qdn_corpus.read.files import read
    from qdn_corpus.store import engine, fulltext
    from qdn_corpus.store.relations import minhash
    from qdn_corpus.store.schema import document_fields, facets
    from qdn_corpus.text.normalize import fold
    from qdn_corpus.text.tokens import words

    segment = engine.SegmentBuilder(gen)
    texts = fulltext.SegmentWriter(gen, segment.id)
    try:
        for entry in todo:
            result = read(entry)
            checkpoint("parse")
            for record in result.records:
                day = record.date.toordinal() if record.date else 0
                body = fold(record.body)
                texts.add(
                    segment.next_docnum, body, day, words(body), words(fold(record.title or "")), facets(record, body), minhash(body)
                )
                segment.add(document_fields(record))
            yield FileDone(
                entry, [r.id for r in result.records], result.problems, result.skipped, result.layout,
                result.encoding, segment.id if result.records else None,
                sorted({r.url for r in result.records if r.url} | {u for u in [entry.sidecar_url] if u}), result.format,
            )
        finished = segment.finish()
        if finished is None:
            texts.close()
            return
        checkpoint("segment")
        texts.write()
        yield finished
    finally:
        texts.close()
        segment.close()

