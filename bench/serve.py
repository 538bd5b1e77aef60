"""qdn serve's pages on the benchmark index: the server's own time (its Server-Timing header,
from the request reaching the app to the response leaving it) for the search page, the
document page and the trend page, p50 and p95 over repeated requests, warm (the app open, as a
running server is). Called by run.py; needs the serve extra."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode


def _timed(client: Any, path: str, repeat: int) -> tuple[int, list[float]]:
    client.get(path)  # first: warms the caches a running server has
    times, status = [], 0
    for _ in range(repeat):
        response = client.get(path)
        status = response.status_code
        times.append(float(re.search(r"dur=([\d.]+)", response.headers["server-timing"])[1]))  # type: ignore[index]
    return status, sorted(times)


def measure(corpus: Any, queries: list[tuple[str, str]], repeat: int = 20) -> list[dict[str, Any]]:
    """Rows: page, what was asked, HTTP status, p50 and p95 server milliseconds."""
    try:
        from fastapi.testclient import TestClient
    except ImportError:
        return []
    from qdn_corpus.web.app import create_app

    client = TestClient(create_app(corpus))
    rows: list[dict[str, Any]] = []

    def add(page: str, label: str, path: str) -> None:
        status, times = _timed(client, path, repeat)
        rows.append({"page": page, "asked": label, "status": status, "p50_ms": round(times[len(times) // 2], 1),
                     "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1)})

    for label, query in queries:
        add("search", label, "/?" + urlencode({"q": query}))
    for label, query in queries[:3]:
        first = corpus.search(query, limit=1)
        if first.items:
            add("document", label, f"/doc/{first.items[0].id}?" + urlencode({"q": query}))
    add("trend", "承诺兑现 by month", "/trend?" + urlencode({"q": "承诺兑现", "by": "month"}))
    add("trend", "营商环境, 招商引资 by year", "/trend?" + urlencode([("q", "营商环境"), ("q", "招商引资"), ("by", "year")]))
    return rows
