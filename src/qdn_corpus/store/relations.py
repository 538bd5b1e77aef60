"""How records relate: which cite which (by 文号 or title), and which are copies of one
document (reposts, reprints). Computed over the whole index after each change and kept in the
generation as relations.json; read by search, list, trend, show and the refs/cites/cited-by/dups
commands.

Copies: a MinHash (rensa, 128 permutations) of each folded body's character 5-grams is made
in the index workers and kept beside the full text (fulltext.py); LSH (rensa, 16 bands of 8)
proposes pairs, and a pair whose estimated Jaccard similarity is at least THRESHOLD joins one
group (single linkage). The group's canonical record is the earliest dated, then the one with
the richest metadata, then the first by file. Headers are not part of the body, so a county's
repost with its own 来源/发布时间 is still a copy.

Citations: parsing/citations.py finds them; here each is resolved to the record it names when
its 文号, else its title (whole, else from 关于 on), names records of one group only.

Documents are named by "segment:local number" inside the file: a segment never changes, so
the names hold for as long as the file does (it is rewritten with every change).
"""

from __future__ import annotations

import functools
import json
import pickle
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from qdn_corpus.models import Record, narrowest

RELATIONS = "relations.json"
THRESHOLD = 0.8  # estimated Jaccard similarity of 5-gram sets for two records to be copies
NUM_PERM, BANDS, SHINGLE = 128, 16, 5
MIN_BODY = 40  # characters: shorter bodies are never grouped (a heading, a one-line notice)
_SEED = 20221205


# ---- index time, in the workers ----------------------------------------------------------------


def minhash(folded_body: str) -> bytes:
    """The MinHash of a folded body's character 5-grams (spaces dropped), pickled; b"" when the
    body is too short to compare."""
    text = "".join(folded_body.split())
    if len(text) < MIN_BODY:
        return b""
    import rensa

    m = rensa.RMinHash(num_perm=NUM_PERM, seed=_SEED)
    m.update([text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)])
    return pickle.dumps(m)


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


@dataclass
class _Doc:
    ref: str
    facets: dict[str, Any]
    day: int
    sig: Any = None


def build(gen: Path) -> tuple[int, int, int]:
    """Group copies and resolve citations over every live record of the index; write RELATIONS.
    Returns the number of copy groups, of citations, and of citations resolved."""
    import rensa

    from qdn_corpus.store import engine, fulltext

    ix = engine.open_index(gen)
    docs: list[_Doc] = []
    if ix is not None:
        with ix.reader() as reader:
            live = set(reader.live_docs())
            for leaf in reader.leaves():
                store = fulltext.reader(leaf.folder, leaf.segment_id)
                days = store.days()
                columns = [(key, store.column(key)) for key in fulltext.COLUMNS]
                for local in range(leaf.size):
                    if leaf.offset + local in live:
                        data = store.minhash(local)
                        facets = {key: column[local] for key, column in columns if column[local] is not None}
                        doc = _Doc(f"{leaf.segment_id}:{local}", facets, days[local])
                        doc.sig = pickle.loads(data) if data else None
                        docs.append(doc)
    groups = _groups(docs, rensa)
    out = {"version": 1, "threshold": THRESHOLD, **_group_data(docs, groups), **_citation_data(docs, groups)}
    tmp = gen / f"{RELATIONS}.tmp"
    tmp.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), "utf-8")
    tmp.replace(gen / RELATIONS)
    targets = out["targets"].values()
    cited = sum(len(d.facets.get("cites") or []) for d in docs)
    return len(groups), cited, sum(1 for t in targets for x in t if x)


def _groups(docs: list[_Doc], rensa: Any) -> list[list[int]]:
    """Groups of two or more copies (indices into docs), canonical first, largest first."""
    lsh = rensa.RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=BANDS)
    with_sig = [i for i, d in enumerate(docs) if d.sig is not None]
    for i in with_sig:
        lsh.insert(i, docs[i].sig)
    parent = list(range(len(docs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in with_sig:
        for j in lsh.query(docs[i].sig):
            if j > i and docs[i].sig.jaccard(docs[j].sig) >= THRESHOLD:
                parent[root(j)] = root(i)
    members: defaultdict[int, list[int]] = defaultdict(list)
    for i in with_sig:
        members[root(i)].append(i)
    groups = [sorted(g, key=lambda i: _rank(docs[i])) for g in members.values() if len(g) > 1]
    return sorted(groups, key=lambda g: (-len(g), _rank(docs[g[0]])))


def _rank(d: _Doc) -> tuple[Any, ...]:
    """Canonical order: earliest dated, then the richest metadata, then the first file."""
    return (d.day or 1 << 31, -int(d.facets.get("rich", 0)), d.facets.get("file", ""), d.ref)


def _group_data(docs: list[_Doc], groups: list[list[int]]) -> dict[str, Any]:
    out = []
    for g in groups:
        head = docs[g[0]].sig
        out.append([[docs[i].ref, docs[i].facets.get("id"), docs[i].facets.get("file"), docs[i].facets.get("site"),
                     round(head.jaccard(docs[i].sig), 3)] for i in g])
    return {"groups": out}


def _citation_data(docs: list[_Doc], groups: list[list[int]]) -> dict[str, Any]:
    """Each citing record's targets, and the cited documents with who cites them."""
    canonical = {i: g[0] for g in groups for i in g}
    by_key: dict[str, defaultdict[str, set[int]]] = {k: defaultdict(set) for k in ("number", "title", "short")}
    for i, d in enumerate(docs):
        for k in by_key:
            if key := d.facets.get(k):
                by_key[k][key].add(i)
        title = d.facets.get("title")
        if title and "short" not in d.facets and title.startswith("关于"):  # 关于… is its own short key
            by_key["short"][title].add(i)

    def resolve(number: str | None, title: str | None, short: str | None) -> int | None:
        """The record a citation names: by 文号, else whole title, else title from 关于 on; only
        when the records found are one document (copies count as one: their canonical)."""
        for kind, key in (("number", number), ("title", title), ("short", short)):
            found = by_key[kind].get(key) if key else None
            if found:
                heads = {canonical.get(i, i) for i in found}
                return heads.pop() if len(heads) == 1 else None
        return None

    targets: dict[str, list[str | None]] = {}
    cited: dict[str, dict[str, Any]] = {}
    for i, d in enumerate(docs):
        cites = d.facets.get("cites") or []
        if not cites:
            continue
        mine: list[str | None] = []
        for n, (number, title, short, shown_title, shown_number, text) in enumerate(cites):
            target = resolve(number, title, short)
            if target is not None and canonical.get(target, target) == canonical.get(i, i):
                target = None  # itself, or a copy of itself
            target_id = docs[target].facets.get("id") if target is not None else None
            mine.append(target_id)
            key = f"id:{target_id}" if target_id else (f"number:{number}" if number else (f"title:{title}" if title else f"text:{text}"))
            entry = cited.setdefault(key, {"title": None, "doc_number": None, "target": target_id, "citing": {}})
            if shown_title and not entry["title"]:
                entry["title"] = shown_title
            if shown_number and not entry["doc_number"]:
                entry["doc_number"] = shown_number
            if not entry["title"] and not entry["doc_number"]:
                entry["text"] = text
            entry["citing"].setdefault(d.ref, [d.facets.get("id"), d.day, _region(d.facets), n])
        if any(m is not None for m in mine):
            targets[str(d.facets.get("id"))] = mine
    refs = sorted(({**e, "key": k, "citing": [[ref, *v] for ref, v in e["citing"].items()]} for k, e in cited.items()),
                  key=lambda e: (-len(e["citing"]), e["key"]))
    return {"targets": targets, "refs": refs}


def _region(facets: dict[str, Any]) -> str | None:
    return narrowest(facets)


# ---- reading -----------------------------------------------------------------------------------


class Member(NamedTuple):
    """One copy in a copy group (relations.json: groups)."""

    ref: str  # segment:local
    id: str
    file: str
    site: str | None
    similarity: float


class Citing(NamedTuple):
    """One record citing a document (relations.json: refs[].citing)."""

    ref: str
    id: str
    day: int | None  # the citing record's date as an ordinal
    region: str | None
    n: int  # which of its citations


@dataclass
class Relations:
    """relations.json as read: the copy groups and cited documents keep the JSON's rows until a
    command asks for them as Member and Citing rows (a search needs a few groups, not 20,000
    rows: converting them all cost it 12 ms and more in garbage collection at 100,000 documents)."""

    raw_groups: list[list[list[Any]]] = field(default_factory=list)  # canonical first; Member's fields
    targets: dict[str, list[str | None]] = field(default_factory=dict)
    raw_refs: list[dict[str, Any]] = field(default_factory=list)  # each "citing" holds Citing's fields
    group_of_id: dict[str, int] = field(default_factory=dict)
    group_of_ref: dict[str, int] = field(default_factory=dict)
    # What a reader derives for one segment layout (search/view.py: copy groups by document
    # number), kept here because this object is cached per relations file: a long-running
    # reader (qdn serve) derives it once, not per request.
    derived: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def group(self, g: int) -> list[Member]:
        """One copy group, canonical first."""
        return list(map(Member._make, self.raw_groups[g]))

    @functools.cached_property
    def groups(self) -> list[list[Member]]:
        """Every copy group, largest first (qdn dups)."""
        return [list(map(Member._make, g)) for g in self.raw_groups]

    @functools.cached_property
    def refs(self) -> list[dict[str, Any]]:
        """Every cited document, most cited first, with its citing records as Citing rows."""
        return [{**e, "citing": list(map(Citing._make, e["citing"]))} for e in self.raw_refs]

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
    rel = Relations(groups, data.get("targets") or {}, data.get("refs") or [])
    for g, members in enumerate(groups):
        for m in members:  # JSON rows in Member's order: ref, id, …
            rel.group_of_id[m[1]] = g
            rel.group_of_ref[m[0]] = g
    return rel
