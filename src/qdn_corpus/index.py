"""The Whoosh index: schema, build and incremental update, freshness, opening. The only writer
of `<data-dir>/index/`.

Layout: `index/CURRENT` names the live generation folder (`gen-…`), which holds Whoosh's files
and `manifest.json` (what each raw file looked like when indexed, and its record ids). A full
build writes a new generation and switches CURRENT with an atomic rename, so a reader never sees
half an index; an incremental update relies on Whoosh's own atomic table of contents, and the
manifest records which Whoosh generation it describes, so a crash between the two is detected.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qdn_corpus.corpus import FileEntry, FileResult, discover, read
from qdn_corpus.errors import IndexBusyError, IndexWriteError, NotFoundError
from qdn_corpus.models import Problem, Record

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
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

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)


Progress = Callable[[int, int, FileResult], None]  # done, total, the file just read


def schema() -> Any:
    from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

    from qdn_corpus.analysis import PreTokenized

    words, grams = PreTokenized("words"), PreTokenized("bigrams")
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        file=ID,
        record=STORED,
        title=TEXT(analyzer=words, phrase=False, field_boost=3.0),
        body=TEXT(analyzer=words, phrase=False),
        grams=TEXT(analyzer=grams, phrase=True),
        title_g=TEXT(analyzer=grams, phrase=True),
        source_g=TEXT(analyzer=grams, phrase=True),
        number_g=TEXT(analyzer=grams, phrase=True),
        date=ID(sortable=True),
        region=KEYWORD(scorable=False),
        hasdate=ID(sortable=True),
        category=ID,
        doc_type=ID,
    )


def document_fields(record: Record) -> dict[str, Any]:
    """The Whoosh fields of a record, tokens computed here (so it can run in a worker)."""
    from qdn_corpus.analysis import bigrams, words

    fields: dict[str, Any] = {
        "id": record.id,
        "file": record.file,
        "record": record.model_dump_json(),
        "body": words(record.body),
        "grams": bigrams(record.body),
    }
    if record.title:
        fields["title"] = words(record.title)
        fields["title_g"] = bigrams(record.title)
    names = " ".join(dict.fromkeys(n for n in (record.source, record.issuer) if n))
    if names:
        fields["source_g"] = bigrams(names)
    if record.doc_number:
        fields["number_g"] = bigrams(record.doc_number)
    if record.date:
        fields["date"] = record.date.isoformat()
    fields["hasdate"] = "0" if record.date else "1"  # sorts undated records last
    levels = [p for p in (record.region.province, record.region.prefecture, record.region.county) if p]
    if levels:
        fields["region"] = " ".join(levels)
    if record.category:
        fields["category"] = record.category
    if record.doc_type:
        fields["doc_type"] = record.doc_type
    return fields


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
    try:
        from whoosh.index import open_dir

        if open_dir(str(gen)).latest_generation() != manifest.get("toc"):
            return None  # killed between Whoosh's commit and the manifest: rebuild
    except Exception:  # a truncated or foreign index: any failure means "rebuild"
        return None
    return Live(gen, manifest)


def stale_files(data_dir: Path, current: Live) -> bool:
    """True when the raw files differ from what the index saw (a stat walk, no reading)."""
    known = current.manifest["files"]
    seen = 0
    for entry in discover([data_dir / "raw"], base=data_dir):
        seen += 1
        old = known.get(entry.name)
        if old is None or old["size"] != entry.size or old["mtime_ns"] != entry.mtime_ns:
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


def build(data_dir: Path, rebuild: bool = False, progress: Progress | None = None) -> IndexReport:
    """Bring the index up to date with `<data-dir>/raw`: parse only new or changed files."""
    raw = data_dir / "raw"
    if not raw.is_dir():
        raise NotFoundError(f"no folder {raw}: put documents there or point --data-dir at your data")
    started = time.monotonic()
    with write_lock(data_dir):
        current = None if rebuild else live(data_dir)
        entries = list(discover([raw], base=data_dir))
        try:
            report = _update(data_dir, current, entries, progress)
        except OSError as exc:
            raise _write_error(exc, index_dir(data_dir)) from None
    report.seconds = time.monotonic() - started
    return report


def _update(data_dir: Path, current: Live | None, entries: list[FileEntry], progress: Progress | None) -> IndexReport:
    from whoosh.index import create_in, open_dir

    report = IndexReport(files=len(entries))
    old_files: dict[str, Any] = current.manifest["files"] if current else {}
    todo = [
        e for e in entries
        if (o := old_files.get(e.name)) is None or (o["size"], o["mtime_ns"]) != (e.size, e.mtime_ns)
    ]
    names = {e.name for e in entries}
    gone = [n for n in old_files if n not in names]
    files = {n: v for n, v in old_files.items() if n in names}
    for info in files.values():
        if info.get("skipped"):
            report.skipped.append((info["name"], info["skipped"]))
    if current is not None and not todo and not gone:
        report.records = sum(len(v["ids"]) for v in files.values())
        return report

    if current is None:
        report.rebuilt = True
        gen = index_dir(data_dir) / f"gen-{time.time_ns():x}-{os.getpid()}"
        gen.mkdir(parents=True)
        ix = create_in(str(gen), schema())
    else:
        gen = current.path
        ix = open_dir(str(gen))
    writer = ix.writer(limitmb=256)
    try:
        for name in gone:
            writer.delete_by_term("file", name)
            report.removed += len(old_files[name]["ids"])
        redo = {e.name for e in todo}
        report.skipped = [(n, r) for n, r in report.skipped if n not in redo]
        for result in _parsed(todo, progress):
            name = result.entry.name
            old_ids = set(old_files.get(name, {}).get("ids", []))
            if name in old_files and current is not None:
                writer.delete_by_term("file", name)
            new_ids = [r.id for r in result.records]
            for fields in _fields(result.records):
                writer.add_document(**fields)
            report.parsed_files += 1
            report.added += len(set(new_ids) - old_ids)
            report.updated += len(set(new_ids) & old_ids)
            report.removed += len(old_ids - set(new_ids))
            report.problems.extend(result.problems)
            if result.skipped:
                report.skipped.append((name, result.skipped))
            files[name] = {
                "name": name, "size": result.entry.size, "mtime_ns": result.entry.mtime_ns,
                "ids": new_ids, "skipped": result.skipped,
            }
        writer.commit()
    except BaseException:
        writer.cancel()
        if current is None:
            shutil.rmtree(gen, ignore_errors=True)
        raise
    manifest = {"version": SCHEMA_VERSION, "toc": ix.latest_generation(), "files": files}
    _write_json(gen / MANIFEST, manifest)
    if current is None:
        _switch(data_dir, gen)
    report.records = sum(len(v["ids"]) for v in files.values())
    report.skipped.sort()
    return report


def _parsed(entries: list[FileEntry], progress: Progress | None) -> Iterator[FileResult]:
    for done, entry in enumerate(entries, 1):
        result = read(entry)
        yield result
        if progress:
            progress(done, len(entries), result)


def _fields(records: list[Record]) -> Iterator[dict[str, Any]]:
    for record in records:
        yield document_fields(record)


# ---- reading -------------------------------------------------------------------------------


Notify = Callable[[str], None]


def open_fresh(data_dir: Path, notify: Notify, progress: Progress | None = None) -> Any:
    """Open the index for reading, building or refreshing it first when it is missing or stale.

    When it cannot be refreshed (another writer, a read-only folder) the previous index is used
    with a note; only when there is none at all is that an error.
    """
    from whoosh.index import open_dir

    current = live(data_dir)
    try:
        if current is None:
            if (data_dir / "raw").is_dir():
                notify(f"building the index in {index_dir(data_dir)} (first use or incompatible index)")
            build(data_dir, rebuild=True, progress=progress)
        elif stale_files(data_dir, current):
            notify("raw files changed since the last index; updating it")
            build(data_dir, progress=progress)
    except (IndexBusyError, IndexWriteError) as exc:
        if current is None:
            raise
        notify(f"{exc}; searching the previous index")
    current = live(data_dir)
    if current is None:
        raise IndexWriteError(f"no usable index in {index_dir(data_dir)}; run `qdn index --rebuild`")
    return open_dir(str(current.path))
