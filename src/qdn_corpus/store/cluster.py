"""`qdn index --cluster ADDRESS`: the per-document work of a build (parsing, OCR, tokens,
MinHash, citations) as tasks on a Dask cluster's workers, written here into segments exactly as
a local build writes them (workers.write_segment). Imported only when a cluster is asked for.

The client reads each file and sends its bytes with the task, so the workers need qdn (the same
code: workers.fingerprint) but no shared file system; it keeps a bounded number of tasks in
flight, takes results as they finish and writes them in the order a local build would, so both
builds hold the same documents in the same order. OCR results travel both ways: what the index's
cache holds goes with its file, and what a worker reads comes back to the cache.

Dask retries a lost worker's tasks on the others. Anything else (no scheduler, no worker left,
another qdn on a worker, a file that kills workers) ends the build with one line, and update.py
throws the unfinished segment away: the previous index is intact.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qdn_corpus.errors import ClusterError, UsageError
from qdn_corpus.store.workers import Item, Prepared, Sent, about, fingerprint, prepare, prepare_batch, write_segments

if TYPE_CHECKING:
    from qdn_corpus.read.files import FileEntry

INSTALL = 'pip install -e ".[dask]"'
CONNECT_SECONDS = 10.0  # to reach the scheduler
NO_WORKER_SECONDS = 60.0  # with no worker at all, at the start or after losing every one
BATCH_BYTES = 256_000  # files per task: enough to repay a task's overhead, small enough to spread OCR
BATCH_FILES = 64
IN_FLIGHT_PER_THREAD = 4  # tasks queued per worker thread: results keep coming while more are sent
HELD = 5_000  # files finished but waiting for an earlier one (a long OCR): no more are sent meanwhile


def index_files(gen: Path, todo: list[FileEntry], address: str, ocr: bool, cache: Path | None) -> Iterator[Item]:
    """What workers.index_files yields (a FileDone per file in `todo`'s order, then the
    segment), with the files made ready on the cluster at `address`."""
    with _quiet(), _client(address) as client:
        _check_workers(client, address, ocr)
        yield from write_segments(gen, _results(client, address, todo, ocr, cache))


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Dask logs reconnection attempts and lost workers to stderr; qdn reports them itself."""
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado", "asyncio")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


@contextlib.contextmanager
def _client(address: str) -> Iterator[Any]:
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")  # before distributed configures logging
    try:
        import distributed
    except ImportError:
        raise UsageError(f"--cluster needs the dask extra: {INSTALL}") from None
    if "://" not in address and ":" not in address:
        raise UsageError(f"--cluster {address!r} is not a scheduler address: give HOST:PORT or tcp://HOST:PORT")
    try:
        client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, asyncio.TimeoutError, ValueError) as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} ({_reason(exc)}): start one with `dask scheduler`, "
            "or check --cluster / QDN_CLUSTER"
        ) from None
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=5)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


def _check_workers(client: Any, address: str, ocr: bool) -> None:
    """Every worker runs this qdn (and has OCR when --ocr asks for it); there is at least one."""
    try:
        client.wait_for_workers(1, timeout=NO_WORKER_SECONDS)
    except (TimeoutError, OSError, asyncio.TimeoutError):  # distinct classes before Python 3.11
        raise ClusterError(
            f"the Dask scheduler at {address} has no workers: start some with `dask worker {address}`"
        ) from None
    try:
        answers = client.run(about)
    except Exception as exc:  # a worker without qdn cannot even unpickle the question
        raise ClusterError(
            f"a worker of {address} cannot run qdn ({_reason(exc)}): install qdn with {INSTALL} on every worker"
        ) from None
    mine = fingerprint()
    for worker, answer in sorted(answers.items()):
        if answer["qdn"] != mine:
            raise ClusterError(_other_qdn(worker, answer["qdn"], mine))
        if ocr and not answer["ocr"]:
            raise ClusterError(f"worker {worker} lacks the OCR extra that --ocr needs: pip install -e \".[ocr]\" there")


def _other_qdn(worker: str, theirs: str, mine: str) -> str:
    return f"worker {worker} runs qdn {theirs}, this is qdn {mine}: install the same qdn on every worker"


def _batches(todo: list[FileEntry]) -> Iterator[list[int]]:
    """Indexes into `todo`, contiguous, about BATCH_BYTES each."""
    batch: list[int] = []
    size = 0
    for i, entry in enumerate(todo):
        if batch and (size + entry.size > BATCH_BYTES or len(batch) >= BATCH_FILES):
            yield batch
            batch, size = [], 0
        batch.append(i)
        size += entry.size
    if batch:
        yield batch


# long: one loop sends, waits, checks and reorders; its state (in flight, finished, next to write) is shared
def _results(client: Any, address: str, todo: list[FileEntry], ocr: bool, cache: Path | None) -> Iterator[Prepared]:
    """Each file made ready, in `todo`'s order: files that cannot be read are answered here,
    the rest by tasks, at most IN_FLIGHT_PER_THREAD per worker thread at a time."""
    from qdn_corpus.read.files import FileResult, load
    from qdn_corpus.read.formats import ocr as ocr_module

    cached_keys = {p.stem for p in cache.glob("*.json")} if cache is not None and cache.is_dir() else set()
    threads = sum(client.nthreads().values()) or 1
    ready: dict[int, Prepared] = {}
    pending: dict[Any, list[int]] = {}
    batches = _batches(todo)
    next_out = 0
    mine = fingerprint()
    while True:
        while len(pending) < IN_FLIGHT_PER_THREAD * threads and len(ready) < HELD and (batch := next(batches, None)) is not None:
            sent: list[Sent] = []
            remote: list[int] = []
            for i in batch:
                entry = todo[i]
                data = load(entry)
                if isinstance(data, str):
                    ready[i] = prepare(FileResult(entry, skipped=data))
                    continue
                known: dict[str, list[str]] = {}
                if cached_keys and (key := ocr_module.key_of(data)) in cached_keys and (pages := ocr_module.cached(key)) is not None:
                    known[key] = pages
                sent.append((entry.name, data, entry.sidecar_url, known))
                remote.append(i)
            if sent:
                pending[client.submit(prepare_batch, sent, ocr, pure=False)] = remote
        while next_out in ready:
            yield ready.pop(next_out)
            next_out += 1
        if not pending:
            if next_out >= len(todo):
                return
            continue
        done = _wait(client, address, list(pending))
        for future in done:
            indexes = pending.pop(future)
            theirs, prepared, produced = _result(future, todo, indexes)
            if theirs != mine:
                raise ClusterError(_other_qdn(_who(future), theirs, mine))
            for key, pages in produced.items():
                ocr_module.store(key, pages)
            for i, p in zip(indexes, prepared, strict=True):
                p.done.entry = todo[i]  # with its size and mtime, for the manifest
                ready[i] = p


def _wait(client: Any, address: str, futures: list[Any]) -> set[Any]:
    """Futures finished (or failed); one clear error when the cluster has had no worker for
    NO_WORKER_SECONDS, or the scheduler is gone."""
    import distributed

    alone_since: float | None = None
    while True:
        try:
            with client.as_current():  # wait() asks for the current client
                done, _ = distributed.wait(futures, timeout=1.0, return_when="FIRST_COMPLETED")
            return set(done)
        except (TimeoutError, asyncio.TimeoutError, distributed.TimeoutError):
            pass
        if client.status not in ("running", "connecting"):
            raise ClusterError(f"lost the Dask scheduler at {address}; the previous index is intact")
        try:
            workers = len(client.nthreads())
        except Exception:
            workers = 0
        if workers:
            alone_since = None
        elif alone_since is None:
            alone_since = time.monotonic()
        elif time.monotonic() - alone_since > NO_WORKER_SECONDS:
            raise ClusterError(
                f"every worker of {address} is gone and none came back in {NO_WORKER_SECONDS:.0f} s; "
                "the previous index is intact"
            )


def _result(future: Any, todo: list[FileEntry], indexes: list[int]) -> Any:
    import distributed

    try:
        return future.result()
    except distributed.KilledWorker:
        raise ClusterError(
            f"the files from {todo[indexes[0]].name} killed every worker that tried them; the previous index is intact"
        ) from None
    except (OSError, distributed.CancelledError) as exc:
        raise ClusterError(f"the cluster failed mid-build ({_reason(exc)}); the previous index is intact") from None
    except Exception as exc:
        raise ClusterError(
            f"a worker failed on the files from {todo[indexes[0]].name} ({type(exc).__name__}: {_reason(exc)}); "
            "the previous index is intact"
        ) from None


def _who(future: Any) -> str:
    with contextlib.suppress(Exception):
        who = future.client.who_has([future]).get(future.key)
        if who:
            return str(who[0])
    return "a worker"
