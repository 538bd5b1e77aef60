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
from collections.abc import Callable, Iterable
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


_settings = Settings()
_engine: Any = None


def configure(enabled: bool, cache: Path | None) -> None:
    """Set for this process and the workers it forks: whether to run OCR, where results live."""
    _settings.enabled, _settings.cache = enabled, cache


def available() -> bool:
    """Whether the `ocr` extra is installed (without importing it)."""
    return all(importlib.util.find_spec(name) is not None for name in ("rapidocr", "onnxruntime"))


def read(data: bytes, name: str, pages: Callable[[], Iterable[Any]], count: int) -> list[str] | None:
    """The text of each page (from the cache, else by OCR when enabled), or None when neither
    can give it. `pages` yields the page images (numpy arrays or image bytes) on demand."""
    key = hashlib.sha256(data).hexdigest()
    path = _settings.cache / f"{key}.json" if _settings.cache else None
    if path is not None:
        try:
            cached = json.loads(path.read_text("utf-8"))
            if cached.get("engine") == ENGINE:
                return [str(t) for t in cached["pages"]]
        except (OSError, ValueError, KeyError, AttributeError):
            pass
    if not _settings.enabled:
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
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"engine": ENGINE, "pages": texts}, ensure_ascii=False), "utf-8")
        os.replace(tmp, path)
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
