"""The index's worker processes: each parses, tokenises and writes its share of the files as a
Whoosh segment plus qdn's full-text files, reporting each file as it goes (a FileDone) through
a queue. update.py decides what to write and commits what they wrote.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import pickle
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from qdn_corpus.errors import IndexWriteError
from qdn_corpus.store.index import write_error

if TYPE_CHECKING:
    from qdn_corpus.models import Problem
    from qdn_corpus.read.files import FileEntry, FileResult


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


def index_files(gen: Path, todo: list[FileEntry], preparer: Preparer | None = None) -> Iterator[Item]:
    """Parse, tokenise and write `todo` as new segments: in two worker processes when there is
    enough work to repay starting them, else by `preparer` (started before the walk), else here."""
    procs = WORKERS if sum(e.size for e in todo) > PARALLEL_BYTES else 1
    if procs == 1:
        yield from write_segments(gen, preparer.prepare(todo) if preparer is not None else _read_here(todo))
        return
    if preparer is not None:
        preparer.close()  # its core goes to the workers
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
SEGMENT_BYTES = 128_000_000  # raw bytes per segment: its postings stay in memory until it is written
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
    # Forked from an update, which pauses the collector (update.py); parsing makes cycles: with
    # it off here too, a build of 3,400 files peaked at 218 against 190 MiB (largest process).
    gc.enable()
    try:
        for item in write_segments(gen, _read_here(todo)):
            queue.put(("segment" if not isinstance(item, FileDone) else "file", item))
    except OSError as exc:
        queue.put(("error", str(write_error(exc, gen.parent))))
    except Exception as exc:  # reported as one line by the parent
        queue.put(("error", f"indexing failed: {type(exc).__name__}: {exc}"))
    queue.put(("end", None))


def checkpoint(point: str) -> None:
    """Where the tests kill `qdn index` (QDN_TEST_KILL_POINT = parse, segment or commit): the
    process announces that it got there (QDN_TEST_KILL_FILE) and waits to be killed. Nothing
    happens unless both are set, and only once per marker (a restarted cluster worker goes on)."""
    marker = os.environ.get("QDN_TEST_KILL_FILE")
    if os.environ.get("QDN_TEST_KILL_POINT") == point and marker and not os.path.exists(marker):
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


class Row(NamedTuple):
    """One record as the index stores it: Whoosh's fields and qdn's full-text parts."""

    fields: dict[str, Any]
    body: str
    day: int
    words: list[str]
    title_words: list[str]
    facets: dict[str, Any]
    minhash: bytes
    record: bytes  # schema.packed_record


@dataclass
class Prepared:
    """A file read and its records made ready to write: all the per-document work (parsing,
    OCR, tokens, MinHash, citations), which a cluster's worker can do and send back."""

    done: FileDone
    rows: list[Row]


def prepare(result: FileResult) -> Prepared:
    """Turn a file's records into rows the segment writers take."""
    from qdn_corpus.store.relations import minhash
    from qdn_corpus.store.schema import document_fields, facets, packed_record
    from qdn_corpus.text.normalize import fold
    from qdn_corpus.text.tokens import words

    rows = []
    for record in result.records:
        body = fold(record.body)
        rows.append(Row(
            document_fields(record), body, record.date.toordinal() if record.date else 0, words(body),
            words(fold(record.title or "")), facets(record, body), minhash(body), packed_record(record),
        ))
    entry = result.entry
    urls = sorted({r.url for r in result.records if r.url} | {u for u in [entry.sidecar_url] if u})
    done = FileDone(entry, [r.id for r in result.records], result.problems, result.skipped, result.layout, result.encoding,
                    None, urls, result.format)
    return Prepared(done, rows)


class Preparer:
    """A worker forked as an update starts (update.build), before it walks `raw/` (0.4 s at
    85,000 files): meanwhile it loads what making a file ready loads on first use (the parsers'
    rules, the gazetteer, the tokeniser's dictionary, numpy), 0.2 s that a small update then
    does not wait for. It makes the files of an update too small for the workers (index_files)
    ready and sends them back; for a no-op or a larger update it is stopped unused. Whatever it
    does not send (it died), the update makes itself."""

    def __init__(self) -> None:
        from qdn_corpus.store import forked

        self.pid, self.todo_w, self.done_r = forked.fork(_prepare_sent)

    def prepare(self, todo: list[FileEntry]) -> Iterator[Prepared]:
        """`todo` made ready, in order: by the worker, the rest here if it fails."""
        made = 0
        if self.pid and todo:
            try:
                with os.fdopen(self.todo_w, "wb") as f:
                    self.todo_w = -1
                    pickle.dump(todo, f, pickle.HIGHEST_PROTOCOL)
                with os.fdopen(self.done_r, "rb") as answers:
                    self.done_r = -1
                    while made < len(todo):
                        ready = pickle.load(answers)
                        made += 1
                        yield ready
            except (OSError, EOFError, pickle.UnpicklingError):
                pass  # the worker died: the files it did not send are made here
        self.close()
        yield from _read_here(todo[made:])

    def close(self) -> None:
        """Stop the worker, done or not."""
        for fd in (self.todo_w, self.done_r) if self.pid else ():
            if fd >= 0:
                os.close(fd)
        if self.pid:
            pid, self.pid = self.pid, 0
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def _prepare_sent(todo_r: int, done_w: int) -> None:
    """The preparer's process: warm up, then make ready the files it is sent, one by one."""
    _die_with_parent()
    _warm()
    with os.fdopen(todo_r, "rb") as f:
        todo = pickle.load(f)  # EOF when stopped unused: the fork's exit follows
    with os.fdopen(done_w, "wb") as out:
        for ready in _read_here(todo):
            pickle.dump(ready, out, pickle.HIGHEST_PROTOCOL)
            out.flush()


@contextlib.contextmanager
def preparer(local: bool) -> Iterator[Preparer | None]:
    """A Preparer for a local update (a cluster's client parses nothing), stopped at the end;
    none in a process running threads (a notebook's kernel), where forking risks a
    lock held by another thread (and Python 3.12 warns)."""
    threading = sys.modules.get("threading")
    started = Preparer() if local and (threading is None or threading.active_count() == 1) else None
    try:
        yield started
    finally:
        if started is not None:
            started.close()


_WARM_UP = "关于预热的通知\n黔东南州人民政府\n黔东府发〔2022〕1号\n为优化营商环境，现通知如下。\n2022年11月1日\n"


def _warm() -> None:
    """Make a small text ready, as an update would a file: every first-use load happens here."""
    from qdn_corpus.read.files import FileEntry, FileResult, parse_data

    entry = FileEntry("warm-up.txt", "warm-up.txt")
    prepare(parse_data(FileResult(entry), (_WARM_UP * 4).encode("utf-8"), None))


def _read_here(todo: list[FileEntry]) -> Iterator[Prepared]:
    from qdn_corpus.read.files import read

    for entry in todo:
        result = read(entry)
        checkpoint("parse")
        yield prepare(result)


def write_segments(gen: Path, prepared: Iterable[Prepared]) -> Iterator[Item]:
    """write_segment, starting a new segment after each SEGMENT_BYTES of raw files: a build's
    memory stays bounded whatever the corpus's size, and a local and a cluster build of the
    same files cut their segments at the same places."""
    files = iter(prepared)
    while (first := next(files, None)) is not None:
        yield from write_segment(gen, _run(first, files))


def _run(first: Prepared, files: Iterator[Prepared]) -> Iterator[Prepared]:
    """`first`, then files from `files` until SEGMENT_BYTES of raw files have been given."""
    used = first.done.entry.size
    yield first
    while used < SEGMENT_BYTES and (ready := next(files, None)) is not None:
        used += ready.done.entry.size
        yield ready


def write_segment(gen: Path, prepared: Iterable[Prepared]) -> Iterator[Item]:
    """Write one Whoosh segment and its companion files from files made ready (here or on a
    cluster); yield each file's FileDone, then the segment (none when no file had a record)."""
    from qdn_corpus.store import engine, fulltext_writer

    segment = engine.SegmentBuilder(gen)
    texts = fulltext_writer.SegmentWriter(gen, segment.id)
    try:
        for ready in prepared:
            for row in ready.rows:
                texts.add(segment.next_docnum, row.body, row.day, row.words, row.title_words, row.facets, row.minhash, row.record)
                segment.add(row.fields)
            if ready.rows:
                ready.done.segment = segment.id
            yield ready.done
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


# ---- on a cluster's worker (store/cluster.py sends the tasks) ---------------------------------

Sent = tuple[str, bytes, "str | None", dict[str, list[str]]]  # name, bytes, sidecar URL, cached OCR


def prepare_batch(files: list[Sent], ocr: bool) -> tuple[str, list[Prepared], dict[str, list[str]]]:
    """A cluster task: make files ready from their bytes alone (a worker needs no shared file
    system). Returns this worker's qdn fingerprint, the files, and what OCR read meanwhile."""
    from qdn_corpus.read.files import FileEntry, FileResult, parse_data
    from qdn_corpus.read.formats import ocr as ocr_module

    checkpoint("task")
    known = {key: pages for *_, cached in files for key, pages in cached.items()}
    out = []
    with ocr_module.session(ocr, known) as seen:
        for name, data, url, _ in files:
            entry = FileEntry(name, name)
            entry.__dict__["sidecar_url"] = url  # the client read the sidecar (a cached_property)
            out.append(prepare(parse_data(FileResult(entry), data, url)))
        produced = {key: pages for key, pages in seen.items() if key not in known}
    return fingerprint(), out, produced


@functools.cache
def fingerprint() -> str:
    """qdn's version and a hash of its code and data: a worker must parse exactly as the client
    would, so any difference (another release, an edited checkout) is refused."""
    import hashlib

    import qdn_corpus

    root = Path(qdn_corpus.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".txt", ".toml") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{qdn_corpus.__version__} ({digest.hexdigest()[:12]})"


def about() -> dict[str, Any]:
    """What the client asks each worker before sending work."""
    from qdn_corpus.read.formats import ocr

    return {"qdn": fingerprint(), "ocr": ocr.available()}
