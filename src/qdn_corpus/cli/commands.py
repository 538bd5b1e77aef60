"""The `qdn` command: parse options, call one library function, render, map errors to exits.

Exit status follows grep: 0 something matched, 1 nothing did, 2 an error.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from qdn_corpus.errors import QdnError

app = typer.Typer(
    name="qdn",
    help=(
        "Search a folder of Chinese policy documents: parse them into records, index them, "
        "find every passage on a topic.\n\n"
        "Example: qdn search 承诺兑现 --since 2022-11 --region 黔东南"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    data_dir: Path
    verbose: bool = False
    quiet: bool = False


def _state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def _stderr() -> Any:
    from qdn_corpus.cli.render import stderr_console

    return stderr_console()


def _counted(shown: int, total: int, what: str) -> str:
    """2 of 19 record(s) when --limit or --top cut the list, else 19 record(s)."""
    return f"{shown} of {total} {what}" if total > shown else f"{total} {what}"


def note(state: State, message: str) -> None:
    """A one-line note on stderr (silenced by --quiet)."""
    if not state.quiet:
        from qdn_corpus.text.normalize import strip_controls

        print(f"qdn: {strip_controls(message)}", file=sys.stderr)


def fail(message: str, code: int = 2) -> NoReturn:
    from qdn_corpus.text.normalize import strip_controls

    print(f"qdn: error: {strip_controls(message)}", file=sys.stderr)
    raise typer.Exit(code)


def _errors(func: Callable[..., None]) -> Callable[..., None]:
    """The one place where the library's named errors become one line on stderr and an exit
    status (each error's exit_code: 2, or 1 for "no such record"). Every command wears it."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except QdnError as exc:
            fail(str(exc), exc.exit_code)
        except BrokenPipeError:
            # The reader (head, less) went away: not an error of ours.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    return wrapper


@app.callback()
def options(
    ctx: typer.Context,
    data_dir: Annotated[
        Path, typer.Option("--data-dir", envvar="QDN_DATA_DIR", help="Data folder: raw files in DIR/raw, the index in DIR/index.")
    ] = Path("data"),
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show per-file decisions and warnings.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Silence notes (errors still show).")] = False,
) -> None:
    """Search a folder of Chinese policy documents.

    Example: qdn search 承诺兑现 --since 2022-11 --region 黔东南
    """
    ctx.obj = State(data_dir, verbose, quiet and not verbose)


FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="table | json | jsonl | csv (default: table on a terminal, jsonl when piped)."),
]
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", help="At most this many results.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="From this date: 2022, 2022-11, 2022-11-05, 2022.11, 2022年11月.")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Up to the end of this date or period.")]
RegionOpt = Annotated[str | None, typer.Option("--region", help="Province, prefecture or county, any alias: 黔东南, 凯里.")]
CategoryOpt = Annotated[str | None, typer.Option("--category", help="Stream category, e.g. 政策解读.")]
DocTypeOpt = Annotated[str | None, typer.Option("--doc-type", help="Document type: 通知, 意见, 报告, 总结, 解读 …")]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Text in the source or issuer, e.g. 投资促进局.")]
SiteOpt = Annotated[str | None, typer.Option("--site", help="Text in the site's name or host, e.g. 黔东南州人民政府 or qdn.gov.cn.")]
IssuerOpt = Annotated[str | None, typer.Option("--issuer", help="Text in an issuing body (发文机关), e.g. 财政部.")]
SortOpt = Annotated[str | None, typer.Option("--sort", help="relevance | date | -date (newest first).")]
AllCopiesOpt = Annotated[
    bool, typer.Option("--all-copies", help="Every copy of a reposted document, not one row per document.")
]
WithinOpt = Annotated[
    str | None,
    typer.Option("--within", help="Only matches under a heading containing this text, e.g. 存在问题 (一、/（一）/1. headings)."),
]

OcrOpt = Annotated[
    bool, typer.Option("--ocr", help="Read scans and glyph-code PDFs and images by OCR (pip install -e \".[ocr]\").")
]

_FILTERS: tuple[tuple[str, Any], ...] = (
    ("since", SinceOpt), ("until", UntilOpt), ("region", RegionOpt), ("category", CategoryOpt),
    ("doc_type", DocTypeOpt), ("source", SourceOpt), ("site", SiteOpt), ("issuer", IssuerOpt),
)


def _with_filters(func: Callable[..., None]) -> Callable[..., None]:
    """Give a command the record filters (--since … --issuer) in place of its `filters`
    parameter, and pass them on as one query.Filters."""
    signature = inspect.signature(func, eval_str=True)  # typer reads the Annotated options
    params = list(signature.parameters.values())
    at = next(i for i, p in enumerate(params) if p.name == "filters")
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind) for name, kind in _FILTERS]
    rest = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params[at + 1 :]]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        from qdn_corpus.search.query import Filters

        kwargs["filters"] = Filters(**{name: kwargs.pop(name) for name, _ in _FILTERS})
        func(*args, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*params[:at], *added, *rest])  # type: ignore[attr-defined]
    return wrapper


_FORMATS = ("table", "json", "jsonl", "csv")
_SORTS = ("relevance", "date", "-date")


def _format(value: str | None) -> Any:
    from qdn_corpus.cli.render import default_format

    if value is None:
        return default_format(sys.stdout)
    if value not in _FORMATS:
        fail(f"unknown format {value!r}: use one of {', '.join(_FORMATS)}")
    return value


def _sort(value: str | None, default: str) -> Any:
    value = value or default
    if value not in _SORTS:
        fail(f"unknown sort {value!r}: use one of {', '.join(_SORTS)}")
    return value


def _ocr(state: State, wanted: bool) -> None:
    """--ocr: refused at once when the extra is missing; else OCR runs in this process and the
    workers it forks, caching results in the index folder."""
    from qdn_corpus.read.formats import ocr
    from qdn_corpus.store.index import OCR_CACHE, index_dir

    if wanted and not ocr.available():
        fail(f"--ocr needs the OCR extra: {ocr.INSTALL}")
    cache = index_dir(state.data_dir) / OCR_CACHE
    ocr.configure(wanted, cache if cache.parent.is_dir() else None)


def _open_index(state: State) -> Any:
    from qdn_corpus.store.index import open_fresh

    with _Progress(state, "indexing") as progress:
        return open_fresh(state.data_dir, lambda m: note(state, m), progress)


class _Progress:
    """A progress bar on stderr, shown only on a terminal and only when work takes a moment."""

    def __init__(self, state: State, label: str) -> None:
        self.state, self.label = state, label
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None
        self.described: set[str] = set()  # files -v has told about already

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, done: int, total: int, result: Any) -> None:
        if self.state.verbose:
            _describe(result)
            self.described.add(result.entry.name)
        if self.bar is None:
            if self.state.quiet or not sys.stderr.isatty() or time.monotonic() - self.started < 0.5:
                return
            from rich.progress import Progress

            self.bar = Progress(console=_stderr(), transient=True)
            self.task = self.bar.add_task(self.label, total=total)
            self.bar.start()
        self.bar.update(self.task, completed=done)


def _describe(result: Any) -> None:
    """-v: one line per file (format, layout, encoding, records, or why it was skipped), then its warnings."""
    name = result.entry.name
    if result.skipped:
        print(f"qdn: {name}: skipped ({result.skipped})", file=sys.stderr)
    else:
        what = ", ".join(str(x) for x in (result.format, result.layout, result.encoding) if x)
        print(f"qdn: {name}: {what}, {result.record_count} record(s)", file=sys.stderr)
    for problem in result.problems:
        print(f"qdn: {problem.kind}: {problem}", file=sys.stderr)


@app.command()
@_errors
def parse(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to parse.", show_default=False)],
    format: FormatOpt = None,
    ocr: OcrOpt = False,
) -> None:
    """Parse files or folders into records without indexing them.

    Example: qdn parse data/raw/000_79ec2d9e8d54e8d5.txt --format json | jq '.[0].region'
    """
    from qdn_corpus.cli.render import write_items
    from qdn_corpus.read.files import discover, read

    state = _state(ctx)
    fmt = _format(format)
    _ocr(state, ocr)
    records = []
    skipped = 0
    for entry in discover(paths, base=state.data_dir):
        result = read(entry)
        if state.verbose:
            _describe(result)
        else:
            for problem in result.problems:
                if problem.kind == "warning":  # notes (decisions) are for -v
                    note(state, f"warning: {problem}")
        if result.skipped:
            skipped += 1
            if not state.verbose:  # -v said it in the file's line
                note(state, f"skipped {entry.name}: {result.skipped}")
        records.extend(result.records)
        if fmt == "jsonl":  # stream: a large folder shows results as it goes
            write_items(result.records, fmt, sys.stdout)
    if fmt != "jsonl":
        write_items(records, fmt, sys.stdout)
    note(state, f"{len(records)} record(s)" + (f", {skipped} file(s) skipped" if skipped else ""))
    raise typer.Exit(0 if records else 1)


@app.command()
@_errors
def index(
    ctx: typer.Context,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start over instead of updating.")] = False,
    ocr: OcrOpt = False,
) -> None:
    """Index DATA_DIR/raw: parse new or changed files, drop deleted ones, print a summary.

    Example: qdn --data-dir data index --rebuild
    Scans too: pip install -e ".[ocr]" && qdn index --ocr
    """
    from qdn_corpus.store.index import build

    state = _state(ctx)
    _ocr(state, ocr)
    with _Progress(state, "indexing") as progress:
        report = build(state.data_dir, rebuild=rebuild, progress=progress, ocr=ocr)
    warnings = [p for p in report.problems if p.kind == "warning"]  # notes (decisions) are for -v
    for problem in warnings:
        if problem.file not in progress.described:  # -v told them file by file
            note(state, f"warning: {problem}")
    for name, reason in report.skipped:
        if name not in progress.described:
            note(state, f"skipped {name}: {reason}")
    kinds = ", ".join(f"{n} {fmt}" for fmt, n in report.formats.items())
    files = f"{report.files} files" + (f" ({kinds} with records)" if len(report.formats) > 1 else "")
    if report.changed:
        what = "rebuilt" if report.rebuilt else "updated"
        summary = (
            f"{what} the index: {files}, {report.records} records "
            f"({report.added} added, {report.updated} updated, {report.removed} removed; "
            f"{report.parsed_files} files parsed); {report.copy_groups} group(s) of copies, "
            f"{report.citations} citation(s), {report.resolved} to records of the corpus"
        )
    else:
        summary = f"index up to date: {files}, {report.records} records"
    if report.skipped:
        summary += f"; {len(report.skipped)} file(s) skipped"
        from qdn_corpus.read.formats.ocr import HOW

        scans = sum(1 for _, reason in report.skipped if reason.endswith(HOW))
        if scans:
            summary += f" ({scans} scan(s): pip install -e \".[ocr]\", then qdn index --ocr reads them)"
    if warnings:
        summary += f"; {len(warnings)} warning(s)"
    note(state, f"{summary} in {report.seconds:.1f} s")


@app.command()
@_errors
@_with_filters
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words, \"phrases\", AND/OR/NOT, -word, prefix*, field:value.", show_default=False)],
    filters: Any = None,
    within: WithinOpt = None,
    all_copies: AllCopiesOpt = False,
    limit: LimitOpt = 20,
    sort: SortOpt = None,
    format: FormatOpt = None,
) -> None:
    """Find the records that match a query, best first, with the matched passages.

    Each passage carries the heading path it sits under (section).

    Unquoted words must all occur (in any order); a "quoted phrase" must occur exactly. Fields:
    title:, body:, source:, issuer:, site:, number:, region:, category:, type:, date:2022-11,
    date:2021..2022.

    Example: qdn search 承诺兑现 --within 存在问题 --region 黔东南 --format json | jq '.[].title'
    """
    from qdn_corpus.search import prefork

    helper = prefork.take()  # cuts the query's words in a child while the index opens here
    from qdn_corpus.cli.render import write_items
    from qdn_corpus.search.query import check, check_within, plan
    from qdn_corpus.search.query import search as run

    state = _state(ctx)
    fmt, order = _format(format), _sort(sort, "relevance")
    check(query, filters, limit)  # mistakes are reported before any indexing
    check_within(within)
    ix = _open_index(state)
    helper.cut(query)
    planned = plan(query, filters, limit, order, within, all_copies)
    results = run(ix, planned)
    write_items(results.items, fmt, sys.stdout)
    note(state, _counted(len(results.items), results.total, "matching record(s)"))
    raise typer.Exit(0 if results.items else 1)


@app.command()
@_errors
@_with_filters
def trend(
    ctx: typer.Context,
    queries: Annotated[
        list[str],
        typer.Argument(metavar="QUERY...", help="One or more queries (search's language): one series each.", show_default=False),
    ],
    by: Annotated[
        str,
        typer.Option(
            "--by", help="month | quarter | year | region | province | prefecture | county | source | issuer | doc_type | site | category."
        ),
    ] = "month",
    per: Annotated[
        int | None,
        typer.Option(
            "--per",
            help="Records per this many records of the bucket (e.g. 1000), so a month with more documents "
            "collected does not look like more interest.",
        ),
    ] = None,
    filters: Any = None,
    within: WithinOpt = None,
    all_copies: AllCopiesOpt = False,
    format: FormatOpt = None,
) -> None:
    """How often a topic comes up: records and mentions per month, year, region, source ….

    Zero buckets are shown; undated records are counted on their own line.

    Rows for programs: bucket, query, records, mentions, total_records (and per with --per).

    Example: qdn trend 承诺兑现 营商环境 "招商引资" --by year --per 1000
    """
    from qdn_corpus.search import prefork

    helper = prefork.take()
    from qdn_corpus.cli.render import write_trend
    from qdn_corpus.reports.trend import check_by, check_per
    from qdn_corpus.reports.trend import trend as run
    from qdn_corpus.search.query import check, check_within, plan

    state = _state(ctx)
    fmt = _format(format)
    group = check_by(by)
    check_per(per)
    for q in queries:
        check(q, filters, None)
    check_within(within)
    ix = _open_index(state)
    helper.cut(" ".join(f"({q})" for q in queries))  # one query with every series' words
    plans = [plan(q, filters, None, "relevance", within, all_copies) for q in queries]
    result = run(ix, queries, plans, group, per)
    matched = sum(result.totals.values())
    if matched or fmt != "table":  # programs get [] or a CSV header; people get no empty chart
        write_trend(result, fmt, sys.stdout)
    note(state, ", ".join(f"{q}: {n} matching record(s)" for q, n in result.totals.items()))
    raise typer.Exit(0 if matched else 1)


@app.command()
@_errors
@_with_filters
def figures(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What the figures are about (search's language).", show_default=False)],
    filters: Any = None,
    within: WithinOpt = None,
    format: FormatOpt = None,
) -> None:
    """The numbers next to a topic: 96.92%, 355.7亿元, 三千余万元 with value, unit, indicator.

    Each figure in a clause of a matching record that names the query, with the phrase before it.

    Example: qdn figures 到位资金 --region 黔东南 --format csv > 到位资金.csv
    """
    from qdn_corpus.cli.render import write_models
    from qdn_corpus.models import FigureRow
    from qdn_corpus.search.query import check, check_within, figure_rows, plan

    state = _state(ctx)
    fmt = _format(format)
    check(query, filters, None)
    check_within(within)
    rows, matched = figure_rows(_open_index(state), plan(query, filters, None, "relevance", within, all_copies=False))
    write_models(rows, FigureRow, fmt, sys.stdout, [
        ("date", lambda r: r.date, False), ("indicator", lambda r: r.indicator, True),
        ("figure", lambda r: r.figure, False),
        ("value", lambda r: f"{r.value:,}{'+' if r.approx else ''} {r.unit}", False), ("id", lambda r: r.id[:8], False),
    ])
    note(state, f"{len(rows)} figure(s) in {matched} matching record(s)")
    raise typer.Exit(0 if rows else 1)


TopOpt = Annotated[int | None, typer.Option("--top", "-n", help="At most this many (default 20; 0 for all).")]


def _region_label(region: Any) -> str:
    return region.county or region.prefecture or region.province or ""


@app.command()
@_errors
@_with_filters
def refs(
    ctx: typer.Context,
    top: TopOpt = 20,
    filters: Any = None,
    format: FormatOpt = None,
) -> None:
    """The most cited documents, by 文号 when known, else by title.

    For each: how many records cite it, from which regions, the first and last citing date, and
    whether the corpus holds it. Filters choose the citing records.

    Example: qdn refs --region 黔东南 --since 2022 --top 10
    """
    from qdn_corpus.cli.render import write_models
    from qdn_corpus.models import RefRow
    from qdn_corpus.reports.refs import refs as run

    state = _state(ctx)
    fmt = _format(format)
    filter_query = filters.query()
    from qdn_corpus.reports.refs import check_top

    check_top(top)  # before any indexing
    rows, total = run(_open_index(state), filter_query, top or None)
    write_models(rows, RefRow, fmt, sys.stdout, [
        ("cited", lambda r: r.citing_records, False),
        ("document", lambda r: "\n".join(x for x in (r.title or r.text, r.doc_number) if x), True),
        ("regions", lambda r: len(r.citing_regions), False), ("first", lambda r: r.first, False),
        ("last", lambda r: r.last, False), ("held", lambda r: r.target[:8] if r.target else "no", False),
    ])
    note(state, _counted(len(rows), total, "cited document(s)"))
    raise typer.Exit(0 if rows else 1)


@app.command()
@_errors
def cites(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="A record id or a unique prefix of one.", show_default=False)],
    format: FormatOpt = None,
) -> None:
    """What one record cites: each 《title》 or 文号, with the corpus record it names.

    Citations come in the body's order; target is null when the corpus does not hold the document.

    Example: qdn cites 529aaa --format json | jq '.[].doc_number'
    """
    from qdn_corpus.cli.render import write_models
    from qdn_corpus.models import Citation
    from qdn_corpus.search.query import check_id, get

    state = _state(ctx)
    fmt = _format(format)
    check_id(record_id)
    record = get(_open_index(state), record_id)
    write_models(record.citations, Citation, fmt, sys.stdout, [
        ("offset", lambda c: c.offset, False), ("citation", lambda c: c.text, True),
        ("文号", lambda c: c.doc_number, False), ("target", lambda c: c.target[:8] if c.target else None, False),
    ])
    raise typer.Exit(0 if record.citations else 1)


@app.command(name="cited-by")
@_errors
@_with_filters
def cited_by(
    ctx: typer.Context,
    document: Annotated[
        str, typer.Argument(metavar="DOCUMENT", help="A 文号, a title (with or without 《》) or a record id.", show_default=False)
    ],
    filters: Any = None,
    format: FormatOpt = None,
) -> None:
    """The records that cite a document, newest first, with the sentence that cites it.

    Example: qdn cited-by 《贵州省优化营商环境条例》   (or: qdn cited-by 国发〔2022〕2号)
    """
    from qdn_corpus.cli.render import write_models
    from qdn_corpus.models import CitedByRow
    from qdn_corpus.reports.refs import cited_by as run

    state = _state(ctx)
    fmt = _format(format)
    filter_query = filters.query()
    rows = run(_open_index(state), document, filter_query)
    write_models(rows, CitedByRow, fmt, sys.stdout, [
        ("date", lambda r: r.date, False), ("region", lambda r: _region_label(r.region), False),
        ("sentence", lambda r: r.sentence, True), ("id", lambda r: r.id[:8], False),
    ])
    note(state, f"{len(rows)} citing record(s)")
    raise typer.Exit(0 if rows else 1)


@app.command()
@_errors
def dups(
    ctx: typer.Context,
    record_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="List the copies of this record only.", show_default=False)
    ] = None,
    top: TopOpt = 20,
    format: FormatOpt = None,
) -> None:
    """Copies of one document (reposts with their own headers, reprints), largest group first.

    The canonical record (earliest, then richest metadata) comes first in each group.

    Example: qdn dups --top 5   (or: qdn dups 529aaa for one record's copies)
    """
    from qdn_corpus.cli.render import write_models
    from qdn_corpus.models import DupRow
    from qdn_corpus.reports.refs import dups as run

    state = _state(ctx)
    fmt = _format(format)
    from qdn_corpus.reports.refs import check_top

    check_top(top)
    rows, total = run(_open_index(state), record_id, top or None)
    write_models(rows, DupRow, fmt, sys.stdout, [
        ("group", lambda r: f"{r.group} ({r.copies})" if r.canonical else "", False),
        ("similarity", lambda r: f"{r.similarity:.2f}", False), ("date", lambda r: r.date, False),
        ("title / site", lambda r: f"{r.title or '—'} · {r.site or r.file}", True), ("id", lambda r: r.id[:8], False),
    ])
    if record_id is None:
        note(state, f"{total} group(s) of copies")
    elif not rows:
        note(state, f"{record_id} has no copies")
    raise typer.Exit(0 if rows else 1)


@app.command()
@_errors
def stats(
    ctx: typer.Context,
    top: Annotated[int, typer.Option("--top", help="How many of the weakest sites to show.")] = 20,
    format: FormatOpt = None,
) -> None:
    """What the corpus holds and how well it was read: per format and per site, files, records,
    skipped files by reason, OCR, date conflicts, and the share of records with each field.

    Example: qdn stats   (or: qdn stats --format json | jq '.[] | select(.group == "site")')
    """
    from qdn_corpus.cli.render import write_stats
    from qdn_corpus.reports.refs import check_top
    from qdn_corpus.reports.stats import corpus_stats
    from qdn_corpus.search.query import list_records
    from qdn_corpus.store.index import indexed_files

    state = _state(ctx)
    fmt = _format(format)
    check_top(top)
    ix = _open_index(state)
    records = list_records(ix, None, limit=None, sort="-date", all_copies=True).items
    rows = corpus_stats(records, indexed_files(state.data_dir), top)
    write_stats(rows, fmt, sys.stdout)
    raise typer.Exit(0 if records else 1)


@app.command(name="list")
@_errors
@_with_filters
def list_(
    ctx: typer.Context,
    filters: Any = None,
    all_copies: AllCopiesOpt = False,
    limit: LimitOpt = None,
    sort: SortOpt = None,
    format: FormatOpt = None,
) -> None:
    """List records, newest first (undated last), filtered by date, region, source ….

    Example: qdn list --since 2022-11 --region 黔东南州 --format csv > 2022-11.csv
    """
    from qdn_corpus.cli.render import write_items
    from qdn_corpus.search.query import check_limit, list_records

    state = _state(ctx)
    fmt, order = _format(format), _sort(sort, "-date")
    check_limit(limit)
    filter_query = filters.query()
    results = list_records(_open_index(state), filter_query, limit=limit, sort=order, all_copies=all_copies)
    write_items(results.items, fmt, sys.stdout)
    note(state, _counted(len(results.items), results.total, "record(s)"))
    raise typer.Exit(0 if results.items else 1)


@app.command()
@_errors
def show(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="A record id or a unique prefix of one.", show_default=False)],
    format: FormatOpt = None,
) -> None:
    """Show one record in full, with its outline.

    Example: qdn show 9149a584
    """
    from qdn_corpus.cli.render import write_record
    from qdn_corpus.search.query import check_id, get

    state = _state(ctx)
    fmt = _format(format)
    check_id(record_id)
    ix = _open_index(state)
    write_record(get(ix, record_id), fmt, sys.stdout)


@app.command()
@_errors
def schema(
    what: Annotated[
        str,
        typer.Argument(help="record (parse, list, show, search) | trend | figures | refs | cites | cited-by | dups.", show_default=False),
    ] = "record",
) -> None:
    """Print the JSON Schema of what a command emits: records, trend rows, figures ….

    record: what parse, list and show emit (search adds score and snippets); trend, figures,
    refs, cites, cited-by, dups: the rows of those commands.

    Example: qdn schema trend | jq '.properties | keys'
    """
    from pydantic import BaseModel

    from qdn_corpus.models import Citation, CitedByRow, DupRow, FigureRow, Hit, RefRow, StatsRow, TrendRow

    models: dict[str, type[BaseModel]] = {"record": Hit, "trend": TrendRow, "figures": FigureRow, "refs": RefRow, "cites": Citation,
              "cited-by": CitedByRow, "dups": DupRow, "stats": StatsRow}
    if what not in models:
        fail(f"unknown schema {what!r}: use one of {', '.join(models)}")
    from qdn_corpus.cli.render import dumps

    print(dumps(models[what].model_json_schema(), indent=2))


def main() -> None:
    """Entry point: run the app, turning every failure into one line and an exit status."""
    try:
        code = app(prog_name="qdn", standalone_mode=False)  # click's mistakes come here as exceptions, not boxes
    except (KeyboardInterrupt, typer.Abort):
        print("qdn: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # the last guard: a one-line message, never a traceback
        if _is_usage_error(exc):
            if type(exc).__name__ != "NoArgsIsHelpError":  # plain `qdn`: the help is its answer
                print(f"qdn: error: {_usage_line(exc)}", file=sys.stderr)
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if os.environ.get("QDN_DEBUG"):
            raise
        print(f"qdn: internal error: {type(exc).__name__}: {exc} (set QDN_DEBUG=1 for details)", file=sys.stderr)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


def _is_usage_error(exc: Exception) -> bool:
    """click's UsageError, BadParameter, NoSuchOption … (typer 0.29 carries its own copy of
    click, so the class is not importable from one place)."""
    return callable(getattr(exc, "format_message", None)) and isinstance(getattr(exc, "exit_code", None), int)


def _usage_line(exc: Any) -> str:
    """A usage error as one line that says what to do next."""
    from qdn_corpus.text.normalize import strip_controls

    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "qdn"
    option = getattr(exc, "option_name", None)
    if type(exc).__name__ == "NoSuchOption" and option:
        word = next((a for a in sys.argv[1:] if a.startswith(option)), option)
        if not word.lstrip("-")[:1].isascii():  # -疫情: a query, not a mistyped option
            return strip_controls(f"{word} is read as an option: put -- after the options, before the query ({path} -- {word})")
    return strip_controls(f"{' '.join(exc.format_message().split())} (see {path} --help)")
