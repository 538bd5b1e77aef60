"""Codebooks (qdn code): categories of codes, each code defined by queries of qdn's language,
read from a small TOML file and checked whole before anything is searched.

    name = "政策工具"                        # optional, as is description
    ["供给型"]                               # a category
    "人才培养" = '人才 OR 引才 OR "技能培训"'   # a code: one query …
    "资金投入" = ['专项资金', '资金支持']        # … or several, any of which codes a unit

(TOML wants names other than ASCII words in double quotes.)

A mistake is one line naming the file, the line and the problem.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import regex

from qdn_corpus.errors import QdnError, UsageError
from qdn_corpus.search.plan import check_query

META = ("name", "description")
EXAMPLE = "data/codebook_policy_tools.toml"


@dataclass(frozen=True)
class Code:
    category: str
    label: str
    query: str  # one query: several given are joined with OR
    line: int

    @property
    def key(self) -> str:
        return f"{self.category}/{self.label}"


@dataclass
class Codebook:
    name: str | None
    codes: list[Code]
    file: str


def example() -> str:
    """The policy-instrument codebook for 营商环境 / 招商引资 (qdn code --example)."""
    return resources.files("qdn_corpus").joinpath(EXAMPLE).read_text("utf-8")


def _toml(text: str) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    data: dict[str, object] = tomllib.loads(text)
    return data


_HEADER = regex.compile(r"^\s*\[\s*(?:\"([^\"]*)\"|'([^']*)'|([^\]\s]+))\s*\]")
_KEY = regex.compile(r"^\s*(?:\"([^\"]*)\"|'([^']*)'|([^=\s]+))\s*=")


def _lines_of(text: str) -> dict[tuple[str | None, str], int]:
    """The line (from 1) of each key of the file: (table or None at the top, key) -> line."""
    found: dict[tuple[str | None, str], int] = {}
    table: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        if m := _HEADER.match(line):
            table = next(g for g in m.groups() if g is not None)
            found.setdefault((None, table), n)
        elif m := _KEY.match(line):
            found.setdefault((table, next(g for g in m.groups() if g is not None)), n)
    return found


def load(path: str | Path) -> Codebook:
    """Read and check a codebook file."""
    path = Path(path)
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"no codebook {path}: `qdn code --example > codebook.toml` writes one to start from") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read codebook {path}: {exc}") from None
    return parse(text, str(path))


def parse(text: str, file: str = "codebook.toml") -> Codebook:
    """Check a codebook's text: TOML, known keys, unique code names, valid queries."""
    try:
        data = _toml(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError: "… (at line 3, column 5)"
        m = regex.search(r"\(at line (\d+), column \d+\)|\(at end of document\)", str(exc))
        where = m[1] if m and m[1] else str(len(text.splitlines()))
        message = str(exc)[: m.start()].strip() if m else str(exc)
        bad = text.splitlines()[int(where) - 1] if m and m[1] and int(where) <= len(text.splitlines()) else ""
        if "key" in message and regex.match(r"\s*\[?\s*[^\x00-\x7f]", bad):
            message += "; TOML wants a Chinese name in double quotes: \"税收优惠\" = '减税 OR 免税', [\"供给型\"]"
        raise UsageError(f"{file}:{where}: not valid TOML: {message}") from None
    lines = _lines_of(text)

    def fail(table: str | None, key: str, problem: str) -> QdnError:
        return UsageError(f"{file}:{lines.get((table, key), 1)}: {problem}")

    codes: list[Code] = []
    seen: dict[str, Code] = {}
    for key, value in data.items():
        if key in META:
            if not isinstance(value, str):
                raise fail(None, key, f"{key} must be a text in quotes")
            continue
        if not isinstance(value, dict):
            raise fail(None, key, f"unknown key {key!r}: codes go in a [category] table (or use name, description)")
        for label, queries in value.items():
            if isinstance(queries, str):
                queries = [queries]
            if not isinstance(queries, list) or not queries or not all(isinstance(q, str) for q in queries):
                raise fail(key, label, f"code {label!r} of [{key}] must be a query in quotes or a list of them")
            line = lines.get((key, label), 1)
            if label in seen:
                first = seen[label]
                raise fail(key, label, f"duplicate code {label!r}: [{first.category}] already has it (line {first.line})")
            for q in queries:
                try:
                    check_query(q)
                except QdnError as exc:
                    raise fail(key, label, f"code {label!r}: {exc}") from None
            query = " OR ".join(f"({q})" for q in queries) if len(queries) > 1 else queries[0]
            seen[label] = code = Code(key, label, query, line)
            codes.append(code)
    if not codes:
        raise UsageError(f"{file}: no codes: add a [category] table with lines such as 税收优惠 = '减税 OR 免税'")
    name = data.get("name")
    return Codebook(name if isinstance(name, str) else None, codes, file)
