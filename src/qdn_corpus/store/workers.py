"""The index's worker processes: each parses, tokenises and writes its share of the files as a
Whoosh segment plus qdn's full-text files, reporting each file as it goes (a FileDone) through
a queue. update.py decides what to write and commits what they wrote.
"""

from __future__ import annotations

import functools
import gc
import os
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


def index_files(gen: Path, todo: list[FileEntry]) -> Iterator[Item]:
    """Parse, tokenise and write `todo` as new segments: in two worker processes when there is
    enough work to repay starting them, else here."""
    procs = WORKERS if sum(e.size for e in todo) > PARALLEL_BYTES else 1
    if procs == 1:
        yield from write_segments(gen, _read_here(todo))
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
