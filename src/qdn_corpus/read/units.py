"""Clause units: a body cut into its smallest numbered parts, each with a hierarchical code,
the unit of policy-instrument coding (政策工具分析). Pure: a body and its outline in, spans out.

A unit runs from one heading of the outline to the next, so the units of a record tile its
body: the text before the first heading is unit 0, and a heading with nothing of its own (a
chapter title followed by its articles, 附件1 and the attachment's title) is no unit: its text
stays in its children's heading path. A body without headings is cut into paragraphs (p1 …).
The same cut works on the folded body the index keeps (folding keeps every offset).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import regex

from qdn_corpus.read.fields import ATTACHMENT_LEVEL

_NUMBER_RE = regex.compile(r"^\s*(?P<att>附\s*件)?[（(第]?\s*(?P<n>[一二三四五六七八九十百零〇]+|\d+)")
_SENTENCE = regex.compile(r"[。；;！!？?，,：:]")


class Unit(NamedTuple):
    code: str  # without the record's short id: 3-2-5, 0, p4
    start: int
    end: int
    path: list[str]  # heading texts (marker and text) outermost first


@lru_cache(maxsize=512)
def _number(heading: str) -> str:
    """The number a heading's marker gives (三、 3, （二） 2, 第十五条 15, 附件1 a1), else ?."""
    m = _NUMBER_RE.match(heading)
    if not m:
        return "?"
    n = m["n"]
    if not n.isdigit():
        import cn2an

        try:
            n = str(cn2an.cn2an(n, "smart"))
        except ValueError:
            return "?"
    return f"a{n}" if m["att"] else str(int(n))


def _attachment_number(heading: str) -> str:
    m = _NUMBER_RE.match(heading)
    return _number(heading) if m and m["att"] and m["n"] else "a"


def _bare(text: str) -> str:
    return regex.sub(r"\s+", "", text)


def cut(body: str, headings: Sequence[Sequence[Any]], numbered: bool = True) -> list[Unit]:
    """A body's units from its outline as (level, offset, marker+text) in body order; the
    paragraphs of a body without one. Unnumbered (code "") when only the spans are wanted."""
    if not headings:
        return paragraphs(body)
    units = []
    first = headings[0][1]
    if body[:first].strip():
        units.append(Unit("0", 0, first, []))
    seen: dict[str, int] = {}
    for i, (level, offset, text) in enumerate(headings):
        end = headings[i + 1][1] if i + 1 < len(headings) else len(body)
        span = body[offset:end].strip()
        deeper_next = i + 1 < len(headings) and headings[i + 1][0] > level
        if deeper_next and (_bare(span) == _bare(text) or (len(span) <= 40 and not _SENTENCE.search(span))):
            continue  # a title of the units below it, in their path
        path = section_at(headings, offset)
        if not numbered:
            units.append(Unit("", offset, end, []))
            continue
        code = "-".join(_attachment_number(h[2]) if h[0] == ATTACHMENT_LEVEL else _number(h[2]) for h in path)
        seen[code] = seen.get(code, 0) + 1
        if seen[code] > 1:  # numbering restarts (two lists under one heading): keep codes unique
            code = f"{code}.{seen[code]}"
        units.append(Unit(code, offset, end, [h[2] for h in path]))
    return units




def section_at(headings: Sequence[Any], pos: int) -> list[Any]:
    """The heading path above a body offset: headings as (level, offset, text) in body order;
    each keeps the nearest heading of every higher level before it."""
    path: list[Any] = []
    for h in headings:
        if h[1] > pos:
            break
        while path and path[-1][0] >= h[0]:
            path.pop()
        path.append(h)
    return path


def paragraphs(body: str) -> list[Unit]:
    """The non-blank lines of a body as units p1, p2 …"""
    units: list[Unit] = []
    pos = 0
    for para in body.split("\n"):
        if para.strip():
            units.append(Unit(f"p{len(units) + 1}", pos, pos + len(para), []))
        pos += len(para) + 1
    return units
