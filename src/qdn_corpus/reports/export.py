"""qdn export: the whole corpus as tables that DuckDB, Polars, pandas, R's arrow or Spark read
directly: records (as `qdn list --format json` shows them; no snippets), citations (one row per
citation of a record) and copies (one row per member of a copy group, as `qdn dups` shows it).

Parquet goes through pyarrow (the `parquet` extra), imported only here; JSON Lines and CSV need
nothing. Column names are the JSON contract's; CSV flattens as every CSV of qdn does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from qdn_corpus.errors import UsageError
from qdn_corpus.models import CitationRow, DupRow, Record
from qdn_corpus.results import columns, dumps, flat_row

if TYPE_CHECKING:
    from pydantic import BaseModel

ExportFormat = Literal["parquet", "jsonl", "csv"]
EXPORT_FORMATS: tuple[str, ...] = ("parquet", "jsonl", "csv")
INSTALL = 'pip install -e ".[parquet]"'
TABLES: dict[str, type[BaseModel]] = {"records": Record, "citations": CitationRow, "copies": DupRow}


@dataclass
class ExportReport:
    folder: Path
    format: str
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written
    files: list[Path] = field(default_factory=list)


def check_format(value: str) -> ExportFormat:
    if value not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {value!r}: use one of {', '.join(EXPORT_FORMATS)}")
    if value == "parquet":
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:
            raise UsageError(f"--format parquet needs pyarrow: {INSTALL} (or use --format jsonl)")
    return value  # type: ignore[return-value]


def _citation_rows(records: Iterable[Record]) -> Iterator[CitationRow]:
    for r in records:
        for n, c in enumerate(r.citations):
            yield CitationRow(id=r.id, n=n, **c.model_dump())


def prepare(folder: Path) -> Path:
    """The output folder, made now: a folder that cannot be written is refused before any index
    opens."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write to {folder}: {exc.strerror or exc}") from exc
    return folder


def export(folder: Path, fmt: ExportFormat, records: Iterable[Record], copies: list[DupRow]) -> ExportReport:
    """Write the records (every one, copies included), their citations and the copy groups'
    rows to FOLDER/<table>.<format> (a folder from prepare())."""
    records = list(records)
    report = ExportReport(folder, fmt)
    tables: dict[str, list[Any]] = {"records": records, "citations": list(_citation_rows(records)), "copies": copies}
    for name, rows in tables.items():
        path = folder / f"{name}.{fmt}"
        try:
            _write(path, rows, TABLES[name], fmt)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
        report.rows[name] = len(rows)
        report.files.append(path)
    return report


def _write(path: Path, rows: list[BaseModel], model: type[BaseModel], fmt: ExportFormat) -> None:
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(dumps(row.model_dump(mode="json")) + "\n")
    elif fmt == "csv":
        import csv

        with path.open("w", encoding="utf-8-sig", newline="") as out:  # a BOM: spreadsheets read UTF-8
            writer = csv.DictWriter(out, fieldnames=columns(model), lineterminator="\n")
            writer.writeheader()
            writer.writerows(flat_row(r) for r in rows)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        data = [row.model_dump() for row in rows]  # dates stay dates: Parquet's date32
        if model is Record:
            for d in data:
                d["meta"] = list(d["meta"].items())  # labels vary by page: a map, not a struct
        table = pa.Table.from_pylist(data, schema=_schema(model, data))
        pq.write_table(table, path)


def _schema(model: type[BaseModel], data: list[dict[str, Any]]) -> Any:
    """The Arrow schema of a table: inferred from the rows, every model field present (also
    when there are no rows), meta as map<string, string>."""
    import pyarrow as pa

    inferred = pa.Table.from_pylist(data).schema if data else pa.schema([])
    out = []
    for name in model.model_fields:
        if name == "meta":
            out.append(pa.field(name, pa.map_(pa.string(), pa.string())))
        elif name in inferred.names:
            out.append(inferred.field(name))
        else:
            out.append(pa.field(name, pa.string()))
    return pa.schema(out)
