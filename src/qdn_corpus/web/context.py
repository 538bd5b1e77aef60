"""What every route shares: the Corpus behind its lock, the navigation, page rendering."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from qdn_corpus.api import Corpus
from qdn_corpus.errors import UsageError

NAV = (("/", "检索 search"), ("/trend", "趋势 trend"), ("/figures", "数据 figures"), ("/refs", "引用 refs"),
       ("/clauses", "条款 clauses"), ("/code", "编码 code"), ("/adoption", "采纳 adoption"))

class Shared:
    """The Corpus every request uses, one request at a time (the index's readers and caches are
    not shared between threads), checked for a new index before each."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.lock = threading.Lock()

    def __enter__(self) -> Corpus:
        self.lock.acquire()
        try:
            self.corpus.sync()
        except BaseException:
            self.lock.release()
            raise
        return self.corpus

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def codebooks(data_dir: Path) -> dict[str, Path]:
    """The codebooks a URL may name: the bundled example and DATA/codebooks/*.toml, by name
    (a URL never names a file to read)."""
    import qdn_corpus
    from qdn_corpus.reports.codebook import EXAMPLE

    found = {"example": Path(qdn_corpus.__file__).resolve().parent / EXAMPLE}
    found.update((p.stem, p) for p in sorted((data_dir / "codebooks").glob("*.toml")))
    return found


def codebook(data_dir: Path, name: str) -> Path:
    books = codebooks(data_dir)
    if name not in books:
        raise UsageError(f"unknown codebook {name!r}: use {', '.join(books)} (a name: the files in {data_dir / 'codebooks'})")
    return books[name]


def shared(request: Request) -> Shared:
    return request.app.state.shared  # type: ignore[no-any-return]


def template(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)  # type: ignore[no-any-return]

