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
    from qdn_corpus.cli.render_analyses import write_units

    fmt = output_format(format)
    found = corpus_of(ctx).clauses(query, within=within, all_copies=all_copies, **filters)
    write_units(found.items, fmt, sys.stdout)
    note(state_of(ctx), f"{found.total} unit(s) in {found.records} record(s)")
    return bool(found)


@app.command()
@outcome
@with_filters
def code(
    ctx: typer.Context,
    codebook: Annotated[
        str | None, typer.Argument(help="A codebook TOML file (qdn code --example writes one).", show_default=False)
    ] = None,
    filters: Any = None,
    unit: Annotated[str, typer.Option("--unit", help="clause (each numbered unit) | record (each record, as search counts).")] = "clause",
    by: Annotated[str | None, typer.Option("--by", help="Cross-tab by year, quarter, month, region, county, issuer, doc_type …")] = None,
    show: Annotated[
        str, typer.Option("--show", help="table (counts and shares) | units (coded units) | uncoded | cooccurrence.")
    ] = "table",
    all_copies: AllCopiesOpt = False,
    example: Annotated[
        bool, typer.Option("--example", help="Print the policy-instrument codebook (供给型/环境型/需求型) and stop.")
    ] = False,
    format: FormatOpt = None,
) -> bool:
    """Code clause units with a codebook of queries and cross-tabulate (政策工具分析).

    A codebook is a TOML file of ["category"] tables, each line a code: "税收优惠" = '减税 OR
    免税' (qdn's query language; a list of queries means any of them). Each unit of the
    matching records gets every code whose query it matches. --show table: units per code
    and bucket with shares of all units; units: one row per unit and code with the words
    that matched; uncoded: units no code matched; cooccurrence: codes coding one unit.

    Example: qdn code --example > codebook.toml && qdn code codebook.toml --by year --region 黔东南
    """
    if example:
        from qdn_corpus.reports.codebook import example as text

        sys.stdout.write(text())
        return True
    if codebook is None:
        from qdn_corpus.errors import UsageError

        raise UsageError("give a codebook file, e.g. qdn code codebook.toml (qdn code --example > codebook.toml writes one)")
    from qdn_corpus.cli.render_analyses import write_coding

    fmt = output_format(format)
    found = corpus_of(ctx).code(codebook, unit=unit, by=by, show=show, all_copies=all_copies, **filters)
    write_coding(found, show, fmt, sys.stdout)
    share = f" ({found.coded / found.units:.0%})" if found.units else ""
    of = f" of {found.name}" if found.name else ""
    note(state_of(ctx), f"{found.coded} of {found.units} {unit} unit(s) coded{share} by {len(found.codes)} code(s){of}")
    return bool(found.coded)


@app.command()
@outcome
@with_filters
def adoption(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="The policy (search's language), e.g. 承诺兑现.", show_default=False)],
    filters: Any = None,
    by: Annotated[str, typer.Option("--by", help="county | prefecture | province: the regions that adopt.")] = "county",
    within: Annotated[
        str | None, typer.Option("--within", help="List every region under this one, adopters or not, e.g. 黔东南州.")
    ] = None,
    all_copies: AllCopiesOpt = False,
    format: FormatOpt = None,
) -> bool:
    """When each region first adopted a policy (政策扩散), for event-history analysis.

    For each region its first matching record (date, id, title) and how many matched; with
    --within, the regions under it that never matched are listed as not adopted. On a terminal
    also the cumulative adoption curve; CSV rows region, level, code (the 6-digit division
    code), first_date, first_id, records, adopted load into R or Stata as they are.

    Example: qdn adoption 承诺兑现 --by county --within 黔东南州 --format csv > adoption.csv
    """
    from qdn_corpus.cli.render_analyses import write_adoption

    fmt = output_format(format)
    rows = corpus_of(ctx).adoption(query, by=by, within=within, all_copies=all_copies, **filters)
    write_adoption(rows.items, fmt, sys.stdout)
    note(state_of(ctx), f"{rows.total} of {len(rows)} region(s) adopted")
    return bool(rows.total)


@app.command()
@outcome
@with_filters
def network(
    ctx: typer.Context,
    filters: Any = None,
    kind: Annotated[str, typer.Option("--kind", help="issuers (who issues with whom) | cites (record → record).")] = "issuers",
    min: Annotated[int, typer.Option("--min", help="Only edges of at least this many documents.")] = 1,
    show: Annotated[str, typer.Option("--show", help="edges | nodes (degree, betweenness).")] = "edges",
    graphml: Annotated[str | None, typer.Option("--graphml", help="Also write the graph to this GraphML file (Gephi).")] = None,
    all_copies: AllCopiesOpt = False,
    format: FormatOpt = None,
) -> bool:
    """The co-issuing network of joint documents, or the citation network (--kind cites).

    Edges: two issuers and the documents they issued together (first and last date); nodes:
    documents, partners, degree, weighted degree, betweenness. Needs networkx
    (pip install -e ".\\[network]").

    Example: qdn network --min 2 --show nodes --graphml 联合发文.graphml
    """
    from qdn_corpus.cli.render import Column, write
    from qdn_corpus.errors import UsageError
    from qdn_corpus.rows import NetworkEdge, NetworkNode

    if show not in ("edges", "nodes"):
        raise UsageError(f"unknown --show {show!r}: use edges or nodes")
    fmt = output_format(format)
    found = corpus_of(ctx).network(kind=kind, min=min, all_copies=all_copies, **filters)
    if graphml is not None:
        try:
            found.write_graphml(graphml)
        except OSError as exc:
            raise UsageError(f"cannot write {graphml}: {exc.strerror or exc}") from None
    if show == "nodes":
        write(found.nodes, NetworkNode, fmt, sys.stdout, (
            Column("node", lambda r: r.label or r.node if kind == "cites" else r.node, True), Column("docs", lambda r: r.documents),
            Column("partners", lambda r: r.partners), Column("degree", lambda r: r.degree),
            Column("weighted", lambda r: r.weighted_degree), Column("between", lambda r: f"{r.betweenness:.3f}"),
        ))
    else:
        write(found.edges, NetworkEdge, fmt, sys.stdout, (
            Column("source", lambda r: r.source, True), Column("target", lambda r: r.target, True), Column("docs", lambda r: r.weight),
            Column("first", lambda r: r.first), Column("last", lambda r: r.last),
        ))
    note(state_of(ctx), f"{len(found.nodes)} node(s), {len(found.edges)} edge(s)")
    return bool(found.edges)
