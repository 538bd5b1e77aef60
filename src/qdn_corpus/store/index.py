"""The index: build and incremental update (in worker processes), freshness, opening. The
only writer of `<data-dir>/index/`; schema.py says what Whoosh holds, fulltext.py the rest.

Layout: `index/CURRENT` names the live generation folder (`gen-…`), which holds Whoosh's files,
the full-text files of each segment, `manifest.json` (the raw folders' mtimes and the Whoosh
generation it describes) and `files.json` (each raw file's size, mtime, record ids, segment).
A full build writes a new generation and switches CURRENT with an atomic rename, so a reader
never sees half an index; an incremental update relies on Whoosh's own atomic table of
contents, and the manifest records which Whoosh generation it describes, so a crash between
the two is detected.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qdn_corpus.errors import IndexBusyError, IndexWriteError, NotFoundError

if TYPE_CHECKING:
    from qdn_corpus.models import Problem
    from qdn_corpus.read.files import FileEntry

# Whoosh, pydantic and the parsers are imported where they are used: a search forks its
# freshness probe (FreshnessProbe) before paying for them.

SCHEMA_VERSION = 14
MANIFEST = "manifest.json"  # version, Whoosh TOC generation, mtime of each raw folder
LINKS = "links.json"  # attachment URL or path -> the raw file holding it
OCR_CACHE = "ocr"  # OCR results by content hash (formats/ocr.py); kept across generations
FILES = "files.json"  # each raw file's size, mtime, record ids, skip reason, segment
STALE = "STALE"  # written by the background check when a raw file changed in place
CHECKED = "CHECKED"  # its mtime: when the background check last started
CHECK_EVERY_SECONDS = 30.0
LOCK_WAIT_SECONDS = 10.0


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


@dataclass
class Live:
    """The live generation: its folder and manifest."""

    path: Path
    manifest: dict[str, Any]


def index_dir(data_dir: Path) -> Path:
    return data_dir / "index"


def live(data_dir: Path) -> Live | None:
    """The current generation if it is complete and of this version, else None."""
    root = index_dir(data_dir)
    try:
        name = (root / "CURRENT").read_text("utf-8").strip()
        gen = root / name
        manifest = json.loads((gen / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("version") != SCHEMA_VERSION:
        return None
    if _toc_generation(gen) != manifest.get("toc"):
        return None  # killed between Whoosh's commit and the manifest, or not Whoosh's: rebuild
    return Live(gen, manifest)


def _toc_generation(gen: Path) -> int:
    from qdn_corpus.store import engine

    return engine.toc_generation(gen)


def stale_files(data_dir: Path, current: Live) -> bool:
    """True when the raw files differ from what the index saw: a stat walk with discover()'s
    names and rules (hidden files, sidecars), no reading."""
    from qdn_corpus.read.files import discover

    known = {n: [v["size"], v["mtime_ns"]] for n, v in _files(current).items()}
    seen = 0
    for entry in discover([data_dir / "raw"], base=data_dir):
        seen += 1
        if known.get(entry.name) != [entry.size, entry.mtime_ns]:
            return True
    return seen != len(known)


@contextmanager
def write_lock(data_dir: Path, wait: float | None = None) -> Iterator[None]:
    """One writer at a time; the lock dies with its process, so a killed run never blocks."""
    root = index_dir(data_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / "write.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise IndexWriteError(f"cannot write the index in {root}: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"another qdn process is writing the index in {root}; try again when it ends"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _switch(data_dir: Path, gen: Path) -> None:
    root = index_dir(data_dir)
    tmp = root / "CURRENT.tmp"
    tmp.write_text(gen.name, "utf-8")
    os.replace(tmp, root / "CURRENT")
    for old in root.glob("gen-*"):
        if old != gen:
            shutil.rmtree(old, ignore_errors=True)


def _write_error(exc: OSError, root: Path) -> IndexWriteError:
    what = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return IndexWriteError(f"cannot write the index in {root}: {what}; the previous index is intact")


# ---- building ------------------------------------------------------------------------------


def build(data_dir: Path, rebuild: bool = False, progress: Progress | None = None, ocr: bool = False) -> IndexReport:
    """Bring the index up to date with `<data-dir>/raw`: parse only new or changed files.

    With `ocr`, scans are read by OCR (the `ocr` extra); without it, OCR results cached by an
    earlier run are still used (index/ocr/, by content hash)."""
    raw = data_dir / "raw"
    if not raw.is_dir():
        raise NotFoundError(f"no folder {raw}: put documents there or point --data-dir at your data")
    from qdn_corpus.read.formats import ocr as ocr_module

    ocr_module.configure(ocr, index_dir(data_dir) / OCR_CACHE)  # before the workers fork
    started = time.monotonic()
    with write_lock(data_dir):
        current = None if rebuild else live(data_dir)
        if _open(current) is None:
            current = None  # missing, or truncated: rebuild
        from qdn_corpus.read.files import discover

        folders = folder_mtimes(raw)  # before the walk: a file added during it is seen next time
        entries = list(discover([raw], base=data_dir))
        try:
            report = _update(data_dir, current, entries, folders, progress)
        except OSError as exc:
            raise _write_error(exc, index_dir(data_dir)) from None
    report.seconds = time.monotonic() - started
    return report


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


def _update(
    data_dir: Path, current: Live | None, entries: list[FileEntry], folders: dict[str, int], progress: Progress | None
) -> IndexReport:
    from qdn_corpus.store import engine

    report = IndexReport(files=len(entries))
    old_files = _files(current) if current else {}
    todo = [
        e for e in entries
        if (o := old_files.get(e.name)) is None or (o["size"], o["mtime_ns"]) != (e.size, e.mtime_ns)
    ]
    names = {e.name for e in entries}
    gone = [n for n in old_files if n not in names]
    files = {n: v for n, v in old_files.items() if n in names}
    if current is not None and not todo and not gone:
        report.skipped = sorted((n, v["skipped"]) for n, v in files.items() if v.get("skipped"))
        report.records = sum(len(v["ids"]) for v in files.values())
        report.formats = _formats(files)
        if current.manifest.get("folders") != folders:  # e.g. a hidden file came: note the new mtimes
            _write_json(current.path / MANIFEST, {**current.manifest, "folders": folders})
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
        todo += _compaction(ix, files, {e.name for e in todo}, entries)
    writer = ix.writer()  # holds Whoosh's lock, deletes old documents, commits the segments
    try:
        for name in gone:
            writer.delete_file(name)
            report.removed += len(old_files[name]["ids"])
        for entry in todo:
            if entry.name in old_files and current is not None:
                writer.delete_file(entry.name)
        segments = []
        for done, item in enumerate(_index_files(gen, todo), 1):
            if isinstance(item, FileDone):
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
        _checkpoint("commit")
    except BaseException:
        writer.cancel()
        if current is None:
            shutil.rmtree(gen, ignore_errors=True)
        raise
    from qdn_corpus.store import relations

    report.copy_groups, report.citations, report.resolved = relations.build(gen)  # over the whole index
    _write_json(gen / FILES, files)
    _write_json(gen / LINKS, _links(files))
    _write_json(gen / MANIFEST, {"version": SCHEMA_VERSION, "toc": _toc_generation(gen), "folders": folders})
    with contextlib.suppress(OSError):
        (gen / STALE).unlink()
    if current is None:
        _switch(data_dir, gen)
    report.records = sum(len(v["ids"]) for v in files.values())
    report.skipped = sorted((n, v["skipped"]) for n, v in files.items() if v.get("skipped"))
    report.formats = _formats(files)
    return report


def _formats(files: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in files.values():
        if v.get("ids"):
            fmt = v.get("format") or "text"
            counts[fmt] = counts.get(fmt, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _links(files: dict[str, Any]) -> dict[str, str]:
    """What attachment links resolve to: each file's URL (its page's meta, its sidecar) and
    the names of the files that can be attachments (a link's relative path, as wget saves)."""
    from qdn_corpus.read.formats import ATTACHMENT_EXTS

    links: dict[str, str] = {}
    for name, v in files.items():
        if v.get("format") not in (None, "text", "html") or name.lower().endswith(ATTACHMENT_EXTS):
            links[name] = name
        for url in v.get("urls") or []:
            links.setdefault(url, name)
    return links


def links_of(ix: Any) -> dict[str, str]:
    """The attachment link map of an open index (read once per version of the file)."""
    path = ix.folder / LINKS
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}
    return _read_links(str(path), stamp)


@functools.lru_cache(maxsize=4)
def _read_links(path: str, stamp: int) -> dict[str, str]:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _files(current: Live) -> dict[str, Any]:
    """What the index knows of each raw file: size, mtime_ns, ids, skipped, segment."""
    try:
        files: dict[str, Any] = json.loads((current.path / FILES).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return files


def indexed_files(data_dir: Path) -> dict[str, Any]:
    """What the live index knows of each raw file (format, skip reason, record ids …); {} when
    there is no index."""
    current = live(data_dir)
    return _files(current) if current is not None else {}


def folder_mtimes(raw: Path) -> dict[str, int]:
    """The mtime of raw/ and of every folder below it (hidden and symlinked ones excepted, as in
    discover()). A file added, removed or renamed changes its folder's mtime."""
    out: dict[str, int] = {}
    stack = [(str(raw), "raw")]
    while stack:
        path, name = stack.pop()
        try:
            out[name] = os.stat(path).st_mtime_ns
            with os.scandir(path) as it:
                stack += [(c.path, f"{name}/{c.name}") for c in it if not c.name.startswith(".") and c.is_dir(follow_symlinks=False)]
        except OSError:
            continue
    return out


def folders_changed(data_dir: Path, current: Live) -> bool:
    """The cheap check a search makes: one stat per folder (a new folder changes its parent)."""
    for name, mtime in current.manifest.get("folders", {}).items():
        try:
            if os.stat(data_dir / name).st_mtime_ns != mtime:
                return True
        except OSError:
            return True
    return False


def _account(report: IndexReport, old: list[str], item: FileDone) -> None:
    old_ids, new_ids = set(old), set(item.ids)
    report.parsed_files += 1
    report.added += len(new_ids - old_ids)
    report.updated += len(new_ids & old_ids)
    report.removed += len(old_ids - new_ids)
    report.problems.extend(item.problems)


MAX_SEGMENTS = 8


def _compaction(ix: Any, files: dict[str, Any], redo: set[str], entries: list[FileEntry]) -> list[FileEntry]:
    """Files to re-index so that small segments merge: each update adds a segment, and Whoosh's
    own merge would drop the companion files. Past MAX_SEGMENTS, every segment under a quarter
    of the largest is folded into the update's new segment by re-indexing its files."""
    segments = ix.segments()
    if len(segments) < MAX_SEGMENTS:
        return []
    largest = max(s.doc_count for s in segments)
    small = {s.id for s in segments if s.doc_count < largest / 4}
    return [e for e in entries if e.name not in redo and files.get(e.name, {}).get("segment") in small]


Item = FileDone | Any  # a FileDone per file, then the finished Whoosh segment(s)


def _index_files(gen: Path, todo: list[FileEntry]) -> Iterator[Item]:
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
        queue.put(("error", str(_write_error(exc, gen.parent))))
    except Exception as exc:  # reported as one line by the parent
        queue.put(("error", f"indexing failed: {type(exc).__name__}: {exc}"))
    queue.put(("end", None))


def _checkpoint(point: str) -> None:
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
            _checkpoint("parse")
            for record in result.records:
                day = record.date.toordinal() if record.date else 0
                body = fold(record.body)
                texts.add(
                    segment.next_docnum, body, day, words(body), words(fold(record.title or "")), facets(record), minhash(body)
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
        _checkpoint("segment")
        texts.write()
        yield finished
    finally:
        texts.close()
        segment.close()


# ---- reading -------------------------------------------------------------------------------


Notify = Callable[[str], None]


def open_fresh(data_dir: Path, notify: Notify, progress: Progress | None = None) -> Any:
    """Open the index for reading, building or refreshing it first when it is missing or stale.

    Staleness is checked cheaply (one stat per raw folder: files added, removed or renamed); a
    file overwritten in place keeps its folder's mtime, so a background process compares every
    file's size and mtime and marks the index STALE for the next command (see check_later).
    When the index cannot be refreshed (another writer, a read-only folder) the previous one is
    used with a note; only when there is none at all is that an error.
    """
    current = live(data_dir)
    ix = _open(current)
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
    ix = _open(live(data_dir))
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


def _open(current: Live | None) -> Any:
    """The open index of a generation, or None (missing, truncated, foreign: rebuild)."""
    if current is None:
        return None
    from qdn_corpus.store import engine

    return engine.open_index(current.path)
