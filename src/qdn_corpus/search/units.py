"""A query asked of one passage of a record (a clause unit) rather than of the whole record.

Text terms are decided on the passage's folded text, as search decides them on a body: a word
matches when the passage holds each of the words the tokeniser cuts from it, a "phrase" when
it holds the phrase, a prefix* when one of its words starts with it, body:… when it holds the
text. Terms about the record (title:, region:, date:, type:, issuer: …) are decided by the
index for the record, so they hold for every passage of a matching record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qdn_corpus.search.language import Bool, Node, Not, Term, parse_query
from qdn_corpus.search.tree import all_of, any_of

Passage = Callable[[int, str], bool]  # (document number, folded text) -> matches


@dataclass
class UnitQuery:
    """A parsed query ready for passages: `relaxed` is a query tree for the index that every
    record holding a matching passage matches (the query with its NOTs dropped), or None when
    any record may hold one."""

    node: Node
    relaxed: object | None
    test: Passage
    terms: list[tuple[Passage, list[str]]]  # each text term's test and the texts it marks

    def marks(self, d: int, text: str) -> list[str]:
        """The texts to mark in a passage: those of the text terms that match it."""
        return list(dict.fromkeys(h for test, hs in self.terms if test(d, text) for h in hs))


def unit_query(text: str, docs_of: Callable[[object], set[int]]) -> UnitQuery:
    """Compile a query for passages; `docs_of(tree)` answers record-level terms from the index."""
    from qdn_corpus.search.plan import compile_node

    node = parse_query(text)
    terms: list[tuple[Passage, list[str]]] = []

    def build(n: Node) -> Passage:
        if isinstance(n, Bool):
            parts = [build(c) for c in n.children]
            if n.op == "and":
                return lambda d, t: all(p(d, t) for p in parts)
            return lambda d, t: any(p(d, t) for p in parts)
        if isinstance(n, Not):
            inner = build(n.child)
            return lambda d, t: not inner(d, t)
        if n.field is None or n.field == "body":
            marks: list[str] = []
            passage = _text_test(n, marks)
            terms.append((passage, marks))
            return passage
        docs = docs_of(compile_node(n).match)  # about the record: the index decides, once
        return lambda d, t: d in docs

    test = build(node)
    return UnitQuery(node, _relaxed(node), test, terms)


def _text_test(term: Term, marks: list[str]) -> Passage:
    from qdn_corpus.text.tokens import query_words, words

    t = term.folded
    if term.prefix:
        marks.append(t)
        return lambda d, text: t in text and any(w.startswith(t) for w in words(text))
    if term.phrase or term.field == "body":
        marks.append(t)
        return lambda d, text: t in text
    parts = query_words(t) or [t]
    marks.extend([t, *parts])
    return lambda d, text: all(p in text for p in parts)


def _relaxed(node: Node) -> object | None:
    """The index query every record holding a matching passage matches: NOTs dropped (a record
    may hold what a passage must not), or None for no restriction."""
    from qdn_corpus.search.plan import compile_node

    if isinstance(node, Not):
        return None
    if isinstance(node, Bool):
        parts = [_relaxed(c) for c in node.children]
        if node.op == "or":
            return None if any(p is None for p in parts) else any_of(parts)
        kept = [p for p in parts if p is not None]
        return all_of(kept) if kept else None
    match: object = compile_node(node).match
    return match
