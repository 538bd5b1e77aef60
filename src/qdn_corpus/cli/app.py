"""The `qdn` app: global options, the option types every command shares, the one place where a
command's outcome and the library's errors become exit statuses, progress, and the entry point.
The commands themselves are in commands.py.

Exit status follows grep: 0 something matched, 1 nothing did, 2 an error.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
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


def state_of(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def stderr_console_of() -> Any:
    from qdn_corpus.cli.render import stderr_console

    return stderr_console()


def counted(shown: int, total: int, what: str) -> str:
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


def outcome(func: Callable[..., bool | None]) -> Callable[..., None]:
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
    typer.Option(
        "--within",
        help="Only matches under a heading containing this text, e.g. 存在问题, 第三章 (一、/（一）/1. and 第…章/节/条 headings).",
    ),
]

OcrOpt = Annotated[
    bool, typer.Option("--ocr", help="Read scans and glyph-code PDFs and images by OCR (pip install -e \".\\[ocr]\").")  # \\[: rich markup
]

_FILTERS: tuple[tuple[str, Any], ...] = (
    ("since", SinceOpt), ("until", UntilOpt), ("region", RegionOpt), ("category", CategoryOpt),
    ("doc_type", DocTypeOpt), ("source", SourceOpt), ("site", SiteOpt), ("issuer", IssuerOpt),
)


def with_filters(func: Callable[..., bool | None]) -> Callable[..., bool | None]:
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




def output_format(value: str | None) -> Any:
    from qdn_corpus.cli.render import FORMATS, default_format

    if value is None:
        return default_format(sys.stdout)
    if value not in FORMATS:
        fail(f"unknown format {value!r}: use one of {', '.join(FORMATS)}")
    return value


def corpus_of(ctx: typer.Context, progress: Progress | None = None, on_open: Callable[[], None] | None = None) -> Any:
    """The library's Corpus for the data folder, its notes on stderr, its progress here. A bar
    shown while the index is built or refreshed stops once it is open, before any output."""
    from qdn_corpus.api import Corpus

    state = state_of(ctx)
    bar = progress or Progress(state, "indexing")

    def opened() -> None:
        bar.__exit__()
        if on_open is not None:
            on_open()

    return Corpus(state.data_dir, notes=lambda m: note(state, m), progress=bar, on_open=opened)


class Progress:
    """A progress bar on stderr, shown only on a terminal and only when work takes a moment."""

    def __init__(self, state: State, label: str) -> None:
        self.state, self.label = state, label
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None
        self.described: set[str] = set()  # files -v has told about already

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __call__(self, done: int, total: int, result: Any) -> None:
        if self.state.verbose:
            describe(result)
            self.described.add(result.entry.name)
        if self.bar is None:
            if self.state.quiet or not sys.stderr.isatty() or time.monotonic() - self.started < 0.5:
                return
            from rich.progress import Progress

            self.bar = Progress(console=stderr_console_of(), transient=True)
            self.task = self.bar.add_task(self.label, total=total)
            self.bar.start()
        self.bar.update(self.task, completed=done)


def describe(result: Any) -> None:
    """-v: one line per file (format, layout, encoding, records, or why it was skipped), then its warnings."""
    name = result.entry.name
    if result.skipped:
        print(f"qdn: {name}: skipped ({result.skipped})", file=sys.stderr)
    else:
        what = ", ".join(str(x) for x in (result.format, result.layout, result.encoding) if x)
        print(f"qdn: {name}: {what}, {result.record_count} record(s)", file=sys.stderr)
    for problem in result.problems:
        print(f"qdn: {problem.kind}: {problem}", file=sys.stderr)


IdArg = Annotated[str, typer.Argument(metavar="ID", help="A record id or a unique prefix of one.", show_default=False)]
TopOpt = Annotated[int | None, typer.Option("--top", "-n", help="At most this many (default 20; 0 for all).")]


_LABEL_LINE_RE = re.compile(r"\n(?=[A-Z][A-Za-z ]{0,24}: )")


def reflow_help() -> None:
    """Each command's docstring as typer shows it: paragraphs (blank-line separated) joined into
    one line each, so that the terminal wraps them (typer 0.29 keeps a docstring's own line
    breaks, which at 80 columns break sentences in the middle)."""
    import inspect as _inspect

    for command in app.registered_commands:
        func = command.callback
        if func is not None and func.__doc__:
            # A line that opens with a label ("Example:", "Scans too:") starts a paragraph of its own.
            text = _LABEL_LINE_RE.sub("\n\n", _inspect.cleandoc(func.__doc__))
            joined = (" ".join(line.strip() for line in p.splitlines() if line.strip()) for p in text.split("\n\n"))
            func.__doc__ = "\n\n".join(p for p in joined if p)


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
