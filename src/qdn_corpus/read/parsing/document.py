"""Single-document layouts: title, header lines, metadata blocks, addressee, signature."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import regex

from qdn_corpus.models import DateSource
from qdn_corpus.read.fields import DATE_RE, DOC_TYPES, find_date, infer_news_date, is_doc_number_line, stamp_line

# Labels of header lines and gov.cn metadata blocks; longest first so 发布时间 beats 时间.
_LABELS = (
    "信息来源", "文章来源", "来源", "发布时间", "发布日期", "发文日期", "成文日期", "印发日期",
    "生效日期", "成文时间", "更新时间", "日期", "时间", "作者", "点击数", "点击量", "浏览次数", "阅读次数",
    "访问次数", "浏览量", "字体", "字号", "索引号", "主题分类", "发文机关", "发布机构", "发文机构", "联合发文单位",
    "发文单位", "标题",
    "发文字号", "文号", "主题词", "有效性", "责任编辑", "编辑", "分享到", "打印",
)
_WIDGETS = {"字体", "字号", "分享到", "打印"}  # page furniture: recognised, not kept
_LABEL_RE = regex.compile(
    r"(?:^|(?<=[\s|｜丨]))(?P<label>"
    + "|".join(sorted(_LABELS, key=len, reverse=True))
    + r")\s*[:：]"
)
SOURCE_LABELS = ("来源", "信息来源", "文章来源", "发布机构")
DATE_LABELS = ("发布日期", "发布时间", "日期", "时间", "更新时间", "发文日期", "成文日期", "印发日期")
NUMBER_LABELS = ("发文字号", "文号")
WRITTEN_LABELS = ("成文日期", "成文时间", "生成日期", "印发日期", "发文日期")

_ADDRESSEE_RE = regex.compile(r"[\p{Han}（）()、，,\s]{2,60}[:：]")
_ORG_RE = regex.compile(
    r"[\p{Han}（）()]{2,40}(?:局|委员会|委|政府|办公室|办公厅|厅|部|院|会|中心|公司|小组|指挥部|所|"
    r"站|处|队|社|集团|协会|办|府|室)"
)
_DATE_LINE_RE = regex.compile(r"[（(]?\s*" + DATE_RE.pattern + r"\s*[）)]?")
_TITLE_ISSUER_RE = regex.compile(r"(?P<org>[^《》]{2,120}?)关于")


def org_names(text: str) -> list[str] | None:
    """The bodies named by a line such as 自然资源部 中国银行保险监督管理委员会, or None when
    any part of it is not a body's name."""
    names = text.split()
    return names if names and all(_ORG_RE.fullmatch(n) for n in names) else None


_BRACKETED_RE = regex.compile(
    r"[\[【［〖]\s*(?P<label>" + "|".join(sorted(_LABELS, key=len, reverse=True)) + r")\s*[\]】］〗]\s*[:：]?"
)


def parse_header_line(line: str) -> dict[str, str | None] | None:
    """`来源: X 发布时间: Y` (or 【来源】X [发布时间]Y) as {label: value}; empty values are None.
    None if not a header."""
    if _BRACKETED_RE.match(line):
        line = _BRACKETED_RE.sub(lambda m: f" {m['label']}：", line).strip()
    if not _LABEL_RE.match(line):
        return None
    found = list(_LABEL_RE.finditer(line))
    pairs: dict[str, str | None] = {}
    for m, nxt in itertools.zip_longest(found, found[1:]):
        value = line[m.end() : nxt.start() if nxt else len(line)].strip()
        pairs.setdefault(m["label"], value or None)
    return pairs


def _nows(s: str) -> str:
    return "".join(s.split())


@dataclass
class DocParts:
    """What the layout parser found; offsets are into the text it was given."""

    title: str | None = None
    meta: dict[str, str | None] = field(default_factory=dict)
    addressee: str | None = None
    doc_number_line: str | None = None
    letterhead_end: int = 0  # the line after the letterhead (meta 版头), 0 while there is none
    signature_orgs: list[str] = field(default_factory=list)
    signature_date: dt.date | None = None
    body: str = ""
    start: int = 0
    consumed: list[str] = field(default_factory=list)

    def first(self, labels: tuple[str, ...]) -> str | None:
        for label in labels:
            value = self.meta.get(label)
            if value:
                return value
        return None

    def date(self) -> tuple[dt.date | None, DateSource | None]:
        for label in DATE_LABELS:
            value = self.meta.get(label)
            found = find_date(value) if value else None
            if found:
                return found, "header"
        if self.signature_date:
            return self.signature_date, "signature"
        lead = self.body.partition("\n")[0]  # the body is stripped lines
        inferred = infer_news_date(lead)
        return (inferred, "text") if inferred else (None, None)

    def published_date(self) -> dt.date | None:
        """The publication date the text shows in a header line (发布日期：…, a bare date under
        the title); a 成文日期 is not one."""
        for label in DATE_LABELS:
            value = self.meta.get(label)
            found = find_date(value) if value and label not in WRITTEN_LABELS else None
            if found:
                return found
        return None

    def issuer(self) -> str | None:
        if self.meta.get("发文机关"):
            return self.meta["发文机关"]
        if self.signature_orgs:
            return " ".join(self.signature_orgs)
        if self.title:
            m = _TITLE_ISSUER_RE.match(self.title)
            names = org_names(m["org"]) if m else None
            if names:
                return " ".join(names)
        return None


_OUTLINE_START_RE = regex.compile(
    r"[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.．、](?!\d)|第[一二三四五六七八九十百]+[章条]"
)


def _looks_like_title(line: str, shortest: int = 2) -> bool:
    if not shortest <= len(line) <= 120 or "。" in line[:-1] or _OUTLINE_START_RE.match(line):
        return False
    if line[-1] in "：:，,；;。！？":
        return False
    return not _DATE_LINE_RE.fullmatch(line)


def _title_repeat(lines: list[tuple[int, str]], i: int, title: str) -> int:
    """If lines[i:] repeat the title wrapped over several lines, the index after them, else i."""
    want = _nows(title)
    acc = ""
    j = i
    while j < len(lines) and len(acc) < len(want):
        piece = _nows(lines[j][1])  # never empty: lines are stripped and not blank
        if not want.startswith(acc + piece):
            return i
        acc += piece
        j += 1
    return j if acc == want else i


_LETTERHEAD_RE = regex.compile(r"[\p{Han}（）()\s]{2,40}(?:文件|公报|规章|令)")
_TITLE_END_RE = regex.compile(
    r"(?:" + "|".join(DOC_TYPES) + r")(?:[（(][^）)]{1,12}[）)])?[》」”]?$"
)


def _wrapped_title(lines: list[tuple[int, str]], i: int) -> int:
    """A title wrapped over up to four lines: the index after its last line.

    A line joins only when the title does not yet end with a document type (…的通知) and
    joining does make it end with one; a parenthetical such as （征求意见稿） after a finished
    title belongs to it too.
    """
    end, title = i + 1, lines[i][1]
    if not _TITLE_END_RE.search(title):
        joined = title
        for j in range(i + 1, min(i + 4, len(lines))):
            line = lines[j][1]
            # a continuation may be one character: a title wrapped inside 通知 (…的通 / 知)
            if not _looks_like_title(line, shortest=1) or is_doc_number_line(line):
                break
            joined += line
            if _TITLE_END_RE.search(joined):
                end, title = j + 1, joined
                break
    if end < len(lines) and _TITLE_END_RE.search(title) and _PAREN_NOTE_RE.fullmatch(lines[end][1]):
        end += 1
    return end


_ATTACHMENT_MARK_RE = regex.compile(r"附\s*件\s*[\d一二三四五六七八九十]{0,3}\s*[:：]?")
_PAREN_NOTE_RE = regex.compile(r"[（(][\p{Han}\d]{2,10}[）)]")


_TIME_RE = regex.compile(r"\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?")


def _is_date_line(line: str, lines: list[tuple[int, str]], i: int) -> bool:
    """A line that is only a date (2025-10-09, 2022年7月4日, with a time or not), with more text
    after it: a header's publication date, not the signature's (which ends the document)."""
    if i + 1 >= len(lines):
        return False
    m = _DATE_LINE_RE.match(line)
    if not m or not find_date(m.group()):
        return False
    rest = line[m.end() :]
    return not rest.strip() or bool(_TIME_RE.fullmatch(rest))


# long: one pass over the lines as a state machine (title, header, body, signature); split, the state would travel through every piece
def parse_document(text: str, known_title: str | None = None) -> DocParts:
    """Split one document into title, header fields, body and signature (see DocParts).

    `known_title` is a title the format already knows (a page's meta tags): then lines that
    repeat it are consumed, and no other line is taken for the title.
    """
    parts = DocParts()
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lines.append((pos + raw.index(stripped[0]), stripped))
        pos += len(raw) + 1
    if not lines:
        parts.title = known_title
        return parts
    parts.start = lines[0][0]

    def absorb(line: str, pairs: dict[str, str | None]) -> None:
        parts.consumed.append(line)
        for label, value in pairs.items():
            if label not in _WIDGETS:
                parts.meta.setdefault(label, value)

    i = 0
    # A gov.cn metadata block, a letterhead (XX人民政府文件) or the 文号 may come before the title.
    while i < len(lines):
        line = lines[i][1]
        if (pairs := parse_header_line(line)) is not None:
            absorb(line, pairs)
        elif _is_date_line(line, lines, i):
            absorb(line, {"日期": line})
        elif i + 1 < len(lines) and (stamp := stamp_line(line)):
            absorb(line, {"日期": stamp})
        elif (
            parts.letterhead_end in (0, i)  # one letterhead; a joint one is lines in a row
            and i + 1 < len(lines) and _LETTERHEAD_RE.fullmatch(line) and not _TITLE_END_RE.search(line)
        ):
            parts.meta["版头"] = f"{parts.meta['版头']} {line}" if parts.letterhead_end else line
            parts.letterhead_end = i + 1
            parts.consumed.append(line)
        elif parts.doc_number_line is None and is_doc_number_line(line):
            parts.doc_number_line = line
            parts.consumed.append(line)
        elif i + 1 < len(lines) and _ATTACHMENT_MARK_RE.fullmatch(line):
            parts.meta.setdefault("附件", line)  # 附件2 above an attached document's title
            parts.consumed.append(line)
        else:
            break
        i += 1
    if known_title:
        parts.title = known_title
    elif parts.meta.get("标题"):
        parts.title = parts.meta["标题"]
    elif i < len(lines) and _looks_like_title(lines[i][1]) and len(lines) > 1:
        end = _wrapped_title(lines, i)
        parts.title = "".join(line for _, line in lines[i:end])
        parts.consumed.extend(line for _, line in lines[i:end])
        i = end
    while i < len(lines):
        line = lines[i][1]
        if (pairs := parse_header_line(line)) is not None:
            absorb(line, pairs)
            i += 1
            continue
        if parts.title and _is_date_line(line, lines, i):  # a bare date under the title
            absorb(line, {"日期": line})
            i += 1
            continue
        if parts.title and i + 1 < len(lines) and (stamp := stamp_line(line)):  # 作者 2023-07-03 08:40
            absorb(line, {"日期": stamp})
            i += 1
            continue
        if parts.title and (after := _title_repeat(lines, i, parts.title)) > i:
            parts.consumed.extend(line for _, line in lines[i:after])
            i = after
            continue
        if parts.doc_number_line is None and is_doc_number_line(line):
            parts.doc_number_line = line
            parts.consumed.append(line)
            i += 1
            continue
        if parts.addressee is None and _ADDRESSEE_RE.fullmatch(line) and i + 1 < len(lines):
            parts.addressee = line[:-1].strip()
            parts.consumed.append(line)
            i += 1
        break

    end = len(lines)
    if end - 1 > i and (m := _DATE_LINE_RE.fullmatch(lines[end - 1][1])):
        parts.signature_date = find_date(m.group())
        if parts.signature_date:
            parts.consumed.append(lines[end - 1][1])
            end -= 1
            orgs: list[str] = []
            while end - 1 > i and len(orgs) < 3 and (names := org_names(lines[end - 1][1])):
                orgs[:0] = names
                parts.consumed.append(lines[end - 1][1])
                end -= 1
            parts.signature_orgs = orgs
    body_lines = lines[i:end]
    parts.body = "\n".join(line for _, line in body_lines)
    return parts
