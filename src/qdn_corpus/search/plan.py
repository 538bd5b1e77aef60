"""Requests and plans: the options of a search, list, trend or figures checked once (Request),
then compiled into a query tree over the index (Plan).

Every mistake a user can make in them is found when the Request is made, before any index
opens; the compiled query (which cuts words with the tokeniser) is built after, by plan().
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from qdn_corpus.errors import UsageError
from qdn_corpus.search.language import Bool, Node, Not, parse_query
from qdn_corpus.search.tree import (
    Native,
    Without,
    WordPrefix,
    all_of,
    any_of,
    date_query,
    date_range,
    region_query,
    searchable,
    substring,
)
from qdn_corpus.store import engine
from qdn_corpus.text.dates import parse_period
from qdn_corpus.text.normalize import fold

Sort = Literal["relevance", "date", "-date"]
SORTS: tuple[str, ...] = get_args(Sort)


@dataclass(frozen=True)
class Filters:
    """The record filters every listing command takes (--since … --issuer)."""

    since: str | None = None
    until: str | None = None
    region: str | None = None
    category: str | None = None
    doc_type: str | None = None
    source: str | None = None
    site: str | None = None
    issuer: str | None = None

    def query(self) -> Any:
        """The filters' query tree (None without any); raises QdnError on a mistake in them."""
        parts: list[Any] = []
        if self.since or self.until:
            start = parse_period(self.since)[0] if self.since else None
            end = parse_period(self.until)[1] if self.until else None
            if start and end and start > end:
                raise UsageError(f"--since {self.since} is after --until {self.until}")
            parts.append(date_range(start, end))
        if self.region:
            parts.append(region_query(self.region))
        if self.category:
            parts.append(Native(engine.term("category", self.category)))
        if self.doc_type:
            parts.append(Native(engine.term("doc_type", self.doc_type)))
        if self.source:
            parts.append(substring(searchable(self.source), ("source_text",)))
        if self.site:
            parts.append(substring(searchable(self.site), ("site_text",)))
        if self.issuer:
            parts.append(substring(searchable(self.issuer), ("issuer_text",)))
        if not parts:
            return None
        return all_of(parts)


@dataclass(frozen=True)
class Request:
    """One checked request: a query (None lists records), its filters and options. Make it with
    request(), which refuses every mistake."""

    query: str | None
    filters: Filters
    within: str | None  # folded: only occurrences under a heading containing it count
    all_copies: bool
    limit: int | None
    sort: Sort


def check_limit(limit: int | None) -> None:
    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be at least 1 (got {limit})")


def check_top(top: int | None) -> None:
    if top is not None and top < 0:
        raise UsageError(f"--top must be 1 or more (0 for all), not {top}")


def check_sort(sort: str) -> Sort:
    if sort not in SORTS:
        raise UsageError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    return sort  # type: ignore[return-value]


def check_within(within: str | None) -> str | None:
    """--within's folded text (None without it); an error when it is empty."""
    if within is None:
        return None
    t = fold(within).strip()
    if not t:
        raise UsageError("--within needs the text of a heading, e.g. --within 存在问题")
    return t


def check_query(text: str) -> None:
    """The mistakes plan() would find in a query, without cutting words (so before the
    tokeniser loads): its syntax and its date: fields."""

    def walk(node: Node) -> None:
        if isinstance(node, Bool):
            for child in node.children:
                walk(child)
        elif isinstance(node, Not):
            walk(node.child)
        elif node.field == "date":
            date_query(node.text)

    walk(parse_query(text))


def request(
    query: str | None = None, *, filters: Filters | None = None, within: str | None = None, all_copies: bool = False,
    limit: int | None = None, sort: str = "relevance",
) -> Request:
    """A checked Request; raises QdnError (UsageError, QuerySyntaxError) on any mistake."""
    filters = filters or Filters()
    check_limit(limit)
    order = check_sort(sort)
    folded_within = check_within(within)
    filters.query()
    if query is not None:
        check_query(query)
    return Request(query, filters, folded_within, all_copies, limit, order)


@dataclass
class Plan:
    """A request compiled against the index's fields: what matches, what ranks, what a
    snippet marks."""

    request: Request
    match: Any  # None: every record (a listing)
    filter: Any
    words: list[str] = field(default_factory=list)  # ranked with BM25
    exact: list[Any] = field(default_factory=list)  # matches of these rank first
    highlights: list[str] = field(default_factory=list)  # folded texts a snippet marks

    @property
    def limit(self) -> int | None:
        return self.request.limit

    @property
    def sort(self) -> Sort:
        return self.request.sort

    @property
    def within(self) -> str | None:
        return self.request.within

    @property
    def all_copies(self) -> bool:
        return self.request.all_copies


def plan(req: Request) -> Plan:
    """Compile a checked request (its query cut into words by the tokeniser)."""
    if req.query is None:
        return Plan(req, None, req.filters.query())
    c = compile_node(parse_query(req.query))
    return Plan(req, c.match, req.filters.query(), list(dict.fromkeys(c.words)), c.exact, c.highlights)


@dataclass
class _Compiled:
    match: Any
    words: list[str] = field(default_factory=list)  # ranked with BM25
    exact: list[Any] = field(default_factory=list)  # matches of these rank first
    highlights: list[str] = field(default_factory=list)  # folded texts a snippet marks


_TEXT_FIELDS = ("body", "title_text")
_SUBSTRING_FIELDS = {
    "title": ("title_text",), "body": ("body",), "source": ("source_text",), "number": ("number_text",),
    "issuer": ("issuer_text",), "site": ("site_text",),
}


def compile_node(node: Node) -> _Compiled:
    """One parsed query node as index query trees: what matches, ranks, is marked."""
    from qdn_corpus.text.tokens import query_words, words

    if isinstance(node, Bool):
        parts = [compile_node(c) for c in node.children]
        match = (all_of if node.op == "and" else any_of)([p.match for p in parts])
        return _Compiled(
            match, [w for p in parts for w in p.words], [e for p in parts for e in p.exact],
            [h for p in parts for h in p.highlights],
        )
    if isinstance(node, Not):
        return _Compiled(Without(compile_node(node.child).match))
    if node.field in _SUBSTRING_FIELDS:
        t = node.folded
        return _Compiled(substring(t, _SUBSTRING_FIELDS[node.field]), [], [], [t])
    if node.field == "region":
        return _Compiled(region_query(node.text))
    if node.field in ("category", "type"):
        name = "category" if node.field == "category" else "doc_type"
        return _Compiled(Native(engine.term(name, node.text)))
    if node.field == "date":
        return _Compiled(date_query(node.text))
    if node.field == "file":
        return _Compiled(Native(engine.wildcard("file", f"*{node.text}*")))
    t = node.folded
    if node.prefix:
        return _Compiled(WordPrefix(t), [], [], [t])
    if node.phrase:
        return _Compiled(substring(t, _TEXT_FIELDS), words(t), [], [t])
    ws = query_words(t) or [t]
    match = all_of([substring(w, _TEXT_FIELDS) for w in ws])
    # The exact string ranks above the same words apart (承诺兑现 above 承诺不兑现).
    exact = [substring(t, _TEXT_FIELDS)] if len(ws) > 1 else []
    return _Compiled(match, words(t), exact, [t, *ws])
