"""Writers for records and hits: rich tables for people, JSON/JSONL/CSV for programs.

The only place that prints records. Document text is untrusted: it reaches the terminal only as
rich Text (never parsed as markup) with control characters made visible.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Literal

from qdn_corpus.models import Hit, Record, Snippet
from qdn_corpus.normalize import strip_controls

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text

# rich is imported where a table or panel is drawn: JSON output never pays for it (~45 ms).

Format = Literal["table", "json", "jsonl", "csv"]
CSV_FIELDS = (
    "id", "date", "title", "category", "doc_type", "province", "prefecture", "county", "source",
    "issuer", "doc_number", "file", "offset", "score", "snippet", "body",
)


def default_format(stream: IO[str]) -> Format:
    """Tables on a terminal, JSON Lines when piped."""
    return "table" if stream.isatty() else "jsonl"


def stdout_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False, stderr=True)


def safe(text: str | None) -> Text:
    """Untrusted text for the terminal: literal, control characters escaped."""
    from rich.text import Text

    return Text(strip_controls(text or ""))


def as_json(item: Record) -> dict[str, object]:
    return item.model_dump(mode="json")


def write_items(items: Sequence[Record], fmt: Format, out: IO[str]) -> None:
    """Write records or hits in a format; JSON keeps Chinese readable."""
    if fmt == "json":
        json.dump([as_json(i) for i in items], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for item in items:
            out.write(json.dumps(as_json(item), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        _write_csv(items, out)
    else:
        stdout_console().print(_table(items))


def _write_csv(items: Sequence[Record], out: IO[str]) -> None:
    # A BOM so that spreadsheet programs read the file as UTF-8 (pandas skips it).
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        row = {k: v for k, v in as_json(item).items() if k in CSV_FIELDS}
        row.update(item.region.model_dump())
        if isinstance(item, Hit):
            row["snippet"] = " … ".join(s.text for s in item.snippets)
        row.pop("snippets", None)
        writer.writerow(row)


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
        table.add_column("score", justify="right")
    table.add_column("id", no_wrap=True, style="dim")
    for item in items:
        region = item.region.county or item.region.prefecture or item.region.province or ""
        title = safe(item.display_title())
        title.stylize("bold")
        cells: list[RenderableType] = [str(item.date or "—"), safe(region)]
        if isinstance(item, Hit):
            cells.append(Group(title, *(_snippet_text(s) for s in item.snippets)))
            cells.append(f"{item.score:.2f}")
        else:
            cells.append(title)
        cells.append(item.id[:8])
        table.add_row(*cells)
    return table


def write_record(record: Record, fmt: Format, out: IO[str]) -> None:
    """One record in full: fields, outline and body."""
    if fmt != "table":
        write_items([record], fmt, out)
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
    ):
        if value:
            fields.add_row(name, safe(value))
    for label, value in record.meta.items():
        fields.add_row(Text(label, style="dim"), safe(value or "—"))
    outline = Text()
    for h in record.outline:
        outline.append("  " * (h.level - 1) + strip_controls(f"{h.marker}{h.text}") + "\n")
    parts: list[RenderableType] = [fields]
    if record.outline:
        parts += [Text("\noutline", style="bold"), outline]
    parts += [Text("\n"), safe(record.body)]
    console.print(Panel(Group(*parts), title=safe(record.display_title(60)), title_align="left"))
