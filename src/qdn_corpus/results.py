"""What every query of the library returns, and the one serialiser of its rows: JSON-ready
dicts for JSON and JSON Lines, flat rows (the region in three columns) for CSV and pandas.

The field names are the JSON contract (`qdn schema`); CSV and `Results.to_pandas()` share one
set of columns per model, so a notebook sees what a spreadsheet sees.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from qdn_corpus.models import Hit, Record, Region

if TYPE_CHECKING:
    import pandas

T = TypeVar("T", bound=BaseModel)

# Records and hits in CSV: the fields a spreadsheet needs, snippets joined into one cell.
RECORD_COLUMNS = (
    "id", "date", "title", "category", "doc_type", "province", "prefecture", "county", "source",
    "issuer", "doc_number", "file", "offset", "score", "snippet", "body",
)


@dataclass
class Results(Generic[T]):
    """A page of rows (records, hits, trend rows …) and how many there are in all (`total`:
    matching records for search and list, cited documents for refs, copy groups for dups)."""

    items: list[T]
    total: int

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> T:
        return self.items[i]

    def __bool__(self) -> bool:
        return bool(self.items)

    def to_dicts(self) -> list[dict[str, Any]]:
        """The rows as JSON shows them."""
        return [as_json(i) for i in self.items]

    def to_pandas(self) -> pandas.DataFrame:
        """A DataFrame with the columns of the command's CSV (needs pandas installed)."""
        try:
            import pandas
        except ImportError as exc:
            from qdn_corpus.errors import UsageError

            raise UsageError("to_pandas() needs pandas: pip install pandas") from exc
        model = type(self.items[0]) if self.items else None
        return pandas.DataFrame(flat_rows(self.items), columns=columns(model) if model else None)


def json_rows(rows: Sequence[BaseModel], exclude: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Rows as every JSON output holds them (the CLI's --format json and jsonl, qdn serve's
    /api): one object per row, with the model's field names."""
    return [r.model_dump(mode="json", exclude=set(exclude) or None) for r in rows]


def write_csv(rows: Sequence[BaseModel], model: type[BaseModel], out: IO[str], exclude: Sequence[str] = ()) -> None:
    """Rows as the CSV of every output (the CLI's --format csv, qdn serve's format=csv): a BOM so
    that spreadsheet programs read UTF-8 (pandas skips it), the header from the model, so that
    no rows is still a table pandas can read."""
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=columns(model, exclude), lineterminator="\n")
    writer.writeheader()
    writer.writerows(flat_rows(rows, exclude))


def as_json(item: BaseModel) -> dict[str, Any]:
    return item.model_dump(mode="json")


def dumps(value: object, indent: int | None = None) -> str:
    """JSON with Chinese readable and U+2028/U+2029 escaped: the one serialiser of every JSON
    output. Both are legal inside a JSON string, but a reader that splits lines as Python's
    str.splitlines() or older JavaScript does would break a JSON Lines record there."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def columns(model: type[BaseModel], exclude: Sequence[str] = ()) -> list[str]:
    """The flat (CSV) columns of a model's rows."""
    if issubclass(model, Record):
        return list(RECORD_COLUMNS)
    return [
        c for f, info in model.model_fields.items() if f not in exclude
        for c in (("province", "prefecture", "county") if info.annotation is Region else (f,))
    ]


def flat_row(item: BaseModel, exclude: Sequence[str] = ()) -> dict[str, Any]:
    """One row as CSV and pandas see it: the region as three columns; a record's CSV fields,
    a hit's snippets joined with ' … '; other rows' lists of texts (issuers, a heading path)
    joined with '; '."""
    data = item.model_dump(mode="json", exclude=set(exclude) or None)
    region = data.pop("region") if isinstance(data.get("region"), dict) else {}
    if isinstance(item, Record):
        row = {k: v for k, v in data.items() if k in RECORD_COLUMNS}
        if isinstance(item, Hit):
            row["snippet"] = " … ".join(s.text for s in item.snippets)
        return {**row, **region}
    lists = {k: "; ".join(map(str, v)) for k, v in data.items() if isinstance(v, list) and all(isinstance(x, str) for x in v)}
    return {**data, **lists, **region}


def flat_rows(items: Sequence[BaseModel], exclude: Sequence[str] = ()) -> list[dict[str, Any]]:
    return [flat_row(i, exclude) for i in items]
