"""`qdn index --cluster`: a real Dask cluster on loopback (a scheduler and two `dask worker`
processes started as a user starts them) builds an index whose every answer equals a local
build's of the same folder: records, searches, trend rows, copy groups, citations. A worker
killed mid-build costs nothing but time; a cluster that cannot do the work is one line and
leaves the previous index as it was."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, SEEDS
from qdn_corpus import Corpus
from qdn_corpus.errors import ClusterError, UsageError
from qdn_corpus.read.formats import ocr

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed (pip install -e '.[dask]')")

DASK = str(Path(sys.executable).parent / "dask")
QUERIES = ["承诺兑现", "营商环境", "招商引资", '"优化营商环境"', "深山藏宝", "招商 OR 投资", "INVESTMENT"]


class Cluster:
    """A scheduler and its workers on 127.0.0.1, each a process of its own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        file = folder / "scheduler.json"
        self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(file)])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if file.exists():
                try:
                    self.address: str = json.loads(file.read_text())["address"]
                    break
                except (ValueError, KeyError):
                    pass
            time.sleep(0.1)
        else:
            raise RuntimeError(f"no scheduler: {(folder / 'scheduler.log').read_text()}")

    def _start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        self.procs[name] = subprocess.Popen([DASK, *args], stdout=log, stderr=log, env={**os.environ, **(env or {})})

    def worker(self, name: str, env: dict[str, str] | None = None, nanny: bool = True) -> None:
        self._start(name, ["worker", self.address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard",
                           "--name", name, *([] if nanny else ["--no-nanny"])], env)

    def wait_for(self, n: int) -> None:
        with distributed.Client(self.address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(n, timeout=60)

    def stop(self) -> None:
        for proc in self.procs.values():  # nothing of theirs is kept: no need to wait for a clean close
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    c = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        c.worker("one")
        c.worker("two")
        c.wait_for(2)
        yield c
    finally:
        c.stop()


def _folder(root: Path, scan: bool = False) -> Path:
    """Seeds, documents that cite each other and copies, saved pages (one with a crawler's
    sidecar), a hostile page, and with `scan` an image-only PDF for OCR."""
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    sources = [*SEEDS.iterdir(), *(FIXTURES / "analyses").iterdir(), *(FIXTURES / "serve").iterdir(), *(FIXTURES / "pages").glob("*.htm*")]
    for source in sources:
        if source.is_file():
            shutil.copy2(source, raw / source.name)
    if scan:
        from test_ocr import _scan

        _scan(raw)
    return root / "data"


def _answers(data: Path) -> dict[str, Any]:
    """Everything the index answers, as JSON-ready data."""
    c = Corpus(data)
    records = c.list(all_copies=True)
    out: dict[str, Any] = {"records": records.to_dicts()}
    for q in QUERIES:
        for all_copies in (False, True):
            out[f"search {q} {all_copies}"] = c.search(q, limit=None, all_copies=all_copies).to_dicts()
    trend = c.trend(["承诺兑现", "营商环境"], by="year")
    out["trend"] = [r.model_dump(mode="json") for r in trend.rows], trend.totals
    out["trend region"] = [r.model_dump(mode="json") for r in c.trend("营商环境", by="region").rows]
    out["dups"] = c.dups(top=None).to_dicts()
    out["refs"] = c.refs(top=None).to_dicts()
    out["cites"] = {r.id: c.cites(r.id).to_dicts() for r in records}
    return out


def _same(local: dict[str, Any], remote: dict[str, Any]) -> None:
    assert local.keys() == remote.keys()
    for key in local:
        assert remote[key] == local[key], key


@pytest.fixture
def few_per_task(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three files a task: the small folder becomes a dozen tasks spread over both workers; and
    a segment every 60 kB, so that both builds cut several segments, at the same files."""
    from qdn_corpus.store import cluster, workers

    monkeypatch.setattr(cluster, "BATCH_FILES", 3)
    monkeypatch.setattr(workers, "SEGMENT_BYTES", 60_000)


def test_a_cluster_build_answers_exactly_as_a_local_build(cluster: Cluster, tmp_path: Path, few_per_task: None) -> None:
    local, remote = _folder(tmp_path / "local"), _folder(tmp_path / "remote")
    Corpus(local).index()
    report = Corpus(remote).index(cluster=cluster.address)
    assert report.rebuilt and report.records == Corpus(local).index(rebuild=True).records > 30
    segments = [{p.name.split(".")[0] for p in (d / "index").glob("gen-*/*.qtxt")} for d in (local, remote)]
    assert len(segments[0]) == len(segments[1]) >= 3
    want, got = _answers(local), _answers(remote)
    assert len(want["dups"]) >= 1 and sum(len(v) for v in want["cites"].values()) >= 10  # copies and citations to compare
    assert any(want[f"search {q} False"] for q in QUERIES)
    _same(want, got)
    # Both builds used both workers: the scheduler ran tasks on each
    with distributed.Client(cluster.address, set_as_default=False) as client:
        ran = client.run(lambda dask_worker: dask_worker.state.executed_count)  # type: ignore[no-untyped-call]
    assert sorted(ran.values())[0] > 0, ran


def test_an_update_on_the_cluster_equals_a_local_update(cluster: Cluster, tmp_path: Path, few_per_task: None) -> None:
    local, remote = _folder(tmp_path / "local"), _folder(tmp_path / "remote")
    Corpus(local).index()
    Corpus(remote).index(cluster=cluster.address)
    for data in (local, remote):
        (data / "raw" / "kaili_2022.txt").unlink()
        text = (data / "raw" / "leishan_2023.txt").read_text("utf-8")
        (data / "raw" / "leishan_2023.txt").write_text(text.replace("营商环境", "营商环境承诺兑现"), "utf-8")
        shutil.copy2(SEEDS / sorted(p.name for p in SEEDS.iterdir())[0], data / "raw" / "again.txt")
    a = Corpus(local).index()
    b = Corpus(remote).index(cluster=cluster.address)
    assert (a.added, a.updated, a.removed, a.parsed_files) == (b.added, b.updated, b.removed, b.parsed_files)
    assert b.parsed_files == 2 and b.removed > 0
    _same(_answers(local), _answers(remote))


@pytest.mark.skipif(not ocr.available(), reason="the ocr extra is not installed (pip install -e '.[ocr]')")
def test_scans_are_read_on_the_workers_and_cached_here(cluster: Cluster, tmp_path: Path) -> None:
    local, remote = _folder(tmp_path / "local", scan=True), _folder(tmp_path / "remote", scan=True)
    Corpus(local).index(ocr=True)
    report = Corpus(remote).index(ocr=True, cluster=cluster.address)
    assert report.formats.get("pdf") == 1 and not report.skipped
    _same(_answers(local), _answers(remote))
    cached = list((remote / "index" / "ocr").glob("*.json"))
    assert len(cached) == 1  # the worker's reading came back to this machine's cache
    # Rebuilt without --ocr, the scan is still read: its cached pages travel with it
    again = Corpus(remote).index(rebuild=True, cluster=cluster.address)
    assert again.formats.get("pdf") == 1 and not again.skipped
    assert Corpus(remote).search("INVESTMENT").total == 1


def test_a_worker_killed_mid_build_costs_only_time(tmp_path: Path) -> None:
    """A worker that stops in its first task is killed; its files are done by a worker started
    meanwhile, and the index equals a local build."""
    c = Cluster(tmp_path)
    local, remote = _folder(tmp_path / "local"), _folder(tmp_path / "remote")
    marker = tmp_path / "reached"
    try:
        c.worker("doomed", {"QDN_TEST_KILL_POINT": "task", "QDN_TEST_KILL_FILE": str(marker)}, nanny=False)
        c.wait_for(1)
        run = subprocess.Popen(
            [sys.executable, "-m", "qdn_corpus", "--data-dir", str(remote), "index", "--cluster", c.address],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)
        assert marker.exists(), "the worker never started a task"
        c.worker("spare")
        c.wait_for(2)
        os.kill(int(marker.read_text()), signal.SIGKILL)
        _, err = run.communicate(timeout=120)
    finally:
        c.stop()
    assert run.returncode == 0, err
    assert err.splitlines()[-1].startswith("qdn: rebuilt the index:"), err
    assert "Traceback" not in err and "distributed" not in err  # no Dask chatter on the user's terminal
    Corpus(local).index()
    _same(_answers(local), _answers(remote))


def _snapshot(data: Path) -> dict[str, bytes]:
    """Every file of the index but the lock, by path: what a failed build must leave alone."""
    root = data / "index"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != "write.lock"}


def test_another_qdn_on_a_worker_is_refused_and_the_index_kept(
    cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qdn_corpus.store import cluster as client_side

    data = _folder(tmp_path)
    Corpus(data).index()
    before = _snapshot(data)
    shutil.copy2(data / "raw" / "kaili_2022.txt", data / "raw" / "kaili_again.txt")
    monkeypatch.setattr(client_side, "fingerprint", lambda: "0.0.9 (abc)")
    refused = r"^worker tcp://127\.0\.0\.1:\d+ runs qdn 0\.1\.0 \(\w+\), this is qdn 0\.0\.9 \(abc\): install the same qdn on every worker$"
    for rebuild in (False, True):
        with pytest.raises(ClusterError, match=refused):
            Corpus(data).index(rebuild=rebuild, cluster=cluster.address)
        assert _snapshot(data) == before  # not a byte of the index changed, no generation left behind


def test_an_unreachable_scheduler_is_one_line_and_exit_2(qdn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from qdn_corpus.store import cluster as client_side

    monkeypatch.setattr(client_side, "CONNECT_SECONDS", 1.0)
    run = qdn("index", "--cluster", "tcp://127.0.0.1:9")  # the discard port: nothing listens
    assert run.exit_code == 2
    assert run.stderr.startswith("qdn: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")
    assert run.stderr.endswith("start one with `dask scheduler`, or check --cluster / QDN_CLUSTER\n")
    assert len(run.stderr.splitlines()) == 1
    monkeypatch.setenv("QDN_CLUSTER", "nonsense")
    run = qdn("index")
    assert (run.exit_code, run.stderr) == (2, "qdn: error: --cluster 'nonsense' is not a scheduler address: give HOST:PORT or tcp://HOST:PORT\n")


def test_a_scheduler_without_workers_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qdn_corpus.store import cluster as client_side

    monkeypatch.setattr(client_side, "NO_WORKER_SECONDS", 1.0)
    c = Cluster(tmp_path)
    try:
        with pytest.raises(ClusterError, match=r"has no workers: start some with `dask worker tcp://127\.0\.0\.1:"):
            Corpus(_folder(tmp_path / "x")).index(cluster=c.address)
    finally:
        c.stop()


def test_without_the_extra_cluster_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    with pytest.raises(UsageError, match=r'^--cluster needs the dask extra: pip install -e "\.\[dask\]"$'):
        Corpus(_folder(tmp_path)).index(cluster="tcp://127.0.0.1:8786")


def test_nothing_of_dask_is_imported_without_cluster(tmp_path: Path) -> None:
    data = _folder(tmp_path)
    code = ("import sys; from qdn_corpus import Corpus; Corpus(sys.argv[1]).index(); c = Corpus(sys.argv[1]); c.search('营商环境');"
            " print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'tornado')))")
    out = subprocess.run([sys.executable, "-c", code, str(data)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_progress_reports_every_file_in_order(cluster: Cluster, tmp_path: Path, few_per_task: None) -> None:
    data = _folder(tmp_path)
    seen: list[tuple[int, int, str]] = []
    c = Corpus(data, progress=lambda done, total, item: seen.append((done, total, item.entry.name)))
    report = c.index(cluster=cluster.address)
    names = sorted(p.relative_to(data).as_posix() for p in (data / "raw").iterdir() if not p.name.endswith(".json"))
    assert [s[2] for s in seen] == names and [s[0] for s in seen] == list(range(1, len(names) + 1))
    assert {s[1] for s in seen} == {report.files}
