"""/api/COMMAND: what `qdn COMMAND --format json` prints, for the same options as query
parameters (`--doc-type 通知` is doc_type=通知, a repeated option a repeated parameter), or the
same rows as CSV with format=csv. Each route is one library call; the rows go through the
serialiser every JSON output uses (results.json_rows, results.dumps)."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from qdn_corpus import results
from qdn_corpus.models import Citation, CitedByRow, DupRow, FigureRow, Hit, Record, RefRow, StatsRow, TrendRow
from qdn_corpus.rows import CODING_ROWS, AdoptionRow, Clause, CodeCount, CodedUnit, CoOccurrence, NetworkEdge, NetworkNode
from qdn_corpus.web.context import codebook, shared

router = APIRouter(prefix="/api", tags=["api"])


@dataclass
class Filters:
    """The record filters of every listing command (--since … --issuer), as query parameters."""

    since: Annotated[str | None, Query(description="From this date: 2022, 2022-11, 2022-11-05")] = None
    until: Annotated[str | None, Query(description="Up to the end of this date or period")] = None
    region: Annotated[str | None, Query(description="Province, prefecture or county, any alias: 黔东南")] = None
    category: Annotated[str | None, Query(description="Stream category, e.g. 政策解读")] = None
    doc_type: Annotated[str | None, Query(description="Document type: 通知, 意见, 报告 …")] = None
    source: Annotated[str | None, Query(description="Text in the source or issuer")] = None
    site: Annotated[str | None, Query(description="Text in the site's name or host")] = None
    issuer: Annotated[str | None, Query(description="Text in an issuing body (发文机关)")] = None

    def given(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v is not None}


FiltersDep = Annotated[Filters, Depends()]
Format = Annotated[str, Query(pattern="^(json|csv)$", description="json (the CLI's --format json) or csv")]
Within = Annotated[str | None, Query(description="Only matches under a heading containing this text")]
Q = Annotated[str, Query(description="A query in search's language: words, \"phrases\", AND/OR/NOT, field:value")]


def rows_response(rows: Any, model: Any, fmt: str, exclude: tuple[str, ...] = ()) -> Response:
    """The rows as the CLI's --format json (or csv) writes them."""
    if fmt == "csv":
        out = io.StringIO()
        results.write_csv(rows, model, out, exclude)
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8")
    return Response(results.dumps(results.json_rows(rows, exclude)), media_type="application/json")


@router.get("/search", response_model=list[Hit])
def search(
    request: Request, q: Q, filters: FiltersDep, within: Within = None, all_copies: bool = False, limit: int | None = 20,
    sort: str = "relevance", format: Format = "json",
) -> Response:
    with shared(request) as corpus:
        hits = corpus.search(q, within=within, all_copies=all_copies, limit=limit, sort=sort, **filters.given())
    return rows_response(hits.items, Hit, format)


@router.get("/list", response_model=list[Record])
def list_(
    request: Request, filters: FiltersDep, all_copies: bool = False, limit: int | None = None, sort: str = "-date",
    format: Format = "json",
) -> Response:
    with shared(request) as corpus:
        found = corpus.list(all_copies=all_copies, limit=limit, sort=sort, **filters.given())
    return rows_response(found.items, Record, format)


@router.get("/show/{record_id}", response_model=list[Record])
def show(request: Request, record_id: str, format: Format = "json") -> Response:
    with shared(request) as corpus:
        return rows_response([corpus.get(record_id)], Record, format)


@router.get("/trend", response_model=list[TrendRow])
def trend(
    request: Request, q: Annotated[list[str], Query(description="One query per series")], filters: FiltersDep,
    by: str = "month", per: int | None = None, within: Within = None, all_copies: bool = False, format: Format = "json",
) -> Response:
    with shared(request) as corpus:
        found = corpus.trend(q, by=by, per=per, within=within, all_copies=all_copies, **filters.given())
    return rows_response(found.rows, TrendRow, format, found.hidden())


@router.get("/figures", response_model=list[FigureRow])
def figures(request: Request, q: Q, filters: FiltersDep, within: Within = None, format: Format = "json") -> Response:
    with shared(request) as corpus:
        found = corpus.figures(q, within=within, **filters.given())
    return rows_response(found.items, FigureRow, format)


@router.get("/refs", response_model=list[RefRow])
def refs(request: Request, filters: FiltersDep, top: int | None = 20, format: Format = "json") -> Response:
    with shared(request) as corpus:
        found = corpus.refs(top=top, **filters.given())
    return rows_response(found.items, RefRow, format)


@router.get("/cites/{record_id}", response_model=list[Citation])
def cites(request: Request, record_id: str, format: Format = "json") -> Response:
    with shared(request) as corpus:
        found = corpus.cites(record_id)
    return rows_response(found.items, Citation, format)


@router.get("/cited-by", response_model=list[CitedByRow])
def cited_by(
    request: Request, document: Annotated[str, Query(description="文号, title or record id")], filters: FiltersDep,
    format: Format = "json",
) -> Response:
    with shared(request) as corpus:
        found = corpus.cited_by(document, **filters.given())
    return rows_response(found.items, CitedByRow, format)


@router.get("/dups", response_model=list[DupRow])
def dups(request: Request, id: str | None = None, top: int | None = 20, format: Format = "json") -> Response:
    with shared(request) as corpus:
        found = corpus.dups(id, top=top)
    return rows_response(found.items, DupRow, format)


@router.get("/clauses", response_model=list[Clause])
def clauses(
    request: Request, filters: FiltersDep, q: str | None = None, within: Within = None, all_copies: bool = False,
    format: Format = "json",
) -> Response:
    with shared(request) as corpus:
        found = corpus.clauses(q, within=within, all_copies=all_copies, **filters.given())
    return rows_response(found.items, Clause, format)


@router.get("/code", response_model=list[CodeCount] | list[CodedUnit] | list[Clause] | list[CoOccurrence])
def code(
    request: Request, filters: FiltersDep,
    book: Annotated[str, Query(description="example (the bundled one) or the name of a file in DATA/codebooks")] = "example",
    unit: str = "clause", by: str | None = None, show: str = "table", all_copies: bool = False, format: Format = "json",
) -> Response:
    """qdn code DATA/codebooks/BOOK.toml (book=example: qdn code --example's codebook)."""
    path = codebook(request.app.state.data_dir, book)
    with shared(request) as corpus:
        found = corpus.code(path, unit=unit, by=by, show=show, all_copies=all_copies, **filters.given())
    return rows_response(found.items, CODING_ROWS[show], format)


@router.get("/adoption", response_model=list[AdoptionRow])
def adoption(
    request: Request, q: Q, filters: FiltersDep, by: str = "county", within: str | None = None, all_copies: bool = False,
    format: Format = "json",
) -> Response:
    with shared(request) as corpus:
        found = corpus.adoption(q, by=by, within=within, all_copies=all_copies, **filters.given())
    return rows_response(found.items, AdoptionRow, format)


@router.get("/network", response_model=list[NetworkEdge] | list[NetworkNode])
def network(
    request: Request, filters: FiltersDep, kind: str = "issuers", min: int = 1,
    show: Annotated[str, Query(pattern="^(edges|nodes)$")] = "edges", all_copies: bool = False, format: Format = "json",
) -> Response:
    with shared(request) as corpus:
        found = corpus.network(kind=kind, min=min, all_copies=all_copies, **filters.given())
    if show == "nodes":
        return rows_response(found.nodes, NetworkNode, format)
    return rows_response(found.edges, NetworkEdge, format)


@router.get("/stats", response_model=list[StatsRow])
def stats(request: Request, top: int = 20, format: Format = "json") -> Response:
    with shared(request) as corpus:
        found = corpus.stats(top=top)
    return rows_response(found.items, StatsRow, format)


@router.get("/facets")
def facets(
    request: Request, filters: FiltersDep, q: str | None = None, by: Annotated[list[str] | None, Query()] = None,
    top: int = 10, within: Within = None, all_copies: bool = False,
) -> Response:
    """The search page's side panel (no command prints it): {facet: [[value, records] …]},
    total, folded."""
    from qdn_corpus.reports.facets import FACETS

    with shared(request) as corpus:
        found = corpus.facets(q, by=by or FACETS, top=top, within=within, all_copies=all_copies, **filters.given())
    return Response(results.dumps({"counts": found.counts, "total": found.total, "folded": found.folded}), media_type="application/json")
