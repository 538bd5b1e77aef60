"""Benchmark qdn against grep/ripgrep on a generated corpus; prints a table and writes JSON.

    python bench/run.py --docs 100000        # the README's figures
    python bench/run.py --docs 2000          # a quick look

Measures, in one run: parse throughput, full index build (docs/s, MB/s, peak RSS, index size),
no-op and one-file-changed re-index, warm and cold search latency for a fixed query set, the
same queries by rg (or grep when rg is missing) over the raw files, and whether the phrase
queries find the same files as the fixed-string baseline. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import serve
from generate import generate

QUERIES = [
    ("one word", "承诺兑现", "承诺兑现"),
    ("two words", "营商环境 招商引资", None),
    ("quoted phrase", '"优化营商环境"', "优化营商环境"),
    ("phrase across words", '"商环境"', "商环境"),
    ("field query", "title:招商", None),
    ("date filter + word", "招商引资 date:2020..2021", None),
    ("sort by date", "承诺兑现 --sort -date", None),
    ("10,000+ hits", "发展", "发展"),
]


# The `qdn` command a user runs (the console script beside this Python), else python -m.
QDN = [str(Path(sys.executable).parent / "qdn")] if (Path(sys.executable).parent / "qdn").exists() else [sys.executable, "-m", "qdn_corpus"]


def qdn(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QDN_DATA_DIR": str(data)}
    return subprocess.run([*QDN, *args], env=env, capture_output=True, text=True)


def tree_rss(pid: int) -> int:
    """Resident KiB of a process and all its descendants, from /proc (0 once it has gone)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def timed(func: Callable[[], object], repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        func()
        out.append(time.perf_counter() - t)
    return out


def baseline_cmd(raw: Path, needle: str) -> list[str]:
    if shutil.which("rg"):
        return ["rg", "-l", "-F", needle, str(raw)]
    return ["grep", "-rlF", needle, str(raw)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--html-share", type=float, default=0.2, help="share of single documents generated as web pages")
    parser.add_argument("--corpus", choices=("sparse", "dense"), default="sparse",
                        help="sparse: sentences of the seeds and ../shared's 72 reports (topic words rare); dense: the "
                        "seeds alone (a topical corpus, as researchers build); a --keep corpus keeps what it was made as")
    args = parser.parse_args()
    # Byte-compile qdn as pip does for an installed package: with PYTHONDONTWRITEBYTECODE set
    # (as on these machines) an editable install would recompile its modules on every start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__file__).resolve().parent.parent / "src")],
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, capture_output=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="qdn-bench-"))
    data = work / "data"
    results: dict[str, object] = {"docs": args.docs, "corpus": args.corpus, "baseline": "rg" if shutil.which("rg") else "grep"}

    t = time.perf_counter()
    if (data / "raw").exists():  # a kept corpus: its documents, not the crawler's sidecars
        files = sum(1 for p in (data / "raw").iterdir() if not p.name.endswith(".metadata.json"))
    else:
        files = generate(data, args.docs, html_share=args.html_share, corpus=args.corpus)
    results["generate_s"] = round(time.perf_counter() - t, 1)
    raw_bytes = sum(p.stat().st_size for p in (data / "raw").iterdir())
    results["files"], results["raw_mb"] = files, round(raw_bytes / 1e6, 1)
    results["html_pages"] = sum(1 for p in (data / "raw").iterdir() if p.suffix == ".html")

    from qdn_corpus.read.files import discover, read
    from qdn_corpus.text.normalize import fold

    # Documents that contain each phrase, by a plain scan: the answer the index must give.
    # Counted as the files are parsed, so that 100,000 records are not held at once.
    needles = [n for _, q, n in QUERIES if n and q.startswith('"')]
    scan = dict.fromkeys(needles, 0)
    n_records, scan_s = 0, 0.0
    t = time.perf_counter()
    for e in discover([data / "raw"], base=data):
        records = read(e).records
        n_records += len(records)
        s = time.perf_counter()
        for record in records:
            text = fold(record.body) + "\n" + fold(record.title or "")
            for n in needles:
                scan[n] += n in text
        scan_s += time.perf_counter() - s
    parse_s = time.perf_counter() - t - scan_s
    results["records"] = n_records
    results["parse_mb_s"] = round(raw_bytes / 1e6 / parse_s, 2)

    shutil.rmtree(data / "index", ignore_errors=True)
    t = time.perf_counter()
    proc = subprocess.Popen([*QDN, "index", "--rebuild"], env={**os.environ, "QDN_DATA_DIR": str(data)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tree_peak = 0
    while proc.poll() is None:
        tree_peak = max(tree_peak, tree_rss(proc.pid))
        time.sleep(0.2)
    build_s = time.perf_counter() - t
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    results["peak_rss_all_processes_mb"] = round(tree_peak / 1024)
    index_bytes = sum(p.stat().st_size for p in (data / "index").rglob("*") if p.is_file())
    results.update(
        build_s=round(build_s, 1), build_docs_s=round(n_records / build_s, 1), build_mb_s=round(raw_bytes / 1e6 / build_s, 2),
        peak_rss_mb=round(rss), index_mb=round(index_bytes / 1e6, 1),
    )
    results["noop_reindex_s"] = round(statistics.median(timed(lambda: qdn(data, "index"), 3)), 2)
    victim = sorted((data / "raw").iterdir())[0]
    changed = []
    for _ in range(3):  # a median, as for the other figures: one run swung by 0.3 s
        victim.write_text(victim.read_text("utf-8") + "\n补充一句。\n", "utf-8")
        changed += timed(lambda: qdn(data, "index"))
    results["one_changed_reindex_s"] = round(statistics.median(changed), 2)
    results["one_changed_runs_s"] = [round(t, 2) for t in changed]

    from qdn_corpus import Corpus

    corpus = Corpus(data)  # the library, as a notebook uses it: warm figures are its calls
    corpus.open()
    rows: list[dict[str, Any]] = []
    for name, query, needle in QUERIES:
        words = query.split(" --sort ")
        sort = "-date" if len(words) > 1 else "relevance"
        hits = corpus.search(words[0], limit=20, sort=sort)
        warm = sorted(timed(lambda: corpus.search(words[0], limit=20, sort=sort), 20))  # noqa: B023
        cli_args = ["search", words[0], "--format", "jsonl", "--limit", "20"] + (["--sort", "-date"] if sort != "relevance" else [])
        cold = statistics.median(timed(lambda: qdn(data, *cli_args), 5))  # noqa: B023
        row = {
            "query": name, "text": query, "hits": hits.total,
            "warm_p50_ms": round(warm[len(warm) // 2] * 1000, 1), "warm_p95_ms": round(warm[int(len(warm) * 0.95) - 1] * 1000, 1),
            "cold_s": round(cold, 3),
        }
        if needle:
            cmd = baseline_cmd(data / "raw", needle)
            base = statistics.median(timed(lambda: subprocess.run(cmd, capture_output=True), 5))  # noqa: B023
            found = set(subprocess.run(cmd, capture_output=True, text=True).stdout.split())
            row["baseline_s"] = round(base, 3)
            row["ratio_cold_vs_baseline"] = round(cold / base, 2)
            row["baseline_files"] = len(found)
            if query.startswith('"'):
                everything = corpus.search(query, limit=None, all_copies=True)
                mine = {str(data / h.file) for h in everything}
                row["same_files_as_baseline"] = mine == found
                row["scan_docs"] = scan[needle]
                row["same_docs_as_scan"] = everything.total == scan[needle]
        rows.append(row)
    results["queries"] = rows

    # Trends: the same query counted by month, beside search for it, cold (a whole process) and
    # warm (in this process); and whether the months add up to search's total.
    trends: list[dict[str, Any]] = []
    for query, by in (("承诺兑现", "month"), ("营商环境 招商引资", "year"), ("承诺兑现", "region")):
        counted = corpus.trend(query, by=by)
        warm = sorted(timed(lambda: corpus.trend(query, by=by), 5))  # noqa: B023
        cold = statistics.median(timed(lambda: qdn(data, "trend", query, "--by", by, "--format", "jsonl"), 5))  # noqa: B023
        search_cold = statistics.median(timed(lambda: qdn(data, "search", query, "--format", "jsonl", "--limit", "20"), 5))  # noqa: B023
        trends.append({
            "query": query, "by": by, "records": counted.totals[query], "buckets": len(counted.rows),
            "adds_up": sum(r.records for r in counted.rows) == corpus.search(query, limit=1).total,
            "warm_p50_ms": round(warm[len(warm) // 2] * 1000, 1), "cold_s": round(cold, 3), "search_cold_s": round(search_cold, 3),
        })
    results["trends"] = trends

    # Citations and copies over the whole corpus: cold (a process) and warm (in this one).
    relation_rows: list[dict[str, Any]] = []
    reports: list[tuple[str, Callable[[], Any], list[str]]] = [
        ("refs", lambda: corpus.refs(top=20), ["refs", "--format", "jsonl"]),
        ("dups", lambda: corpus.dups(top=20), ["dups", "--format", "jsonl"]),
    ]
    for name, func, cli_args in reports:
        warm = sorted(timed(func, 5))
        cold = statistics.median(timed(lambda: qdn(data, *cli_args), 5))  # noqa: B023
        relation_rows.append({"command": name, "total": func().total, "warm_p50_ms": round(warm[len(warm) // 2] * 1000, 1),
                              "cold_s": round(cold, 3)})
    results["relations"] = relation_rows

    # The analyses (issue: code with a 12-code codebook and adoption under 2 s warm): warm in this
    # process (median of 3), cold as a command (median of 3).
    from qdn_corpus.reports.codebook import example

    book = work / "codebook.toml"
    book.write_text(example(), "utf-8")
    analyses: list[dict[str, Any]] = []
    runs: list[tuple[str, Callable[[], Any], list[str], Callable[[Any], int]]] = [
        ("code clause by year", lambda: corpus.code(book, by="year"), ["code", str(book), "--by", "year", "--format", "jsonl"],
         lambda r: r.coded),
        ("code record by year", lambda: corpus.code(book, unit="record", by="year"),
         ["code", str(book), "--unit", "record", "--by", "year", "--format", "jsonl"], lambda r: r.coded),
        ("adoption county 黔东南州", lambda: corpus.adoption("承诺兑现", by="county", within="黔东南州"),
         ["adoption", "承诺兑现", "--by", "county", "--within", "黔东南州", "--format", "jsonl"], lambda r: r.total),
        ("clauses 承诺兑现", lambda: corpus.clauses("承诺兑现"), ["clauses", "承诺兑现", "--format", "jsonl"], lambda r: r.total),
        ("network issuers", lambda: corpus.network(), ["network", "--format", "jsonl"], lambda r: len(r.edges)),
    ]
    for name, func, cli_args, size in runs:
        count = size(func())
        warm = sorted(timed(func, 3))
        cold = statistics.median(timed(lambda: qdn(data, *cli_args), 3))  # noqa: B023
        analyses.append({"command": name, "count": count, "warm_p50_s": round(warm[len(warm) // 2], 3), "cold_s": round(cold, 3)})
    results["analyses"] = analyses
    # qdn serve's pages (issue: p95 server time under 100 ms search, 50 ms document, 500 ms trend)
    results["serve"] = serve_pages = serve.measure(corpus, [(name, q.split(" --sort ")[0]) for name, q, _ in QUERIES])
    reposts = sum(1 for p in (data / "raw").iterdir() if p.name.startswith("repost"))
    grouped = sum(1 for row in corpus.dups(top=0) if row.file.startswith("raw/repost"))
    results["reposts"], results["reposts_grouped"] = reposts, grouped
    t = time.perf_counter()
    subprocess.run([*QDN, "--help"], capture_output=True)
    results["help_s"] = round(time.perf_counter() - t, 3)

    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"bench-{args.docs}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    print(f"docs {args.docs}, {args.corpus} corpus ({files} files, {results['html_pages']} of them web pages, {results['raw_mb']} MB, "
          f"{n_records} records); baseline {results['baseline']}")
    for key in ("parse_mb_s", "build_s", "build_docs_s", "build_mb_s", "peak_rss_mb", "peak_rss_all_processes_mb", "index_mb",
                "noop_reindex_s",
                "one_changed_reindex_s", "one_changed_runs_s", "help_s"):
        print(f"  {key:24} {results[key]}")
    print(f"  {'query':22} {'hits':>7} {'warm p50':>9} {'warm p95':>9} {'cold':>7} {'baseline':>9} {'ratio':>6}  same files/docs")
    for r in rows:
        print(f"  {r['query']:22} {r['hits']:>7} {r['warm_p50_ms']:>7}ms {r['warm_p95_ms']:>7}ms {r['cold_s']:>6}s "
              f"{r.get('baseline_s', ''):>8}{'s' if 'baseline_s' in r else ' '} {r.get('ratio_cold_vs_baseline', ''):>6}  "
              f"{r.get('same_files_as_baseline', '')} {r.get('same_docs_as_scan', '')}")
    print(f"  {'trend':28} {'records':>7} {'buckets':>7} {'warm p50':>9} {'cold':>7} {'search cold':>11}  adds up")
    for r in trends:
        print(f"  {r['query'] + ' by ' + r['by']:28} {r['records']:>7} {r['buckets']:>7} {r['warm_p50_ms']:>7}ms "
              f"{r['cold_s']:>6}s {r['search_cold_s']:>10}s  {r['adds_up']}")
    for r in relation_rows:
        print(f"  {r['command']:28} {r['total']:>7} groups/cited documents, warm p50 {r['warm_p50_ms']}ms, cold {r['cold_s']}s")
    print(f"  reposts generated {reposts}, found in a copy group {grouped}")
    print(f"  {'analysis':28} {'count':>7} {'warm p50':>9} {'cold':>8}")
    for r in analyses:
        print(f"  {r['command']:28} {r['count']:>7} {r['warm_p50_s']:>8}s {r['cold_s']:>7}s")
    if serve_pages:
        print(f"  {'serve page':10} {'asked':28} {'status':>6} {'p50':>8} {'p95':>8}  (server time)")
    for r in serve_pages:
        print(f"  {r['page']:10} {r['asked']:28} {r['status']:>6} {r['p50_ms']:>6}ms {r['p95_ms']:>6}ms")
    print(f"written to {out}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
