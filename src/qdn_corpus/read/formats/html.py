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
from typing import Any
from urllib.parse import urljoin, urlsplit

import regex

from qdn_corpus.models import Attachment, Hints
from qdn_corpus.read.fields import DATE_RE, PUBLISHED_LABELS, find_date, stamp_line
from qdn_corpus.read.formats.base import ATTACHMENT_EXTS, Extracted, finish_lines
from qdn_corpus.read.formats.html_article import BLOCK, CELL, SHORT_CELL, content_of, count, drop_junk
from qdn_corpus.read.formats.html_furniture import clean, is_furniture
from qdn_corpus.read.formats.html_labels import LABEL_CELL_RE, label_element, page_labels, strip_label_lines
from qdn_corpus.text.normalize import decode

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

_HOME_RE = regex.compile(r"^/?(?:index\.\w+|default\.\w+)?$", regex.I)
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
    meta = _meta_tags(root)
    title_tag = clean(root.findtext(".//title") or "")
    canonical = next((e.get("href") for e in root.iter("link") if (e.get("rel") or "").lower() == "canonical" and e.get("href")), None)
    hints = _meta_hints(meta, text, _absolute(meta.get("url")) or _absolute(canonical) or (saved_from[1] if saved_from else None) or url)

    body = root.find("body")
    if body is None:
        body = root
    drop_junk(body)
    page_lines = _lines(body)
    labels = page_labels(page_lines)
    content = content_of(body)
    lines = _lines(content) if content is not None else []
    lines = strip_label_lines([ln for ln in lines if not is_furniture(ln)])
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


def _meta_hints(meta: dict[str, str], page: str, url: str | None) -> Hints:
    """What a page's meta tags say: URL, site, column, source, date, keywords and summary."""
    hints = Hints()
    hints.url = url
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
        hints.date_is_stamp = _is_generation_stamp(meta["date"], page, meta.get("others"))
    return hints


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
    return clean(value)


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
            if isinstance(el.tag, str) and el.text and len(el.text.strip()) >= 20 and count(el.text)[1]:
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
        text = clean(el.text_content())
        key = "".join(text.split())
        site_key = "".join((site or "").split())
        if not 6 <= len(text) <= 150 or "。" in text[:-1] or is_furniture(text) or text.endswith(("：", ":")):
            continue
        if site_key and (key in site_key or not key.replace(site_key, "")):
            continue
        if sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") < 4 or LABEL_CELL_RE.match(text):
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
    from qdn_corpus.read.fields import doc_type

    parts = [p.strip() for p in regex.split(r"\s*(?:--|——|_|\||｜|-|—|–)\s*", title) if p.strip()]
    kept = [p for p in parts if p not in (site, column) and not (site and p in site)]
    for p in kept:
        if doc_type(p):
            return p
    named = [p for p in kept if not _SITE_NAME_RE.search(p)]
    return named[0] if named else None  # a <title> that only names the site names no document


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
        if tag in CELL and not in_cell:
            # A short cell is one value: its paragraphs stay on the row's line. A long one, or
            # one with sentences, is a layout table holding the article: its paragraphs stay lines.
            cell = el.text_content()
            in_cell = len(cell) <= SHORT_CELL and "。" not in cell
        breaks = (tag == "br" or (tag in BLOCK and tag not in CELL))
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
        if tag in CELL:
            buf.append("\t")
        elif breaks:
            buf.append(" ") if in_cell else flush()

    walk(root, False)
    flush()
    return out


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
            name = clean(a.text_content()) or posixpath.basename(urlsplit(href).path)
            seen[url] = Attachment(name=name, url=url)
    return list(seen.values())
