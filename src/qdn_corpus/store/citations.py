"""Citations between records: resolved after each change, once per distinct citation, and
expanded into cited documents only when a command asks (qdn refs, cites, cited-by).

A citation (found by parsing/citations.py) resolves to the record its 文号, else its title
(whole, else from 关于 on), names when those records are one document (copies count as one:
the group's canonical), and never to the citing record or a copy of it. A corpus cites a few
laws and plans thousands of times, and each segment keeps each distinct citation once (.qcit,
fulltext.py), so an update resolves the distinct citations of the whole index (a dictionary
lookup each) instead of every occurrence. What it writes is relations.json's "targets": for
each record citing a record of the corpus, the target of each of its citations.

The cited documents (each with the records citing it) are derived from the segments and the
targets when read: they are nine tenths of a topical corpus's relations, and writing them on
every update cost seconds at 100,000 documents.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from qdn_corpus.models import Region, narrowest
from qdn_corpus.store.postings import distinct


def resolve(table: Any, groups: list[list[int]]) -> tuple[dict[str, list[str | None]], int, int]:
    """Each citing record's targets (record ids, None where unresolved), by record id, for the
    records with at least one; the number of citations and of those resolved. `table` is
    relations._Table: columns of every live record, and each citing row's distinct citations."""
    import numpy as np

    cols = table.cols
    canonical = {i: g[0] for g in groups for i in g}
    kinds = ("number", "title", "short")
    wanted = {kind: {c[j] for c in table.distinct if c[j]} for j, kind in enumerate(kinds)}  # what is cited
    by_key: dict[str, defaultdict[str, set[int]]] = {k: defaultdict(set) for k in kinds}
    for kind, index in by_key.items():
        want = wanted[kind]
        for i, key in enumerate(cols[kind]):
            if key in want:
                index[key].add(i)
    for i, (title, short) in enumerate(zip(cols["title"], cols["short"], strict=True)):
        if not short and title in wanted["short"] and title.startswith("关于"):  # 关于… is its own short key
            by_key["short"][title].add(i)

    def find(number: str | None, title: str | None, short: str | None) -> int | None:
        """The record a citation names: by 文号, else whole title, else title from 关于 on; only
        when the records found are one document (its canonical)."""
        for kind, key in (("number", number), ("title", title), ("short", short)):
            found = by_key[kind].get(key) if key else None
            if found:
                heads = {canonical.get(i, i) for i in found}
                return heads.pop() if len(heads) == 1 else None
        return None

    found = [find(*c[:3]) for c in table.distinct]
    resolves = np.array([f is not None for f in found], dtype=bool)
    targets: dict[str, list[str | None]] = {}
    total = resolved = 0
    for (_, first, alive), (offsets, cited, index) in zip(table.segments, table.cites, strict=True):
        counts = np.diff(offsets)
        total += int((counts if alive is None else counts[alive]).sum())
        held = resolves[index]  # in the segment's own numbering
        if not held.any():
            continue  # the usual segment of a corpus whose citations name laws it does not hold
        docs = distinct(np.searchsorted(offsets, np.flatnonzero(held[cited]), side="right") - 1)
        rows = docs if alive is None else np.searchsorted(alive, docs)
        if alive is not None:  # a deleted document is no row
            live = rows < len(alive)
            live[live] = alive[rows[live]] == docs[live]
            docs, rows = docs[live], rows[live]
        for d, row in zip(docs.tolist(), rows.tolist(), strict=True):
            own = canonical.get(first + row, first + row)
            cites = index[cited[offsets[d] : offsets[d + 1]]].tolist()
            mine = [cols["id"][t] if (t := found[g]) is not None and t != own else None for g in cites]
            if any(mine):
                targets[str(cols["id"][first + row])] = mine
                resolved += sum(1 for m in mine if m)
    return targets, total, resolved


def cited_documents(leaves: list[tuple[Any, Any]], targets: dict[str, list[str | None]]) -> list[dict[str, Any]]:
    """Every cited document, most cited first: its key (id:…, number:…, title:… or text:…),
    title, 文号 (the first shown by a citing record), text (when it has neither), target record
    id, and "citing": a row per citing record (ref, id, date as an ordinal, region, which of its
    citations), in index order. `leaves` are a reader's (Leaf, SegmentReader) pairs."""
    cited: dict[str, dict[str, Any]] = {}
    for leaf, store in leaves:
        listed, (offsets, indices) = store.column("citations"), store.cites()
        ids, days = store.column("id"), store.days()
        levels = [store.column(level) for level in Region.LEVELS]
        starts = offsets.tolist()
        for d in (offsets[1:] > offsets[:-1]).nonzero()[0].tolist():
            if d in leaf.deleted:
                continue
            cites = indices[starts[d] : starts[d + 1]].tolist()
            ref, rid = f"{leaf.segment_id}:{d}", ids[d]
            mine = targets.get(rid) or [None] * len(cites)
            region = narrowest(dict(zip(Region.LEVELS, (col[d] for col in levels), strict=True)))
            for n, k in enumerate(cites):
                number, title, _short, shown_title, shown_number, text = listed[k]
                target = mine[n] if n < len(mine) else None
                key = f"id:{target}" if target else (f"number:{number}" if number else (f"title:{title}" if title else f"text:{text}"))
                entry = cited.get(key)
                if entry is None:
                    entry = cited[key] = {"title": None, "doc_number": None, "target": target, "citing": {}}
                if shown_title and not entry["title"]:
                    entry["title"] = shown_title
                if shown_number and not entry["doc_number"]:
                    entry["doc_number"] = shown_number
                if not entry["title"] and not entry["doc_number"]:
                    entry["text"] = text
                entry["citing"].setdefault(ref, [rid, days[d], region, n])
    return sorted(({**e, "key": k, "citing": [[ref, *v] for ref, v in e["citing"].items()]} for k, e in cited.items()),
                  key=lambda e: (-len(e["citing"]), e["key"]))
