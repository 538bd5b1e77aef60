"""What every route shares: the Corpus behind its lock, the navigation, page rendering."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from qdn_corpus.api import Corpus

NAV = (("/", "检索 search"), ("/trend", "趋势 trend"), ("/figures", "数据 figures"), ("/refs", "引用 refs"),
       ("/clauses", "条款 clauses"), ("/adoption", "采纳 adoption"))

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


def shared(request: Request) -> Shared:
    return request.app.state.shared  # type: ignore[no-any-return]


def template(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)  # type: ignore[no-any-return]

