"""Citations in a body: titles in 《…》 and document numbers (国发〔2022〕2号), with offsets; and
the keys that match a citation to the document it names. Pure.

- A title in 《…》 may nest 〈…〉 or 《…》 and end in （试行） or (2021-2023年); the 文号 in
  brackets right after it (《…通知》（国办发〔2022〕35号）) makes one citation with both.
- A 文号 in brackets after a title written without 《》 (…的指导意见(国发〔2024〕3号)) takes that
  title when it reads as one (关于 … ending in a document type).
- A 文号 in running text (落实国办发〔2022〕35号文件) loses the words before it (落实).
- A colloquial number without a year (新国发2号文件) is a citation by its text only: without
  the year it names a different document every year, so it is never resolved.
- Generic back-references (《方案》, 《办事指南》, 《纲要草案》) are not documents.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from qdn_corpus.read.fields import DOC_TYPES
from qdn_corpus.text.normalize import fold

_TITLE_RE = regex.compile(r"《(?P<t>(?:[^《》\n]|\n(?!\n)|《(?&t)》){1,150}?)》")
_BRACKET_NUMBER = (
    r"(?P<org>\p{Han}{1,16})\s*[〔\[【［(（{]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]】］)）}]\s*(?P<n>\d{1,5})\s*号"
)
_NUMBER_RE = regex.compile(_BRACKET_NUMBER)
_AFTER_TITLE_RE = regex.compile(r"\s*[(（]\s*" + _BRACKET_NUMBER + r"\s*[)）]")
_COLLOQUIAL_RE = regex.compile(r"(?P<text>新?(?:国办|国|\p{Han}{1,3}府办?|\p{Han}{1,3}办)发\s*\d{1,4}\s*号文件?)")
# Words that come before a 文号 in running text but are not part of the issuer's abbreviation.
_LEAD_WORDS = regex.compile(
    r"^(?:根据|按照|依据|依照|贯彻落实|贯彻|落实|执行|参照|对照|结合|转发|印发|发布|出台|制定|抢抓|持续|认真|详见|见|按|据|和|与|及|或|的|是|为|以|在|将|对|经|由)+"
)
_GENERIC = tuple({*DOC_TYPES, "建议", "办事指南", "指南", "草案", "纲要草案", "实施方案", "通知精神", "文件", "规定", "细则"})
_ISSUER_PREFIX_RE = regex.compile(r"^.{0,30}?(?=关于)")
_BRACKETS = str.maketrans({"〈": "", "〉": "", "《": "", "》": "", "<": "", ">": "", "“": "", "”": "", '"': "", "'": "",
                           "‘": "", "’": "", "(": "(", ")": ")", "[": "(", "]": ")", "〔": "(", "〕": ")", "【": "(", "】": ")"})
_SPACE_RE = regex.compile(r"\s+")


@dataclass
class Citation:
    text: str  # as written
    title: str | None
    doc_number: str | None  # normalised: 国办发〔2022〕35号
    offset: int  # into the text


def is_generic(title: str) -> bool:
    """《方案》, 《办事指南》, 《该通知》: a back-reference, not a document's title (without spaces)."""
    t = regex.sub(r"^(?:本|该|此|上述|以上|有关|相关)", "", title)
    t = regex.sub(r"[（(]?草案[）)]?$", "", t) or t
    return len(t) <= 4 and t.endswith(_GENERIC)  # each generic word is at most 4 characters


def _number(m: regex.Match[str]) -> tuple[str, int]:
    """A matched 文号, normalised, and where its issuer starts once leading words are dropped."""
    org = m["org"]
    kept = _LEAD_WORDS.sub("", org) or org
    kept = kept[-10:]
    return f"{kept}〔{m['year']}〕{int(m['n'])}号", m.start("org") + len(org) - len(kept)


def _bare_title_before(text: str, end: int) -> tuple[str, int] | None:
    """A title written without 《》 just before `end`: back to the clause start, holding 关于 and
    ending in a document type."""
    start = end
    while start > 0 and end - start < 80 and text[start - 1] not in "，,；;。：:、\n《》":
        start -= 1
    candidate = text[start:end].strip()
    if "关于" in candidate and candidate.endswith(DOC_TYPES):
        candidate = _LEAD_WORDS.sub("", candidate) or candidate
        return candidate, end - len(candidate)
    return None


def extract(text: str) -> list[Citation]:
    """The citations of a text in order of offset."""
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for m in _TITLE_RE.finditer(text):
        title = _SPACE_RE.sub("", m["t"])
        if not title or is_generic(title):
            continue
        end = m.end()
        number = None
        after = _AFTER_TITLE_RE.match(text, end)
        if after:
            number = _number(after)[0]
            end = after.end()
        found.append(Citation(text[m.start() : end], title, number, m.start()))
        taken.append((m.start(), end))
    for m in _NUMBER_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        number, start = _number(m)
        named: str | None = None
        if start > 0 and text[start - 1] in "(（":
            bare = _bare_title_before(text, start - 1)
            if bare:
                named, start = bare
        found.append(Citation(text[start : m.end()], named, number, start))
        taken.append((start, m.end()))
    for m in _COLLOQUIAL_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        t = _LEAD_WORDS.sub("", m["text"])  # never empty: the match ends in 发…号
        found.append(Citation(t, None, None, m.end() - len(t)))
    return sorted(found, key=lambda c: c.offset)


def title_key(title: str) -> str:
    """A title for matching: folded, without spaces, quotes or 《〈 〉》, brackets alike."""
    return _SPACE_RE.sub("", fold(title)).translate(_BRACKETS)


def short_title_key(title: str) -> str | None:
    """The key from 关于 on, which matches a citation that leaves out (or adds) the issuer:
    省人民政府办公厅关于… and 关于…. None when the title has no 关于."""
    key = title_key(title)
    m = _ISSUER_PREFIX_RE.match(key)  # matches (with nothing before it) whenever 关于 is near the start
    return key[m.end() :] if m else None


def number_key(number: str) -> str:
    """A normalised 文号 for matching (normalise_doc_number leaves no spaces)."""
    return fold(number).translate(_BRACKETS)
