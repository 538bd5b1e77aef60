"""The preparer (store/workers.py): a small update's files are made ready in the process forked
before the walk, exactly as the update would make them, and nothing is lost when it fails."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qdn_corpus.read.files import discover
from qdn_corpus.store import workers


def _made(prepared: Any) -> list[tuple[list[str], list[str], list[list[str]], bytes]]:
    return [(p.done.ids, [r.body for r in p.rows], [r.words for r in p.rows], b"".join(r.record for r in p.rows)) for p in prepared]


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else set()


def test_the_preparer_makes_what_the_update_would_and_is_reaped(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    todo = list(discover([data_dir / "raw"], base=data_dir))
    here = _made(workers._read_here(todo))
    assert len(here) == 5 and sum(len(ids) for ids, *_ in here) == 19
    fds = _open_fds()
    preparer = workers.Preparer()
    pid = preparer.pid

    def not_here(files: list[Any]) -> Any:
        assert not files, "the update made files itself: the preparer sent none"
        return iter(())

    monkeypatch.setattr(workers, "_read_here", not_here)  # in this process only: the preparer forked before
    assert pid and _made(preparer.prepare(todo)) == here
    assert preparer.pid == 0 and _open_fds() == fds  # its pipes closed, and nothing else
    with pytest.raises(ChildProcessError):  # stopped and reaped: no process left behind
        os.waitpid(pid, os.WNOHANG)


def test_a_preparer_that_died_leaves_its_files_to_the_update(data_dir: Path) -> None:
    todo = list(discover([data_dir / "raw"], base=data_dir))
    preparer = workers.Preparer()
    os.kill(preparer.pid, signal.SIGKILL)
    assert _made(preparer.prepare(todo)) == _made(workers._read_here(todo))


def test_an_update_stops_an_unused_preparer_and_forks_none_beside_threads(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from qdn_corpus.store.update import build

    build(data_dir)
    started: list[workers.Preparer] = []
    real = workers.Preparer

    def spy() -> workers.Preparer:
        started.append(real())
        return started[-1]

    monkeypatch.setattr(workers, "Preparer", spy)
    fds = _open_fds()
    with monkeypatch.context() as alone:
        alone.setattr(threading, "active_count", lambda: 1)  # earlier tests may leave threads running
        report = build(data_dir)  # nothing changed: the preparer is stopped unused
    assert report.parsed_files == 0 and len(started) == 1 and started[0].pid == 0
    assert _open_fds() == fds  # its pipes closed
    stop = threading.Event()
    running = threading.Thread(target=stop.wait)
    running.start()
    try:
        (data_dir / "raw" / "late.txt").write_text("晚到的通知\n\n为优化营商环境，现通知如下。\n", "utf-8")
        assert build(data_dir).parsed_files == 1 and len(started) == 1  # made here: no fork beside a thread
    finally:
        stop.set()
        running.join()


def test_a_small_update_loads_no_tokeniser_and_finds_the_same(qdn: Any, data_dir: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Built in a fresh process, the update's own process never loads the tokeniser's dictionary
    (the preparer cut the words); the index answers as one built without a preparer."""
    script = "import sys; from pathlib import Path; from qdn_corpus.store.update import build; " \
             "build(Path(sys.argv[1])); print('rjieba' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", script, str(data_dir)], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"

    alone = tmp_path / "alone"
    shutil.copytree(data_dir / "raw", alone / "raw")
    monkeypatch.setattr(workers, "preparer", lambda local: contextlib.nullcontext(None))
    monkeypatch.setenv("QDN_DATA_DIR", str(alone))
    assert qdn("index").exit_code == 0
    answers = [qdn(*args).stdout for args in (("list", "--format", "jsonl"), ("search", "营商环境", "--format", "jsonl"))]
    monkeypatch.setenv("QDN_DATA_DIR", str(data_dir))
    assert [qdn(*args).stdout for args in (("list", "--format", "jsonl"), ("search", "营商环境", "--format", "jsonl"))] == answers
    assert answers[0].count("\n") == 19
