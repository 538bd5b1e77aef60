"""Indexing: incremental updates, crash safety, concurrency, unusable index folders."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, Run
from qdn_corpus.errors import IndexBusyError, IndexWriteError
from qdn_corpus.store.index import live, write_lock
from qdn_corpus.store.update import build

NEW_DOC = "新增的测试文件\n\n来源：凯里市投资促进局 发布时间：2023-05-06\n\n这里提到独一无二的短语青蛙跳水。\n"


def ids(qdn) -> set[str]:  # type: ignore[no-untyped-def]
    return {r["id"] for r in qdn("list").jsonl()}


def test_index_summary_and_noop(qdn) -> None:  # type: ignore[no-untyped-def]
    run = qdn("index")
    assert run.exit_code == 0
    assert "5 files, 19 records (19 added, 0 updated, 0 removed" in run.stderr
    again = qdn("index")
    assert "index up to date: 5 files, 19 records" in again.stderr


def test_add_change_delete_a_file(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    qdn("index")
    raw = data_dir / "raw"
    (raw / "sub").mkdir()
    (raw / "sub" / "new.txt").write_text(NEW_DOC, "utf-8")
    run = qdn("index")
    assert "1 added, 0 updated, 0 removed; 1 files parsed" in run.stderr
    assert [h["file"] for h in qdn("search", '"青蛙跳水"').jsonl()] == ["raw/sub/new.txt"]

    (raw / "sub" / "new.txt").write_text(NEW_DOC.replace("青蛙跳水", "猴子捞月"), "utf-8")
    os.utime(raw / "sub" / "new.txt", ns=(time.time_ns(), time.time_ns() + 10**9))
    run = qdn("index")
    assert "0 added, 1 updated, 0 removed" in run.stderr
    assert qdn("search", '"青蛙跳水"').exit_code == 1
    assert qdn("search", '"猴子捞月"').exit_code == 0

    (raw / "001_412e36e966f0b5c0.txt").unlink()
    run = qdn("index")
    assert "0 added, 0 updated, 1 removed" in run.stderr
    assert all(r["file"] != "raw/001_412e36e966f0b5c0.txt" for r in qdn("list").jsonl())


def test_search_refreshes_a_stale_index(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    qdn("index")
    (data_dir / "raw" / "late.txt").write_text(NEW_DOC, "utf-8")
    run = qdn("search", '"青蛙跳水"')
    assert run.exit_code == 0 and "updating it" in run.stderr


def test_hidden_files_are_skipped_and_bad_files_reported(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    raw = data_dir / "raw"
    (raw / ".hidden.txt").write_text(NEW_DOC, "utf-8")
    (raw / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (raw / "empty.txt").write_bytes(b"")
    run = qdn("index")
    assert run.exit_code == 0
    assert "skipped raw/image.png: an image (a scanned page?): read it with `qdn index --ocr`" in run.stderr
    assert "skipped raw/empty.txt: empty or whitespace only" in run.stderr
    assert "2 file(s) skipped" in run.stderr
    assert qdn("search", '"青蛙跳水"').exit_code == 1


def test_rebuild_switches_generations_atomically(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    # Internal names on purpose: that the old generation's folder is removed (disk space) is
    # not something any command shows.
    qdn("index")
    first = (data_dir / "index" / "CURRENT").read_text()
    run = qdn("index", "--rebuild")
    assert "rebuilt the index" in run.stderr
    second = (data_dir / "index" / "CURRENT").read_text()
    assert first != second and not (data_dir / "index" / first).exists()
    assert len(ids(qdn)) == 19


@pytest.mark.parametrize("damage", ["delete", "truncate", "version", "manifest_behind"])
def test_broken_index_is_rebuilt(qdn, data_dir: Path, damage: str) -> None:  # type: ignore[no-untyped-def]
    qdn("index")
    current = live(data_dir)
    assert current is not None
    if damage == "delete":
        import shutil

        shutil.rmtree(data_dir / "index")
    elif damage == "truncate":
        for f in current.path.iterdir():
            if f.suffix in (".toc", ".seg"):
                f.write_bytes(f.read_bytes()[:10])
    elif damage == "version":
        (current.path / "manifest.json").write_text('{"version": 0, "files": {}}')
    else:
        import json

        manifest = json.loads((current.path / "manifest.json").read_text())
        manifest["toc"] -= 1  # as if killed between Whoosh's commit and the manifest
        (current.path / "manifest.json").write_text(json.dumps(manifest))
    run = qdn("search", "承诺兑现")
    assert run.exit_code == 0 and "building the index" in run.stderr
    assert len(ids(qdn)) == 19


def test_second_writer_fails_clearly(qdn, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import qdn_corpus.store.index as index

    monkeypatch.setattr(index, "LOCK_WAIT_SECONDS", 0.2)
    with write_lock(data_dir):
        with pytest.raises(IndexBusyError, match="another qdn process"):
            build(data_dir)
        run = qdn("index")
    assert run.exit_code == 2 and "another qdn process is writing the index" in run.stderr


def test_search_during_a_write_uses_the_previous_index(qdn, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import qdn_corpus.store.index as index

    qdn("index")
    (data_dir / "raw" / "late.txt").write_text(NEW_DOC, "utf-8")
    monkeypatch.setattr(index, "LOCK_WAIT_SECONDS", 0.2)
    with write_lock(data_dir):
        run = qdn("search", "承诺兑现")
    assert run.exit_code == 0 and "searching the previous index" in run.stderr


@pytest.mark.parametrize("point", ["parse", "segment", "commit"])
@pytest.mark.parametrize("rebuild", [True, False])
def test_killed_index_leaves_a_usable_index(data_dir: Path, tmp_path: Path, point: str, rebuild: bool) -> None:
    """`qdn index` killed while the workers parse, once a worker has written its segment, or
    after the commit but before the manifest: searches answer from an index that holds either
    the old files or all the new ones, never a mix, and the next `qdn index` completes it."""
    env = {**os.environ, "QDN_DATA_DIR": str(data_dir)}
    cmd = [sys.executable, "-m", "qdn_corpus"]
    subprocess.run([*cmd, "index"], env=env, check=True, capture_output=True)
    raw = data_dir / "raw"
    for i in range(40):  # past PARALLEL_BYTES: the build uses its two worker processes
        (raw / f"extra{i:03d}.txt").write_text(NEW_DOC.replace("青蛙跳水", f"青蛙跳水{i:03d}") * 700, "utf-8")
    marker = tmp_path / "reached"
    proc = subprocess.Popen([*cmd, "index", *(["--rebuild"] if rebuild else [])],
                            env={**env, "QDN_TEST_KILL_POINT": point, "QDN_TEST_KILL_FILE": str(marker)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists(), f"qdn index never reached {point}"
    proc.send_signal(signal.SIGKILL)  # the workers die with it (PR_SET_PDEATHSIG)
    proc.wait()
    # The 40 files are near-copies of one text: --all-copies shows each file, not one per document.
    out = subprocess.run([*cmd, "search", "青蛙跳水", "--all-copies", "--format", "jsonl", "--limit", "100"],
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    found = [json.loads(line)["file"] for line in out.stdout.splitlines()]
    assert sorted(found) == sorted(f"raw/extra{i:03d}.txt" for i in range(40))  # each once: no half-written copy
    again = subprocess.run([*cmd, "index"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "index up to date" in again.stderr


def _unprivileged(args: list[str], data_dir: Path) -> Run:
    """Run the CLI as a user the file permissions apply to: as root (CI), in a forked child
    that becomes nobody first, so EACCES really happens; otherwise here. The child cannot read
    /root, so it only uses modules already imported (the caller runs the command once first)."""
    import json as js

    from typer.testing import CliRunner

    from qdn_corpus.cli import app

    env = {"QDN_DATA_DIR": str(data_dir)}
    if os.geteuid() != 0:
        r = CliRunner().invoke(app, args, env=env)
        return Run(r.exit_code, r.stdout, r.stderr)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: nobody, then the command, then its result through the pipe
        code = 1
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            r = CliRunner().invoke(app, args, env=env)
            payload = {"exit": r.exit_code, "out": r.stdout, "err": r.stderr}
            if r.exception and not isinstance(r.exception, SystemExit):
                payload["err"] += f"\nEXCEPTION {type(r.exception).__name__}: {r.exception}"
            os.write(write, js.dumps(payload).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    got = js.loads(data)
    return Run(got["exit"], got["out"], got["err"])


@pytest.fixture
def shared_data(data_dir: Path) -> Iterator[Path]:
    """The seeds in a folder every user can reach (pytest's tmp_path is root's alone)."""
    import shutil
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="qdn-perm-", dir="/tmp"))
    top.chmod(0o755)
    shutil.copytree(data_dir, top / "data")
    for path in [top / "data", *(top / "data").rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield top / "data"
    shutil.rmtree(top, ignore_errors=True)


def test_an_unreadable_file_is_skipped_with_permission_denied(qdn, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    (shared_data / "raw" / "secret.txt").write_text("秘密文件。\n", "utf-8")
    (shared_data / "raw" / "secret.txt").chmod(0)
    shared_data.chmod(0o777)  # nobody writes the index
    qdn("--data-dir", str(shared_data), "search", "承诺兑现")  # imports what the child will need
    import shutil

    shutil.rmtree(shared_data / "index")
    run = _unprivileged(["index"], shared_data)
    assert run.exit_code == 0, run.stderr
    assert "skipped raw/secret.txt: cannot read: Permission denied" in run.stderr
    assert "EXCEPTION" not in run.stderr and "Traceback" not in run.stderr


def test_read_only_data_folder(qdn, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    """Data and index belong to another user: searches use the index as it is, with a note when
    it cannot be refreshed; `qdn index` fails with one line."""
    assert qdn("--data-dir", str(shared_data), "index").exit_code == 0
    assert qdn("--data-dir", str(shared_data), "search", "承诺兑现").exit_code == 0
    (shared_data / "raw" / "late.txt").write_text(NEW_DOC, "utf-8")  # the index is now behind
    run = _unprivileged(["search", "承诺兑现", "--format", "jsonl"], shared_data)
    assert run.exit_code == 0, run.stderr
    assert "searching the previous index" in run.stderr and run.jsonl()
    failed = _unprivileged(["index", "--rebuild"], shared_data)
    assert failed.exit_code == 2
    assert len(failed.stderr.strip().splitlines()) == 1 and "qdn: error:" in failed.stderr
    assert "EXCEPTION" not in failed.stderr


def test_unwritable_index_keeps_search_working(qdn, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]

    qdn("index")
    (data_dir / "raw" / "late.txt").write_text(NEW_DOC, "utf-8")

    def cannot_write(*args: object, **kwargs: object) -> None:
        raise IndexWriteError(f"cannot write the index in {data_dir / 'index'}: Read-only file system")

    import qdn_corpus.store.update as update

    monkeypatch.setattr(update, "build", cannot_write)
    run = qdn("search", "承诺兑现")
    assert run.exit_code == 0 and "Read-only file system; searching the previous index" in run.stderr
    failed = qdn("index")
    assert failed.exit_code == 2 and "Read-only" in failed.stderr


def test_disk_full_keeps_the_previous_index(qdn, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import errno

    from qdn_corpus.store import engine

    qdn("index")
    (data_dir / "raw" / "late.txt").write_text(NEW_DOC, "utf-8")

    def full(self: object, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(engine.Writer, "commit", full)
        run = qdn("index")
    assert run.exit_code == 2
    assert "the disk is full; the previous index is intact" in run.stderr
    assert len(ids(qdn)) == 20  # the next run updates the intact previous index


def _segments(data_dir: Path) -> int:
    """Segments in the live index. Internal on purpose: no command shows the count, and it is
    what keeps a search's cost bounded after many updates (each search visits every segment)."""
    current = live(data_dir)
    assert current is not None
    return len(list(current.path.glob("*.qkey")))


def test_two_workers_build_what_one_builds(qdn, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import qdn_corpus.store.workers as workers

    qdn("index")
    one = (qdn("list").stdout, qdn("search", "营商环境").stdout, qdn("search", '"商环境"').stdout)
    assert _segments(data_dir) == 1
    monkeypatch.setattr(workers, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(workers, "WORKERS", 2)
    run = qdn("index", "--rebuild")
    assert run.exit_code == 0 and "19 records" in run.stderr
    assert _segments(data_dir) == 2
    two = (qdn("list").stdout, qdn("search", "营商环境").stdout, qdn("search", '"商环境"').stdout)
    strip = [[{k: v for k, v in json.loads(line).items() if k != "score"} for line in out.splitlines()] for out in one]
    assert [[{k: v for k, v in json.loads(line).items() if k != "score"} for line in out.splitlines()] for out in two] == strip
    # The scores too: BM25 counts the whole corpus, however many segments hold it (up to the
    # last digit, where sums in another order may differ).
    for a, b in zip(one[1:], two[1:], strict=True):
        scores = [(json.loads(x)["score"], json.loads(y)["score"]) for x, y in zip(a.splitlines(), b.splitlines(), strict=True)]
        assert scores and all(abs(x - y) < 1e-3 for x, y in scores), scores


def test_a_failing_worker_leaves_the_previous_index(qdn, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import qdn_corpus.store.workers as workers

    qdn("index")
    before = ids(qdn)

    def broken(gen: Path, todo: object) -> None:
        raise RuntimeError("simulated crash")

    with monkeypatch.context() as patch:
        patch.setattr(workers, "PARALLEL_BYTES", 0)
        patch.setattr(workers, "WORKERS", 2)
        patch.setattr(workers, "write_segment", broken)
        run = qdn("index", "--rebuild")
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.strip().count("\n") == 0 and "simulated crash" in run.stderr
    assert ids(qdn) == before


def test_a_failed_update_leaves_no_file_behind(qdn, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """An update that fails mid-segment: the index folder holds exactly the files it held."""
    import qdn_corpus.store.workers as workers

    qdn("index")
    root = data_dir / "index"
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    for i in range(3):
        (data_dir / "raw" / f"new{i}.txt").write_text(NEW_DOC.replace("青蛙跳水", f"青蛙跳水{i}"), "utf-8")
    real = workers.prepare

    def broken(result: Any) -> Any:
        if result.entry.name.endswith("new2.txt"):
            raise OSError(28, "No space left on device")
        return real(result)

    monkeypatch.setattr(workers, "prepare", broken)
    run = qdn("index")
    assert run.exit_code == 2 and "the disk is full" in run.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_many_updates_keep_few_segments(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from qdn_corpus.store.update import MAX_SEGMENTS

    qdn("index")
    words = ["青蛙跳水", "猴子捞月", "画蛇添足", "守株待兔", "亡羊补牢", "对牛弹琴", "井底之蛙", "狐假虎威", "掩耳盗铃", "刻舟求剑",
             "杯弓蛇影", "叶公好龙"]
    for i, word in enumerate(words):
        (data_dir / "raw" / f"new{i:02d}.txt").write_text(NEW_DOC.replace("青蛙跳水", word), "utf-8")
        assert qdn("index").exit_code == 0
        assert _segments(data_dir) <= MAX_SEGMENTS
    (data_dir / "raw" / "new03.txt").unlink()
    qdn("index")
    for i, word in enumerate(words):
        files = [h["file"] for h in qdn("search", f'"{word}"').jsonl()]
        assert files == ([] if i == 3 else [f"raw/new{i:02d}.txt"])
    assert len(ids(qdn)) == 19 + len(words) - 1


def test_a_file_overwritten_in_place_is_caught_by_the_background_check(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from qdn_corpus.store.index import STALE

    qdn("index")
    raw = data_dir / "raw"
    folder = raw.stat().st_mtime_ns
    (raw / "001_412e36e966f0b5c0.txt").write_text(NEW_DOC, "utf-8")  # same name: the folder's mtime stays
    os.utime(raw, ns=(folder, folder))
    qdn("search", "营商环境")  # the cheap check passes; the background check starts
    current = live(data_dir)
    assert current is not None
    deadline = time.monotonic() + 20
    # The marker is internal, but nothing a user sees tells when the detached check has finished;
    # what the user sees is asserted next: the following search updates first.
    while not (current.path / STALE).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    run = qdn("search", '"青蛙跳水"')
    assert run.exit_code == 0 and "updating it" in run.stderr
    assert [h["file"] for h in run.jsonl()] == ["raw/001_412e36e966f0b5c0.txt"]
    assert not (live(data_dir).path / STALE).exists()  # type: ignore[union-attr]


def test_verbose_index_describes_each_file(qdn) -> None:  # type: ignore[no-untyped-def]
    run = qdn("-v", "index")
    assert run.exit_code == 0
    assert "qdn: raw/000_79ec2d9e8d54e8d5.txt: text, stream, utf-8, 15 record(s)" in run.stderr


def test_verbose_index_tells_each_warning_and_skip_once(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    raw = data_dir / "raw"
    (raw / "bad.txt").write_bytes("来源：某局\n\n正文一句话。".encode() + b"\xff\xfe" + "后文。".encode())
    (raw / "empty.txt").write_bytes(b"")
    run = qdn("-v", "index")
    assert run.exit_code == 0
    lines = run.stderr.splitlines()
    warnings = [line for line in lines if "warning:" in line and "bad.txt" in line]
    assert len(warnings) == 1, lines
    assert len([line for line in lines if "empty.txt" in line]) == 1, lines


def test_quiet_index_prints_nothing(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    (data_dir / "raw" / "empty.txt").write_bytes(b"")
    run = qdn("-q", "index")
    assert run.exit_code == 0 and run.stderr == "" and run.stdout == ""
    assert qdn("index").stderr.splitlines()[-1].startswith("qdn: index up to date: 6 files")


def test_no_dependency_warning_reaches_the_terminal_even_under_w_error(data_dir: Path, tmp_path: Path) -> None:
    """Python compiling every module afresh (an empty bytecode cache, as on a first run or a
    read-only install) with warnings turned into errors: qdn answers and prints no warning."""
    import shutil as sh

    sh.copy(FIXTURES / "pages" / "cms_meta.html", data_dir / "raw" / "page.html")
    env = {**os.environ, "QDN_DATA_DIR": str(data_dir), "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache"),
           "PYTHONDONTWRITEBYTECODE": "1"}
    for args in (["index"], ["search", "承诺兑现", "--format", "jsonl"], ["parse", str(data_dir / "raw" / "page.html")]):
        run = subprocess.run([sys.executable, "-W", "error", "-m", "qdn_corpus", *args], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert "Warning" not in run.stderr and "internal error" not in run.stderr, run.stderr


def test_the_engine_is_one_module_and_knows_its_whoosh() -> None:
    """Only engine.py imports Whoosh, and it refuses a Whoosh whose internals it does not know
    with a message that says what to install."""
    import re as regex_std

    import qdn_corpus
    from qdn_corpus.errors import QdnError
    from qdn_corpus.store import engine

    src = Path(qdn_corpus.__file__).parent
    importers = sorted(
        p.relative_to(src).as_posix() for p in src.rglob("*.py")
        if regex_std.search(r"^\s*(from|import) whoosh", p.read_text("utf-8"), regex_std.M)
    )
    assert importers == ["store/engine.py"]
    engine.check_version((2, 7, 4))
    engine.check_version((2, 7, 5))
    with pytest.raises(QdnError, match=r"qdn needs Whoosh 2\.7 \(found 2\.8\.0\): pip install 'whoosh-reloaded"):
        engine.check_version((2, 8, 0))


def test_a_noop_reads_only_the_stat_file(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """An up-to-date `qdn index` answers from stat.json (sizes, mtimes, the summary) without
    files/, and says what a full read says; a damaged stat.json costs only speed."""
    import re

    from qdn_corpus.store.index import FILES, STAT, live

    (data_dir / "raw" / "empty.txt").write_text("", "utf-8")
    qdn("index")
    up_to_date = re.sub(r" in [\d.]+ s$", "", qdn("index").stderr.strip())
    assert up_to_date.endswith("; 1 file(s) skipped") and "6 files" in up_to_date
    gen = live(data_dir).path  # type: ignore[union-attr]
    (gen / FILES).rename(gen / "away")
    run = qdn("index")
    assert re.sub(r" in [\d.]+ s$", "", run.stderr.strip()) == up_to_date
    (gen / "away").rename(gen / FILES)
    (gen / STAT).write_text("{", "utf-8")
    run = qdn("index")
    assert re.sub(r" in [\d.]+ s$", "", run.stderr.strip()).endswith(up_to_date.split("qdn: ", 1)[1])
    (data_dir / "raw" / "empty.txt").unlink()  # an update writes stat.json again
    assert qdn("index").exit_code == 0
    assert len(json.loads((gen / STAT).read_text("utf-8"))["names"]) == 5


def test_segments_cut_by_size_answer_as_one(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build cuts a new segment every SEGMENT_BYTES of raw files (memory stays bounded): the
    records, hits and scores are those of a build in one segment."""
    import shutil

    import qdn_corpus.store.workers as workers
    from qdn_corpus import Corpus

    def answers(data: Path) -> list[Any]:
        c = Corpus(data)
        return [c.list(all_copies=True).to_dicts(), *(c.search(q, limit=None).to_dicts() for q in ("承诺兑现", "营商环境", '"招商引资"'))]

    other = tmp_path / "other"
    shutil.copytree(data_dir / "raw", other / "raw")
    Corpus(data_dir).index()
    monkeypatch.setattr(workers, "SEGMENT_BYTES", 20_000)
    Corpus(other).index()
    assert len(list((other / "index").glob("gen-*/*.qtxt"))) >= 3 > len(list((data_dir / "index").glob("gen-*/*.qtxt")))
    assert answers(other) == answers(data_dir)


def test_a_file_added_to_a_subfolder_is_found_by_the_next_search(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The index notes every folder's mtime, subfolders too: a file added below raw/ changes
    only its own folder's, and the next search must see it without a `qdn index`."""
    sub = data_dir / "raw" / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "old.txt").write_text(NEW_DOC.replace("青蛙跳水", "猴子捞月"), "utf-8")
    assert qdn("index").exit_code == 0
    (sub / "new.txt").write_text(NEW_DOC, "utf-8")
    run = qdn("search", '"青蛙跳水"', "--format", "jsonl")
    assert run.exit_code == 0 and "raw files changed" in run.stderr
    assert [h["file"] for h in run.jsonl()] == ["raw/a/b/new.txt"]


def test_a_rename_or_a_new_size_under_the_old_mtime_is_an_update(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """A rename keeps size and mtime (and here the file's place in the walk); a copy with
    `cp -p` or `rsync -t` can keep the mtime with other bytes: each is still a change."""
    raw = data_dir / "raw"
    (raw / "zz_a.txt").write_text(NEW_DOC, "utf-8")
    assert qdn("index").exit_code == 0
    (raw / "zz_a.txt").rename(raw / "zz_b.txt")
    run = qdn("index")
    assert "1 added, 0 updated, 1 removed" in run.stderr
    assert [h["file"] for h in qdn("search", '"青蛙跳水"').jsonl()] == ["raw/zz_b.txt"]
    mtime = (raw / "zz_b.txt").stat().st_mtime_ns
    (raw / "zz_b.txt").write_text(NEW_DOC.replace("青蛙跳水", "猴子捞月了"), "utf-8")
    os.utime(raw / "zz_b.txt", ns=(mtime, mtime))
    assert "0 added, 1 updated, 0 removed" in qdn("index").stderr
    assert qdn("search", '"青蛙跳水"').exit_code == 1


def test_an_updated_ledger_equals_a_rebuilt_one(data_dir: Path, tmp_path: Path) -> None:
    """After each random update, what the index knows of the raw files (each file's entry, the
    links attachments resolve by, the summary a no-op prints) equals a rebuild's: carried
    forward shard by shard, never recomputed. Two files claim the same URL, so the link's owner
    must be the first in walk order whatever the order of updates."""
    import json
    import random
    import shutil

    from qdn_corpus import Corpus
    from qdn_corpus.store import index

    def doc(title: str) -> str:
        return f"关于{title}的通知\n\n来源：黔东南州人民政府 发布时间：2022-03-10\n\n要做好{title}工作。\n"

    def side(url: str) -> str:
        return json.dumps({"url": url})

    pool = {
        "a.txt": doc("承诺兑现"), "a.txt.metadata.json": side("https://www.qdn.gov.cn/1.html"),
        "sub/b.txt": doc("营商环境"), "sub/b.txt.metadata.json": side("https://www.qdn.gov.cn/1.html"),
        "sub/deep/c.txt": doc("招商引资"), "sub/deep/c.txt.json": side("https://www.qdn.gov.cn/2.html"),
        "d.pdf": "not a pdf", "empty.txt": "", "e.txt": doc("项目建设"),
    }

    def ledger(data: Path) -> tuple[Any, ...]:
        current = index.live(data)
        assert current is not None
        files = {n: {k: v for k, v in e.items() if k != "segment"} for n, e in index.files_of(current).items()}
        stat = json.loads((current.path / index.STAT).read_text("utf-8"))
        return files, index.links_claimed(current.path / index.LINKS), stat

    rng = random.Random(11)
    raw = data_dir / "raw"
    Corpus(data_dir).index()
    for step in range(16):
        for name in rng.sample(sorted(pool), 2):
            path = raw / name
            if path.exists() and rng.random() < 0.4:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(pool[name] + ("\n补充。" * rng.randint(0, 2) if name.endswith(".txt") else ""), "utf-8")
        report = Corpus(data_dir).index()
        fresh = tmp_path / f"fresh{step}"
        shutil.copytree(raw, fresh / "raw")
        rebuilt = Corpus(fresh).index()
        assert (report.records, report.formats, report.skipped) == (rebuilt.records, rebuilt.formats, rebuilt.skipped), step
        assert ledger(data_dir) == ledger(fresh), step
    owners = ledger(data_dir)[1].get("https://www.qdn.gov.cn/1.html")
    assert owners is None or owners == sorted(owners, key=lambda n: n.split("/"))


def test_an_update_of_one_file_rewrites_only_its_shard(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from qdn_corpus.store import index

    assert qdn("index").exit_code == 0
    current = index.live(data_dir)
    assert current is not None
    shards = {p.name: p.read_bytes() for p in (current.path / index.FILES).iterdir()}
    assert len(shards) == index.SHARDS
    changed = sorted((data_dir / "raw").iterdir())[0]
    changed.write_text(changed.read_text("utf-8") + "\n补充一句。\n", "utf-8")
    mine = f"{index.shard_of('raw/' + changed.name):02d}.json"
    untouched = next(n for n in sorted(shards) if n != mine)
    (current.path / index.FILES / untouched).write_text("not json", "utf-8")  # never read, never written
    run = qdn("index")
    assert "0 removed; 1 files parsed" in run.stderr
    after = {p.name: p.read_bytes() for p in (current.path / index.FILES).iterdir()}
    assert after[untouched] == b"not json" and after[mine] != shards[mine]
    assert {n for n in shards if after[n] != shards[n]} == {mine, untouched}
