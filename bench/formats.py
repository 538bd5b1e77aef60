"""Quality and speed of reading saved pages and attachments: a table per format.

    python bench/formats.py ../shared/real-pages            # every file below the folder
    python bench/formats.py ../shared/real-pages --show      # also each file's record

Reads each file as `qdn index` does (corpus.read: sniff, format, layout rules) in this one
process, and prints per format: files, records, how many records have each field, bodies with
markup or page furniture left, skipped files with their reasons, and files per second.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import regex

from qdn_corpus.models import Record
from qdn_corpus.read.files import FileEntry, discover, read

MARKUP = regex.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s>/]|/[a-zA-Z]|!--)|&(?:nbsp|lt|gt|amp|quot);")
FURNITURE = regex.compile(r"版权所有|ICP备|网站标识码|公网安备|打印本页|关闭窗口|分享到|返回顶部|当前位置|您的位置")
FIELDS = ("title", "date", "source", "issuer", "doc_number", "written_date", "index_no", "url", "site", "attachments")


def lost_sentences(entry: FileEntry, record: Record) -> tuple[int, list[str]]:
    """The page's visible sentences (ending in 。, 15+ characters, scripts and styles left out)
    and those of them that are in neither the record's title, body nor meta values."""
    import lxml.html

    from qdn_corpus.read.formats.html import _lines, decode_page

    text = decode_page(Path(entry.path).read_bytes())[0] or ""
    root = lxml.html.document_fromstring(regex.sub(r"^\s*<\?xml[^>]*>", "", text))
    for el in list(root.iter("script", "style", "noscript", "template")):
        el.drop_tree()
    sentences = [
        s for line in _lines(root) for s in regex.findall(r"[^。\t]{15,}?。", "".join(line.split()))
        if regex.search(r"\p{Han}{5}", s)
    ]
    have = "".join(f"{record.title or ''}{record.body}{''.join(v or '' for v in record.meta.values())}".split())
    return len(sentences), [s for s in sentences if s not in have]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--show", action="store_true", help="print each record's fields and body start")
    ap.add_argument("--lost", action="store_true", help="list each page's sentences that are not in its record")
    ap.add_argument("--conflicts", action="store_true", help="list each record whose meta date was not taken, and why")
    args = ap.parse_args()
    entries = list(discover([args.folder], base=args.folder))
    per: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    skipped: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in entries:
        start = time.perf_counter()
        result = read(entry)
        took = time.perf_counter() - start
        fmt = result.format or "?"
        row = per[fmt]
        row["files"] += 1
        row["seconds"] += took
        row["bytes"] += entry.size
        if result.skipped:
            row["skipped"] += 1
            skipped[fmt][regex.sub(r"\(its <title> is .*?\)|\(https?://\S+\)|: .{60,}", "…", result.skipped)] += 1
        for r in result.records:
            row["records"] += 1
            for name in FIELDS:
                if getattr(r, name):
                    row[name] += 1
            if fmt == "html":
                page, kept = lost_sentences(entry, r)
                row["page_sentences"] += page
                row["sentences_in_record"] += page - len(kept)
                if args.lost and kept:
                    print(f"-- {entry.name}: {len(kept)} of {page} sentences not in the record")
                    for s in kept:
                        print("     ", s[:100])
            if r.meta.get("meta_date"):
                row["date_conflicts"] += 1
                if args.conflicts:
                    print(f"-- {entry.name}: meta {r.meta['meta_date']!r}, took {r.date} ({r.date_source})")
            row["markup"] += bool(MARKUP.search(r.body))
            row["furniture"] += bool(FURNITURE.search(r.body))
            if args.show:
                print(f"== {entry.name} [{fmt}] {r.title!r} | {r.date} | src={r.source!r} | iss={r.issuers} | no={r.doc_number!r} "
                      f"| written={r.written_date} | idx={r.index_no!r} | site={r.site!r} | region={r.region.label()!r} "
                      f"| att={len(r.attachments)}")
                print("   ", r.body[:160].replace("\n", " ⏎ "), "…", r.body[-80:].replace("\n", " ⏎ "))
    cols = ("files", "records", "skipped", *FIELDS, "date_conflicts", "markup", "furniture", "page_sentences", "sentences_in_record")
    print("| format | " + " | ".join(cols) + " | files/s | MB/s |")
    print("|---" * (len(cols) + 3) + "|")
    for fmt, row in sorted(per.items()):
        rate = row["files"] / row["seconds"] if row["seconds"] else 0
        mbs = row["bytes"] / 1e6 / row["seconds"] if row["seconds"] else 0
        print(f"| {fmt} | " + " | ".join(str(int(row[c])) for c in cols) + f" | {rate:.0f} | {mbs:.1f} |")
    for fmt, reasons in sorted(skipped.items()):
        for reason, n in reasons.most_common():
            print(f"skipped {fmt} ×{n}: {reason}", file=sys.stderr)


if __name__ == "__main__":
    main()
