"""The labels of a saved page's 信息公开 block and header lines (索引号, 发文字号, 成文日期 …)
in whatever markup a site uses: a label and its value in one cell or over several, labels in
brackets or alone in an element, values spread over cells. html.py hands what is found over as
hints (meta); the lines are kept out of the body.
"""

from __future__ import annotations

import regex

from qdn_corpus.read.fields import find_date, is_doc_number_line
from qdn_corpus.read.formats.html_furniture import clean, is_furniture


def strip_label_lines(lines: list[str]) -> list[str]:
    """The 信息公开 block above the article and the header line below it, not label-like lines
    inside the article (名称：… 开户行：… in a notice's text stays)."""
    lines = _pair_lone_labels(lines)
    start, end = 0, len(lines)
    while start < end and _is_label_line(lines[start]):
        start += 1
    while end > start and _is_label_line(lines[end - 1]):
        end -= 1
    return lines[start:end]


def _is_label_line(line: str) -> bool:
    """A line of the 信息公开 block or a header line (索引号：… / 发布时间：… 来源：…): metadata,
    kept in `meta`, not body text."""
    if len(line) > 200 or "。" in line:
        return False
    return bool(LABEL_CELL_RE.match(_unspace_label(line.split("\t", 1)[0].strip())))


# Labels of the 信息公开 block and of visible header lines; the value is the rest of the cell
# or the next cell (values span cells in tables and <dl>s).
PAGE_LABELS = (
    "索引号", "主题分类", "发文机关", "发布机构", "公开主体", "成文日期", "生成日期", "印发日期", "发文字号",
    "文号", "发布日期", "发布时间", "公开日期", "有效性", "时效性", "标题", "名称", "信息来源", "来源",
    "文章来源", "发文日期", "统一登记号", "登记号", "体裁分类", "组配分类", "服务对象", "公开方式", "公开范围",
    "公开责任部门", "发布单位", "责任部门", "关键词", "主题词", "生效日期", "实施日期", "废止日期", "作者", "日期",
    "时间", "公布日期", "信息时效期", "主题", "体裁", "发文机构", "联合发文单位", "发文单位", "成文时间", "发布机关",
)
# Labels common enough as ordinary words (a table's 时间 column, a 来源 heading) that an element
# holding one alone, without a colon or brackets, is not taken for a label.
_WEAK_LABELS = {"标题", "名称", "作者", "日期", "时间", "来源", "主题", "体裁", "关键词", "主题词", "服务对象"}
_LABEL_ALTERNATIVES = "|".join(sorted(PAGE_LABELS, key=len, reverse=True))
# A label cell: the label alone (索引号 | value) or the label, a colon and its value. A cell that
# merely starts with a label's word (来源渠道, 时间安排) is not one.
LABEL_CELL_RE = regex.compile(r"^(?P<label>" + _LABEL_ALTERNATIVES + r")\s*(?:(?P<colon>[:：])\s*(?P<rest>.*))?$", regex.S)
_ANY_LABEL_RE = regex.compile(r"(?:^|(?<=\s))(?P<label>" + "|".join(sorted(PAGE_LABELS, key=len, reverse=True)) + r")\s*[:：]")


def _unspace_label(cell: str) -> str:
    # 索 引 号 ： / 发布机构　：  -> 索引号：; [发文字号] / 【成文日期】： -> 发文字号：
    if _BRACKET_LABEL_RE.search(cell):
        cell = _BRACKET_LABEL_RE.sub(lambda m: f" {m['label']}：", cell).strip()
    if len(cell) > 40:
        return cell
    m = _SPACED_LABEL_RE.match(cell)
    if m and (label := "".join(m[1].split())) in PAGE_LABELS:
        return label + m[2] + cell[m.end() :]
    squeezed = "".join(cell.split())
    return squeezed if squeezed in PAGE_LABELS else cell


_SPACED_LABEL_RE = regex.compile(r"^([\p{Han}][\p{Han}\s\u3000]{1,12}?)\s*([:：])")
_BRACKET_LABEL_RE = regex.compile(
    r"[\[【［〖<＜(（]\s*(?P<label>" + _LABEL_ALTERNATIVES + r")\s*[\]】］〗>＞)）]\s*[:：]?\s*"
)


def label_element(text: str) -> str | None:
    """The label an element holds alone (发文字号, [成文日期], 【发文机构】：, 发布机构：), else None.
    Bare weak labels (时间, 来源 …) count only with brackets or a colon."""
    squeezed = "".join(text.split())
    m = _LONE_LABEL_RE.fullmatch(squeezed)
    if not m:
        return None
    label = m["label"]
    if label in _WEAK_LABELS and not (m["open"] or m["colon"]):
        return None
    return label


_LONE_LABEL_RE = regex.compile(
    r"(?P<open>[\[【［〖<＜(（])?(?P<label>" + _LABEL_ALTERNATIVES + r")(?(open)[\]】］〗>＞)）])(?P<colon>[:：])?"
)


def page_labels(lines: list[str]) -> dict[str, str | None]:
    """Label/value pairs of the whole page, first occurrence of each label with a value wins.

    A value is the rest of the label's cell, else the cells after it up to the next label (a
    文号 split as 黔府办发 | 〔2023〕 | 12号), else the next line when the label stands alone
    on its line (<dt>发文字号</dt><dd>…</dd>, or a label <div> above a value <div>).
    """
    found: dict[str, str | None] = {}
    lines = _pair_lone_labels(lines)
    for line in lines:
        cells = [_unspace_label(c.strip()) for c in line.split("\t") if c.strip()]
        i = 0
        while i < len(cells):
            cell = cells[i]
            m = LABEL_CELL_RE.match(cell)
            if not m:
                i += 1
                continue
            # A cell may hold several labels: 发布日期：2022-08-08 编辑：X 来源：Y
            pieces = list(_ANY_LABEL_RE.finditer(cell))
            if len(pieces) > 1 and pieces[0].start() == 0:
                for a, b in zip(pieces, [*pieces[1:], None], strict=True):
                    value = cell[a.end() : b.start() if b else len(cell)].strip()
                    _put(found, a["label"], value)
                i += 1
                continue
            value = (m["rest"] or "").strip()
            if not value:
                taken = _value_cells(cells, i + 1)
                value = _join_value(taken)
                i += len(taken)
            if m["label"] in ("标题", "名称", "作者", "日期") and not m["colon"]:
                i += 1  # bare 标题/名称 cells are too common to be labels without a colon
                continue
            _put(found, m["label"], value)
            i += 1
    return found


def _value_cells(cells: list[str], start: int) -> list[str]:
    """The cells holding a label's value: the next one, and short ones after it up to the
    next label (a value spread over several cells or spans)."""
    taken: list[str] = []
    for cell in cells[start : start + 4]:
        if LABEL_CELL_RE.match(cell) or (taken and (len(cell) > 30 or is_furniture(cell))):
            break
        taken.append(cell)
    return taken


def _join_value(pieces: list[str]) -> str:
    """Pieces of one value: 黔府办发 + 〔2023〕 + 12号 joined without spaces, names with one."""
    joined = "".join(pieces)
    if len(pieces) > 1 and (is_doc_number_line(joined) or find_date(joined)):
        return joined
    return " ".join(pieces).lstrip(":： ")


def _is_lone_label(line: str) -> bool:
    cells = [c for c in line.split("\t") if c.strip()]
    if len(cells) != 1:
        return False
    m = LABEL_CELL_RE.match(_unspace_label(cells[0].strip()))
    if m is None:
        return False
    return not (m["rest"] or "").strip() and (m["label"] not in _WEAK_LABELS or bool(m["colon"]))


def _pair_lone_labels(lines: list[str]) -> list[str]:
    """A label alone on its line followed by a short line that is not a label: one line, label
    and value as two cells."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and _is_lone_label(line) and len(nxt) <= 80 and "。" not in nxt and not _is_label_line(nxt):
            out.append(f"{line}\t{nxt}")
            i += 2
            continue
        out.append(line)
        i += 1
    return out


# Widgets and labels that end a value written on the same line: 来源：X阅读： 次字号：大中小
_VALUE_END_RE = regex.compile(
    r"(?:阅读次数|阅读|浏览次数|浏览量|浏览|点击数|点击量|点击率|访问量|访问次数|字体|字号|责任编辑|编辑|"
    r"分享到|打印|结束时间|开始时间|发布者|审核|校对|"
    + "|".join(sorted(PAGE_LABELS, key=len, reverse=True))
    + r")\s*[:：]"
)


def _put(found: dict[str, str | None], label: str, value: str) -> None:
    cut = _VALUE_END_RE.search(value)
    if cut:
        value = value[: cut.start()]
    value = clean(value)
    if found.get(label):
        return
    found[label] = value[:200] or None
