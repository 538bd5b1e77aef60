"""Where a saved page's article is: scripts, styles and hidden scraps dropped, then the block
with the most sentence text and the fewest links (its own text, not its links', decides).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import regex

from qdn_corpus.read.formats.base import ATTACHMENT_EXTS
from qdn_corpus.read.formats.html_furniture import FOOTER_RE

JUNK = {"script", "style", "noscript", "template", "iframe", "svg", "object", "embed", "select",
         "option", "textarea", "button", "input", "nav", "footer", "aside", "head", "map", "canvas",
         "video", "audio", "link", "meta"}
BLOCK = {"p", "div", "td", "th", "li", "dd", "dt", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5",
          "h6", "section", "article", "main", "table", "tr", "tbody", "thead", "tfoot", "ul", "ol", "dl",
          "body", "center", "form", "header", "figure", "figcaption", "caption", "address", "hr", "html"}
CELL = {"td", "th"}
SHORT_CELL = 200
_PUNCT = set("，。；、！？,;")
# A clause of Chinese prose: a character, perhaps a closing quote or bracket, then a comma, stop,
# semicolon or mark, full-width or half-width (text pasted from Word often has "," and ";").
_SENTENCE_RE = regex.compile(r"\p{Han}[”’」』）)]?[，。；！？,;!?]")


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


def drop_junk(body: Any) -> None:
    from lxml import etree

    doomed = []
    for el in body.iter():
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comments and processing instructions
            if not isinstance(el, etree._Entity):
                doomed.append(el)
            continue
        tag = tag.lower()
        if tag in JUNK or el.get("hidden") is not None or _hidden_scrap(el) or (
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


def count(text: str | None) -> tuple[int, int]:
    if not text:
        return 0, 0
    stripped = "".join(text.split())
    return len(stripped), sum(1 for ch in stripped if ch in _PUNCT)


# long: one scoring pass over the page's blocks; its parts share the block table it builds
def content_of(body: Any) -> Any:
    """The element holding the article: readability's scoring of paragraphs to their parents."""
    blocks: list[_Block] = []

    def walk(el: Any, block: _Block, in_link: bool) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in BLOCK:
            child = _Block(el, block)
            block.children.append(child)
            blocks.append(child)
            block = child
        link = in_link or tag == "a"
        n, p = count(el.text)
        block.chars += n
        block.punct += p
        if link:
            block.link_chars += n
        for sub in el:
            walk(sub, block, link)
            n, p = count(sub.tail)
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
        if own < 10 or b.link_chars > own or (own < 120 and FOOTER_RE.search(b.el.text_content())):
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
