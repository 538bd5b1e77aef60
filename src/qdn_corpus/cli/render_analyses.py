"""Output of the analysis commands (code, adoption, network) for people: a cross-tab that fits
80 columns, coded units with their matched words marked, a cumulative adoption curve. JSON,
JSON Lines and CSV go through render.write like every other row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from qdn_corpus.cli.render import Column, safe, stdout_console, write
from qdn_corpus.rows import CODING_ROWS, AdoptionRow, Clause, CodeCount, CodedUnit
from qdn_corpus.text.normalize import strip_controls

_CELL = 7  # a bucket's column: "12 34%" fits


def write_coding(found: Any, show: str, fmt: Any, out: IO[str]) -> None:
    """qdn code's rows: tidy rows for programs; for people the cross-tab, or the units."""
    model = CODING_ROWS[show]
    if fmt != "table":
        write(found.items, model, fmt, out)
    elif show == "table":
        _crosstab(found.items)
    elif show == "cooccurrence":
        write(found.items, model, fmt, out, (
            Column("code", lambda r: r.a, True), Column("with", lambda r: r.b, True), Column("units", lambda r: r.units),
            Column("jaccard", lambda r: f"{r.jaccard:.2f}"),
        ))
    else:
        write_units(found.items, fmt, out)


def _short(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def marked(text: str, words: Sequence[str], width: int = 90) -> Any:
    """A unit's text in `width` characters, from a little before its first match when that lies
    further in, with the matched words marked (the words are folded; folding keeps offsets)."""
    from rich.text import Text

    from qdn_corpus.text.normalize import fold

    flat = " ".join(text.split())
    folded = fold(flat)
    first = min((i for w in words if (i := folded.find(w)) >= 0), default=0)
    start = first - 20 if first + max(map(len, words), default=0) > width - 1 else 0
    start = max(0, start)
    piece = flat[start:]
    shown = ("…" if start else "") + _short(piece, width - (1 if start else 0))
    t = Text(strip_controls(shown))
    offset = 1 if start else 0
    low = fold(shown)
    for w in words:
        i = low.find(w, offset)
        while i >= 0:
            t.stylize("bold yellow", i, i + len(w))
            i = low.find(w, i + len(w))
    return t


def write_units(rows: Sequence[Clause], fmt: Any, out: IO[str]) -> None:
    """Clause units (qdn clauses, code --show units/uncoded): for people a table of unit, date
    or code, and the text from near its first match, the matched words marked."""
    if fmt != "table":
        write(rows, type(rows[0]) if rows else Clause, fmt, out)
        return
    from rich.table import Table

    table = Table()
    coded = bool(rows) and isinstance(rows[0], CodedUnit)
    table.add_column("unit", no_wrap=True)
    table.add_column("code" if coded else "date", overflow="fold", no_wrap=not coded)
    table.add_column("text", overflow="fold")
    for r in rows:
        second = r.label if isinstance(r, CodedUnit) else str(r.date or "—")
        table.add_row(safe(r.code), safe(second), marked(r.text, r.matches))
    stdout_console().print(table)


def _crosstab(rows: Sequence[CodeCount]) -> None:
    """Codes down, buckets across (as many tables as 80 columns need), then all buckets:
    units and their share of all units."""
    from rich import box
    from rich.table import Table

    buckets = list(dict.fromkeys(r.bucket for r in rows))
    codes = list(dict.fromkeys((r.category, r.label) for r in rows))
    cell = {(r.category, r.label, r.bucket): r for r in rows}
    totals = {b: next((r.total for r in rows if r.bucket == b), 0) for b in buckets}
    width = stdout_console().width
    per_table = max(1, (width - 20 - 12) // (_CELL + 1)) if len(buckets) > 1 else 0
    chunks = [buckets[i : i + per_table] for i in range(0, len(buckets), per_table)] if per_table else [[]]
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
        table.add_column("code", overflow="fold", min_width=8, max_width=18)
        for b in chunk:
            table.add_column("—" if b is None else str(b), justify="right", no_wrap=True)
        if last:
            table.add_column("all", justify="right", no_wrap=True)
        for category, label in codes:
            name = f"{category} (any)" if label == "*" else f"  {label}"
            cells = [str(cell[(category, label, b)].units) for b in chunk]
            if last:
                units = sum(cell[(category, label, b)].units for b in buckets)
                everything = sum(totals.values())
                cells.append(f"{units} {units / everything:.0%}" if everything else "0")
            table.add_row(safe(name), *cells, style="bold" if label == "*" else None)
            if label == "*":
                table.add_section()
        table.add_row("units", *[str(totals[b]) for b in chunk], *([str(sum(totals.values()))] if last else []), style="dim")
        stdout_console().print(table)


def write_adoption(rows: Sequence[AdoptionRow], fmt: Any, out: IO[str]) -> None:
    """qdn adoption: for people the regions in order of adoption and the cumulative curve."""
    if fmt != "table":
        write(rows, AdoptionRow, fmt, out)
        return
    write(rows, AdoptionRow, fmt, out, (
        Column("region", lambda r: r.region, True), Column("code", lambda r: r.code), Column("first", lambda r: r.first_date),
        Column("records", lambda r: r.records), Column("first record", lambda r: r.first_title or (r.first_id or "")[:8] or None, True),
    ))
    stdout_console().print(_curve(rows))


def _curve(rows: Sequence[AdoptionRow]) -> Any:
    """Regions adopted by each year, as a bar per year: the cumulative adoption curve."""
    from rich.text import Text

    years = sorted({r.first_date.year for r in rows if r.adopted and r.first_date})
    text = Text("\ncumulative adoption\n", style="bold")
    if not years:
        return text.append("no dated adoption\n", style="dim")
    n = len(rows)
    room = max(10, stdout_console().width - 20)
    for y in range(years[0], years[-1] + 1):
        done = sum(1 for r in rows if r.adopted and r.first_date and r.first_date.year <= y)
        bar = "█" * round(done / n * room) if n else ""
        text.append(f"{y} ").append(bar or "·", style="cyan").append(f" {done}/{n}\n")
    return text
