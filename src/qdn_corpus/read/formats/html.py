"""Saved web pages: decoding, CMS metadata, the 信息公开 block, the article text, attachments.

Stages, each a function over one lxml tree: decode, read the meta tags, drop what is never
content (scripts, navigation, footers), find the article by text density, serialise it to
lines, read the page's label/value pairs, collect attachment links. No host-specific rules: the
article is the block whose paragraphs carry the most sentence punctuation and the fewest links.
"""

from __future__ import annotations

import codecs
import html
import posixpath
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import regex

from qdn_corpus.models import Attachment, Hints
from qdn_corpus.read.formats import ATTACHMENT_EXTS, Extracted, finish_lines
from qdn_corpus.read.parsing.document import PUBLISHED_LABELS, stamp_line
from qdn_corpus.read.parsing.fields import DATE_RE, find_date, is_doc_number_line
from qdn_corpus.text.normalize import decode, strip_invisible

_CHARSET_RE = regex.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", regex.I)
_SAVED_FROM_RE = regex.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", regex.I)
_XML_DECL_RE = regex.compile(r"^\s*<\?xml[^>]*>")
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312", "gb_2312-80", "csgb2312", "gb18030", "cp936", "936"}

# Meta tag names (lower case, spaces removed) for each field; GB/T 42147-2022's names first.
_META_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("articletitle", "og:title", "dc.title", "dcterms.title"),
    "date": ("pubdate", "publishdate", "pubtime", "firstpublishedtime", "article:published_time",
             "og:release_date", "dc.date", "dcterms.date", "dcterms.created", "dc.date.created"),
    "source": ("contentsource", "source", "dc.publisher", "dcterms.publisher"),
    "site": ("sitename", "og:site_name"),
    "domain": ("sitedomain",),
    "category": ("columnname",),
    "url": ("url", "og:url", "dc.identifier"),
    "keywords": ("keywords", "dc.subject"),
    "description": ("description", "og:description", "dc.description"),
}
_META_LABELS = {"keywords": "关键词", "description": "摘要"}

_JUNK = {"script", "style", "noscript", "template", "iframe", "svg", "object", "embed", "select",
         "option", "textarea", "button", "input", "nav", "footer", "aside", "head", "map", "canvas",
         "video", "audio", "link", "meta"}
_BLOCK = {"p", "div", "td", "th", "li", "dd", "dt", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5",
          "h6", "section", "article", "main", "table", "tr", "tbody", "thead", "tfoot", "ul", "ol", "dl",
          "body", "center", "form", "header", "figure", "figcaption", "caption", "address", "hr", "html"}
_CELL = {"td", "th"}
_SHORT_CELL = 200
_PUNCT = set("，。；、！？,;")
_SENTENCE_RE = regex.compile(r"\p{Han}[，。；！？]")

# Page furniture: short lines that are never article text (share bars, print/close buttons,
# breadcrumbs, footers). Only lines shorter than _FURNITURE_MAX are candidates.
_FURNITURE_MAX = 200
_WIDGET = (
    r"打印本页|打印此页|打印文章|仅内容打印|打印|关闭本页|关闭窗口|关闭|返回顶部|返回|收藏本页|收藏|我要纠错|纠错|"
    r"分享到|分享|扫一扫在手机打开当前页|扫一扫|保存本页|下载|上一篇|下一篇|相关链接|相关文章|相关阅读|相关文档|"
    r"相关文件|相关信息|相关附件下载|字体|字号|大|中|小|默认|A\+|A-|繁體|繁体|简体|无障碍|长者版|关怀版|手机版|"
    r"移动版|设为首页|加入收藏|网站地图|站点地图|联系我们|登录|注册|编\s*辑|责任编辑|微信|微博|QQ空间|QQ|X|-"
)
_SEP = r"[\s【】\[\]（）()|/·:：,，、]*"
_FURNITURE_RE = regex.compile(rf"^(?:{_SEP}(?:{_WIDGET}))+{_SEP}$")
_FOOTER_RE = regex.compile(
    r"版权所有|ICP备|ICP证|网站标识码|公网安备|主办单位|承办单位|技术支持|主办[:：]|承办[:：]|"
    r"建议使用.{0,20}浏览器|分辨率|访问量|访客数|网站地图|Copyright|©"
)
_HOME_RE = regex.compile(r"^/?(?:index\.\w+|default\.\w+)?$", regex.I)
_BREADCRUMB_RE = regex.compile(
    r"^\s*(?:[您你]?(?:当前|现在|所在)?的?(?:所在)?位置\s*[:：])|^[^。，>＞»]{0,40}(?:\s*[>＞»]\s*[^。，>＞»]{1,30}){2,}$"
)


@dataclass
class _Block:
    """Text gathered for one block element (inline descendants included)."""

    el: Any
    parent: _Block | None
    chars: int = 0
    link_chars: int = 0
    punct: int = 0
    score: float = 0.0
    sub_chars: int = 0
    sub_links: int = 0
    sub_punct: int = 0
    children: list[_Block] = field(default_factory=list)


def decode_page(data: bytes) -> tuple[str | None, str | None, list[tuple[int | None, str]], str | None]:
    """Text, encoding, warnings, skip reason: BOM, then <meta charset>, then sniffing."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        m = _CHARSET_RE.search(data[:16384])
        if m:
            declared = m.group(1).decode("ascii", "replace").lower()
            enc = "gb18030" if declared in _GB else declared
            try:
                codecs.lookup(enc)
                return data.decode(enc).replace("\r\n", "\n").replace("\r", "\n"), enc, [], None
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown declaration: sniff instead
    decoded = decode(data)
    return decoded.text, decoded.encoding, decoded.warnings, decoded.skip_reason


def extract(data: bytes, url: str | None = None) -> Extracted:
    text, encoding, warnings, skip = decode_page(data)
    if text is None:
        return Extracted("html", skip_reason=skip)
    import lxml.html

    saved_from = _SAVED_FROM_RE.search(text[:4096])
    try:
        root = lxml.html.document_fromstring(_XML_DECL_RE.sub("", text, count=1))
    except (ValueError, SyntaxError) as exc:  # lxml: empty document, undecodable markup
        return Extracted("html", skip_reason=f"cannot parse the HTML: {exc}")
    hints = Hints()
    meta = _meta_tags(root)
    title_tag = _clean(root.findtext(".//title") or "")
    canonical = next((e.get("href") for e in root.iter("link") if (e.get("rel") or "").lower() == "canonical" and e.get("href")), None)
    hints.url = _absolute(meta.get("url")) or _absolute(canonical) or (saved_from[1] if saved_from else None) or url
    site = meta.get("site")
    if site:
        hints.site = site.split(",")[-1].strip() or None  # "中国,毕节市人民政府门户网站"
    hints.meta = {"SiteDomain": meta["domain"]} if meta.get("domain") else {}
    for key, label in _META_LABELS.items():
        if meta.get(key):
            hints.meta[label] = meta[key]
    hints.category = meta.get("category")
    hints.source = meta.get("source")
    if meta.get("date"):
        hints.date, hints.date_source, hints.date_tag = meta["date"], "meta", meta.get("date_tag")
        hints.date_is_stamp = _is_generation_stamp(meta["date"], text, meta.get("others"))

    body = root.find("body")
    if body is None:
        body = root
    _drop_junk(body)
    page_lines = _lines(body)
    labels = page_labels(page_lines)
    content = _content(body)
    lines = _lines(content) if content is not None else []
    lines = _strip_label_lines([ln for ln in lines if not _is_furniture(ln)])
    # 标题/名称 of the 信息公开 block, not of a table inside the article (a bank account's 名称).
    inner = page_labels(lines)
    named = next((v for k in ("标题", "名称") if (v := labels.get(k)) and v != inner.get(k)), None)
    hints.title = meta.get("title") or named or _visible_title(body, content, title_tag, hints.site)
    hints.title_fallback = _title_from_tag(title_tag, hints.site, hints.category)
    only_tag = hints.title is None
    names = {n for n in (hints.site, hints.category, title_tag) if n}
    while lines and lines[0] in names:  # the site's or the column's name above the article
        lines.pop(0)
    hints.meta.update({k: v for k, v in labels.items() if k not in hints.meta})
    if not any(labels.get(k) for k in PUBLISHED_LABELS) and (stamp := _stamp_under_title(page_lines, hints.title, lines)):
        hints.meta["日期"] = stamp  # 房地产头条 2024-01-11 10:53 星期四 between the title and the article
    hints.attachments = _attachments(body, content, hints.url)
    result = Extracted("html", finish_lines(lines), hints, encoding, warnings)
    if hints.url and _HOME_RE.match(urlsplit(hints.url).path) and not urlsplit(hints.url).query and not meta.get("title"):
        result.skip_reason = f"a site's home page ({hints.url}), not an article"
        result.text = None
        return result
    if not result.text and only_tag and not hints.attachments:
        why = "a script-only page (its text is loaded by JavaScript)" if _scripted(text) else "no article text"
        shown = f" (its <title> is {title_tag!r})" if title_tag else ""
        result.skip_reason = f"{why}{shown}; nothing to index"
        result.text = None
    return result


_STAMP_RE = regex.compile(r"页面生成(?:时间|日期)\s*[:：]?\s*" + DATE_RE.pattern)


def _is_generation_stamp(meta_date: str, page: str, others: str | None) -> bool:
    """Whether a meta date is the day the CMS regenerated the page (页面生成时间 in a comment, in
    the page or in <meta name="others">), which says nothing of when the document came out."""
    day = find_date(meta_date)
    if day is None:
        return False
    stamps = [m[0] for m in _STAMP_RE.finditer(page)]
    if others:
        stamps.append(others)
    return any(find_date(stamp) == day for stamp in stamps)


def _stamp_under_title(page: list[str], title: str | None, article: list[str]) -> str | None:
    """A publication stamp (a date with a time or a weekday) on one of the few lines between
    the visible title and the article's first line."""
    if not title:
        return None
    key = "".join(title.split())
    first = article[0] if article else None
    for j, line in enumerate(page):
        if "".join(line.split()) != key:
            continue
        for below in page[j + 1 : j + 6]:
            if below == first:
                break
            if stamp := stamp_line(below):
                return stamp
        break
    return None


def _absolute(url: str | None) -> str | None:
    if url and urlsplit(url.strip()).scheme in ("http", "https"):
        return url.strip()
    return None


def _scripted(text: str) -> bool:
    lower = text.lower()
    return lower.count("<script") >= 1 and len(regex.sub(r"<[^>]*>|\s", "", regex.sub(r"(?s)<script.*?</script>", "", lower))) < 200


def _clean(text: str) -> str:
    """Whitespace runs to one space; a line break between two Chinese characters (a wrapped
    title) to nothing. Spaces between names stay (发展改革委 财政部)."""
    text = _WRAP_RE.sub("", strip_invisible(text))
    return _WHITESPACE_RE.sub(" ", text.replace("\u3000", " ")).strip()


_WRAP_RE = regex.compile(r"(?<=[\p{Han}》“”（）])[ \t]*\n\s*(?=[\p{Han}《“”（）])")
_WHITESPACE_RE = regex.compile(r"\s+")


def _meta_tags(root: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    by_name: dict[str, str] = {}
    names_as_written: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower().replace(" ", "")
        value = _meta_text(el.get("content") or "")
        if key and value and key not in by_name:
            by_name[key] = value
            names_as_written[key] = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip()
    for fieldname, names in _META_FIELDS.items():
        for name in names:
            if by_name.get(name):
                found[fieldname] = by_name[name]
                if fieldname == "date":
                    found["date_tag"] = names_as_written[name]
                break
    if by_name.get("others"):
        found["others"] = by_name["others"]
    return found


_TAG_RE = regex.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)[^<>]*>")


def _meta_text(value: str) -> str:
    """A meta tag's content as text: a CMS that escaped markup into it (关于…&lt;br/&gt;…) shows
    the tags as text; entities are read and tags dropped (a <br> or <p> is a line break)."""
    if "&" in value:
        value = html.unescape(value)
    if "<" in value:
        value = _TAG_RE.sub(lambda m: "\n" if m[1].lower() in ("br", "p", "div") else "", value)
    return _clean(value)


def _visible_title(body: Any, content: Any, title_tag: str, site: str | None) -> str | None:
    """The article's visible title: a heading-like block before the article's first sentence.

    Scored by what marks titles on any site: <h1>-<h3>, a class or id naming a title, the same
    text in <title>; the nearest to the article wins ties. None when nothing scores 3 (then the
    layout rules read the title from the article's first lines, and <title> is the last resort).
    """
    tag_key = "".join(title_tag.split())
    stop = None
    if content is not None:
        for el in content.iter():
            if isinstance(el.tag, str) and el.text and len(el.text.strip()) >= 20 and _count(el.text)[1]:
                stop = el  # the article's first sentence: its title comes before
                break
    best, best_score = None, 2
    prev_text, prev_key, prev_score = "", "", 0
    for el in body.iter():
        if el is stop:
            break
        if not isinstance(el.tag, str) or el.tag.lower() in ("a", "body", "html", "table", "tbody", "tr"):
            continue
        names = ((el.get("class") or "") + " " + (el.get("id") or "")).lower()
        marked = el.tag.lower() in ("h1", "h2", "h3") or "title" in names or "biaoti" in names
        if not marked and not (el.text and el.text.strip()):
            continue  # only headings, title-named blocks and blocks with text of their own
        text = _clean(el.text_content())
        key = "".join(text.split())
        site_key = "".join((site or "").split())
        if not 6 <= len(text) <= 150 or "。" in text[:-1] or _is_furniture(text) or text.endswith(("：", ":")):
            continue
        if site_key and (key in site_key or not key.replace(site_key, "")):
            continue
        if sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") < 4 or _LABEL_CELL_RE.match(text):
            continue
        if any(isinstance(a.tag, str) and a.tag.lower() == "a" for a in el.iterancestors()) or el.find(".//a") is not None:
            continue
        score = 0
        if len(key) >= 6 and key in tag_key:
            score += 3
        if el.tag.lower() == "h1":
            score += 3
        elif el.tag.lower() in ("h2", "h3"):
            score += 2
        if "title" in names or "biaoti" in names:
            score += 2
        if prev_key and prev_key + key in tag_key:  # a title set on two lines, both in <title>
            text, key, score = prev_text + text, prev_key + key, max(score, prev_score) + 1
        prev_text, prev_key, prev_score = text, key, score
        if score >= best_score:
            best, best_score = text, score
    return best


_SITE_NAME_RE = regex.compile(r"(?:人民政府|政府网|门户网站|网站|网|政务网|办公室|中心|局|厅|委员会|委|平台)$")


def _title_from_tag(title: str, site: str | None, column: str | None) -> str | None:
    """<title> minus the site's and the column's names: of the parts between separators, one
    ending with a document type (…的通知), else the first that is not a site's name."""
    if not title:
        return None
    from qdn_corpus.read.parsing.fields import doc_type

    parts = [p.strip() for p in regex.split(r"\s*(?:--|——|_|\||｜|-|—|–)\s*", title) if p.strip()]
    kept = [p for p in parts if p not in (site, column) and not (site and p in site)]
    for p in kept:
        if doc_type(p):
            return p
    named = [p for p in kept if not _SITE_NAME_RE.search(p)]
    return named[0] if named else None  # a <title> that only names the site names no document


def _drop_junk(body: Any) -> None:
    from lxml import etree

    doomed = []
    for el in body.iter():
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comments and processing instructions
            if not isinstance(el, etree._Entity):
                doomed.append(el)
            continue
        tag = tag.lower()
        if tag in _JUNK or el.get("hidden") is not None or _hidden_scrap(el) or (
            tag == "header" and not _inside(el, ("article", "main"))
        ):
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        tail = el.tail
        if tail and tail.strip():  # keep the text that follows the removed element
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(el)


def _hidden_scrap(el: Any) -> bool:
    """An element hidden by its style that holds no sentence and no document link (ids and
    codes a CMS keeps for its scripts). The others stay: some sites hide the article, or its
    attachment list, and show them by script."""
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" not in style or _SENTENCE_RE.search(el.text_content()):
        return False
    return not any(urlsplit(a.get("href") or "").path.lower().endswith(ATTACHMENT_EXTS) for a in el.iter("a"))


def _inside(el: Any, tags: tuple[str, ...]) -> bool:
    return any(isinstance(a.tag, str) and a.tag.lower() in tags for a in el.iterancestors())


def _count(text: str | None) -> tuple[int, int]:
    if not text:
        return 0, 0
    stripped = "".join(text.split())
    return len(stripped), sum(1 for ch in stripped if ch in _PUNCT)


def _content(body: Any) -> Any:
    """The element holding the article: readability's scoring of paragraphs to their parents."""
    blocks: list[_Block] = []

    def walk(el: Any, block: _Block, in_link: bool) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _BLOCK:
            child = _Block(el, block)
            block.children.append(child)
            blocks.append(child)
            block = child
        link = in_link or tag == "a"
        n, p = _count(el.text)
        block.chars += n
        block.punct += p
        if link:
            block.link_chars += n
        for sub in el:
            walk(sub, block, link)
            n, p = _count(sub.tail)
            block.chars += n
            block.punct += p
            if in_link:
                block.link_chars += n

    top = _Block(body, None)
    blocks.append(top)
    walk(body, top, False)
    for b in reversed(blocks):  # children come after parents: sum subtrees bottom-up
        b.sub_chars += b.chars
        b.sub_links += b.link_chars
        b.sub_punct += b.punct
        if b.parent is not None:
            b.parent.sub_chars += b.sub_chars
            b.parent.sub_links += b.sub_links
            b.parent.sub_punct += b.sub_punct
    for b in blocks:
        own = b.chars - b.link_chars
        if own < 10 or b.link_chars > own or (own < 120 and _FOOTER_RE.search(b.el.text_content())):
            continue
        score = 1 + b.punct + min(own / 100, 3)
        # The paragraph itself, its parent and half to its grandparent (Readability's weights;
        # deeper nesting is handled by the climb through wrappers below).
        b.score += score
        if b.parent is not None:
            b.parent.score += score
            if b.parent.parent is not None:
                b.parent.parent.score += score / 2
    best, best_score = None, 0.0
    for b in blocks:
        if b.score <= 0 or (b.el.tag in ("body", "html") and len(blocks) > 2):
            continue
        density = b.sub_links / max(1, b.sub_chars)
        adjusted = b.score * (1 - density)
        if adjusted > best_score:
            best, best_score = b, adjusted
    if best is None or not _SENTENCE_RE.search(best.el.text_content()) or (best_score < 3 and best.sub_chars - best.sub_links < 60):
        return None  # no block with a sentence in it: not an article page
    # Climb to the container that also holds the title and header line, while what that adds
    # is small and mostly not links (a parent that adds navigation is not climbed to).
    node, steps = best, 0
    while steps < 4:
        up = node.parent
        if up is None:
            break
        if up.sub_chars == node.sub_chars:  # a wrapper adds nothing: climbing it is free
            node = up
            continue
        steps += 1
        extra = up.sub_chars - node.sub_chars
        extra_links = up.sub_links - node.sub_links
        extra_punct = up.sub_punct - node.sub_punct
        if extra_links > 0.3 * max(extra, 1):
            break
        # Small additions (title, header line) or more of the same prose (an article split
        # into sibling sections) are climbed to; a sidebar of short items is not.
        prose = extra_punct * 100 >= extra
        if (extra > 0.5 * node.sub_chars and not prose) or _beside_links(up, node):
            break
        node = up
    return node.el


def _beside_links(up: _Block, node: _Block) -> bool:
    """A link list (navigation, related articles) among the blocks a climb would add."""
    return any(
        c is not node and c.sub_links >= 4 and c.sub_links >= 0.5 * c.sub_chars for c in up.children
    )


_SPACE_RUN_RE = regex.compile(r"[ \f\v\r\n]+")
_TAB_RUN_RE = regex.compile(r"[ \t\u3000]*\t[ \t\u3000]*")


def _lines(root: Any) -> list[str]:
    """Block elements to lines, table rows to lines with cells separated by a tab."""
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = "".join(buf).replace("\xa0", " ")
        buf.clear()
        line = _TAB_RUN_RE.sub("\t", _SPACE_RUN_RE.sub(" ", line)).strip(" \t\u3000")
        if line:
            out.append(line)

    def walk(el: Any, in_cell: bool) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _CELL and not in_cell:
            # A short cell is one value: its paragraphs stay on the row's line. A long one, or
            # one with sentences, is a layout table holding the article: its paragraphs stay lines.
            cell = el.text_content()
            in_cell = len(cell) <= _SHORT_CELL and "。" not in cell
        breaks = (tag == "br" or (tag in _BLOCK and tag not in _CELL))
        if breaks:
            buf.append(" ") if in_cell else flush()
        if el.text and len(el) == 0 and len(el.text) <= 24 and tag not in ("a", "option") and (label := label_element(el.text)):
            # A label in an element of its own (<span>[发文字号]</span><span>黔府办发</span>…):
            # set apart as a cell, so the value after it is the next cell, however it is split.
            buf.append(f"\t{label}\t")
        elif el.text:
            buf.append(el.text)
        for sub in el:
            walk(sub, in_cell)
            if sub.tail:
                buf.append(sub.tail)
        if tag in _CELL:
            buf.append("\t")
        elif breaks:
            buf.append(" ") if in_cell else flush()

    walk(root, False)
    flush()
    return out


def _strip_label_lines(lines: list[str]) -> list[str]:
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
    return bool(_LABEL_CELL_RE.match(_unspace_label(line.split("\t", 1)[0].strip())))


# Furniture by shape: links to the neighbouring articles (上一篇：… 下一篇：无), invitations to
# scan a QR code or follow an account (扫一扫在手机上查看当前页面, 扫码关注…微信), whatever
# the site writes after them. Only short lines without a full stop.
_SHAPE_FURNITURE_RE = regex.compile(
    r"^[\s【\[（(]*(?:上一篇|下一篇|上一条|下一条|上一页|下一页|上篇|下篇|前一篇|后一篇)\s*[:：】\]）)]"
    r"|^[\s【\[（(]*(?:微信|手机|用手机|打开微信)?(?:扫一扫|扫码|扫描二维码|长按识别|识别二维码)"
    r"(?=[\s】\]）)]*$|.{0,30}?(?:关注|查看|阅读|访问|下载|浏览|打开|手机|二维码|分享))"
    r"|(?:在|用)?手机(?:上)?(?:查看|打开|浏览|阅读)(?:当前|本)(?:页面?|文章|信息)"
    r"|^(?:欢迎)?关注.{0,20}(?:微信|公众号|微博|抖音|视频号|客户端)(?:号)?$"
)


def _is_furniture(line: str) -> bool:
    if len(line) > _FURNITURE_MAX or "。" in line:
        return False
    if _FURNITURE_RE.match(line) or _BREADCRUMB_RE.match(line):
        return True
    if len(line) <= 60 and _SHAPE_FURNITURE_RE.search(line):
        return True
    footers = len(_FOOTER_RE.findall(line))
    return footers >= 1 and (len(line) < 60 or footers >= 2)


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
_LABEL_CELL_RE = regex.compile(r"^(?P<label>" + _LABEL_ALTERNATIVES + r")\s*(?:(?P<colon>[:：])\s*(?P<rest>.*))?$", regex.S)
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
            m = _LABEL_CELL_RE.match(cell)
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
        if _LABEL_CELL_RE.match(cell) or (taken and (len(cell) > 30 or _is_furniture(cell))):
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
    m = _LABEL_CELL_RE.match(_unspace_label(cells[0].strip()))
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
    value = _clean(value)
    if found.get(label):
        return
    found[label] = value[:200] or None


def _in_link_list(a: Any) -> bool:
    """Inside a <ul>/<ol> of three or more items whose links are mostly not documents."""
    for up in a.iterancestors("ul", "ol"):
        links = [x.get("href") or "" for x in up.iter("a")]
        if sum(1 for _ in up.iter("li")) < 3:
            return False
        docs = sum(1 for h in links if urlsplit(h).path.lower().endswith(ATTACHMENT_EXTS))
        return docs * 2 < len(links)
    return False


def _attachments(body: Any, content: Any, page_url: str | None) -> list[Attachment]:
    """Links to documents in the article, then elsewhere on the page except inside lists of
    other documents (a related-articles list that links a .docx among pages); one per URL."""
    seen: dict[str, Attachment] = {}
    roots = [content, body] if content is not None else [body]
    for root in roots:
        for a in root.iter("a"):
            href = (a.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "mailto:", "#")):
                continue
            path = urlsplit(href).path.lower()
            if not path.endswith(ATTACHMENT_EXTS) or (root is body and _in_link_list(a)):
                continue
            url = urljoin(page_url, href) if page_url else href
            if url in seen:
                continue
            name = _clean(a.text_content()) or posixpath.basename(urlsplit(href).path)
            seen[url] = Attachment(name=name, url=url)
    return list(seen.values())
