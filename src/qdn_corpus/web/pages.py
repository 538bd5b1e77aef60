"""The HTML pages: search (with facets), a document, a trend chart, and sortable tables of
figures, refs, clauses and adoption. Each reads its form from the URL (so a link reproduces
it), makes library calls and hands plain data (views.py) to a template, which escapes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import Response

from qdn_corpus import results
from qdn_corpus.api import FILTERS, Corpus, FilterOptions
from qdn_corpus.errors import NotFoundError, UsageError
from qdn_corpus.results import Results
from qdn_corpus.web import views
from qdn_corpus.web.context import NAV, codebook, codebooks, shared, template

router = APIRouter(include_in_schema=False)
PAGE = 20
LINKED = ("region", "issuer", "doc_type", "site")  # facets that are also a filter of the same name


class Form:
    """A page's parameters from its URL: texts stripped (an empty field is absent), numbers
    checked with the CLI's kind of message."""

    def __init__(self, request: Request) -> None:
        self.params = {k: v.strip() for k, v in request.query_params.items() if v.strip()}
        self.queries = [v.strip() for v in request.query_params.getlist("q") if v.strip()]

    def text(self, name: str) -> str | None:
        return self.params.get(name)

    def number(self, name: str, default: int | None, least: int = 1) -> int | None:
        value = self.params.get(name)
        if value is None:
            return default
        if not value.isdigit() or int(value) < least:
            raise UsageError(f"{name} must be a whole number of at least {least}, not {value!r}")
        return int(value)

    def flag(self, name: str) -> bool:
        return self.params.get(name) in ("1", "on", "true")

    def filters(self) -> FilterOptions:
        return cast(FilterOptions, {k: v for k in FILTERS if (v := self.params.get(k)) is not None})

    def state(self) -> dict[str, Any]:
        """What the page's links carry on: every parameter, the queries as a list."""
        return {**self.params, "q": self.queries or None}


def page(request: Request, name: str, form: Form, **context: Any) -> Response:
    return template(request, name, {"form": form.params, "queries": form.queries, "nav": NAV,
                                    "link": lambda **c: views.query_string(form.state(), **c), **context})


@router.get("/")
def search_page(request: Request) -> Response:
    form = Form(request)
    q, number = form.text("q"), form.number("page", 1)
    assert number is not None
    within, copies, filters = form.text("within"), form.flag("all_copies"), form.filters()
    found: Results[Any]
    with shared(request) as corpus:
        limit = number * PAGE
        if q is not None:
            found = corpus.search(q, within=within, all_copies=copies, limit=limit, sort=form.text("sort") or "relevance", **filters)
        else:
            found = corpus.list(all_copies=copies, limit=limit, sort=form.text("sort") or "-date", **filters)
        facets = corpus.facets(q, within=within if q else None, all_copies=copies, **filters)
    items = found.items[(number - 1) * PAGE:]
    pages = max(1, -(-found.total // PAGE))
    return page(request, "search.html", form, items=items, total=found.total, number=number, pages=pages, facets=facets,
                linked=LINKED, api="/api/search" if q else "/api/list")


@router.get("/doc/{record_id}")
def document_page(request: Request, record_id: str) -> Response:
    form = Form(request)
    q = form.text("q")
    with shared(request) as corpus:
        record = corpus.get(record_id)
        marks = corpus.marks(q, record.body) if q else []
        try:
            cited_by = corpus.cited_by(record.id).items
        except NotFoundError:  # nothing cites it
            cited_by = []
    lines = views.body_lines(record.body, marks, [h.offset for h in record.outline])
    return page(request, "doc.html", form, r=record, lines=lines, marks=len(marks), cited_by=cited_by,
                url=views.safe_url(record.url), safe_url=views.safe_url)


@router.get("/trend")
def trend_page(request: Request) -> Response:
    form = Form(request)
    by, per = form.text("by") or "month", form.number("per", None)
    context: dict[str, Any] = {"by": by, "chart": None, "rows": [], "totals": {}}
    if form.queries:
        with shared(request) as corpus:
            found = corpus.trend(form.queries, by=by, per=per, within=form.text("within"), all_copies=form.flag("all_copies"),
                                 **form.filters())
        label = lambda b: b if b is not None else ("undated" if by in ("month", "quarter", "year") else f"no {by}")  # noqa: E731
        context.update(chart=views.chart(found.rows, found.queries, label, per=bool(per)), rows=found.rows, totals=found.totals,
                       hidden=found.hidden(), label=label)
    return page(request, "trend.html", form, **context)


def _table(request: Request, form: Form, title: str, rows: list[Any], columns: list[str], links: dict[str, str],
           api: str, **context: Any) -> Response:
    data = results.json_rows(rows)
    for row in data:
        if isinstance(row.get("region"), dict):
            row["region"] = " ".join(v for v in row["region"].values() if v)
        for k, v in row.items():
            if isinstance(v, list):
                row[k] = "; ".join(map(str, v))
    column = form.text("sort")
    shown = views.sorted_rows(data, column, form.flag("desc"))
    return page(request, "table.html", form, title=title, rows=shown, columns=columns, links=links, api=api,
                sort=column, desc=form.flag("desc"), **context)


def _asked(request: Request, fetch: Callable[[Corpus, Form, str], Any]) -> tuple[Form, list[Any]]:
    """A query page's form and rows: fetch(corpus, form, query) once a query is given, else none."""
    form = Form(request)
    q = form.text("q")
    if q is None:
        return form, []
    with shared(request) as corpus:
        return form, list(fetch(corpus, form, q).items)


@router.get("/figures")
def figures_page(request: Request) -> Response:
    form, rows = _asked(request, lambda corpus, form, q: corpus.figures(q, within=form.text("within"), **form.filters()))
    return _table(request, form, "数据 figures", rows, ["date", "region", "indicator", "figure", "value", "unit", "title"],
                  {"title": "id"}, "/api/figures", needs_query=True)


@router.get("/refs")
def refs_page(request: Request) -> Response:
    form = Form(request)
    with shared(request) as corpus:
        rows = corpus.refs(top=form.number("top", 50), **form.filters()).items
    return _table(request, form, "引用 refs: the most cited documents", rows,
                  ["title", "doc_number", "citing_records", "citing_regions", "first", "last"], {"title": "target"}, "/api/refs")


@router.get("/clauses")
def clauses_page(request: Request) -> Response:
    form, rows = _asked(request, lambda corpus, form, q: corpus.clauses(
        q, within=form.text("within"), all_copies=form.flag("all_copies"), **form.filters()))
    return _table(request, form, "条款 clauses", rows, ["code", "date", "path", "text", "title"], {"code": "id"}, "/api/clauses",
                  needs_query=True)


@router.get("/adoption")
def adoption_page(request: Request) -> Response:
    form, rows = _asked(request, lambda corpus, form, q: corpus.adoption(
        q, by=form.text("by") or "county", within=form.text("within"), all_copies=form.flag("all_copies"), **form.filters()))
    return _table(request, form, "采纳 adoption", rows, ["region", "code", "parent", "first_date", "records", "first_title"],
                  {"first_title": "first_id"}, "/api/adoption", needs_query=True, levels=("county", "prefecture", "province"))


@router.get("/code")
def code_page(request: Request) -> Response:
    """The cross-tab of a codebook's codes by bucket: units (and share of the bucket's units)."""
    form = Form(request)
    book = form.text("book") or "example"
    path = codebook(request.app.state.data_dir, book)
    with shared(request) as corpus:
        found = corpus.code(path, unit=form.text("unit") or "clause", by=form.text("by"), all_copies=form.flag("all_copies"),
                            **form.filters())
    buckets, lines = views.crosstab(found.items)
    return page(request, "code.html", form, book=book, books=list(codebooks(request.app.state.data_dir)), found=found,
                buckets=buckets, lines=lines, with_within=False)
