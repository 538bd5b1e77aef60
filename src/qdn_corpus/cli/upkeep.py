"""The `qdn` commands that build and inspect the corpus (parse, index, stats, export, schema),
shells over api.Corpus as commands.py's are."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qdn_corpus.cli.app import (
    FormatOpt,
    OcrOpt,
    Progress,
    app,
    corpus_of,
    describe,
    fail,
    note,
    outcome,
    output_format,
    state_of,
)


@app.command()
@outcome
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

    fmt = output_format(format)
    rows = corpus_of(ctx).stats(top=top)
    write_stats(rows.items, fmt, sys.stdout)
    return bool(rows.total)


@app.command()
@outcome
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

    state = state_of(ctx)
    fmt = output_format(format)
    records: list[Record] = []
    skipped = 0
    for result in corpus_of(ctx).parse(paths, ocr=ocr):
        if state.verbose:
            describe(result)
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
@outcome
def index(
    ctx: typer.Context,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start over instead of updating.")] = False,
    ocr: OcrOpt = False,
    cluster: Annotated[str | None, typer.Option(
        "--cluster", envvar="QDN_CLUSTER", show_default=False,
        help="Parse on the workers of the Dask scheduler at this address (tcp://HOST:8786); needs the dask extra.",
    )] = None,
) -> None:
    """Index DATA_DIR/raw: parse new or changed files, drop deleted ones, print a summary.

    Example: qdn --data-dir data index --rebuild
    Scans too: pip install -e ".\\[ocr]" && qdn index --ocr
    On a Dask cluster: pip install -e ".\\[dask]" && qdn index --ocr --cluster tcp://10.0.0.5:8786
    """
    state = state_of(ctx)
    with Progress(state, "indexing") as progress:
        report = corpus_of(ctx, progress).index(rebuild=rebuild, ocr=ocr, cluster=cluster)
    warnings = [p for p in report.problems if p.kind == "warning"]  # notes (decisions) are for -v
    for problem in warnings:
        if problem.file not in progress.described:  # -v told them file by file
            note(state, f"warning: {problem}")
    for name, reason in report.skipped:
        if name not in progress.described:
            note(state, f"skipped {name}: {reason}")
    note(state, report.summary())


@app.command()
@outcome
def export(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder to write the tables into.", show_default=False)],
    format: Annotated[str, typer.Option("--format", "-f", help="parquet | jsonl | csv.")] = "parquet",
) -> bool:
    """Write the corpus as tables: records, citations and copies, one file each, for DuckDB,
    Polars, pandas, R's arrow or Spark. Parquet needs pip install -e ".\\[parquet]".

    Example: qdn export out/ --format parquet && duckdb -c "select count(*) from 'out/records.parquet'"
    """
    with Progress(state_of(ctx), "indexing") as progress:
        report = corpus_of(ctx, progress).export(folder, format=format)
    note(state_of(ctx), f"wrote {', '.join(f'{n} {table}' for table, n in report.rows.items())} to {folder}")
    return bool(report.rows.get("records"))


@app.command()
@outcome
def schema(
    what: Annotated[
        str,
        typer.Argument(
            help="record (parse, list, show, search) | trend | figures | refs | cites | cited-by | dups | stats | citation-row"
            " | clauses | code (code-units, code-cooccurrence) | adoption | network-nodes | network-edges.",
            show_default=False,
        ),
    ] = "record",
) -> None:
    """Print the JSON Schema of what a command emits: records, trend rows, figures ….

    record: what parse, list and show emit (search adds score and snippets); trend, figures,
    refs, cites, cited-by, dups, stats, clauses, adoption: the rows of those commands (code: the
    cross-tab, code-units and code-cooccurrence its other views, network-nodes/-edges);
    citation-row: the rows of qdn export's citations table (copies are dups rows).

    Example: qdn schema trend | jq '.properties | keys'
    """
    from pydantic import BaseModel

    from qdn_corpus.models import Citation, CitationRow, CitedByRow, DupRow, FigureRow, Hit, RefRow, StatsRow, TrendRow
    from qdn_corpus.results import dumps
    from qdn_corpus.rows import AdoptionRow, Clause, CodeCount, CodedUnit, CoOccurrence, NetworkEdge, NetworkNode

    models: dict[str, type[BaseModel]] = {"record": Hit, "trend": TrendRow, "figures": FigureRow, "refs": RefRow, "cites": Citation,
              "cited-by": CitedByRow, "dups": DupRow, "stats": StatsRow, "citation-row": CitationRow,
              "clauses": Clause, "code": CodeCount, "code-units": CodedUnit, "code-cooccurrence": CoOccurrence,
              "adoption": AdoptionRow, "network-nodes": NetworkNode, "network-edges": NetworkEdge}
    if what not in models:
        fail(f"unknown schema {what!r}: use one of {', '.join(models)}")
    print(dumps(models[what].model_json_schema(), indent=2))
