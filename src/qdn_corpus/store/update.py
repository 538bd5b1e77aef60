"""Building and updating the index (in worker processes), and keeping it fresh: open_fresh
builds or updates before a search when raw files changed. The only writer of
`<data-dir>/index/`; index.py holds the on-disk state it writes.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import operator
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qdn_corpus.errors import IndexBusyError, IndexWriteError, NotFoundError

if TYPE_CHECKING:
    from qdn_corpus.models import Problem
    from qdn_corpus.read.files import FileEntry
    from qdn_corpus.store.engine import Index

from qdn_corpus.store import workers
from qdn_corpus.store.index import (
    CHECK_EVERY_SECONDS,
    CHECKED,
    LINKS,
    MANIFEST,
    OCR_CACHE,
    SCHEMA_VERSION,
    SHARDS,
    STALE,
    STAT,
    Live,
    files_of,
    folders_changed,
    index_dir,
    links_claimed,
    live,
    open_generation,
    shard_of,
    stale_files,
    stat_of,
    switch_to,
    toc_generation_of,
    write_error,
    write_json,
    write_lock,
)
from qdn_corpus.store.workers import FileDone, Item, checkpoint, index_files


@dataclass
class IndexReport:
    """What `qdn index` did, for its one-line summary."""

    files: int = 0
    records: int = 0
    parsed_files: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    rebuilt: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    formats: dict[str, int] = field(default_factory=dict)  # files with records, by format
    copy_groups: int = 0  # documents held in more than one record (relations.py)
    citations: int = 0
    resolved: int = 0  # citations naming a record of the corpus

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)

    def summary(self) -> str:
        """The one line `qdn index` ends with."""
        from qdn_corpus.read.formats.ocr import HOW

        kinds = ", ".join(f"{n} {fmt}" for fmt, n in self.formats.items())
        files = f"{self.files} files" + (f" ({kinds} with records)" if len(self.formats) > 1 else "")
        if self.changed:
            summary = (
                f"{'rebuilt' if self.rebuilt else 'updated'} the index: {files}, {self.records} records "
                f"({self.added} added, {self.updated} updated, {self.removed} removed; "
                f"{self.parsed_files} files parsed); {self.copy_groups} group(s) of copies, "
                f"{self.citations} citation(s), {self.resolved} to records of the corpus"
            )
        else:
            summary = f"index up to date: {files}, {self.records} records"
        if self.skipped:
            summary += f"; {len(self.skipped)} file(s) skipped"
            scans = sum(1 for _, reason in self.skipped if reason.endswith(HOW))
            if scans:
                summary += f" ({scans} scan(s): pip install -e \".[ocr]\", then qdn index --ocr reads them)"
        warnings = sum(1 for p in self.problems if p.kind == "warning")
        if warnings:
            summary += f"; {warnings} warning(s)"
        return f"{summary} in {self.seconds:.1f} s"


Progress = Callable[[int, int, "FileDone"], None]  # done, total, the file just indexed


# ---- on-disk state -------------------------------------------------------------------------


def build(
    data_dir: Path, rebuild: bool = False, progress: Progress | None = None, ocr: bool = False, cluster: str | None = None
) -> IndexReport:
    """Bring the index up to date with `<data-dir>/raw`: parse only new or changed files.

    With `ocr`, scans are read by OCR (the `ocr` extra); without it, OCR results cached by an
    earlier run are still used (index/ocr/, by content hash). With `cluster` (a Dask scheduler's
    address), the files are parsed on its workers (cluster.py)."""
    raw = data_dir / "raw"
    if not raw.is_dir():
        raise NotFoundError(f"no folder {raw}: put documents there or point --data-dir at your data")
    from qdn_corpus.read.formats import ocr as ocr_module

    ocr_module.configure(ocr, index_dir(data_dir) / OCR_CACHE)  # before the workers fork
    started = time.monotonic()
    with write_lock(data_dir), _collector_paused(cluster is None), workers.preparer(cluster is None) as preparer:
        current = None if rebuild else live(data_dir)
        if open_generation(current) is None:
            current = None  # missing, or truncated: rebuild
        from qdn_corpus.read.files import discover

        folders: dict[str, int] = {}  # each taken before its folder is listed (discover)
        entries = list(discover([raw], base=data_dir, folders=folders))
        try:
            parse = _parser(cluster, ocr, index_dir(data_dir) / OCR_CACHE, preparer)
            report = _update(data_dir, current, entries, folders, progress, parse)
        except OSError as exc:
            raise write_error(exc, index_dir(data_dir)) from None
    report.seconds = time.monotonic() - started
    return report


Parser = Callable[[Path, "list[FileEntry]"], Iterator[Item]]  # a generation's folder, the files: what index_files yields


def _parser(cluster: str | None, ocr: bool, cache: Path, preparer: workers.Preparer | None = None) -> Parser:
    """Local worker processes (or the preparer forked before the walk), or a Dask cluster's
    workers (imported only then)."""
    if cluster is None:
        return functools.partial(index_files, preparer=preparer)

    def on_cluster(gen: Path, todo: list[FileEntry]) -> Iterator[Item]:
        if not todo:  # only deletions: nothing to send
            return index_files(gen, todo)
        from qdn_corpus.store import cluster as dask_cluster

        return dask_cluster.index_files(gen, todo, cluster, ocr, cache)

    return on_cluster


def _changes(seen: dict[str, Any], walk: dict[str, list[Any]], entries: list[FileEntry]) -> list[FileEntry] | None:
    """The files changed since stat.json when the walk found the same names in its order (the
    usual update: list comparisons in C), else None."""
    if seen["names"] != walk["names"]:
        return None
    if seen["sizes"] == walk["sizes"] and seen["mtimes"] == walk["mtimes"]:
        return []
    differ = map(operator.or_, map(operator.ne, seen["sizes"], walk["sizes"]), map(operator.ne, seen["mtimes"], walk["mtimes"]))
    return list(itertools.compress(entries, differ))


# long: one write transaction (lock, generation, segments, manifest, switch) whose rollback must see all of it
def _update(
    data_dir: Path, current: Live | None, entries: list[FileEntry], folders: dict[str, int], progress: Progress | None,
    parse: Parser = index_files,
) -> IndexReport:
    from qdn_corpus.store import engine, ledger

    report = IndexReport(files=len(entries))
    seen = stat_of(current) if current else None  # what a no-op needs, without files/
    every = files_of(current) if current and seen is None else None  # stat.json unreadable: every entry
    walk: dict[str, list[Any]] = {
        "names": [e.name for e in entries], "sizes": [e.size for e in entries], "mtimes": [e.mtime_ns for e in entries]}
    if seen and (changed := _changes(seen, walk, entries)) is not None:
        todo, gone = changed, []
    else:
        known = dict(zip(seen["names"], zip(seen["sizes"], seen["mtimes"], strict=True), strict=True)) if seen else {
            n: (v["size"], v["mtime_ns"]) for n, v in (every or {}).items()}
        todo = [e for e in entries if known.get(e.name) != (e.size, e.mtime_ns)]
        names = {e.name for e in entries}
        gone = [n for n in known if n not in names]
    if current is not None and not todo and not gone and seen is not None:
        report.records, report.formats = seen["records"], seen["formats"]
        report.skipped = [(n, r) for n, r in seen["skipped"]]
        if current.manifest.get("folders") != folders:  # e.g. a hidden file came: note the new mtimes
            write_json(current.path / MANIFEST, {**current.manifest, "folders": folders})
        with contextlib.suppress(OSError):
            (current.path / STALE).unlink()
        return report

    if current is None:
        report.rebuilt = True
        gen = index_dir(data_dir) / f"gen-{time.time_ns():x}-{os.getpid()}"
        gen.mkdir(parents=True)
        engine.create(gen)
    else:
        gen = current.path
    ix = engine.open_index(gen)
    if ix is None:
        raise IndexWriteError(f"the index in {gen} cannot be opened; run `qdn index --rebuild`")
    if current is not None:
        todo += _compaction(ix, lambda: every if every is not None else files_of(current), {e.name for e in todo}, entries)
    # The entries of the files touched: only their shards are read (all of them without stat.json).
    shards = set(range(SHARDS)) if current is None or every is not None else {shard_of(n) for n in [*gone, *(e.name for e in todo)]}
    old_files = every if every is not None else (files_of(current, shards) if current else {})
    files = {n: v for n, v in old_files.items() if n not in set(gone)}
    writer = ix.writer()  # holds Whoosh's lock, deletes old documents, commits the segments
    try:
        for name in gone:
            writer.delete_file(name)
            report.removed += len(old_files.get(name, {}).get("ids", []))
        for entry in todo:
            if entry.name in old_files and current is not None:
                writer.delete_file(entry.name)
        segments = []
        done = 0
        for item in parse(gen, todo):
            if isinstance(item, FileDone):
                done += 1  # files only: segments come between them when a build cuts several
                _account(report, old_files.get(item.entry.name, {}).get("ids", []), item)
                files[item.entry.name] = {
                    "name": item.entry.name, "size": item.entry.size, "mtime_ns": item.entry.mtime_ns,
                    "ids": item.ids, "skipped": item.skipped, "segment": item.segment,
                    "urls": item.urls, "format": item.format,
                }
                if progress:
                    progress(done, len(todo), item)
            else:
                segments.append(item)
        writer.commit(segments)
        checkpoint("commit")
    except BaseException:
        writer.cancel()
        if current is None:
            shutil.rmtree(gen, ignore_errors=True)
        raise
    from qdn_corpus.store import relations

    report.copy_groups, report.citations, report.resolved = relations.build(gen)  # over the whole index
    touched = [*gone, *(e.name for e in todo)]
    before = {n: old_files[n] for n in touched if n in old_files}
    after = {e.name: files[e.name] for e in todo if e.name in files}
    claimed = links_claimed(gen / LINKS) if seen is not None else None
    if seen is not None and claimed is not None:  # carried forward
        report.records, report.formats, report.skipped = ledger.carried(seen, before, after)
        links = ledger.links(claimed, before, after)
    else:  # files holds every entry (a rebuild, or no stat.json)
        report.records, report.formats, report.skipped = ledger.summary(files)
        links = ledger.links({}, {}, files)
    ledger.write_shards(gen, files, shards)
    write_json(gen / LINKS, links)
    write_json(gen / STAT, {  # the walk's order: an update compares lists (_changes)
        **walk, "records": report.records, "formats": report.formats, "skipped": report.skipped,
    })
    write_json(gen / MANIFEST, {"version": SCHEMA_VERSION, "toc": toc_generation_of(gen), "folders": folders})
    with contextlib.suppress(OSError):
        (gen / STALE).unlink()
    if current is None:
        switch_to(data_dir, gen)
    return report


@contextlib.contextmanager
def _collector_paused(pause: bool = True) -> Iterator[None]:
    """Python's cycle collector paused for an update: each collection of the oldest generation
    scans every live object, and the walk's 85,000 entries, relations' columns and the ledger
    live on while imports and the rest make objects (a one-file update spent 0.3 of its 1.8 s
    in collections, dense 100k). Little made here forms cycles; the worker processes collect
    as usual (workers.py), and a cluster's client, which runs threads, is not paused."""
    paused = pause and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            if not gc.get_freeze_count():  # none frozen by the caller, whom unfreeze() would thaw
                # What was made meanwhile joins the oldest generation unscanned: else the first
                # collection after scans all of it as young objects (sparse 100k, one file
                # changed: 1.56 against 1.86 s without this, A/B 0.83).
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _account(report: IndexReport, old: list[str], item: FileDone) -> None:
    old_ids, new_ids = set(old), set(item.ids)
    report.parsed_files += 1
    report.added += len(new_ids - old_ids)
    report.updated += len(new_ids & old_ids)
    report.removed += len(old_ids - new_ids)
    report.problems.extend(item.problems)


MAX_SEGMENTS = 8


def _compaction(ix: Index, files_of_all: Callable[[], dict[str, Any]], redo: set[str], entries: list[FileEntry]) -> list[FileEntry]:
    """Files to re-index so that small segments merge: each update adds a segment, and Whoosh's
    own merge would drop the companion files. Past MAX_SEGMENTS, every segment under a quarter
    of the largest is folded into the update's new segment by re-indexing its files."""
    segments = ix.segments()
    if len(segments) < MAX_SEGMENTS:
        return []
    largest = max(s.doc_count for s in segments)
    small = {s.id for s in segments if s.doc_count < largest / 4}
    files = files_of_all()  # every file's segment: read only past MAX_SEGMENTS
    return [e for e in entries if e.name not in redo and files.get(e.name, {}).get("segment") in small]


# ---- freshness -----------------------------------------------------------------------------

Notify = Callable[[str], None]


def open_fresh(data_dir: Path, notify: Notify, progress: Progress | None = None) -> Index:
    """Open the index for reading, building or refreshing it first when it is missing or stale.

    Staleness is checked cheaply (one stat per raw folder: files added, removed or renamed); a
    file overwritten in place keeps its folder's mtime, so a background process compares every
    file's size and mtime and marks the index STALE for the next command (see check_later).
    When the index cannot be refreshed (another writer, a read-only folder) the previous one is
    used with a note; only when there is none at all is that an error.
    """
    current = live(data_dir)
    ix = open_generation(current)
    try:
        if ix is None or current is None:
            if (data_dir / "raw").is_dir():
                notify(f"building the index in {index_dir(data_dir)} (first use or incompatible index)")
            build(data_dir, rebuild=True, progress=progress)
        elif folders_changed(data_dir, current) or (current.path / STALE).exists():
            notify("raw files changed since the last index; updating it")
            build(data_dir, progress=progress)
        else:
            check_later(data_dir, current)
            return ix
    except (IndexBusyError, IndexWriteError) as exc:
        if ix is None:
            raise
        notify(f"{exc}; searching the previous index")
        return ix
    ix = open_generation(live(data_dir))
    if ix is None:
        raise IndexWriteError(f"no usable index in {index_dir(data_dir)}; run `qdn index --rebuild`")
    return ix


def check_later(data_dir: Path, current: Live) -> None:
    """Compare every raw file's size and mtime with the index in a detached process (at 80,000
    files the stat walk alone takes 0.4 s, more than a search), at most every 30 s; a
    difference writes STALE, and the next search, list or show updates the index first."""
    marker = current.path / CHECKED
    try:
        if time.time() - marker.stat().st_mtime < CHECK_EVERY_SECONDS:
            return
        marker.touch()
    except FileNotFoundError:
        with contextlib.suppress(OSError):
            marker.touch()
    except OSError:
        return
    if not hasattr(os, "fork"):
        return
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)  # the child forks the checker and leaves at once: no zombie
        return
    try:  # the child, then the grandchild: nothing of the parent's output stays open
        if os.fork() == 0:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.closerange(3, 1 << 16)  # pipes of the search (its tokeniser helper) stay theirs
            os.setsid()
            os.nice(19)  # behind the searches it serves: the stat walk is not urgent
            if stale_files(data_dir, current):
                (current.path / STALE).write_text("a raw file changed in place\n", "utf-8")
    finally:
        os._exit(0)
