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


def _errors(func: Callable[..., bool | None]) -> Callable[..., None]:
    """The one place where a command's outcome becomes an exit status: what it returns (True:
    something was found, 0; False: nothing, 1; None: 0), and the library's named errors, one
    line on stderr and their exit_code (2, or 1 for "no such record"). Every command wears it."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            found = func(*args, **kwargs)
        except QdnError as exc:
            fail(str(exc), exc.exit_code)
        except BrokenPipeError:
            # The reader (head, less) went away: not an error of ours.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        if found is False:
            raise typer.Exit(1)

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


def _with_filters(func: Callable[..., bool | None]) -> Callable[..., bool | None]:
    """Give a command the record filters (--since … --issuer) in place of its `filters`
    parameter, and pass on those given as one dict of keyword arguments for the library."""
    signature = inspect.signature(func, eval_str=True)  # typer reads the Annotated options
    params = list(signature.parameters.values())
    at = next(i for i, p in enumerate(params) if p.name == "filters")
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind) for name, kind in _FILTERS]
    rest = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params[at + 1 :]]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> bool | None:
        kwargs["filters"] = {name: value for name, _ in _FILTERS if (value := kwargs.pop(name)) is not None}
        return func(*args, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*params[:at], *added, *rest])  # type: ignore[attr-defined]
    return wrapper




def _format(value: str | None) -> Any:
    from qdn_corpus.cli.render import FORMATS, default_format

    if value is None:
        return default_format(sys.stdout)
    if value not in FORMATS:
        fail(f"unknown format {value!r}: use one of {', '.join(FORMATS)}")
    return value


def _corpus(ctx: typer.Context, progress: _Progress | None = None, on_open: Callable[[], None] | None = None) -> Any:
    """The library's Corpus for the data folder, its notes on stderr, its progress here."""
    from qdn_corpus.api import Corpus

    state = _state(ctx)
    return Corpus(state.data_dir, notes=lambda m: note(state, m), progress=progress or _Progress(state, "indexing"), on_open=on_open)


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
            self.bar = None

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
) -> bool:
    """Parse files or folders into records without indexing them.

    Example: qdn parse data/raw/000_79ec2d9e8d54e8d5.txt --format json | jq '.[0].region'
    """
    from qdn_corpus.cli.render import write
    from qdn_corpus.models import Record

    state = _state(ctx)
    fmt = _format(format)
    records: list[Record] = []
    skipped = 0
    for result in _corpus(ctx).parse(paths, ocr=ocr):
        if state.verbose:
            _describe(result)
        else:
            for problem in result.problems:
                if problem.kind == "warning":  # notes (decisions) are for -v
                    note(state, f"warning: {problem}")
        if result.skipped:
            skipped += 1
            if not state.verbose:  # -v said it in the file's line
                note(state, f"skipped {result.entry.name}: {result.skipped}")
        records.extend(result.records)
        if fmt == "jsonl":  # stream: a large folder shows results as it goes
            write(result.records, Record, fmt, sys.stdout)
    if fmt != "jsonl":
        write(records, Record, fmt, sys.stdout)
    note(state, f"{len(records)} record(s)" + (f", {skipped} file(s) skipped" if skipped else ""))
    return bool(records)


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
    state = _state(ctx)
    with _Progress(state, "indexing") as progress:
        report = _corpus(ctx, progress).index(rebuild=rebuild, ocr=ocr)
    warnings = [p for p in report.problems if p.kind == "warning"]  # notes (decisions) are for -v
    for problem in warnings:
        if problem.file not in progress.described:  # -v told them file by file
            note(state, f"warning: {problem}")
    for name, reason in report.skipped:
        if name not in progress.described:
            note(state, f"skipped {name}: {reason}")
    note(state, report.summary())


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
    sort: SortOpt = "relevance",
    format: FormatOpt = None,
) -> bool:
    """Find the records that match a query, best first, with the matched passages.

    Each passage carries the heading path it sits under (section).

    Unquoted words must all occur (in any order); a "quoted phrase" must occur exactly. Fields:
    title:, body:, source:, issuer:, site:, number:, region:, category:, type:, date:2022-11,
    date:2021..2022.

    Example: qdn search 承诺兑现 --within 存在问题 --region 黔东南 --format json | jq '.[].title'
    """
    from qdn_corpus.search import prefork

    helper = prefork.take()  # cuts the query's words in a child while the index opens here
    from qdn_corpus.cli.render import write
    from qdn_corpus.models import Hit

    fmt = _format(format)
    with _Progress(_state(ctx), "indexing") as progress:
        corpus = _corpus(ctx, progress, on_open=lambda: helper.cut(query))
        hits = corpus.search(query, within=within, all_copies=all_copies, limit=limit, sort=sort, **filters)
    write(hits.items, Hit, fmt, sys.stdout)
    note(_state(ctx), _counted(len(hits), hits.total, "matching record(s)"))
    return bool(hits)


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
) -> bool:
    """How often a topic comes up: records and mentions per month, year, region, source ….

    Zero buckets are shown; undated records are counted on their own line.

    Rows for programs: bucket, query, records, mentions, total_records (and per with --per).

    Example: qdn trend 承诺兑现 营商环境 "招商引资" --by year --per 1000
    """
    from qdn_corpus.search import prefork

    helper = prefork.take()
    from qdn_corpus.cli.render import write_trend

    fmt = _format(format)
    words = " ".join(f"({q})" for q in queries)  # one query with every series' words
    with _Progress(_state(ctx), "indexing") as progress:
        corpus = _corpus(ctx, progress, on_open=lambda: helper.cut(words))
        result = corpus.trend(queries, by=by, per=per, within=within, all_copies=all_copies, **filters)
    matched = sum(result.totals.values())
    if matched or fmt != "table":  # programs get [] or a CSV header; people get no empty chart
        write_trend(result, fmt, sys.stdout)
    note(_state(ctx), ", ".join(f"{q}: {n} matching record(s)" for q, n in result.totals.items()))
    return bool(matched)


@app.command()
@_errors
@_with_filters
def figures(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What the figures are about (search's language).", show_default=False)],
    filters: Any = None,
    within: WithinOpt = None,
    format: FormatOpt = None,
) -> bool:
    """The numbers next to a topic: 96.92%, 355.7亿元, 三千余万元 with value, unit, indicator.

    Each figure in a clause of a matching record that names the query, with the phrase before it.

    Example: qdn figures 到位资金 --region 黔东南 --format csv > 到位资金.csv
    """
    from qdn_corpus.cli.render import COLUMNS, write
    from qdn_corpus.models import FigureRow

    fmt = _format(format)
    found = _corpus(ctx).figures(query, within=within, **filters)
    write(found.items, FigureRow, fmt, sys.stdout, COLUMNS["figures"])
    note(_state(ctx), f"{len(found)} figure(s) in {found.records} matching record(s)")
    return bool(found)


TopOpt = Annotated[int | None, typer.Option("--top", "-n", help="At most this many (default 20; 0 for all).")]


@app.command()
@_errors
@_with_filters
def refs(
    ctx: typer.Context,
    top: TopOpt = 20,
    filters: Any = None,
    format: FormatOpt = None,
) -> bool:
    """The most cited documents, by 文号 when known, else by title.

    For each: how many records cite it, from which regions, the first and last citing date, and
    whether the corpus holds it. Filters choose the citing records.

    Example: qdn refs --region 黔东南 --since 2022 --top 10
    """
    from qdn_corpus.cli.render import COLUMNS, write
    from qdn_corpus.models import RefRow

    fmt = _format(format)
    rows = _corpus(ctx).refs(top=top, **filters)
    write(rows.items, RefRow, fmt, sys.stdout, COLUMNS["refs"])
    note(_state(ctx), _counted(len(rows), rows.total, "cited document(s)"))
    return bool(rows)


@app.command()
@_errors
def cites(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="A record id or a unique prefix of one.", show_default=False)],
    format: FormatOpt = None,
) -> bool:
    """What one record cites: each 《title》 or 文号, with the corpus record it names.

    Citations come in the body's order; target is null when the corpus does not hold the document.

    Example: qdn cites 529aaa --format json | jq '.[].doc_number'
    """
    from qdn_corpus.cli.render import COLUMNS, write
    from qdn_corpus.models import Citation

    fmt = _format(format)
    rows = _corpus(ctx).cites(record_id)
    write(rows.items, Citation, fmt, sys.stdout, COLUMNS["cites"])
    return bool(rows)


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
) -> bool:
    """The records that cite a document, newest first, with the sentence that cites it.

    Example: qdn cited-by 《贵州省优化营商环境条例》   (or: qdn cited-by 国发〔2022〕2号)
    """
    from qdn_corpus.cli.render import COLUMNS, write
    from qdn_corpus.models import CitedByRow

    fmt = _format(format)
    rows = _corpus(ctx).cited_by(document, **filters)
    write(rows.items, CitedByRow, fmt, sys.stdout, COLUMNS["cited-by"])
    note(_state(ctx), f"{len(rows)} citing record(s)")
    return bool(rows)


@app.command()
@_errors
def dups(
    ctx: typer.Context,
    record_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="List the copies of this record only.", show_default=False)
    ] = None,
    top: TopOpt = 20,
    format: FormatOpt = None,
) -> bool:
    """Copies of one document (reposts with their own headers, reprints), largest group first.

    The canonical record (earliest, then richest metadata) comes first in each group.

    Example: qdn dups --top 5   (or: qdn dups 529aaa for one record's copies)
    """
    from qdn_corpus.cli.render import COLUMNS, write
    from qdn_corpus.models import DupRow

    fmt = _format(format)
    rows = _corpus(ctx).dups(record_id, top=top)
    write(rows.items, DupRow, fmt, sys.stdout, COLUMNS["dups"])
    if record_id is None:
        note(_state(ctx), f"{rows.total} group(s) of copies")
    elif not rows:
        note(_state(ctx), f"{record_id} has no copies")
    return bool(rows)


@app.command()
@_errors
def stats(
    ctx: typer.Context,
    top: Annotated[int, typer.Option("--top", help="How many of the weakest sites to show.")] = 20,
    format: FormatOpt = None,
) -> bool:
    """What the corpus holds and how well it was read: per format and per site, files, records,
    skipped files by reason, OCR, date conflicts, and the share of records with each field.

    Example: qdn stats   (or: qdn stats --format json | jq '.[] | select(.group == "site")')
    """
    from qdn_corpus.cli.render import write_stats

    fmt = _format(format)
    rows = _corpus(ctx).stats(top=top)
    write_stats(rows.items, fmt, sys.stdout)
    return bool(rows.total)


@app.command(name="list")
@_errors
@_with_filters
def list_(
    ctx: typer.Context,
    filters: Any = None,
    all_copies: AllCopiesOpt = False,
    limit: LimitOpt = None,
    sort: SortOpt = "-date",
    format: FormatOpt = None,
) -> bool:
    """List records, newest first (undated last), filtered by date, region, source ….

    Example: qdn list --since 2022-11 --region 黔东南州 --format csv > 2022-11.csv
    """
    from qdn_corpus.cli.render import write
    from qdn_corpus.models import Record

    fmt = _format(format)
    with _Progress(_state(ctx), "indexing") as progress:
        records = _corpus(ctx, progress).list(all_copies=all_copies, limit=limit, sort=sort, **filters)
    write(records.items, Record, fmt, sys.stdout)
    note(_state(ctx), _counted(len(records), records.total, "record(s)"))
    return bool(records)


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

    fmt = _format(format)
    write_record(_corpus(ctx).get(record_id), fmt, sys.stdout)


@app.command()
@_errors
def export(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder to write the tables into.", show_default=False)],
    format: Annotated[str, typer.Option("--format", "-f", help="parquet | jsonl | csv.")] = "parquet",
) -> bool:
    """Write the corpus as tables: records, citations and copies, one file each, for DuckDB,
    Polars, pandas, R's arrow or Spark. Parquet needs pip install -e ".[parquet]".

    Example: qdn export out/ --format parquet && duckdb -c "select count(*) from 'out/records.parquet'"
    """
    with _Progress(_state(ctx), "indexing") as progress:
        report = _corpus(ctx, progress).export(folder, format=format)
    note(_state(ctx), f"wrote {', '.join(f'{n} {table}' for table, n in report.rows.items())} to {folder}")
    return bool(report.rows.get("records"))


@app.command()
@_errors
def schema(
    what: Annotated[
        str,
        typer.Argument(
            help="record (parse, list, show, search) | trend | figures | refs | cites | cited-by | dups | stats | citation-row.",
            show_default=False,
        ),
    ] = "record",
) -> None:
    """Print the JSON Schema of what a command emits: records, trend rows, figures ….

    record: what parse, list and show emit (search adds score and snippets); trend, figures,
    refs, cites, cited-by, dups, stats: the rows of those commands; citation-row: the rows of
    qdn export's citations table (copies are dups rows).

    Example: qdn schema trend | jq '.properties | keys'
    """
    from pydantic import BaseModel

    from qdn_corpus.models import Citation, CitationRow, CitedByRow, DupRow, FigureRow, Hit, RefRow, StatsRow, TrendRow
    from qdn_corpus.results import dumps

    models: dict[str, type[BaseModel]] = {"record": Hit, "trend": TrendRow, "figures": FigureRow, "refs": RefRow, "cites": Citation,
              "cited-by": CitedByRow, "dups": DupRow, "stats": StatsRow, "citation-row": CitationRow}
    if what not in models:
        fail(f"unknown schema {what!r}: use one of {', '.join(models)}")
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
