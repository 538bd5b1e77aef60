"""Search, list and get: a plan in, records or hits out (the library's search entry points;
api.Corpus calls them)."""

from __future__ import annotations

import regex

from qdn_corpus.errors import NoSuchRecordError, UsageError
from qdn_corpus.models import Hit, Record
from qdn_corpus.results import Results
from qdn_corpus.search.plan import Plan
from qdn_corpus.search.snippets import snippets
from qdn_corpus.search.view import View, stored_record
from qdn_corpus.store import engine, relations
from qdn_corpus.store.index import links_of

EXACT_BONUS = 50.0  # the whole query as typed ranks above its words apart


def search(ix: engine.Index, p: Plan) -> Results[Hit]:
    """Records matching a planned query, best first (or by date), with snippets.

    Matching is set algebra over document numbers; only the page shown is read from Whoosh.
    """
    with ix.reader() as reader:
        view = View(reader, ix)
        docs = view.matching_mask(p)
        scores = view.scores(docs, p.words)
        if p.sort == "relevance":
            page = view.best(docs, scores, p.limit, p.exact, EXACT_BONUS)
        else:
            page = view.by_date(docs, p.sort, p.limit)
            view.add_bonus(scores, page, p.exact, EXACT_BONUS)  # the page's scores as relevance gives them
        hits = []
        for d in page:
            hit = view.hit(d, round(float(scores[d]), 4))
            hit.snippets = snippets(hit, p.highlights, within=p.within)
            hits.append(hit)
    return Results(hits, int(docs.sum()))


def list_records(ix: engine.Index, p: Plan) -> Results[Record]:
    """Records matching a plan's filters (a listing: no query), newest first unless its sort
    says otherwise, undated last; one per copy group unless all_copies."""
    with ix.reader() as reader:
        view = View(reader, ix)
        docs = view.matching_mask(p)
        page = view.by_date(docs, "-date" if p.sort == "relevance" else p.sort, p.limit)
        return Results([view.record(d) for d in page], int(docs.sum()))


def check_id(prefix: str) -> str:
    prefix = prefix.strip().lower()
    if not regex.fullmatch(r"[0-9a-f]{1,16}", prefix):
        raise UsageError(f"{prefix!r} is not a record id: ids are hexadecimal, e.g. 9149a584")
    return prefix


def get(ix: engine.Index, prefix: str) -> Record:
    """The one record whose id starts with `prefix`."""
    prefix = check_id(prefix)
    with ix.reader() as reader:
        found = reader.ids_starting(prefix, 6)
    if not found:
        raise NoSuchRecordError(f"no record with an id starting {prefix!r}; `qdn list` shows the ids")
    if len(found) > 1:
        shown = ", ".join(i for i, _ in found[:5])
        many = f"{len(found)}" if len(found) < 6 else "6 or more"
        raise UsageError(f"id prefix {prefix!r} matches {many} records ({shown}…): give more characters")
    return stored_record(found[0][1], relations.load(ix.folder), links_of(ix), Record)
