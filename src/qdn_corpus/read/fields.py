"""What a date, a 文号, a document type, a publication stamp and an outline heading look like:
small extractors shared by the formats (which hand hints over) and the layout rules (parsing/).
Pure; imports nothing of qdn but models."""

from __future__ import annotations

import datetime as dt

import regex

from qdn_corpus.models import Heading

DATE_RE = regex.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-./．－／年]\s*(?P<m>\d{1,2})\s*[-./．－／月]\s*(?P<d>\d{1,2})\s*日?"
)
# Spaces around the digits are common in PDF text: 2022 年 12 月 23 日.
_MONTH_DAY_RE = regex.compile(r"(?<!\d)(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_YEAR_RE = regex.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|(?=\p{Han}))")


def make_date(y: str | int, m: str | int, d: str | int) -> dt.date | None:
    """A date from parts, or None when it does not exist (2022-13-45)."""
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def find_date(text: str) -> dt.date | None:
    """The first valid full date written in a text (2021-07-03, 2021年7月2日, 2020.02.29)."""
    for m in DATE_RE.finditer(text):
        found = make_date(m["y"], m["m"], m["d"])
        if found:
            return found
    return None


def infer_news_date(lead: str) -> dt.date | None:
    """A news item's date from its lead paragraph: 4月2日 plus the year the paragraph names."""
    md = _MONTH_DAY_RE.search(lead)
    if not md:
        return None
    years = _YEAR_RE.findall(lead)
    if not years:
        return None
    return make_date(years[0], md["m"], md["d"])


_DOC_NUMBER_RE = regex.compile(
    r"(?P<org>\p{Han}{1,16})\s*[〔\[【［(（{﹝〖⟦［](?P<year>(?:19|20)\d{2})[〕\]】］)）}﹞〗⟧］]\s*(?P<n>\d{1,5})\s*号"
)


def normalise_doc_number(text: str) -> str | None:
    """A 发文字号 with its brackets normalised: 黔东南府办发[2023]5号 -> 黔东南府办发〔2023〕5号."""
    m = _DOC_NUMBER_RE.search(text)
    if not m:
        return None
    return f"{m['org']}〔{m['year']}〕{int(m['n'])}号"


def is_doc_number_line(line: str) -> bool:
    m = _DOC_NUMBER_RE.fullmatch(line.strip())
    return m is not None


DOC_TYPES = (
    "实施细则", "实施意见", "实施方案", "工作方案", "行动方案", "工作要点", "工作总结", "工作报告",
    "通知", "意见", "报告", "总结", "办法", "方案", "解读", "决定", "规定", "细则", "规划", "公告",
    "通告", "批复", "条例", "措施", "纲要", "讲话", "函", "公报", "决议", "指南", "清单", "要点",
    "命令", "通报", "纪要", "请示",
)
_BASE_TYPES = {"实施细则": "细则", "实施意见": "意见", "实施方案": "方案", "工作方案": "方案",
               "行动方案": "方案", "工作要点": "要点", "工作总结": "总结", "工作报告": "报告"}


def doc_type(title: str | None) -> str | None:
    """The document type named at the end of a title (…的通知 -> 通知), else None."""
    if not title:
        return None
    t = title.strip().rstrip("》」\"”'’ ")
    for kind in DOC_TYPES:
        if t.endswith(kind):
            return _BASE_TYPES.get(kind, kind)
    # 印发《…若干意见》 or a type followed by a parenthetical (试行)
    m = regex.search(r"(" + "|".join(DOC_TYPES) + r")(?:[（(][^）)]{1,6}[）)])?$", t)
    if m:
        return _BASE_TYPES.get(str(m[1]), str(m[1]))
    return None


_CN_NUM = "一二三四五六七八九十百零〇"
_HEADING_RES: list[tuple[int, regex.Pattern[str]]] = [
    (1, regex.compile(rf"(?P<marker>[{_CN_NUM}]{{1,4}}、)")),
    (2, regex.compile(rf"(?P<marker>[（(][{_CN_NUM}]{{1,4}}[）)])")),
    (3, regex.compile(r"(?P<marker>\d{1,2}[.．、](?!\d))")),
    (4, regex.compile(r"(?P<marker>[（(]\d{1,2}[）)])")),
]
# The units of regulations (办法, 条例, 细则, 规定) rank above 一、: 款 0, 条 -1, 节 -2, 章 -3, 编 -4,
# and an attachment (附件1 on a line of its own) above everything, -5. 编/章/节 headings are short
# lines; 条 and 款 are followed by their text.
REGULATION_LEVELS = {"编": -4, "章": -3, "节": -2, "条": -1, "款": 0}
ATTACHMENT_LEVEL = -5
_UNIT_RE = regex.compile(rf"(?P<marker>第[{_CN_NUM}\d]{{1,5}}(?P<unit>[编章节条款]))(?=[\s　]|[^\s　，。、的中之])")
_ATTACHMENT_RE = regex.compile(rf"(?P<marker>附\s*件\s*[{_CN_NUM}\d]{{0,3}})\s*[:：]?\s*$")
# Inline headings in one-line streams follow the end of a sentence: 。一、始终坚持…
_INLINE_RE = regex.compile(
    rf"(?<=[。！？；]\s*)(?P<marker>[{_CN_NUM}]{{1,3}}、|[（(][{_CN_NUM}]{{1,3}}[）)])"
)
_HEADING_END = regex.compile(r"[。！？；：:\n]")


def _heading_text(body: str, start: int) -> str:
    end = _HEADING_END.search(body, start, start + 80)
    stop = end.start() if end else min(len(body), start + 60)
    return body[start:stop].strip()


def _unit_heading(body: str, start: int, line: str) -> Heading | None:
    """A 第…编/章/节/条/款 or 附件 heading at the start of a line, else None."""
    m = _ATTACHMENT_RE.match(line)
    if m:  # the attachment's title is the next non-empty line
        rest = body[start + len(line):].lstrip()
        title = rest[: rest.find("\n")] if "\n" in rest else rest
        if not title.strip() or regex.match(r"\d{1,2}\s*[.．、]", title):
            return None  # 附件： above a numbered list (or nothing) names the attachments; it starts none
        marker = regex.sub(r"\s+", "", m["marker"])
        return Heading(level=ATTACHMENT_LEVEL, marker=marker, text=title.strip()[:60], offset=start)
    m = _UNIT_RE.match(line)
    if not m:
        return None
    level = REGULATION_LEVELS[m["unit"]]
    if level < REGULATION_LEVELS["条"] and (len(line) > 40 or "。" in line):
        return None  # 编/章/节 headings are short lines, never a sentence
    text = _heading_text(body, start + m.end()).strip(" 　")
    if level < REGULATION_LEVELS["条"]:  # 总　则 is spaced for print: 总则
        text = regex.sub(r"(?<=\p{Han})[\s　]+(?=\p{Han})", "", text)
    return Heading(level=level, marker=m["marker"], text=text, offset=start)


def outline(body: str) -> list[Heading]:
    """Headings 一、 / （一） / 1. / （1） at line starts (or after a sentence, for 一、/（一）), and
    the units of regulations (第一章, 第一条 …) and attachments (附件1) at line starts."""
    found: dict[int, Heading] = {}
    pos = 0
    for line in body.split("\n"):
        stripped = line.lstrip()
        start = pos + len(line) - len(stripped)
        unit = _unit_heading(body, start, stripped) if stripped[:1] in ("第", "附") else None
        if unit is not None:
            found[start] = unit
        else:
            for level, pattern in _HEADING_RES:
                m = pattern.match(stripped)
                if m:
                    text = _heading_text(body, start + m.end())
                    if text:
                        found[start] = Heading(level=level, marker=m["marker"], text=text, offset=start)
                    break
        pos += len(line) + 1
    for m in _INLINE_RE.finditer(body):
        if m.start() in found:
            continue
        level = 1 if m["marker"].endswith("、") else 2
        text = _heading_text(body, m.end())
        if text:
            found[m.start()] = Heading(level=level, marker=m["marker"], text=text, offset=m.start())
    return [found[k] for k in sorted(found)]


# Labels of the date a page shows as its publication date (the 信息公开 block, a header line).
PUBLISHED_LABELS = ("发布日期", "发布时间", "公布日期", "公开日期", "日期", "时间", "更新时间")


_STAMP_LINE_RE = regex.compile(
    r"(?P<date>" + DATE_RE.pattern + r")\s*(?:(?P<time>\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)|(?=\s*星期))"
)


def stamp_line(line: str) -> str | None:
    """A publication stamp in a short header line: a full date followed by a time or a weekday
    (房地产头条 2024-01-11 10:53 星期四, 作者 2023-07-03 08:40:21, 2025年11月28日 星期五), among
    at most a few names; never a sentence. The date as written, else None."""
    if len(line) > 60 or any(ch in line for ch in "。，；！？"):
        return None
    m = _STAMP_LINE_RE.search(line)
    if not m or not find_date(m["date"]) or len(_STAMP_LINE_RE.findall(line)) > 1:
        return None
    return m.group().strip()
