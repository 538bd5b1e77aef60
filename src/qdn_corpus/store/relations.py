"""How records relate: which are copies of one document (reposts, reprints), and which cite
which (citations.py). Computed after each change and kept in the generation as relations.json
(copy groups and citation targets, read by every search).

Copies: a MinHash (rensa, 128 permutations) of each folded body's character 5-grams is made
in the index workers and kept beside the full text (fulltext.py); LSH (pairs.py: numpy, 16 bands
of 8) proposes pairs, and a pair whose estimated Jaccard similarity is at least THRESHOLD joins one
group (single linkage). The group's canonical record is the earliest dated, then the one with
the richest metadata, then the first by file. Headers are not part of the body: a county's
repost with its own 来源/发布时间 is a copy.

Documents are named "segment:local number": a segment never changes, so the names hold.
"""

from __future__ import annotations

import functools
import json
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from qdn_corpus.models import Record
from qdn_corpus.store.pairs import NUM_PERM, THRESHOLD, pairs

RELATIONS = "relations.json"  # copy groups and citation targets: what a search reads
PAIRS = "pairs.json"  # the pairs of copies behind the groups, by segment:local, for the next update
SHINGLE = 5  # characters
MIN_BODY = 40  # characters: shorter bodies are never grouped (a heading, a one-line notice)
_SEED = 20221205


# ---- index time, in the workers ----------------------------------------------------------------


def minhash(folded_body: str) -> bytes:
    """The MinHash of a folded body's character 5-grams (spaces dropped): NUM_PERM little-endian
    uint32 (rensa's digest), or b"" when the body is too short to compare.

    Each 5-gram is hashed to 64 bits by numpy from its code points and rensa takes the hashes:
    making a Python string of every 5-gram for rensa to hash was a tenth of a build (profile)."""
    text = "".join(folded_body.split())
    if len(text) < MIN_BODY:
        return b""
    import numpy as np
    import rensa

    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    n = len(points) - SHINGLE + 1
    hashes = points[:n] * np.uint64(_MIX[0])
    for k in range(1, SHINGLE):  # wraps: a multiply by an odd number and a xor lose nothing
        hashes ^= points[k : k + n] * np.uint64(_MIX[k])
        hashes *= np.uint64(_MIX[-1])
    digests = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, [0, n], NUM_PERM, _SEED).to_rows()[0]
    return np.asarray(digests, dtype="<u4").tobytes()


_MIX = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5, 0x85EBCA77C2B2AE63, 0xFF51AFD7ED558CCD)


def identity(record: Record) -> dict[str, Any]:
    """What relations need of a record, kept in its facets: its id and file, what names it
    (文号, title keys), how much metadata it has, and the keys of what it cites."""
    from qdn_corpus.read.parsing.citations import number_key, short_title_key, title_key

    out: dict[str, Any] = {"id": record.id, "file": record.file}
    if record.doc_number:
        out["number"] = number_key(record.doc_number)
    if record.title:
        out["title"] = title_key(record.title)
        if (short := short_title_key(record.title)) and short != out["title"]:
            out["short"] = short
    out["rich"] = sum(1 for v in (record.title, record.date, record.source, record.issuer, record.doc_number, record.url,
                                  record.region.province, record.written_date, record.index_no) if v)
    if record.citations:
        out["cites"] = [
            [number_key(c.doc_number) if c.doc_number else None,
             title_key(c.title) if c.title else None,
             short_title_key(c.title) if c.title else None,
             c.title, c.doc_number, c.text]
            for c in record.citations
        ]
    return out


# ---- after each change ------------------------------------------------------------------------

_KEYS = ("id", "file", "number", "title", "short", "rich", "site")


@dataclass
class _Table:
    """What relations need of every live record, as columns (index i: the i-th live record)."""

    # per segment, in row order: its id, its first row and its live documents (None: all)
    segments: list[tuple[str, int, Any]] = field(default_factory=list)
    rows: int = 0
    firsts: list[int] = field(default_factory=list)  # each segment's first row
    days: list[int] = field(default_factory=list)
    cols: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in _KEYS})
    sigs: list[Any] = field(default_factory=list)  # per segment: its live rows of digests
    new: list[bool] = field(default_factory=list)  # in a segment the previous relations did not see
    distinct: dict[tuple[Any, ...], int] = field(default_factory=dict)  # each distinct citation of the index once
    # per segment (as in segments): each document's citations as (offsets, local indices) and
    # what each local index is in distinct (numpy arrays); mapped row by row only where a
    # citation resolves (citations.py)
    cites: list[tuple[Any, Any, Any]] = field(default_factory=list)

    def add(self, segment: str, store: Any, alive: list[int] | None, size: int, new: bool) -> None:
        """A segment's live documents (`alive`, or all of them when None)."""
        import numpy as np

        def keep(col: Any) -> list[Any]:
            return list(col) if alive is None else [col[i] for i in alive]

        first, live = self.rows, None if alive is None else np.asarray(alive, dtype=np.int64)
        self.segments.append((segment, first, live))
        self.firsts.append(first)
        self.rows += size if alive is None else len(alive)
        offsets, cited = store.cites()
        index = np.array([self.distinct.setdefault(tuple(c), len(self.distinct)) for c in store.column("citations")], dtype=np.int64)
        self.cites.append((offsets, cited, index))
        self.days += keep(store.days())
        for key, col in self.cols.items():
            col += keep(store.column(key, ".qrel"))  # site too: .qcol's other columns are not needed
        digests = store.digests()
        self.sigs.append(digests if alive is None else digests[alive])
        self.new += [new] * (size if alive is None else len(alive))

    def ref(self, i: int) -> str:
        """The name ("segment:local") of row i."""
        segment, first, live = self.segments[bisect_right(self.firsts, i) - 1]
        return f"{segment}:{i - first if live is None else int(live[i - first])}"

    def rows_of(self, refs: list[str]) -> Any:
        """The rows of named documents, a numpy array: -1 where one is not a live record."""
        import numpy as np

        where = {segment: n for n, (segment, _, _) in enumerate(self.segments)}
        names = [ref.rpartition(":") for ref in refs]
        seg = np.array([where.get(s, -1) for s, _, _ in names], dtype=np.int64)
        local = np.array([int(n) for _, _, n in names], dtype=np.int64)
        out = np.full(len(refs), -1, dtype=np.int64)
        for n, (_, first, live) in enumerate(self.segments):
            at = np.flatnonzero(seg == n)
            if live is None:
                size = (self.segments[n + 1][1] if n + 1 < len(self.segments) else self.rows) - first
                ok = at[local[at] < size]
                out[ok] = first + local[ok]
            elif len(live):
                pos = np.minimum(np.searchsorted(live, local[at]), len(live) - 1)
                ok = live[pos] == local[at]
                out[at[ok]] = first + pos[ok]
        return out

    def rank(self, i: int) -> tuple[Any, ...]:
        """Canonical order: earliest dated, then the richest metadata, then the first file, then
        the file's first record (a file's records are in one segment, in the file's order)."""
        return (self.days[i] or 1 << 31, -int(self.cols["rich"][i] or 0), self.cols["file"][i] or "", i)


def build(gen: Path) -> tuple[int, int, int]:
    """Group copies and resolve citations over every live record of the index; write RELATIONS.
    Returns the number of copy groups, of citations, and of citations resolved.

    Incremental where it costs: the pairs of copies among records that were there before are
    kept from the previous relations (a pair depends on its two records only), and only the
    records of new segments are compared with all; groups are then derived again from the
    columns, and citations resolved once per distinct citation (citations.py), which is quick."""
    import numpy as np

    from qdn_corpus.store import citations

    before = _previous(gen)
    seen = set(before.get("segments") or [])
    table = _Table()
    for leaf, store in _stores(gen):
        alive = [i for i in range(leaf.size) if i not in leaf.deleted] if leaf.deleted else None
        table.add(leaf.segment_id, store, alive, leaf.size, leaf.segment_id not in seen)
    sig = np.concatenate(table.sigs) if table.sigs else np.zeros((0, NUM_PERM), dtype=np.uint32)
    old = before.get("edges") or []
    ends = table.rows_of([ref for edge in old for ref in edge]).reshape(-1, 2)
    held = (ends >= 0).all(axis=1)  # both records still live: the pair holds
    fresh = pairs(sig, np.asarray(table.new, dtype=bool))
    groups = _groups(table, [(a, b) for a, b in ends[held].tolist()] + fresh)
    named = [edge for edge, ok in zip(old, held.tolist(), strict=True) if ok]  # kept: as written
    _write(gen / PAIRS, {
        "version": 2, "threshold": THRESHOLD, "segments": [segment for segment, _, _ in table.segments],
        "edges": named + [[table.ref(i), table.ref(j)] for i, j in fresh],
    })
    targets, cited, resolved = citations.resolve(table, groups)
    _write(gen / RELATIONS, {"version": 2, "threshold": THRESHOLD, **_group_data(table, sig, groups), "targets": targets})
    return len(groups), cited, resolved


def _stores(gen: Path) -> list[tuple[Any, Any]]:
    """The index's segments: each (engine.Leaf, its fulltext reader, which keeps what it read)."""
    from qdn_corpus.store import engine, fulltext

    ix = engine.open_index(gen)
    if ix is None:
        return []
    with ix.reader() as reader:
        return [(leaf, fulltext.reader(leaf.folder, leaf.segment_id)) for leaf in reader.leaves()]


def _write(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    tmp.replace(path)


def _previous(gen: Path) -> dict[str, Any]:
    """The pairs of copies this generation had before the change, and the segments they
    cover, or {} (a pair depends on its two records only: it holds while both do)."""
    try:
        data = json.loads((gen / PAIRS).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    ok = isinstance(data, dict) and data.get("version") == 2 and data.get("threshold") == THRESHOLD
    return data if ok else {}


def _groups(table: _Table, edges: list[tuple[int, int]]) -> list[list[int]]:
    """Groups of two or more copies (single linkage over the pairs), canonical first, largest first."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in edges:
        parent[root(j)] = root(i)
    members: defaultdict[int, list[int]] = defaultdict(list)
    for i in parent:
        members[root(i)].append(i)
    groups = [sorted(g, key=table.rank) for g in members.values() if len(g) > 1]
    return sorted(groups, key=lambda g: (-len(g), table.rank(g[0])))


def _group_data(table: _Table, sig: Any, groups: list[list[int]]) -> dict[str, Any]:
    import numpy as np

    cols = table.cols
    members = [i for g in groups for i in g]
    heads = [g[0] for g in groups for _ in g]
    same = np.count_nonzero(sig[members] == sig[heads], axis=1).tolist() if members else []  # each against its canonical
    similar = iter(same)
    return {"groups": [[[table.ref(i), cols["id"][i], cols["file"][i], cols["site"][i], round(next(similar) / NUM_PERM, 3)]
                        for i in g] for g in groups]}


# ---- reading -----------------------------------------------------------------------------------


class Member(NamedTuple):
    """One copy in a copy group (relations.json: groups)."""

    ref: str  # segment:local
    id: str
    file: str
    site: str | None
    similarity: float


class Citing(NamedTuple):
    """One record citing a document (Relations.refs: "citing")."""

    ref: str
    id: str
    day: int | None  # the citing record's date as an ordinal
    region: str | None
    n: int  # which of its citations


@dataclass
class Relations:
    """relations.json as read: copy groups stay JSON rows until a command asks for Member rows
    (a search needs a few groups, not 20,000 rows); cited documents are derived on request."""

    raw_groups: list[list[list[Any]]] = field(default_factory=list)  # canonical first; Member's fields
    targets: dict[str, list[str | None]] = field(default_factory=dict)
    group_of_id: dict[str, int] = field(default_factory=dict)
    group_of_ref: dict[str, int] = field(default_factory=dict)
    # What a reader derives for one segment layout (view.py: groups by document number), kept
    # here as this object is cached per file: qdn serve derives it once, not per request.
    derived: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def group(self, g: int) -> list[Member]:
        """One copy group, canonical first."""
        return list(map(Member._make, self.raw_groups[g]))

    @functools.cached_property
    def groups(self) -> list[list[Member]]:
        """Every copy group, largest first (qdn dups)."""
        return [list(map(Member._make, g)) for g in self.raw_groups]

    def refs(self, leaves: list[tuple[Any, Any]]) -> list[dict[str, Any]]:
        """Every cited document, most cited first, with its citing records as Citing rows
        (citations.cited_documents), made once per segment layout of a reader's `leaves`."""
        key = ("refs", tuple((leaf.segment_id, leaf.deleted_count) for leaf, _ in leaves))
        found = self.derived.get(key)
        if found is None:
            from qdn_corpus.store.citations import cited_documents

            found = self.derived[key] = [
                {**e, "citing": list(map(Citing._make, e["citing"]))} for e in cited_documents(leaves, self.targets)]
        return found

    def fields(self, record: dict[str, Any]) -> dict[str, Any]:
        """A stored record's (JSON) copies, canonical and citations with targets: what only
        the whole corpus knows."""
        rid = record["id"]
        update: dict[str, Any] = {"canonical": rid}
        g = self.group_of_id.get(rid)
        if g is not None:
            members = self.group(g)
            update["copies"] = len(members)
            update["canonical"] = members[0].id
            update["copies_in"] = [{"id": m.id, "file": m.file, "site": m.site} for m in members if m.id != rid]
        targets = self.targets.get(rid)
        citations = record.get("citations") or []
        if targets and len(targets) == len(citations):
            update["citations"] = [{**c, "target": t} for c, t in zip(citations, targets, strict=True)]
        return update


def load(folder: Path) -> Relations:
    """The relations of an index generation (empty when none were written)."""
    path = folder / RELATIONS
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return Relations()
    return _load(str(path), stamp)


@functools.lru_cache(maxsize=2)
def _load(path: str, stamp: int) -> Relations:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return Relations()
    groups = data.get("groups") or []
    rel = Relations(groups, data.get("targets") or {})
    for g, members in enumerate(groups):
        for m in members:  # JSON rows in Member's order: ref, id, …
            rel.group_of_id[m[1]] = g
            rel.group_of_ref[m[0]] = g
    return rel
