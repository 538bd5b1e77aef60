"""Search and list: a plan in, records or hits out (the library's search entry points;
api.Corpus calls them; a record by id is records.py's)."""

from __future__ import annotations

from qdn_corpus.models import Hit, Record
from qdn_corpus.results import Results
from qdn_corpus.search.plan import Plan
from qdn_corpus.search.snippets import snippets
from qdn_corpus.search.view import View
from qdn_corpus.store import engine

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
