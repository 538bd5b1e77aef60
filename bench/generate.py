"""A deterministic benchmark corpus: N documents recombined from real policy sentences.

Sentences come from data/raw/ and ../shared/corpus/government_work_reports.jsonl, so topic words
keep realistic, low frequencies. Documents are written in the layouts the parser reads: most as
single documents (title, 来源/发布时间 header, body), the rest as dated one-line streams.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT.parent / "shared" / "corpus" / "government_work_reports.jsonl"
COUNTIES = ["凯里市", "黄平县", "施秉县", "三穗县", "镇远县", "岑巩县", "天柱县", "锦屏县", "剑河县", "台江县",
            "黎平县", "榕江县", "从江县", "雷山县", "麻江县", "丹寨县"]
PREFECTURES = ["黔东南", "黔南", "黔西南", "遵义", "毕节", "铜仁", "安顺", "六盘水", "贵阳"]
KINDS = ["通知", "报告", "总结", "意见", "方案", "办法"]


def sentences() -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "data" / "raw").iterdir())]
    if REPORTS.exists():
        for line in REPORTS.read_text("utf-8").splitlines():
            texts.append(json.loads(line)["content"])
    pool = []
    for text in texts:
        for s in regex.findall(r"[^。！？\n]{8,160}[。！？]", text):
            # Stream headers inside a sentence would cut a generated stream in the wrong place.
            if not regex.search(r"\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}[:：]", s):
                pool.append(s.strip())
    return pool


def generate(out: Path, n: int, seed: int = 42, per_stream: int = 50, stream_share: float = 0.2) -> int:
    """Write n documents under out/raw; returns the number of files."""
    rng = random.Random(seed)
    pool = sentences()
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    start = dt.date(2015, 1, 1)
    span = (dt.date(2025, 12, 31) - start).days

    def body() -> str:
        paras, size = [], 0
        while size < 1200:
            para = "".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
            paras.append(para)
            size += len(para)
        return "\n".join(paras)

    n_stream = int(n * stream_share)
    files = 0
    for i in range(n - n_stream):
        date = start + dt.timedelta(days=rng.randrange(span))
        county = rng.choice(COUNTIES)
        title = f"{county}关于{rng.choice(pool)[:12].rstrip('，,。')}的{rng.choice(KINDS)}"
        text = f"{title}\n\n来源: {county}人民政府 发布时间: {date.isoformat()} 10:00\n\n{body()}\n"
        (raw / f"doc{i:06d}.txt").write_text(text, "utf-8")
        files += 1
    for j in range(0, n_stream, per_stream):
        parts = []
        for _ in range(min(per_stream, n_stream - j)):
            date = start + dt.timedelta(days=rng.randrange(span))
            parts.append(f"{date:%Y.%m.%d}:政策解读:贵州省-{rng.choice(PREFECTURES)}:{body().replace(chr(10), '')}")
        (raw / f"stream{j // per_stream:05d}.txt").write_text("".join(parts), "utf-8")
        files += 1
    return files


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    print(generate(args.out, args.docs, args.seed), "files")
