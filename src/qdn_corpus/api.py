"""The library: one corpus folder, every question the `qdn` command answers, as Python calls.

    from qdn_corpus import Corpus
    corpus = Corpus("data")
    hits = corpus.search("承诺兑现", since="2022-11", region="黔东南", within="存在问题", limit=50)
    hits.total, hits[0].title, hits[0].snippets[0].section
    df = hits.to_pandas()

Each method takes the options of the command of the same name, keyword-only and with the same
names and defaults (`--doc-type` is `doc_type`); returns the models the command's JSON shows;
and raises the command's errors (QdnError subclasses, with the message the command prints).
Options are checked before the index is opened. The index is opened, and built or refreshed as
the command does, at the first call that needs it; `refresh()` looks again.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

if sys.version_info >= (3, 11):
    from typing import Unpack
else:
    from typing_extensions import Unpack

from qdn_corpus.errors import UsageError
from qdn_corpus.models import Citation, CitedByRow, DupRow, FigureRow, Hit, Record, RefRow, StatsRow
from qdn_corpus.reports.facets import FACETS
from qdn_corpus.results import Results
from qdn_corpus.rows import AdoptionRow, Clause
from qdn_corpus.search.plan import Filters, Plan, check_top, plan, request

if TYPE_CHECKING:
    from qdn_corpus.read.files import FileResult
    from qdn_corpus.reports.export import ExportReport
    from qdn_corpus.reports.facets import Facets
    from qdn_corpus.reports.network import Network
    from qdn_corpus.reports.trend import Trend
    from qdn_corpus.store.engine import Index
    from qdn_corpus.store.update import IndexReport, Progress


class FilterOptions(TypedDict, total=False):
    """The record filters every listing method takes (the commands' --since … --issuer)."""

    since: str | None  # 2022, 2022-11, 2022-11-05, 2022.11, 2022年11月
    until: str | None  # up to the end of this date or period
    region: str | None  # province, prefecture or county, any alias: 黔东南, 凯里
    category: str | None  # stream category, e.g. 政策解读
    doc_type: str | None  # 通知, 意见, 报告 …
    source: str | None  # text in the source or issuer
    site: str | None  # text in the site's name or host
    issuer: str | None  # text in an issuing body (发文机关)


FILTERS: tuple[str, ...] = tuple(FilterOptions.__annotations__)


def _filters(options: FilterOptions) -> Filters:
    unknown = set(options) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown filter(s): {', '.join(sorted(unknown))}; the filters are {', '.join(FILTERS)}")
    return Filters(**options)


@dataclass
class Figures(Results[FigureRow]):
    """qdn figures: the figures (total: how many) and the number of matching records."""

    records: int = 0


@dataclass
class Clauses(Results[Clause]):
    """qdn clauses: the units (total: how many) and the number of records holding them."""

    records: int = 0


@dataclass
class Coded(Results[Any]):
    """qdn code: the rows --show asked for, the units coded (units), those any code matched
    (coded), the codebook's codes as category/label and its name."""

    units: int = 0
    coded: int = 0
    codes: list[str] = field(default_factory=list)
    name: str | None = None  # the codebook's name


class Corpus:
    """A corpus folder: raw files in DATA_DIR/raw, the index in DATA_DIR/index.

    `notes` receives the one-line notes the command prints on stderr (index built, refreshed …);
    `progress(done, total, file)` is called for each file indexed or parsed; `on_open()` once the
    index is open, before a query is compiled (the command hands over words its tokeniser
    process cut meanwhile).
    """

    def __init__(
        self, data_dir: str | Path = "data", *, notes: Callable[[str], None] | None = None, progress: Progress | None = None,
        on_open: Callable[[], None] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.notes = notes or (lambda message: None)
        self.progress = progress
        self.on_open = on_open
        self._ix: Index | None = None
        self._stamp: tuple[str, int] | None = None

    def __repr__(self) -> str:
        return f"Corpus({str(self.data_dir)!r})"

    # ---- the index -------------------------------------------------------------------------

    def open(self) -> Index:
        """The index, opened once (built or refreshed first when raw files changed)."""
        if self._ix is None:
            from qdn_corpus.store.index import stamp
            from qdn_corpus.store.update import open_fresh

            self._ix = open_fresh(self.data_dir, self.notes, self.progress)
            self._stamp = stamp(self.data_dir)
            if self.on_open is not None:
                self.on_open()
        return self._ix

    def refresh(self) -> None:
        """Look at the raw files again at the next call (a notebook kept open while files change)."""
        self._ix = None

    def sync(self) -> bool:
        """Reopen the index if `qdn index` has published a new one since it was opened; never
        builds or refreshes it (a long-running reader: qdn serve asks before each request).
        True when it was reopened."""
        from qdn_corpus.store.index import live, open_generation, stamp

        now = stamp(self.data_dir)
        if self._ix is None or now == self._stamp or now is None:
            return False
        fresh = open_generation(live(self.data_dir))
        if fresh is None:  # mid-write or foreign: keep reading the one we have
            return False
        self._ix, self._stamp = fresh, now
        return True

    def index(self, *, rebuild: bool = False, ocr: bool = False, cluster: str | None = None) -> IndexReport:
        """Parse new or changed raw files, drop deleted ones; the summary `qdn index` prints.

        `cluster` is a Dask scheduler's address (`tcp://host:8786`; the `dask` extra): the files
        are parsed, read by OCR and tokenised on its workers, and the index is written here."""
        from qdn_corpus.store.update import build

        self._ocr(ocr, here=cluster is None)
        report = build(self.data_dir, rebuild=rebuild, progress=self.progress, ocr=ocr, cluster=cluster or None)
        self._ix = None
        return report

    def _ocr(self, wanted: bool, here: bool = True) -> None:
        """OCR for this process and the workers it forks, cached in the index folder; refused
        at once when the extra is missing (on a cluster, the workers need it instead)."""
        from qdn_corpus.read.formats import ocr
        from qdn_corpus.store.index import OCR_CACHE, index_dir

        if wanted and here and not ocr.available():
            raise UsageError(f"--ocr needs the OCR extra: {ocr.INSTALL}")
        cache = index_dir(self.data_dir) / OCR_CACHE
        ocr.configure(wanted, cache if cache.parent.is_dir() else None)

    def parse(self, paths: Iterable[str | Path], *, ocr: bool = False) -> Iterator[FileResult]:
        """Parse files or folders without indexing them: one FileResult (records, problems, skip
        reason) per file, lazily."""
        from qdn_corpus.read.files import discover, read

        self._ocr(ocr)
        for entry in discover([Path(p) for p in paths], base=self.data_dir):
            yield read(entry)

    # ---- search and list -------------------------------------------------------------------

    def search(
        self, query: str, *, within: str | None = None, all_copies: bool = False, limit: int | None = 20,
        sort: str = "relevance", **filters: Unpack[FilterOptions],
    ) -> Results[Hit]:
        """The records matching a query, best first, with their passages (`qdn search`)."""
        from qdn_corpus.search.searcher import search

        p = request(query, filters=_filters(filters), within=within, all_copies=all_copies, limit=limit, sort=sort)
        ix = self.open()  # before plan(): the query's words are cut once the index is open
        return search(ix, plan(p))

    def list(
        self, *, all_copies: bool = False, limit: int | None = None, sort: str = "-date", **filters: Unpack[FilterOptions],
    ) -> Results[Record]:
        """Records newest first (undated last), filtered (`qdn list`)."""
        from qdn_corpus.search.searcher import list_records

        p = request(None, filters=_filters(filters), all_copies=all_copies, limit=limit, sort=sort)
        return list_records(self.open(), plan(p))

    def records(
        self, *, all_copies: bool = False, sort: str = "-date", **filters: Unpack[FilterOptions],
    ) -> Iterator[Record]:
        """Every record `list` would give, one at a time: the order is decided first, each record
        is read only when the iteration reaches it."""
        from qdn_corpus.search.view import View

        p = plan(request(None, filters=_filters(filters), all_copies=all_copies, sort=sort))
        ix = self.open()
        with ix.reader() as reader:
            view = View(reader, ix)
            order = view.by_date(view.matching_mask(p), "-date" if p.sort == "relevance" else p.sort, None)
            for d in order:
                yield view.record(d)

    def get(self, record_id: str) -> Record:
        """The one record whose id starts with `record_id` (`qdn show`)."""
        from qdn_corpus.search.records import check_id, get

        check_id(record_id)
        return get(self.open(), record_id)

    def facets(
        self, query: str | None = None, *, by: Sequence[str] = FACETS, top: int = 10, within: str | None = None,
        all_copies: bool = False, **filters: Unpack[FilterOptions],
    ) -> Facets:
        """How the records `search` (or `list`, without a query) finds spread over years,
        regions, issuers, types, sites and formats, and how many copies were folded."""
        from qdn_corpus.reports.facets import check_facets, facets

        names = check_facets(list(by))
        check_top(top)
        p = request(query, filters=_filters(filters), within=within, all_copies=all_copies)
        ix = self.open()
        return facets(ix, plan(p), names, top)

    def marks(self, query: str, text: str) -> builtins.list[tuple[int, int]]:
        """Where a query's texts occur in a text, as (start, end) offsets: what search marks in
        a snippet (the whole query's text where it occurs, else its words)."""
        from qdn_corpus.search.snippets import occurrences
        from qdn_corpus.text.normalize import fold

        p = request(query)
        self.open()  # the query's words are cut with the index's dictionary
        return sorted((s, e) for s, e, _ in occurrences(fold(text), plan(p).highlights))

    # ---- reports ---------------------------------------------------------------------------

    def trend(
        self, queries: str | Sequence[str], *, by: str = "month", per: int | None = None, within: str | None = None,
        all_copies: bool = False, **filters: Unpack[FilterOptions],
    ) -> Trend:
        """Records and mentions of each query per month, year, region … (`qdn trend`)."""
        from qdn_corpus.reports.trend import check_by, check_per, trend

        texts = [queries] if isinstance(queries, str) else list(queries)
        if not texts:
            raise UsageError("trend needs at least one query")
        group = check_by(by)
        check_per(per)
        chosen = _filters(filters)
        requests = [request(q, filters=chosen, within=within, all_copies=all_copies) for q in texts]
        ix = self.open()
        return trend(ix, texts, [plan(r) for r in requests], group, per)

    def figures(self, query: str, *, within: str | None = None, **filters: Unpack[FilterOptions]) -> Figures:
        """The numbers next to a topic, with value, unit and indicator (`qdn figures`)."""
        from qdn_corpus.reports.figures import figure_rows

        p = request(query, filters=_filters(filters), within=within)
        ix = self.open()
        rows, matched = figure_rows(ix, plan(p))
        return Figures(rows, len(rows), matched)

    def clauses(
        self, query: str | None = None, *, within: str | None = None, all_copies: bool = False,
        **filters: Unpack[FilterOptions],
    ) -> Clauses:
        """Every matching record cut into clause units with hierarchical codes; with a query, the
        units that match it (`qdn clauses`)."""
        from qdn_corpus.reports.clauses import clauses

        p = request(query, filters=_filters(filters), within=within, all_copies=all_copies)
        rows, held = clauses(self.open(), p)
        return Clauses(rows, len(rows), held)

    def code(
        self, codebook: str | Path, *, unit: str = "clause", by: str | None = None, show: str = "table",
        all_copies: bool = False, **filters: Unpack[FilterOptions],
    ) -> Coded:
        """Code every unit of the matching records with a codebook file (`qdn code`): the
        cross-tab of codes by bucket (show="table"), the coded units ("units"), the units no
        code matched ("uncoded") or the codes that occur together ("cooccurrence")."""
        from qdn_corpus.reports import codebook as books
        from qdn_corpus.reports.coding import check_by, check_show, check_unit, code

        kind, show, by = check_unit(unit), check_show(show), check_by(by)
        book = books.load(codebook)
        p = request(None, filters=_filters(filters), all_copies=all_copies)
        found = code(self.open(), book, p, kind, by, show)
        return Coded(found.rows, len(found.rows), found.total, int(found.coded().sum()), [c.key for c in book.codes], book.name)

    def adoption(
        self, query: str, *, by: str = "county", within: str | None = None, all_copies: bool = False,
        **filters: Unpack[FilterOptions],
    ) -> Results[AdoptionRow]:
        """When each region first matched a query, and the regions under `within` that never did
        (`qdn adoption`); total: regions that adopted."""
        from qdn_corpus.reports.adoption import adoption, check_level, check_within

        level = check_level(by)
        place = check_within(within, level)
        p = request(query, filters=_filters(filters), all_copies=all_copies)
        ix = self.open()
        rows = adoption(ix, plan(p), level, place)
        return Results(rows, sum(r.adopted for r in rows))

    def network(
        self, *, kind: str = "issuers", min: int = 1, all_copies: bool = False, **filters: Unpack[FilterOptions],
    ) -> Network:
        """The co-issuing network of joint documents, or the citation network (kind="cites"), of
        the matching records (`qdn network`): nodes, edges of weight `min` or more, the graph."""
        from qdn_corpus.reports.network import check_kind, check_min, network, networkx

        chosen, least = check_kind(kind), check_min(min)
        networkx()  # the extra is there, before any index is built
        p = request(None, filters=_filters(filters), all_copies=all_copies)
        return network(self.open(), plan(p), chosen, least)

    def refs(self, *, top: int | None = 20, **filters: Unpack[FilterOptions]) -> Results[RefRow]:
        """The most cited documents; filters choose the citing records (`qdn refs`)."""
        from qdn_corpus.reports.refs import refs

        check_top(top)
        filter_query = _plan_filters(filters).filter
        rows, total = refs(self.open(), filter_query, top or None)
        return Results(rows, total)

    def cites(self, record_id: str) -> Results[Citation]:
        """What one record cites, in the body's order (`qdn cites`)."""
        record = self.get(record_id)
        return Results(record.citations, len(record.citations))

    def cited_by(self, document: str, **filters: Unpack[FilterOptions]) -> Results[CitedByRow]:
        """The records citing a document named by 文号, title or record id (`qdn cited-by`)."""
        from qdn_corpus.reports.refs import cited_by

        filter_query = _plan_filters(filters).filter
        rows = cited_by(self.open(), document, filter_query)
        return Results(rows, len(rows))

    def dups(self, record_id: str | None = None, *, top: int | None = 20) -> Results[DupRow]:
        """Copy groups, largest first, or one record's copies (`qdn dups`); total: all groups."""
        from qdn_corpus.reports.refs import dups
        from qdn_corpus.search.records import check_id

        check_top(top)
        if record_id is not None:
            check_id(record_id)
        rows, total = dups(self.open(), record_id, top or None)
        return Results(rows, total)

    def stats(self, *, top: int = 20) -> Results[StatsRow]:
        """What the corpus holds and how well it was read (`qdn stats`); total: records."""
        from qdn_corpus.reports.stats import corpus_stats
        from qdn_corpus.store.index import indexed_files

        check_top(top)
        records = list(self.records(all_copies=True))
        return Results(corpus_stats(records, indexed_files(self.data_dir), top), len(records))

    def export(self, folder: str | Path, *, format: str = "parquet") -> ExportReport:
        """Every record (snippets aside), citation and copy group as tables in FOLDER (`qdn export`)."""
        from qdn_corpus.reports.export import check_format, export, prepare

        fmt = check_format(format)
        out = prepare(Path(folder))
        return export(out, fmt, self.records(all_copies=True), self.dups(top=0).items)


def _plan_filters(filters: FilterOptions) -> Plan:
    """The compiled filters of a report that takes filters only (refs, cited-by)."""
    return plan(request(None, filters=_filters(filters)))


__all__ = ["FILTERS", "Clauses", "Coded", "Corpus", "Figures", "FilterOptions"]
