"""Writers for records and hits: rich tables for people, JSON/JSONL/CSV for programs.

The only place that prints records. Document text is untrusted: it reaches the terminal only as
rich Text (never parsed as markup) with control characters made visible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple

from qdn_corpus import results
from qdn_corpus.models import Hit, Record, Snippet
from qdn_corpus.results import dumps
from qdn_corpus.text.normalize import strip_controls

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text

    from qdn_corpus.reports.trend import Trend

# rich is imported where a table or panel is drawn: JSON output never pays for it (~45 ms).

Format = Literal["table", "json", "jsonl", "csv"]
FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv")


def default_format(stream: IO[str]) -> Format:
    """Tables on a terminal, JSON Lines when piped."""
    return "table" if stream.isatty() else "jsonl"


def stdout_console() -> Console:
    """Writes to sys.stdout as it is when printing (tests and pipes replace it)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def safe(text: str | None) -> Text:
    """Untrusted text for the terminal: literal, control characters escaped."""
    from rich.text import Text

    return Text(strip_controls(text or ""))


def write(
    rows: Sequence[BaseModel], model: type[BaseModel], fmt: Format, out: IO[str], columns: Sequence[Column] = (),
    exclude: Sequence[str] = (),
) -> None:
    """The one writer of rows: JSON, JSON Lines or CSV (results.py's serialiser; the CSV header
    comes from the model, so no rows is still a table pandas can read), or for people a table:
    records and hits as _table draws them, other rows in the named columns given."""
    if fmt == "json":
        out.write(dumps(results.json_rows(rows, exclude), indent=2) + "\n")
    elif fmt == "jsonl":
        for r in results.json_rows(rows, exclude):
            out.write(dumps(r) + "\n")
    elif fmt == "csv":
        results.write_csv(rows, model, out, exclude)
    elif issubclass(model, Record):
        stdout_console().print(_table(rows))  # type: ignore[arg-type]
    else:
        _column_table(rows, columns)


def _snippet_text(snippet: Snippet) -> Text:
    from rich.text import Text

    text = Text("…")
    pos = 0
    for start, end in snippet.highlights:
        text.append(strip_controls(snippet.text[pos:start]).replace("\n", " "))
        text.append(strip_controls(snippet.text[start:end]).replace("\n", " "), style="bold yellow")
        pos = end
    text.append(strip_controls(snippet.text[pos:]).replace("\n", " ") + "…")
    return text


def _table(items: Sequence[Record]) -> Table:
    from rich.console import Group
    from rich.table import Table

    hits = bool(items) and isinstance(items[0], Hit)
    table = Table(show_lines=hits, expand=False)
    table.add_column("date", no_wrap=True)
    table.add_column("region", no_wrap=True)
    table.add_column("title / snippets" if hits else "title", overflow="fold")
    if hits:
        table.add_column("score", justify="right", no_wrap=True)
    table.add_column("id", no_wrap=True, style="dim")
    for item in items:
        region = item.region.narrowest() or ""
        title = safe(item.display_title())
        title.stylize("bold")
        cells: list[RenderableType] = [str(item.date or "—"), safe(region)]
        if item.copies > 1:
            title.append_text(_copies_note(item))
        if isinstance(item, Hit):
            parts: list[RenderableType] = [title]
            for snip in item.snippets:
                if snip.section:
                    parts.append(safe(" › ".join(snip.section)))
                    parts[-1].stylize("dim")  # type: ignore[union-attr]
                parts.append(_snippet_text(snip))
            cells.append(Group(*parts))
            cells.append(f"{item.score:.2f}")
        else:
            cells.append(title)
        cells.append(item.id[:8])
        table.add_row(*cells)
    return table


def _copies_note(record: Record) -> Text:
    """ (also in 2 files: www.kaili.gov.cn, 黔东南州人民政府)"""
    others = record.copies - 1
    sites = list(dict.fromkeys(c.site for c in record.copies_in if c.site))
    note = f" (also in {others} file{'s' if others > 1 else ''}" + (f": {', '.join(sites[:3])}" if sites else "") + ")"
    text = safe(note)
    text.stylize("dim")
    return text


def write_record(record: Record, fmt: Format, out: IO[str]) -> None:
    """One record in full: fields, outline and body."""
    if fmt != "table":
        write([record], Record, fmt, out)
        return
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = stdout_console()
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column()
    for name, value in (
        ("id", record.id), ("date", str(record.date or "—") + (f" ({record.date_source})" if record.date_source else "")),
        ("region", record.region.label() or "—"), ("category", record.category), ("type", record.doc_type),
        ("source", record.source), ("issuer", record.issuer), ("addressee", record.addressee),
        ("number", record.doc_number), ("file", f"{record.file} @ {record.offset}"),
        ("copies", f"{record.copies} (canonical {(record.canonical or '')[:8]}; qdn dups {record.id[:8]})" if record.copies > 1 else None),
        ("cites", f"{len(record.citations)} (qdn cites {record.id[:8]})" if record.citations else None),
    ):
        if value:
            fields.add_row(name, safe(value))
    for label, value in record.meta.items():
        fields.add_row(Text(label, style="dim"), safe(value or "—"))
    outline = Text()
    depth = {level: n for n, level in enumerate(sorted({h.level for h in record.outline}))}
    for h in record.outline:
        outline.append("  " * depth[h.level] + strip_controls(f"{h.marker}{h.text}") + "\n")
    parts: list[RenderableType] = [fields]
    if record.outline:
        parts += [Text("\noutline", style="bold"), outline]
    parts += [Text("\n"), safe(record.body)]
    console.print(Panel(Group(*parts), title=safe(record.display_title(60)), title_align="left"))


# ---- trends --------------------------------------------------------------------------------

_BLOCKS = " ▁▂▃▄▅▆▇█"


def write_trend(trend: Trend, fmt: Format, out: IO[str]) -> None:
    """Tidy rows (models.TrendRow; `per` only with --per) for programs; a bar chart (one
    query) or a table with sparklines (several) for people."""
    if fmt != "table":
        from qdn_corpus.models import TrendRow

        write(trend.rows, TrendRow, fmt, out, exclude=trend.hidden())
    elif len(trend.queries) == 1:
        stdout_console().print(_bar_chart(trend))
    else:
        console = stdout_console()
        console.print(_series_table(trend))
        console.print(_sparklines(trend, console.width))


def _label(bucket: str | None, trend: Trend) -> str:
    if bucket is not None:
        return bucket
    return "undated" if trend.by in ("month", "quarter", "year") else f"no {trend.by}"


def _value(row: Any, trend: Trend) -> float:
    return float(row.per if trend.per else row.records)


def _bar_chart(trend: Trend) -> Text:
    """One row per bucket: label, a bar scaled to the largest, records and mentions."""
    from rich.cells import cell_len
    from rich.text import Text

    width = min(stdout_console().width, 100)
    labels = [strip_controls(_label(r.bucket, trend)) for r in trend.rows]
    label_w = min(max((cell_len(x) for x in labels), default=4), 24)
    nums = [(f"{r.per:g}" if trend.per else f"{r.records}", f"{r.mentions}") for r in trend.rows]
    rec_w = max([len(a) for a, _ in nums] + [len("records" if not trend.per else f"per {trend.per}")])
    men_w = max([len(b) for _, b in nums] + [len("mentions")])
    bar_w = max(width - label_w - rec_w - men_w - 4, 10)
    top = max((_value(r, trend) for r in trend.rows), default=0) or 1
    head = f"{'per ' + str(trend.per) if trend.per else 'records':>{rec_w}} {'mentions':>{men_w}}"
    text = Text()
    text.append(f"{strip_controls(trend.queries[0])} by {trend.by}: {trend.totals[trend.queries[0]]} records\n", style="bold")
    text.append(" " * (label_w + bar_w + 2) + head + "\n", style="dim")
    for r, label, (a, b) in zip(trend.rows, labels, nums, strict=True):
        eighths = round(_value(r, trend) / top * bar_w * 8)
        bar = "█" * (eighths // 8) + (_BLOCKS[eighths % 8] if eighths % 8 else "")
        shown = _fit(label, label_w)
        text.append(shown + " " * (label_w - cell_len(shown)) + " ")
        text.append(f"{bar:<{bar_w}}", style="cyan")
        text.append(f" {a:>{rec_w}} {b:>{men_w}}\n")
    return text


def _fit(label: str, width: int) -> str:
    from rich.cells import cell_len

    while cell_len(label) > width:
        label = label[:-2] + "…"
    return label


def _series_table(trend: Trend) -> Table:
    from rich.table import Table

    table = Table(expand=False)
    table.add_column(trend.by, no_wrap=True)
    for q in trend.queries:
        table.add_column(_fit(strip_controls(q), 16), justify="right", overflow="fold")
    by_bucket: dict[str | None, dict[str, Any]] = {}
    for r in trend.rows:
        by_bucket.setdefault(r.bucket, {})[r.query] = r
    for bucket, row in by_bucket.items():
        cells = [safe(_label(bucket, trend))]
        for q in trend.queries:
            r = row[q]
            cells.append(safe(f"{r.per:g}" if trend.per else f"{r.records} ({r.mentions})"))
        table.add_row(*cells)
    table.caption = ("records per " + str(trend.per) + " in the bucket") if trend.per else "records (mentions)"
    return table


def _sparklines(trend: Trend, width: int) -> Text:
    """One line per query: its series in eighth-blocks, buckets summed in pairs, threes … when
    there are more than the line holds."""
    from rich.cells import cell_len
    from rich.text import Text

    labels = [_fit(strip_controls(q), 16) for q in trend.queries]
    label_w = max(cell_len(x) for x in labels)
    room = max(min(width, 100) - label_w - 12, 8)
    text = Text()
    for q, label in zip(trend.queries, labels, strict=True):
        values = [_value(r, trend) for r in trend.rows if r.query == q and r.bucket is not None]
        group = -(-len(values) // room) if values else 1
        values = [sum(values[i : i + group]) for i in range(0, len(values), group)]
        top = max(values, default=0) or 1
        line = "".join(_BLOCKS[max(round(v / top * 8), 1)] if v else "·" for v in values)  # never blank
        text.append(label + " " * (label_w - cell_len(label)) + " ")
        text.append(line, style="cyan")
        text.append(f" {trend.totals[q]}\n")
    return text


# ---- rows of figures, refs, cites, cited-by, dups: the columns a person sees ---------------


class Column(NamedTuple):
    header: str
    value: Callable[[Any], object]
    wrap: bool = False  # may wrap (the others keep their natural width)


COLUMNS: dict[str, tuple[Column, ...]] = {
    "figures": (
        Column("date", lambda r: r.date), Column("indicator", lambda r: r.indicator, True), Column("figure", lambda r: r.figure),
        Column("value", lambda r: f"{r.value:,}{'+' if r.approx else ''} {r.unit}"), Column("id", lambda r: r.id[:8]),
    ),
    "refs": (
        Column("cited", lambda r: r.citing_records),
        Column("document", lambda r: "\n".join(x for x in (r.title or r.text, r.doc_number) if x), True),
        Column("regions", lambda r: len(r.citing_regions)), Column("first", lambda r: r.first), Column("last", lambda r: r.last),
        Column("held", lambda r: r.target[:8] if r.target else "no"),
    ),
    "cites": (
        Column("offset", lambda c: c.offset), Column("citation", lambda c: c.text, True), Column("文号", lambda c: c.doc_number),
        Column("target", lambda c: c.target[:8] if c.target else None),
    ),
    "cited-by": (
        Column("date", lambda r: r.date), Column("region", lambda r: r.region.narrowest()),
        Column("sentence", lambda r: r.sentence, True), Column("id", lambda r: r.id[:8]),
    ),
    "dups": (
        Column("group", lambda r: f"{r.group} ({r.copies})" if r.canonical else ""),
        Column("similarity", lambda r: f"{r.similarity:.2f}"), Column("date", lambda r: r.date),
        Column("title / site", lambda r: f"{r.title or '—'} · {r.site or r.file}", True), Column("id", lambda r: r.id[:8]),
    ),
}


def _column_table(rows: Sequence[BaseModel], columns: Sequence[Column]) -> None:
    from rich.table import Table

    table = Table()  # natural widths; on a narrow terminal only the columns that may wrap give way
    for c in columns:
        table.add_column(c.header, overflow="fold", no_wrap=not c.wrap)
    for row in rows:
        table.add_row(*(safe("—" if (v := c.value(row)) is None or v == "" else str(v)) for c in columns))
    stdout_console().print(table)


def write_stats(rows: Sequence[Any], fmt: Format, out: IO[str]) -> None:
    """qdn stats: JSON/JSONL/CSV of StatsRow, or for people one compact table that fits 80
    columns (field shares as percentages of records)."""
    from qdn_corpus.models import StatsRow

    if fmt != "table":
        write(rows, StatsRow, fmt, out)
        return
    from rich import box
    from rich.table import Table

    total = next((r for r in rows if r.group == "total"), None)
    caption = "date … reg: % of records with the field"
    if total is not None:
        caption += f"; {total.ocr} record(s) read by OCR, {total.date_conflicts} date conflict(s) (meta.meta_date)"
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), caption=caption)
    table.add_column("", overflow="fold", ratio=1, min_width=12)
    for header in ("files", "recs", "skip", "date", "title", "iss", "文号", "成文", "reg"):
        table.add_column(header, justify="right", no_wrap=True)
    shares = ("date", "title", "issuer", "doc_number", "written_date", "region")
    previous = None
    for r in rows:
        if r.group != previous and previous is not None:
            table.add_section()
        previous = r.group
        label = {"total": "all files", "format": f"format {r.key}", "site": f"{r.key}", "skipped": f"skipped: {r.key}"}[r.group]
        if r.group == "skipped":
            table.add_row(safe(label), str(r.files), *[""] * 8)
            continue
        percents = ["—" if (v := getattr(r, f)) is None else f"{v * 100:.0f}" for f in shares]
        table.add_row(safe(label), str(r.files), str(r.records), str(r.skipped) if r.group != "site" else "", *percents)
    stdout_console().print(table)
