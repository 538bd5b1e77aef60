"""qdn stats: what the corpus holds and how well it was read, per format and per site.

One row model (StatsRow) for every view: the whole corpus, each format, each site, each
reason files were skipped. Shares are of records (0 to 1); a site's files are those whose
records name it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Literal

import regex

from qdn_corpus.models import Record, StatsRow

FIELDS = ("date", "title", "issuer", "doc_number", "written_date", "region")
_DETAIL_RE = regex.compile(r"\s*(?:\(|（|:\s|：).*$", regex.S)


def _has(record: Record, name: str) -> bool:
    if name == "issuer":
        return bool(record.issuers or record.issuer)
    if name == "region":
        return bool(record.region.label())
    return bool(getattr(record, name))


def _row(group: Literal["total", "format", "site"], key: str | None, records: list[Record], files: int, skipped: int) -> StatsRow:
    n = len(records)
    shares = {f: round(sum(_has(r, f) for r in records) / n, 3) if n else None for f in FIELDS}
    return StatsRow(
        group=group, key=key, files=files, records=n, skipped=skipped,
        ocr=sum(r.text_source == "ocr" for r in records),
        date_conflicts=sum(bool(r.meta.get("meta_date")) for r in records),
        **shares,
    )


def reason_class(reason: str) -> str:
    """A skip reason without what names one file: 'cannot read the PDF file (damaged…): …' ->
    'cannot read the PDF file'."""
    head = _DETAIL_RE.sub("", reason).strip()
    return head or reason[:60]


def corpus_stats(records: list[Record], files: dict[str, Any], weakest: int = 20) -> list[StatsRow]:
    """Rows: total, then per format, the `weakest` sites by mean coverage, then skip reasons."""
    by_id = {r.id: r for r in records}
    fmt_files: Counter[str] = Counter()
    fmt_skipped: Counter[str] = Counter()
    fmt_records: dict[str, list[Record]] = defaultdict(list)
    reasons: Counter[str] = Counter()
    site_files: dict[str, set[str]] = defaultdict(set)
    for name, info in files.items():
        fmt = info.get("format") or "?"
        fmt_files[fmt] += 1
        if info.get("skipped"):
            fmt_skipped[fmt] += 1
            reasons[reason_class(str(info["skipped"]))] += 1
        for rid in info.get("ids") or ():
            if (r := by_id.get(rid)) is not None:
                fmt_records[fmt].append(r)
                site_files[r.site or "(no site)"].add(name)
    rows = [_row("total", None, records, len(files), sum(fmt_skipped.values()))]
    rows += [_row("format", fmt, fmt_records[fmt], fmt_files[fmt], fmt_skipped[fmt]) for fmt in sorted(fmt_files)]
    by_site: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_site[r.site or "(no site)"].append(r)
    sites = [_row("site", site, rs, len(site_files[site]), 0) for site, rs in by_site.items()]
    sites.sort(key=lambda row: (_coverage(row), -row.records, row.key or ""))
    rows += sites[:weakest]
    rows += [StatsRow(group="skipped", key=reason, files=n, records=0, skipped=n) for reason, n in reasons.most_common()]
    return rows


def _coverage(row: StatsRow) -> float:
    values = [getattr(row, f) for f in FIELDS]
    return sum(v or 0 for v in values) / len(values)
