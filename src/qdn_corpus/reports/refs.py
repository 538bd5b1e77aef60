"""Reading relations: the most cited documents, what a record cites, who cites a
document, and the copy groups (qdn refs, cites, cited-by, dups)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import regex

from qdn_corpus.errors import NoSuchRecordError, UsageError
from qdn_corpus.models import CitedByRow, DupRow, RefRow
from qdn_corpus.search.plan import check_top
from qdn_corpus.search.records import check_id, get
from qdn_corpus.search.view import View
from qdn_corpus.store.engine import Index
from qdn_corpus.store.relations import Citing

_SENTENCE_END = "。！？!?；;\n"


def _date(day: int | None) -> dt.date | None:
    return dt.date.fromordinal(day) if day else None


def _allowed(view: View, filter: Any) -> set[str] | None:
    """The names (segment:local) of the records that pass the filters, or None for all."""
    if filter is None:
        return None
    return {view.ref(d) for d in view.docs(filter)}


def refs(ix: Index, filter: Any = None, top: int | None = 20) -> tuple[list[RefRow], int]:
    """The most cited documents (by 文号 when known, else by title) and how many there are."""
    check_top(top)
    with ix.reader() as reader:
        view = View(reader, ix)
        allowed = _allowed(view, filter)
        rows = []
        for entry in view.relations.refs(view.leaves):
            citing = [c for c in entry["citing"] if allowed is None or c.ref in allowed]
            citing = _one_per_document(view, citing)
            if not citing:
                continue
            days = sorted(c.day for c in citing if c.day)
            regions = Counter(c.region for c in citing if c.region)
            rows.append(RefRow(
                title=entry.get("title"), doc_number=entry.get("doc_number"), text=entry.get("text"),
                target=entry.get("target"), held=entry.get("target") is not None, citing_records=len(citing),
                citing_regions=[r for r, _ in regions.most_common()], first=_date(days[0] if days else None),
                last=_date(days[-1] if days else None),
            ))
    rows.sort(key=lambda r: -r.citing_records)
    return (rows[:top] if top else rows), len(rows)


def _one_per_document(view: View, citing: list[Citing]) -> list[Citing]:
    """Citing records with copies counted once (the first of each copy group)."""
    seen: set[int] = set()
    out = []
    for c in citing:
        g = view.relations.group_of_id.get(c.id)
        if g is None or g not in seen:
            out.append(c)
            if g is not None:
                seen.add(g)
    return out


def cited_by(ix: Index, what: str, filter: Any = None) -> list[CitedByRow]:
    """The records citing a document named by its 文号, its title or its record id, newest first."""
    from qdn_corpus.read.fields import normalise_doc_number
    from qdn_corpus.read.parsing.citations import number_key, short_title_key, title_key
    text = what.strip()
    if not text:
        raise UsageError("name a document: a 文号 (国发〔2022〕2号), a title (《…》) or a record id")
    number = normalise_doc_number(text)
    title = text.strip("《》")
    keys = {f"number:{number_key(number)}"} if number else {f"title:{title_key(title)}", f"text:{text}"}
    short = None if number else short_title_key(title)
    is_id = bool(regex.fullmatch(r"[0-9a-f]{4,16}", text))
    with ix.reader() as reader:
        view = View(reader, ix)
        allowed = _allowed(view, filter)
        entries = [
            e for e in view.relations.refs(view.leaves)
            if e["key"] in keys or (is_id and (e.get("target") or "").startswith(text))
            or (number and e.get("doc_number") and number_key(e["doc_number"]) == number_key(number))
            or (not number and e.get("title") and (title_key(e["title"]) == title_key(title)
                                                   or (short and short_title_key(e["title"]) == short)))
        ]
        if not entries and is_id:
            raise NoSuchRecordError(f"no document cited by the id {text!r}; `qdn refs` lists the cited documents")
        rows: dict[str, CitedByRow] = {}
        for e in entries:
            for ref, rid, _day, _region, n in e["citing"]:
                d = view.docnum(ref)
                if d is None or rid in rows or (allowed is not None and ref not in allowed):
                    continue
                record = view.record(d)
                c = record.citations[n] if n < len(record.citations) else None
                sentence = _sentence(record.body, c.offset if c else 0)
                rows[rid] = CitedByRow(id=record.id, date=record.date, region=record.region, title=record.title,
                                       file=record.file, citation=c.text if c else "", sentence=sentence)
    return sorted(rows.values(), key=lambda r: (r.date is None, -(r.date.toordinal() if r.date else 0), r.id))


def _sentence(body: str, offset: int) -> str:
    start = max((body.rfind(ch, 0, offset) for ch in _SENTENCE_END), default=-1) + 1
    ends = [i for ch in _SENTENCE_END if (i := body.find(ch, offset)) >= 0]
    end = min(ends) + 1 if ends else len(body)
    return body[start:end].strip()


def dups(ix: Index, record_id: str | None = None, top: int | None = 20) -> tuple[list[DupRow], int]:
    """Copy groups, largest first (each member a row, canonical first); or one record's group.
    Also the number of groups."""
    check_top(top)
    with ix.reader() as reader:
        view = View(reader, ix)
        groups = view.relations.groups
        if record_id is not None:
            prefix = check_id(record_id)
            chosen = [g for g, members in enumerate(groups) if any(m.id.startswith(prefix) for m in members)]
            if not chosen:
                get(ix, prefix)  # no such record (exit 1) or an ambiguous prefix (exit 2) say so
                return [], len(groups)
            if len(chosen) > 1:
                raise UsageError(f"id prefix {prefix!r} matches records of {len(chosen)} groups: give more characters")
        else:
            chosen = list(range(len(groups)))[: top or None]
        rows = []
        for n, g in enumerate(chosen, 1):
            for i, (ref, rid, file, site, similarity) in enumerate(groups[g]):
                d = view.docnum(ref)
                record = view.record(d) if d is not None else None
                rows.append(DupRow(
                    group=n if record_id is None else g + 1, copies=len(groups[g]), id=rid, canonical=i == 0,
                    similarity=similarity, date=record.date if record else None, title=record.title if record else None,
                    site=site, file=file,
                ))
    return rows, len(groups)
