"""The web application: one Corpus behind a lock, reopened when `qdn index` publishes a new
index (never built per request); security headers on every response; the library's errors as
HTTP statuses (400 with the CLI's one-line message, 404 for an unknown record); raw files of
the data folder, and nothing outside it."""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

import qdn_corpus
from qdn_corpus.api import Corpus
from qdn_corpus.errors import NotFoundError, QdnError
from qdn_corpus.web.context import NAV, Shared, template

HERE = Path(__file__).resolve().parent
# Pages load only what the server ships: no inline script, no other origin, no frames.
POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# Raw files open in the browser only as kinds that run no script of theirs; the rest download.
SHOWN = {".pdf", ".txt", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp"}


def create_app(corpus: Corpus) -> FastAPI:
    """The application over an opened corpus (the command opens it first, so that the index is
    built, with its progress bar, before the server listens)."""
    from qdn_corpus.web import api, pages

    app = FastAPI(
        title="qdn", version=qdn_corpus.__version__, docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
        description="The JSON of the `qdn` command line over HTTP: each /api/COMMAND returns what "
        "`qdn COMMAND --format json` prints for the same options (`--doc-type` is doc_type).",
    )
    app.state.shared = Shared(corpus)
    # Every value a template prints is escaped: documents are hostile input.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    app.state.templates = Jinja2Templates(env=env)
    app.state.data_dir = corpus.data_dir
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_api_route("/file/{path:path}", raw_file, methods=["GET"], include_in_schema=False)
    app.middleware("http")(_headers)
    app.add_exception_handler(QdnError, _qdn_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http_error)
    return app


async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy", POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
    return response


def error_response(request: Request, message: str, status: int) -> Response:
    """An error as the client asked: JSON {"error": message} under /api, else a page."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return template(request, "error.html", {"message": message, "status": status, "nav": NAV}, status)


async def _qdn_error(request: Request, exc: Exception) -> Response:
    return error_response(request, str(exc), 404 if isinstance(exc, NotFoundError) else 400)


async def _invalid(request: Request, exc: Exception) -> Response:
    """FastAPI's own checks (an integer that is not one) in the CLI's one-line manner."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    first = errors[0] if errors else {}
    where = str(first.get("loc", ["", "?"])[-1])
    return error_response(request, f"invalid value for {where}: {first.get('msg', 'not understood')}", 400)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = "no such page or file" if status == 404 else str(getattr(exc, "detail", "error"))
    return error_response(request, message, status)


def inside(root: Path, relative: str) -> Path | None:
    """The file at a relative path under root, or None when the path, after following every
    symbolic link, leaves root (.., an absolute path, a link pointing out) or is no file."""
    base = root.resolve()
    try:
        target = (base / relative).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


def raw_file(request: Request, path: str) -> Response:
    """A raw file of the corpus (a record's file or attachment): only under DATA_DIR/raw."""
    found = inside(Path(request.app.state.data_dir) / "raw", path.removeprefix("raw/"))
    if found is None:
        raise HTTPException(404)
    suffix = found.suffix.lower()
    if suffix in SHOWN:
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if suffix == ".txt":
            kind = "text/plain; charset=utf-8"
        response: Response = FileResponse(found, media_type=kind)
        response.headers["Content-Security-Policy"] = "sandbox"
        return response
    return FileResponse(found, media_type="application/octet-stream", filename=found.name)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def listen(host: str, port: int) -> Any:
    """A bound socket for the server (port 0: any free one), or one line saying why not."""
    import socket

    from qdn_corpus.errors import UsageError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, _, _, _, address = infos[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror or exc}): choose another --port or --host") from None
    return sock


def serve(corpus: Corpus, host: str, port: int, ready: Callable[[str], None]) -> None:
    """Serve until interrupted: bind first (so that `ready` gets the real address, also for
    port 0), then uvicorn on that socket, quiet but for its errors."""
    import uvicorn

    sock = listen(host, port)
    bound = sock.getsockname()[1]
    name = f"[{host}]" if ":" in host else host
    server = uvicorn.Server(uvicorn.Config(create_app(corpus), log_level="error", access_log=False, lifespan="off"))
    ready(f"http://{name}:{bound}/")
    server.run(sockets=[sock])
