"""A deterministic benchmark corpus: N documents recombined from real policy sentences.

Sentences come from data/raw/ and ../shared/corpus/government_work_reports.jsonl, so topic words
keep realistic, low frequencies. Documents are written in the layouts the parser reads: most as
single documents (title, 来源/发布时间 header, body), the rest as dated one-line streams; a share
of the single documents (--html-share, 20% by default) as saved web pages in three CMS layouts
(GB/T 42147 meta tags and a TRS_Editor div; a 信息公开 table and a div of <br> lines; editor
<section>s with a crawler's sidecar), each with navigation, breadcrumbs, share bar and footer.
The page furniture avoids the benchmark's query words, so a plain scan of the raw files still
finds exactly the documents that hold a phrase.
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


def sentences(corpus: str = "sparse") -> list[str]:
    """The sentence pool: sparse (the seeds and the 72 State Council reports, so topic words are
    rare, as in a province's whole output) or dense (the seeds alone: a topical corpus, where
    承诺兑现 and 营商环境 fill a large share of documents, as in a researcher's own folder)."""
    if corpus not in ("sparse", "dense"):
        raise ValueError(f"unknown corpus {corpus!r}: sparse or dense")
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "data" / "raw").iterdir())]
    if corpus == "sparse":
        if not REPORTS.exists():
            raise SystemExit(f"the sparse corpus needs {REPORTS} (../shared beside the project); use --corpus dense")
        for line in REPORTS.read_text("utf-8").splitlines():
            texts.append(json.loads(line)["content"])
    pool = []
    for text in texts:
        for s in regex.findall(r"[^。！？\n]{8,160}[。！？]", text):
            # Stream headers inside a sentence would cut a generated stream in the wrong place.
            if not regex.search(r"\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}[:：]", s):
                pool.append(s.strip())
    return pool


_MENU = ["首页", "要闻动态", "信息公开", "互动交流", "办事服务", "专题专栏"]
_NAV = "".join(f'<li><a href="/{i}/">{w}</a></li>' for i, w in enumerate(_MENU))
_FOOT = '<div class="footer"><p>主办：{site}办公室 版权所有</p><p>黔ICP备05001234号 网站标识码：5226000001</p></div>'
_HEAD = '<html><head><meta charset="utf-8">{meta}<title>{title}_{site}</title><script>var x = 1;</script></head><body>'


def _page(layout: int, title: str, site: str, county: str, date: dt.date, paras: list[str], rng: random.Random) -> str:
    """One saved page in one of three CMS layouts around the article's paragraphs."""
    nav = f'<div class="nav"><ul>{_NAV}</ul></div><div class="crumb">当前位置：<a href="/">首页</a> &gt; 通知公告</div>'
    share = '<div class="share">【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】 分享到：<a href="#">微信</a></div>'
    attach = f'<p>附件：<a href="./P0{rng.randrange(10**8):08d}.pdf">附件1.pdf</a></p>' if rng.random() < 0.1 else ""
    related = ('<div class="related"><h3>相关文章</h3><ul><li><a href="/r1">工作动态一</a></li>'
               '<li><a href="/r2">工作动态二</a></li></ul></div>')
    if layout == 0:
        meta = (f'<meta name="SiteName" content="{site}"><meta name="ArticleTitle" content="{title}">'
                f'<meta name="PubDate" content="{date.isoformat()} 10:00"><meta name="ContentSource" content="{county}人民政府">'
                '<meta name="ColumnName" content="通知公告">')
        article = (f'<div class="article"><h1>{title}</h1><div class="info">发布时间：{date.isoformat()} 来源：{county}人民政府</div>'
                   f'{share}<div class="TRS_Editor">{"".join(f"<p>{p}</p>" for p in paras)}{attach}</div></div>')
    elif layout == 1:
        meta = ""
        rows = (f'<tr><td>索 引 号：</td><td>000014349/{date.year}-{rng.randrange(10**5):05d}</td>'
                f'<td>发布机构：</td><td>{county}人民政府</td></tr>'
                f'<tr><td>发布日期：</td><td>{date.isoformat()}</td><td>标　　题：</td><td>{title}</td></tr>')
        article = (f'<table class="xxgk">{rows}</table><div class="title">{title}</div>'
                   f'<div id="zoom">{"<br>".join(paras)}{attach}</div><div>【打印本页】【关闭窗口】</div>')
    else:
        meta = ""
        sections = "".join(f"<section><section><p>{p}</p></section></section>" for p in paras)
        header = f'<p class="meta">发布时间：{date.isoformat()} 来源：{county}人民政府</p>'
        article = f'<div class="detail"><h2>{title}</h2>{header}{sections}</div>'
    return _HEAD.format(meta=meta, title=title, site=site) + nav + article + related + _FOOT.format(site=site) + "</body></html>"


def paragraphs(rng: random.Random, pool: list[str]) -> list[str]:
    """A document's paragraphs: 2 to 5 sentences each, about 1,200 characters in all."""
    paras, size = [], 0
    while size < 1200:
        para = "".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
        paras.append(para)
        size += len(para)
    return paras


def edited(paras: list[str], rng: random.Random, pool: list[str]) -> list[str]:
    """A repost's small edits: a sentence added, one dropped, or a few characters changed."""
    paras = list(paras)
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(paras))
        kind = rng.randrange(3)
        if kind == 0:
            paras.insert(i, rng.choice(pool))
        elif kind == 1 and paras[i].count("。") > 1:  # one sentence of a paragraph dropped
            sentences = paras[i].split("。")
            del sentences[rng.randrange(len(sentences) - 1)]
            paras[i] = "。".join(sentences)
        else:
            p = paras[i]
            j = rng.randrange(max(len(p) - 4, 1))
            paras[i] = p[:j] + "进一步" + p[j + 2 :]
    return paras


def generate(
    out: Path, n: int, seed: int = 42, per_stream: int = 50, stream_share: float = 0.2, html_share: float = 0.2,
    repost_share: float = 0.1, corpus: str = "sparse",
) -> int:
    """Write n documents under out/raw; returns the number of files. A share of the single
    documents (repost_share) are reposts of an earlier one: another county's header and date,
    the same title and text with small edits."""
    rng = random.Random(seed)
    pool = sentences(corpus)
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    start = dt.date(2015, 1, 1)
    span = (dt.date(2025, 12, 31) - start).days

    def body() -> str:
        return "\n".join(paragraphs(rng, pool))

    n_stream = int(n * stream_share)
    files = 0
    originals: list[tuple[str, list[str], dt.date]] = []
    for i in range(n - n_stream):
        date = start + dt.timedelta(days=rng.randrange(span))
        county = rng.choice(COUNTIES)
        title = f"{county}关于{rng.choice(pool)[:12].rstrip('，,。')}的{rng.choice(KINDS)}"
        if originals and rng.random() < repost_share:
            title, paras, first = rng.choice(originals)
            date = first + dt.timedelta(days=rng.randint(0, 20))
            text = f"{title}\n\n来源: {county}人民政府 发布时间: {date.isoformat()} 09:30\n\n" + "\n".join(edited(paras, rng, pool)) + "\n"
            (raw / f"repost{i:06d}.txt").write_text(text, "utf-8")
            files += 1
            continue
        if rng.random() < html_share:
            layout = rng.randrange(3)
            site = f"{county}人民政府"
            name = f"page{i:06d}.html"
            (raw / name).write_text(_page(layout, title, site, county, date, paragraphs(rng, pool), rng), "utf-8")
            if layout == 2:
                url = f"https://www.qdn.gov.cn/{county}/{date:%Y%m}/t{date:%Y%m%d}_{i}.html"
                (raw / f"{name}.metadata.json").write_text(json.dumps({"url": url}), "utf-8")
        else:
            paras = paragraphs(rng, pool)
            text = f"{title}\n\n来源: {county}人民政府 发布时间: {date.isoformat()} 10:00\n\n" + "\n".join(paras) + "\n"
            (raw / f"doc{i:06d}.txt").write_text(text, "utf-8")
            if len(originals) < 5000:
                originals.append((title, paras, date))
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
    parser.add_argument("--html-share", type=float, default=0.2, help="share of single documents saved as web pages")
    parser.add_argument("--corpus", choices=("sparse", "dense"), default="sparse", help="sentence pool (see sentences())")
    args = parser.parse_args()
    print(generate(args.out, args.docs, args.seed, html_share=args.html_share, corpus=args.corpus), "files")
