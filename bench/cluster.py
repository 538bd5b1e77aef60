"""`qdn index --ocr` on an OCR-heavy folder: here, then through a Dask cluster on loopback with
2 and 4 worker processes (one thread each). Prints a table; never part of the test suite.

    python bench/cluster.py                 # the README's figures: each real scan 2 times
    python bench/cluster.py --copies 1 --workers 2

The folder: ../shared/real-pages' attachments (the scans among them: PDFs without usable text)
and its saved pages, each scan present --copies times with a different trailing comment so that
no OCR result is reused. Every run starts from an empty index and an empty OCR cache.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import QDN

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "real-pages"
DASK = str(Path(sys.executable).parent / "dask")


def build_folder(root: Path, copies: int) -> tuple[int, int]:
    """The folder; returns the scans' files and pages."""
    import pypdfium2 as pdfium

    from qdn_corpus.read.formats import extract
    from qdn_corpus.read.formats.ocr import HOW

    raw = root / "raw"
    shutil.copytree(SHARED / "pages", raw / "pages")
    (raw / "attachments").mkdir()
    scans = pages = 0
    for pdf in sorted((SHARED / "attachments").iterdir()):
        data = pdf.read_bytes()
        reason = extract(pdf.name, data, None).skip_reason or ""
        if pdf.suffix == ".pdf" and reason.endswith(HOW):  # what qdn index --ocr reads
            doc = pdfium.PdfDocument(data)
            count = len(doc)
            doc.close()
            for i in range(copies):
                (raw / "attachments" / f"{pdf.stem}-{i}.pdf").write_bytes(data + f"\n%qdn bench copy {i}\n".encode())
            scans += copies
            pages += copies * count
        else:
            shutil.copy2(pdf, raw / "attachments" / pdf.name)
    return scans, pages


def index(data: Path, cluster: str | None) -> tuple[float, str]:
    shutil.rmtree(data / "index", ignore_errors=True)
    args = ["index", "--ocr", *(["--cluster", cluster] if cluster else [])]
    started = time.monotonic()
    out = subprocess.run([*QDN, "--data-dir", str(data), *args], capture_output=True, text=True)
    seconds = time.monotonic() - started
    if out.returncode != 0:
        raise SystemExit(f"qdn index failed: {out.stderr.strip()}")
    return seconds, out.stderr.strip().splitlines()[-1]


def with_cluster(folder: Path, workers: int) -> tuple[list[subprocess.Popen[bytes]], str]:
    file = folder / f"scheduler-{workers}.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(file)], **quiet)]  # type: ignore[call-overload]
    while not file.exists():
        time.sleep(0.1)
    time.sleep(0.3)
    address = json.loads(file.read_text())["address"]
    procs.append(subprocess.Popen([DASK, "worker", address, "--nworkers", str(workers), "--nthreads", "1",
                                   "--host", "127.0.0.1", "--no-dashboard"], **quiet))  # type: ignore[call-overload]
    import distributed

    with distributed.Client(address, timeout=30, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        client.wait_for_workers(workers, timeout=120)
    return procs, address


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2, help="how many times each scan is present (default 2)")
    parser.add_argument("--workers", default="2,4", help="worker processes to try, comma-separated (default 2,4)")
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"needs {SHARED} (../shared beside the repository)")
    with tempfile.TemporaryDirectory(prefix="qdn-cluster-") as tmp:
        data = Path(tmp) / "data"
        scans, pages = build_folder(data, args.copies)
        files = sum(1 for p in (data / "raw").rglob("*") if p.is_file() and not p.name.endswith(".json"))
        print(f"folder: {files} files, {scans} scans with {pages} pages to OCR; {os.cpu_count()} cores", file=sys.stderr)
        rows = []
        seconds, summary = index(data, None)
        rows.append(("here (no cluster)", seconds, summary))
        for n in (int(w) for w in args.workers.split(",")):
            procs, address = with_cluster(Path(tmp), n)
            try:
                seconds, summary = index(data, address)
            finally:
                for p in procs:
                    p.kill()
                    p.wait()
            rows.append((f"{n} workers", seconds, summary))
        base = rows[0][1]
        print("| build | files | scans (pages) | seconds | vs here |\n|---|---:|---:|---:|---:|")
        for name, seconds, _ in rows:
            print(f"| {name} | {files} | {scans} ({pages}) | {seconds:.1f} | {base / seconds:.2f}× |")
        for name, _, summary in rows:
            print(f"{name}: {summary}", file=sys.stderr)


if __name__ == "__main__":
    main()
