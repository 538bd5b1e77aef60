"""The `qdn` commands that ask the corpus (search, list, show, trend, figures, refs, cites,
cited-by, dups): each parses its options, makes one library call (api.Corpus), writes its rows
through render.py and returns whether it found anything (app.outcome turns that, and the
library's errors, into the exit status). upkeep.py has those that build and inspect it.

Exit status follows grep: 0 something matched, 1 nothing did, 2 an error.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from qdn_corpus.cli.app import (
    AllCopiesOpt,
    FormatOpt,
    IdArg,
    LimitOpt,
    Progress,
    SortOpt,
    TopOpt,
    WithinOpt,
    app,
    corpus_of,
    counted,
    note,
    outcome,
    output_format,
    state_of,
    with_filters,
)

__all__ = ["app"]


@app.command()
@outcome
@with_filters
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
    helper.send(query, str(state_of(ctx).data_dir))
    from qdn_corpus.cli.render import write
    from qdn_corpus.models import Hit

    fmt = output_format(format)
    with Progress(state_of(ctx), "indexing") as progress:
        corpus = corpus_of(ctx, progress, on_open=helper.receive)
        hits = corpus.search(query, within=within, all_copies=all_copies, limit=limit, sort=sort, **filters)
    write(hits.items, Hit, fmt, sys.stdout)
    note(state_of(ctx), counted(len(hits), hits.total, "matching record(s)"))
    return bool(hits)


@app.command()
@outcome
@with_filters
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
    words = " ".join(f"({q})" for q in queries)  # one query with every series' words
    helper.send(words, str(state_of(ctx).data_dir))
    from qdn_corpus.cli.render import write_trend

    fmt = output_format(format)
    with Progress(state_of(ctx), "indexing") as progress:
        corpus = corpus_of(ctx, progress, on_open=helper.receive)
        result = corpus.trend(queries, by=by, per=per, within=within, all_copies=all_copies, **filters)
    matched = sum(result.totals.values())
    if matched or fmt != "table":  # programs get [] or a CSV header; people get no empty chart
        write_trend(result, fmt, sys.stdout)
    note(state_of(ctx), ", ".join(f"{q}: {n} matching record(s)" for q, n in result.totals.items()))
    return bool(matched)


@app.command()
@outcome
@with_filters
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

    fmt = output_format(format)
    found = corpus_of(ctx).figures(query, within=within, **filters)
    write(found.items, FigureRow, fmt, sys.stdout, COLUMNS["figures"])
    note(state_of(ctx), f"{len(found)} figure(s) in {found.records} matching record(s)")
    return bool(found)




@app.command()
@outcome
@with_filters
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

    fmt = output_format(format)
    rows = corpus_of(ctx).refs(top=top, **filters)
    write(rows.items, RefRow, fmt, sys.stdout, COLUMNS["refs"])
    note(state_of(ctx), counted(len(rows), rows.total, "cited document(s)"))
    return bool(rows)


@app.command()
@outcome
def cites(
    ctx: typer.Context,
    record_id: IdArg,
    format: FormatOpt = None,
) -> bool:
    """What one record cites: each 《title》 or 文号, with the corpus record it names.

    Citations come in the body's order; target is null when the corpus does not hold the document.

    Example: qdn cites 529aaa --format json | jq '.[].doc_number'
    """
    from qdn_corpus.cli.render import COLUMNS, write
    from qdn_corpus.models import Citation

    fmt = output_format(format)
    rows = corpus_of(ctx).cites(record_id)
    write(rows.items, Citation, fmt, sys.stdout, COLUMNS["cites"])
    return bool(rows)


@app.command(name="cited-by")
@outcome
@with_filters
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

    fmt = output_format(format)
    rows = corpus_of(ctx).cited_by(document, **filters)
    write(rows.items, CitedByRow, fmt, sys.stdout, COLUMNS["cited-by"])
    note(state_of(ctx), f"{len(rows)} citing record(s)")
    return bool(rows)


@app.command()
@outcome
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

    fmt = output_format(format)
    rows = corpus_of(ctx).dups(record_id, top=top)
    write(rows.items, DupRow, fmt, sys.stdout, COLUMNS["dups"])
    if record_id is None:
        note(state_of(ctx), f"{rows.total} group(s) of copies")
    elif not rows:
        note(state_of(ctx), f"{record_id} has no copies")
    return bool(rows)


@app.command(name="list")
@outcome
@with_filters
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

    fmt = output_format(format)
    with Progress(state_of(ctx), "indexing") as progress:
        records = corpus_of(ctx, progress).list(all_copies=all_copies, limit=limit, sort=sort, **filters)
    write(records.items, Record, fmt, sys.stdout)
    note(state_of(ctx), counted(len(records), records.total, "record(s)"))
    return bool(records)


@app.command()
@outcome
def show(
    ctx: typer.Context,
    record_id: IdArg,
    format: FormatOpt = None,
) -> None:
    """Show one record in full, with its outline.

    Example: qdn show 9149a584
    """
    from qdn_corpus.cli.render import write_record

    fmt = output_format(format)
    write_record(corpus_of(ctx).get(record_id), fmt, sys.stdout)
