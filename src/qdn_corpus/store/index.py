"""The index on disk: where it lives, which generation is live, its lock, and what it knows
of the raw files (files/, links.json, stat.json, folder mtimes). The read side of store/; update.py
writes. schema.py says what Whoosh holds, fulltext.py the rest.

Layout: `index/CURRENT` names the live generation folder (`gen-…`), which holds Whoosh's files,
the full-text files of each segment, `manifest.json` (the raw folders' mtimes and the Whoosh
generation it describes) and `files/` (each raw file's size, mtime, record ids, segment, in
SHARDS JSON files by a hash of its name, so that an update reads and writes only those of the
files it touched).
A full build writes a new generation and switches CURRENT with an atomic rename, so a reader
never sees half an index; an incremental update relies on Whoosh's own atomic table of
contents, and the manifest records which Whoosh generation it describes, so a crash between
the two is detected.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import json
import os
import shutil
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qdn_corpus.errors import IndexBusyError, IndexWriteError

if TYPE_CHECKING:
    from qdn_corpus.store.engine import Index

# Whoosh, pydantic and the parsers are imported where they are used: nothing heavy loads
# before a command needs it.

SCHEMA_VERSION = 28
MANIFEST = "manifest.json"  # version, Whoosh TOC generation, mtime of each raw folder
LINKS = "links.json"  # attachment URL or path -> the raw files holding it, the walk's first first
OCR_CACHE = "ocr"  # OCR results by content hash (formats/ocr.py); kept across generations
FILES = "files"  # each raw file's size, mtime, record ids, skip reason, segment: NN.json by shard_of
SHARDS = 64
STAT = "stat.json"  # each raw file's size and mtime as columns, and the summary: what a no-op reads
STALE = "STALE"  # written by the background check when a raw file changed in place
CHECKED = "CHECKED"  # its mtime: when the background check last started
CHECK_EVERY_SECONDS = 30.0
LOCK_WAIT_SECONDS = 10.0


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
    if toc_generation_of(gen) != manifest.get("toc"):
        return None  # killed between Whoosh's commit and the manifest, or not Whoosh's: rebuild
    return Live(gen, manifest)


def current_folder(data_dir: Path | str) -> Path | None:
    """The folder CURRENT names, unchecked (live() checks it): for a helper that reads ahead."""
    root = index_dir(Path(data_dir))
    try:
        return root / (root / "CURRENT").read_text("utf-8").strip()
    except OSError:
        return None


def stamp(data_dir: Path) -> tuple[str, int] | None:
    """What changes whenever `qdn index` publishes: the live generation's name and its manifest's
    mtime (rewritten by every update), or None when there is no index. Two small reads, for a
    long-running reader (qdn serve) that asks before each request."""
    root = index_dir(data_dir)
    try:
        name = (root / "CURRENT").read_text("utf-8").strip()
        return name, (root / name / MANIFEST).stat().st_mtime_ns
    except OSError:
        return None


def toc_generation_of(gen: Path) -> int:
    from qdn_corpus.store import engine

    return engine.toc_generation(gen)


def stale_files(data_dir: Path, current: Live) -> bool:
    """True when the raw files differ from what the index saw: a stat walk with discover()'s
    names and rules (hidden files, sidecars), no reading."""
    from qdn_corpus.read.files import discover

    stat = stat_of(current)
    known = (dict(zip(stat["names"], map(list, zip(stat["sizes"], stat["mtimes"], strict=True)), strict=True)) if stat
             else {n: [v["size"], v["mtime_ns"]] for n, v in files_of(current).items()})
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


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        # dumps, not dump: dump streams through the pure-Python encoder (0.8 s for files.json
        # at 80,000 files), dumps encodes in C in one call (0.3 s)
        f.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def switch_to(data_dir: Path, gen: Path) -> None:
    root = index_dir(data_dir)
    tmp = root / "CURRENT.tmp"
    tmp.write_text(gen.name, "utf-8")
    os.replace(tmp, root / "CURRENT")
    for old in root.glob("gen-*"):
        if old != gen:
            shutil.rmtree(old, ignore_errors=True)


def write_error(exc: OSError, root: Path) -> IndexWriteError:
    what = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return IndexWriteError(f"cannot write the index in {root}: {what}; the previous index is intact")


# ---- building ------------------------------------------------------------------------------


def links_of(ix: Index) -> dict[str, str]:
    """The attachment link map of an open index (read once per version of the file)."""
    path = ix.folder / LINKS
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}
    return _read_links(str(path), stamp)


@functools.lru_cache(maxsize=4)
def _read_links(path: str, stamp: int) -> dict[str, str]:
    data = links_claimed(Path(path))
    return {key: names[0] for key, names in data.items() if names} if data else {}


def links_claimed(path: Path) -> dict[str, list[str]] | None:
    """links.json as written: each link with every file that answers it, first in walk order."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def shard_of(name: str) -> int:
    """Which of the SHARDS files of FILES holds a raw file's entry."""
    return zlib.crc32(name.encode("utf-8")) % SHARDS


def shard_path(gen: Path, shard: int) -> Path:
    return gen / FILES / f"{shard:02d}.json"


def files_of(current: Live, shards: Iterable[int] | None = None) -> dict[str, Any]:
    """What the index knows of each raw file (size, mtime_ns, ids, skipped, segment, urls,
    format): of every file, or of the files of the given shards (one that cannot be read
    counts as empty)."""
    files: dict[str, Any] = {}
    for shard in range(SHARDS) if shards is None else sorted(set(shards)):
        try:
            part = json.loads(shard_path(current.path, shard).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(part, dict):
            files.update(part)
    return files


def stat_of(current: Live) -> dict[str, Any] | None:
    """Each raw file's size and mtime (names, sizes, mtimes: columns, a fifth of files.json's
    parse) and the last summary (records, formats, skipped), or None when unreadable."""
    try:
        stat: dict[str, Any] = json.loads((current.path / STAT).read_text("utf-8"))
        if len(stat["names"]) == len(stat["sizes"]) == len(stat["mtimes"]) and "skipped" in stat:
            return stat
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def indexed_files(data_dir: Path) -> dict[str, Any]:
    """What the live index knows of each raw file (format, skip reason, record ids …); {} when
    there is no index."""
    current = live(data_dir)
    return files_of(current) if current is not None else {}


def folders_changed(data_dir: Path, current: Live) -> bool:
    """The cheap check a search makes: one stat per folder (a new folder changes its parent)."""
    for name, mtime in current.manifest.get("folders", {}).items():
        try:
            if os.stat(data_dir / name).st_mtime_ns != mtime:
                return True
        except OSError:
            return True
    return False


def open_generation(current: Live | None) -> Index | None:
    """The open index of a generation, or None (missing, truncated, foreign: rebuild)."""
    if current is None:
        return None
    from qdn_corpus.store import engine

    return engine.open_index(current.path)
