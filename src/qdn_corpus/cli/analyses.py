"""The `qdn` commands of policy analysis (clauses, code, adoption, network): each parses its
options, makes one library call (api.Corpus) and writes its rows through render.py; app.outcome
turns what it returns, and the library's errors, into the exit status."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from qdn_corpus.cli.app import AllCopiesOpt, FormatOpt, WithinOpt, app, corpus_of, note, outcome, output_format, state_of, with_filters

__all__ = ["app"]


@app.command()
@outcome
@with_filters
def clauses(
    ctx: typer.Context,
    query: Annotated[
        str | None, typer.Argument(help="Only units matching this (search's language); all units without it.", show_default=False)
    ] = None,
    filters: Any = None,
    within: WithinOpt = None,
    all_copies: AllCopiesOpt = False,
    format: FormatOpt = None,
) -> bool:
    """Cut records into clause units with hierarchical codes (政策文本 coding units).

    A unit is the smallest numbered part of a record (三、/（二）/5., 第三章/第十条 …) or, where it
    has none, a paragraph. Its code is the record's short id and the heading numbers
    (638e033e-3-2-5), stable across runs. With a query, only the units that match it; the
    words must all occur in the unit itself. CSV opens in Excel and imports into NVivo as cases.

    Example: qdn clauses 承诺兑现 --region 黔东南 --format csv > 承诺兑现.csv
    """
    from qdn_corpus.cli.render import COLUMNS, write
    from qdn_corpus.rows import Clause

    fmt = output_format(format)
    found = corpus_of(ctx).clauses(query, within=within, all_copies=all_copies, **filters)
    write(found.items, Clause, fmt, sys.stdout, COLUMNS["clauses"])
    note(state_of(ctx), f"{found.total} unit(s) in {found.records} record(s)")
    return bool(found)
