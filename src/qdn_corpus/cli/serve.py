"""`qdn serve`: the corpus in a browser (qdn_corpus.web), over the same index."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from qdn_corpus.cli.app import Progress, app, corpus_of, note, outcome, state_of

__all__ = ["app"]

INSTALL = 'pip install -e ".[serve]"'


@app.command()
@outcome
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", "-p", help="TCP port (0: any free one).", min=0, max=65535)] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; anything but 127.0.0.1 lets the network read the corpus.")
    ] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="Open the search page in the default browser.")] = False,
) -> None:
    """Search, read and chart the corpus in a browser, with the JSON API under /api.

    Pages: search with facets, each document with its outline, marks, citations and copies,
    trend charts, and tables of figures, refs, clauses and adoption. /api/COMMAND returns what
    `qdn COMMAND --format json` prints; /api/openapi.json describes it. The index is built
    first if needed; `qdn index` run meanwhile is picked up at the next request. Needs the
    serve extra (pip install -e ".\\[serve]").

    Example: qdn serve --open, then search 承诺兑现 at http://127.0.0.1:8765/?q=承诺兑现
    """
    from qdn_corpus.errors import UsageError

    try:
        from qdn_corpus.web.app import LOOPBACK
        from qdn_corpus.web.app import serve as run
    except ImportError as exc:
        raise UsageError(f"qdn serve needs the serve extra ({exc.name} is missing): {INSTALL}") from None
    state = state_of(ctx)
    with Progress(state, "indexing") as progress:
        corpus = corpus_of(ctx, progress)
        corpus.open()

    def ready(url: str) -> None:
        if host not in LOOPBACK:
            print(f"qdn: warning: listening on {host}: anyone who can reach this machine can read the corpus", file=sys.stderr)
        note(state, f"serving {url} (Ctrl-C stops)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    run(corpus, host, port, ready)
