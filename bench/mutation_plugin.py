"""pytest plugin for bench/mutation.sh (loaded there with -p mutation_plugin; never in CI or a
plain `pytest`): what makes mutation runs honest and fast, kept out of tests/conftest.py."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """Under bench/mutation.sh, forget what qdn's caches hold before each test.

    mutmut forks each mutant's run from a process whose caches (the gazetteer, the stream's
    known regions …) a clean run has already filled, so a mutant of the code behind a cache
    would never run and always "survive". Outside mutmut this costs nothing.
    """
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    import sys

    for name, module in list(sys.modules.items()):
        if name.split(".")[0] != "qdn_corpus":
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == name:
                value.cache_clear()


@pytest.fixture(autouse=True)
def _reuse_index_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """With QDN_TEST_INDEX_CACHE=<folder> (bench/mutation.sh sets it for targets that index
    building never calls), a first build of a raw folder identical to one built before is a copy.

    Three quarters of those tests' time is building the index of the five seeds, again in every
    test and for every mutant. The copy is the index that build() wrote for the same files
    (names, sizes, mtimes and contents), with its note of folder mtimes brought up to date as
    build() would have written it; build()'s report and its progress calls are replayed, so
    every command prints what it would have. Never on outside that script.
    """
    folder = os.environ.get("QDN_TEST_INDEX_CACHE")
    if not folder:
        return
    import hashlib
    import pickle

    from qdn_corpus.read.files import discover
    from qdn_corpus.store import index, update

    real = update.build

    def build(data_dir: Path, rebuild: bool = False, progress: Any = None, ocr: bool = False, cluster: str | None = None) -> Any:
        if index.index_dir(data_dir).exists() or ocr or cluster:
            return real(data_dir, rebuild, progress, ocr, cluster)
        raw = data_dir / "raw"
        key = hashlib.sha256(f"{rebuild}\0".encode())
        for path in sorted(p for p in raw.rglob("*") if p.is_file()) if raw.is_dir() else ():
            st = path.stat()
            key.update(f"{path.relative_to(raw)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
            key.update(hashlib.sha256(path.read_bytes()).digest())
        saved = Path(folder) / key.hexdigest()
        if not saved.is_dir():
            calls: list[Any] = []

            def record(done: int, total: int, result: Any) -> None:
                calls.append((done, total, result))
                if progress is not None:
                    progress(done, total, result)

            report = real(data_dir, rebuild, record)
            part = Path(folder) / f"{key.hexdigest()}.{os.getpid()}"
            shutil.copytree(index.index_dir(data_dir), part / "index")
            (part / "build.pickle").write_bytes(pickle.dumps((report, calls)))
            with contextlib.suppress(OSError):  # another worker saved it first
                part.rename(saved)
            return report
        report, calls = pickle.loads((saved / "build.pickle").read_bytes())
        shutil.copytree(saved / "index", index.index_dir(data_dir))
        current = index.live(data_dir)
        assert current is not None
        folders: dict[str, int] = {}
        list(discover([raw], base=data_dir, folders=folders))
        index.write_json(current.path / index.MANIFEST, {**current.manifest, "folders": folders})
        for call in calls if progress is not None else ():
            progress(*call)
        return report

    monkeypatch.setattr(update, "build", build)
