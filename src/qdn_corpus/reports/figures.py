"""The figures next to a topic: numbers with units in the clauses that name it (qdn figures).

figures_in is pure: text in, figures out; figure_rows runs it over a search's records. A
figure is a number (Arabic, with thousands commas and decimals,
or Chinese numerals such as 三千余万), an optional magnitude (万, 亿, 万亿) and a unit (元, %,
项, 个 …); its value is the number times the magnitude, computed by cn2an (Chinese numerals),
and its indicator is the phrase before it in the clause (事项兑现率, 合同约定投资总额).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import regex

from qdn_corpus.models import FigureRow
from qdn_corpus.search.plan import Plan
from qdn_corpus.search.snippets import in_section
from qdn_corpus.search.view import View
from qdn_corpus.store.engine import Index
from qdn_corpus.text.normalize import fold

_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_UNITS = (
    "个百分点", "%", "％", "‰", "元", "美元", "项", "个", "家", "条", "户", "人次", "人", "件", "次", "批", "亩", "公顷",
    "平方公里", "平方米", "公里", "千米", "吨", "千瓦时", "千瓦", "倍", "所", "台", "套", "辆", "场", "笔", "份", "名", "位", "间",
)
_UNIT_RE = "|".join(regex.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
FIGURE_RE = regex.compile(
    r"(?P<pct>百分之)?"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN_DIGITS}]+(?:点[{_CN_DIGITS[:-3]}]+)?)"
    r"(?P<approx1>余|多)?(?P<mag>万亿|亿|万)?(?P<approx2>余|多)?"
    rf"(?P<unit>{_UNIT_RE})?"
)
# A clause: what a comma, semicolon or full stop closes.
_CLAUSE_RE = regex.compile(r"(?:[^，,；;。！!？?\n]|(?<=\d),(?=\d{3}(?!\d)))+")  # 1,645 is one number
_LEAD_RE = regex.compile(r"^[\s:：、（(）)“”\"'—-]*(?:其中|共|累计|全年|的)?[:：]?")
_TRAIL_RE = regex.compile(r"(?:达到|达|为|是|约|超过|超|近|逾|共计|共|计|了|已|有)+$")
_MAGNITUDES = {"万": 10**4, "亿": 10**8, "万亿": 10**12}


@dataclass
class Figure:
    text: str  # as written: 355.7亿元
    value: float | int  # 35570000000
    unit: str  # 元, %, 项 …
    approx: bool  # 余, 多: at least this much
    indicator: str | None  # the phrase before it in the clause: 合同约定投资总额
    clause: str
    offset: int  # of the figure in the text


@lru_cache(maxsize=1)
def _cn2an() -> Any:
    import cn2an

    return cn2an


def value_of(num: str, magnitude: str | None = None) -> float | int | None:
    """The number a figure writes: 1,645 -> 1645, 355.7 亿 -> 35570000000, 三千 万 -> 30000000."""
    num = num.replace(",", "")
    if num[0].isdigit():
        base = Decimal(num)
    else:
        try:
            base = Decimal(str(_cn2an().cn2an(num, "normal")))
        except (ValueError, KeyError, IndexError):
            return None
    value = base * _MAGNITUDES[magnitude] if magnitude else base  # exact: 313.65亿 is 31365000000
    return int(value) if value == value.to_integral_value() else float(value)


def figures_in(text: str) -> Iterator[Figure]:
    """Every figure of a text with a unit, clause by clause."""
    for clause in _CLAUSE_RE.finditer(text):
        start = clause.start()
        body = clause.group()
        previous = 0
        for m in FIGURE_RE.finditer(body):
            unit = "%" if m["pct"] or m["unit"] == "％" else m["unit"]
            if not unit:
                continue
            num = m["num"]
            if num in ("一", "两", "千", "百"):
                continue  # 一个, 两家: words, not figures
            if num[0].isdigit() and m.start() > 0 and body[m.start() - 1] in "年月日号第":
                continue  # inside a date or an ordinal
            value = value_of(num, m["mag"])
            if value is None:
                continue
            indicator = _TRAIL_RE.sub("", _LEAD_RE.sub("", body[previous : m.start()])).strip()
            yield Figure(
                text=m.group(), value=value, unit=unit, approx=bool(m["approx1"] or m["approx2"]),
                indicator=indicator or None, clause=body.strip(), offset=start + m.start(),
            )
            previous = m.end()


def figure_rows(ix: Index, p: Plan) -> tuple[list[FigureRow], int]:
    """The figures (models.FigureRow) in the clauses of matching records that name the query
    (figures_in), newest record first, in text order; and the number of matching records."""
    from qdn_corpus.models import FigureRow
    from qdn_corpus.reports.figures import figures_in

    needles = p.highlights
    # The texts a clause must hold: the query's own, not the words cut from them.
    wanted = [n for n in needles if not any(n != m and n in m for m in needles)]
    rows: list[FigureRow] = []
    with ix.reader() as reader:
        view = View(reader, ix)
        docs = view.matching(p)
        for d in view.by_date(docs, "-date", None):
            record = view.record(d)
            headings = [(h.level, h.offset, fold(f"{h.marker}{h.text}")) for h in record.outline]
            for f in figures_in(record.body):
                clause = fold(f.clause)
                if not any(w in clause for w in wanted):
                    continue
                if p.within is not None and not in_section(headings, f.offset, p.within):
                    continue
                rows.append(FigureRow(
                    id=record.id, date=record.date, region=record.region, title=record.title, indicator=f.indicator,
                    figure=f.text, value=f.value, unit=f.unit, approx=f.approx, clause=f.clause, offset=f.offset,
                    file=record.file,
                ))
    return rows, len(docs)
