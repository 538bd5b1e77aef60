"""OCR of scans: page images in, text out, through RapidOCR on onnxruntime (the `ocr` extra).

RapidOCR's wheel carries PaddleOCR's Chinese detection and recognition models as ONNX files,
so it runs offline; pages are rendered by PDFium (pypdfium2, already qdn's PDF reader). Results
are cached by the file's content hash in the index folder (`ocr/`), so a rebuild or an update
never reads a file twice; a cached result is used even without `--ocr`. The engine is imported
only when a page must be read and `--ocr` asked for it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENGINE = "rapidocr-3"  # part of the cache key: another engine reads anew
INSTALL = "pip install -e \".[ocr]\""
HOW = f"read it with `qdn index --ocr` (needs {INSTALL})"
SCALE = 2.0  # PDF points to pixels: 144 dpi, where RapidOCR reads 五号 text reliably


@dataclass
class Settings:
    enabled: bool = False  # run the engine on pages no cache holds (qdn index --ocr)
    cache: Path | None = None  # the index folder's ocr/, when there is an index
    known: dict[str, list[str]] | None = None  # results by key held in memory (a cluster's task)


_settings = Settings()
_local = threading.local()  # a cluster worker's task: its own settings, in its own thread
_engine: Any = None


def configure(enabled: bool, cache: Path | None) -> None:
    """Set for this process and the workers it forks: whether to run OCR, where results live."""
    _settings.enabled, _settings.cache = enabled, cache


def key_of(data: bytes) -> str:
    """What the cache knows a file by: its content hash."""
    return hashlib.sha256(data).hexdigest()


def cached(key: str) -> list[str] | None:
    """The cached result for a file's key in this process's cache, or None."""
    path = _settings.cache / f"{key}.json" if _settings.cache else None
    if path is None:
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("engine") == ENGINE:
            return [str(t) for t in data["pages"]]
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    return None


def store(key: str, texts: list[str]) -> None:
    """Keep a result in this process's cache (written atomically)."""
    if _settings.cache is None:
        return
    path = _settings.cache / f"{key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps({"engine": ENGINE, "pages": texts}, ensure_ascii=False), "utf-8")
    os.replace(tmp, path)


@contextmanager
def session(enabled: bool, known: dict[str, list[str]]) -> Iterator[dict[str, list[str]]]:
    """For a cluster's task, in this thread only: no cache on disk, results given in `known`;
    yields the results read by OCR meanwhile, for the client to cache."""
    _local.settings = Settings(enabled, None, dict(known))
    try:
        yield _local.settings.known
    finally:
        del _local.settings


def available() -> bool:
    """Whether the `ocr` extra is installed (without importing it)."""
    return all(importlib.util.find_spec(name) is not None for name in ("rapidocr", "onnxruntime"))


def read(data: bytes, name: str, pages: Callable[[], Iterable[Any]], count: int) -> list[str] | None:
    """The text of each page (from the cache, else by OCR when enabled), or None when neither
    can give it. `pages` yields the page images (numpy arrays or image bytes) on demand."""
    key = key_of(data)
    settings: Settings = getattr(_local, "settings", _settings)
    if settings.known is not None:
        if key in settings.known:
            return settings.known[key]
    elif (hit := cached(key)) is not None:
        return hit
    if not settings.enabled:
        return None
    engine = _load()
    texts: list[str] = []
    show = sys.stderr.isatty() and not os.environ.get("QDN_QUIET")
    for i, image in enumerate(pages()):
        if show:
            print(f"\rqdn: OCR {name}: page {i + 1}/{count}\x1b[K", end="", file=sys.stderr, flush=True)
        result = engine(image)
        texts.append("\n".join(result.txts or ()))
    if show:
        print("\r\x1b[K", end="", file=sys.stderr, flush=True)
    if settings.known is not None:
        settings.known[key] = texts
    else:
        store(key, texts)
    return texts


def _load() -> Any:
    global _engine
    if _engine is None:
        import logging
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from rapidocr import RapidOCR

            _engine = RapidOCR(params={"Global.log_level": "error"})
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return _engine
