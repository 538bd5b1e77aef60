"""The query language: words, "phrases", AND/OR/NOT, -word, prefix*, field:value.

Pure parsing (no Whoosh, no tokeniser), so that a search can read its query in a forked
process while the main one loads the index (search/prefork.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import regex

from qdn_corpus.errors import QuerySyntaxError
from qdn_corpus.text.normalize import fold

MAX_QUERY = 2000
FIELDS = ("title", "body", "source", "issuer", "site", "number", "region", "category", "type", "date", "file")
_FIELD_ALIASES = {"doc_type": "type", "doc_number": "number"}


# ---- the query language --------------------------------------------------------------------


@dataclass
class Term:
    text: str
    phrase: bool = False
    prefix: bool = False
    field: str | None = None
    # The search form of the text, made once here; everything after the parser reads this.
    folded: str = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.folded = fold(self.text).strip()


@dataclass
class Not:
    child: Node


@dataclass
class Bool:
    op: Literal["and", "or"]
    children: list[Node]


Node = Term | Not | Bool

_TOKEN_RE = regex.compile(
    r"""\s*(?:
        (?P<lparen>[(（])
      | (?P<rparen>[)）])
      | (?P<minus>-)(?=[A-Za-z_]+[:：]|["“(（])  # -title:… -"…" -(…): NOT what follows
      | (?P<field>[A-Za-z_]+)[:：](?P<fvalue>"[^"]*"?|[^\s()（）]*)
      | (?P<phrase>"[^"]*"?|“[^”]*”?)
      | (?P<word>[^\s()（）"“]+)
    )""",
    regex.VERBOSE,
)
_OPERATORS = {"AND": "and", "和": "and", "OR": "or", "或": "or", "NOT": "not", "非": "not"}


def _lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            raise QuerySyntaxError(f"cannot read the query at {text[pos:pos + 10]!r}")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind == "fvalue":
            kind = "field"
        value = m[kind] if kind != "field" else f"{m['field']}:{m['fvalue']}"
        tokens.append((kind, value))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.i = tokens, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def op(self) -> str | None:
        tok = self.peek()
        if tok and tok[0] == "minus":
            return "not"
        return _OPERATORS.get(tok[1]) if tok and tok[0] == "word" else None

    def parse(self) -> Node:
        if not self.tokens:
            raise QuerySyntaxError("empty query: give a word to search for, e.g. 承诺兑现")
        node = self.or_expr()
        if self.peek() is not None:
            raise QuerySyntaxError("unbalanced parenthesis: a ')' has no '('")
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.op() == "or":
            self.i += 1
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Bool("or", children)

    def and_expr(self) -> Node:
        children = [self.unary()]
        while (tok := self.peek()) is not None and tok[0] != "rparen" and self.op() != "or":
            if self.op() == "and":
                self.i += 1
            children.append(self.unary())
        return children[0] if len(children) == 1 else Bool("and", children)

    def unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise QuerySyntaxError("the query ends with an operator: add a word after it")
        if self.op() == "not":
            self.i += 1
            return Not(self.unary())
        if self.op() is not None:
            raise QuerySyntaxError(f"{tok[1]!r} needs a word on both sides")
        kind, value = tok
        self.i += 1
        if kind == "lparen":
            if (nxt := self.peek()) is not None and nxt[0] == "rparen":
                raise QuerySyntaxError("empty parentheses: put a word inside")
            node = self.or_expr()
            if (close := self.peek()) is None or close[0] != "rparen":
                raise QuerySyntaxError("unbalanced parenthesis: add the closing ')'")
            self.i += 1
            return node
        if kind == "rparen":
            raise QuerySyntaxError("unbalanced parenthesis: a ')' has no '('")
        if kind == "word" and value.startswith("-") and len(value) > 1:
            return Not(_term(value[1:]))
        if kind == "field":
            name, _, raw = value.partition(":")
            name = _FIELD_ALIASES.get(name.lower(), name.lower())
            if name not in FIELDS:
                raise QuerySyntaxError(f"unknown field {name!r}: use one of {', '.join(FIELDS)}")
            if not raw or raw == '"':
                raise QuerySyntaxError(f"{name}: needs a value, e.g. {name}:营商环境")
            term = _term(raw)
            term.field = name
            return term
        return _term(value)


def _term(raw: str) -> Term:
    if raw[:1] in '"“':
        close = "”" if raw[0] == "“" else '"'
        if len(raw) < 2 or raw[-1] != close:
            raise QuerySyntaxError("unbalanced quote: add the closing quote")
        inner = raw[1:-1]
        if not inner.strip():
            raise QuerySyntaxError("empty phrase: put some text between the quotes")
        return Term(inner, phrase=True)
    stem = raw.rstrip("*")
    if raw and not stem:
        raise QuerySyntaxError("a lone * would match everything: put a word before it, e.g. 招商*")
    if "*" in stem:  # 招*商 would silently search for the text 招*商
        raise QuerySyntaxError("* is only allowed at the end of a word, e.g. 招商*")
    if stem != raw:
        return Term(stem, prefix=True)
    return Term(raw)


def parse_query(text: str) -> Node:
    """Parse the query language: words, "phrases", AND/OR/NOT, -word, prefix*, field:value."""
    if len(text) > MAX_QUERY:
        raise QuerySyntaxError(f"query too long ({len(text)} characters; at most {MAX_QUERY})")
    return _Parser(_lex(text)).parse()


def terms_to_tokenize(node: Node) -> list[str]:
    """The texts a compiled query cuts into words: plain words and phrases, not fields or prefixes."""
    if isinstance(node, Bool):
        return [t for c in node.children for t in terms_to_tokenize(c)]
    if isinstance(node, Not):
        return terms_to_tokenize(node.child)
    return [node.folded] if node.field is None and not node.prefix else []
