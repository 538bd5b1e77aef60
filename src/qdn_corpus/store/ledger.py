"""What an update writes of the raw files it touched: their entries in the shards of files/,
the attachment links (links.json), and the summary a no-op repeats (stat.json). Each is
carried forward from what the index held, so an update of one file reads and writes a shard of
files/ instead of every file's entry (at 80,400 files, files.json took 0.8 s to read and write).
index.py reads these files; update.py decides what changed.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qdn_corpus.store.index import FILES, shard_of, shard_path, write_json


def write_shards(gen: Path, files: dict[str, Any], shards: Iterable[int]) -> None:
    """Write the given shards; `files` holds every entry of those shards."""
    wanted: dict[int, dict[str, Any]] = {shard: {} for shard in shards}
    for name, entry in files.items():
        part = wanted.get(shard_of(name))
        if part is not None:
            part[name] = entry
    (gen / FILES).mkdir(exist_ok=True)
    for shard, part in wanted.items():
        write_json(shard_path(gen, shard), part)


def _walk_key(name: str) -> list[str]:
    """discover()'s order: each folder's names sorted, a folder's files where it stands."""
    return name.split("/")


def _claims(name: str, entry: dict[str, Any]) -> list[str]:
    """The links a file answers: its URLs (its page's meta, its sidecar) and, for a file that
    can be an attachment, its own name (a link's relative path, as wget saves)."""
    from qdn_corpus.read.formats import ATTACHMENT_EXTS

    own = entry.get("format") not in (None, "text", "html") or name.lower().endswith(ATTACHMENT_EXTS)
    return ([name] if own else []) + list(entry.get("urls") or [])


def links(old: dict[str, list[str]], before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[str]]:
    """links.json carried forward: the files of `before` (their old entries) withdrawn, those of
    `after` added, each link's files kept in walk order (the first answers it, whatever the
    index's history)."""
    for name, entry in before.items():
        for key in _claims(name, entry):
            names = old.get(key)
            if names and name in names:
                names.remove(name)
                if not names:
                    del old[key]
    for name, entry in after.items():
        for key in _claims(name, entry):
            names = old.setdefault(key, [])
            if name not in names:
                insort(names, name, key=_walk_key)
    return old


def summary(files: dict[str, Any]) -> tuple[int, dict[str, int], list[tuple[str, str]]]:
    """Records, files with records by format, and skipped files of a whole index."""
    return _summary(0, {}, [], {}, files)


def carried(seen: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> tuple[int, dict[str, int], list[tuple[str, str]]]:
    """The summary of stat.json carried forward: `before` (old entries) out, `after` in."""
    return _summary(seen["records"], dict(seen["formats"]), [(n, r) for n, r in seen["skipped"]], before, after)


def _summary(
    records: int, formats: dict[str, int], skipped: list[tuple[str, str]], before: dict[str, Any], after: dict[str, Any]
) -> tuple[int, dict[str, int], list[tuple[str, str]]]:
    for sign, entries in ((-1, before), (1, after)):
        for entry in entries.values():
            if entry.get("ids"):
                records += sign * len(entry["ids"])
                fmt = entry.get("format") or "text"
                formats[fmt] = formats.get(fmt, 0) + sign
    gone = before.keys() | after.keys()
    skipped = [s for s in skipped if s[0] not in gone] + [(n, e["skipped"]) for n, e in after.items() if e.get("skipped")]
    counts = {f: n for f, n in formats.items() if n > 0}
    return records, dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))), sorted(skipped)
