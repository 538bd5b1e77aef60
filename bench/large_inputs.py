"""Parse figures for very large inputs (issue: linear time, bounded memory); prints, never asserts.

    python bench/large_inputs.py
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import sentences

from qdn_corpus.read.parsing import parse_text
from qdn_corpus.text.normalize import decode


def measure(name: str, data: bytes) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    text = decode(data).text or ""
    result = parse_text(text, name)
    took = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name:28} {len(data) / 1e6:6.1f} MB  {len(result.records):6} records  {took:6.2f} s  "
          f"{len(data) / 1e6 / took:6.1f} MB/s  peak RSS {peak:.0f} MB (was {before:.0f} MB)")


def main() -> None:
    pool = sentences()
    body = "".join(pool[i % len(pool)] for i in range(40))
    record = "2022.11.05:政策解读:贵州省-黔东南:" + body
    n = 70_000_000 // len(record.encode())
    measure(f"stream, {n} records", (record * n).encode())
    doc = "黔东南州关于优化营商环境的报告\n来源: 黔东南州人民政府 发布时间: 2023-01-02\n" + "\n".join(
        pool[i % len(pool)] for i in range(1_000_000)
    )
    data = doc.encode()[: 50_000_000]
    measure("single document", data.decode("utf-8", "ignore").encode())


if __name__ == "__main__":
    main()
