"""Tokenisation for the index and for queries: jieba words for ranking, character bigrams for
exact substring (phrase) matching.

Words are jieba 0.42.1's tokens, computed by rjieba (jieba-rs), which is 20x faster and starts
in 0.1 s instead of 0.9 s. The two agree on every Chinese token; they differ only on runs of
Latin letters, digits and `.-%`, which jieba's fallback cuts with the rule re-applied below
(`2011-2020` -> 2011 - 2020, `2022.12.05` -> 2022.12 . 05) and whose sub-words jieba never
yields. tests/test_analysis.py checks token for token, against jieba itself, on the seeds and
the 1.1 million characters of ../shared/corpus.

Why bigrams as well: jieba cannot answer a phrase that crosses a word boundary (商环境 is inside
营商|环境). A folded text contains a phrase of n >= 2 characters only if it contains each of the
phrase's bigrams, so the bigram sets narrow the candidates and a substring check decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import regex

from qdn_corpus.text.normalize import fold

# Appended to a text before its bigrams are taken, so that its last character starts a bigram
# too and a one-character query is a prefix query. A private-use char never typed in a query.
END = "\ue000"

_HAN = regex.compile(r"[\u4E00-\u9FD5]")
# jieba's fallback for a run of non-Chinese characters (jieba.finalseg.re_skip).
_SKIP = regex.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
# A block jieba cuts on its own (jieba.re_han_default) that holds a Latin letter or a digit.
# It starts where a block starts (the look-behind), so a long block is scanned once, not once
# per character. The standard library's re: three times faster here than regex.
_BLOCK = r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]"
_LATIN_BLOCK = re.compile(rf"(?<!{_BLOCK}){_BLOCK}*[a-zA-Z0-9]{_BLOCK}*")
# The only words of jieba's dictionary without a Chinese character.
_LATIN_WORDS = frozenset({"AT&T", "c#", "C#", "c++", "C++"})


def bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of the folded text (plus one END-terminated last gram)."""
    t = fold(text) + END
    return [t[i : i + 2] for i in range(len(t) - 1)]


@lru_cache(maxsize=1)
def _engine() -> Any:
    import rjieba

    return rjieba


def _split_latin(token: str) -> Iterator[str]:
    if token in _LATIN_WORDS or _HAN.search(token):
        yield token
        return
    for piece in _SKIP.split(token):
        if piece:
            yield piece


# A letter or digit (str.isalnum(), character for character: \w is that or "_"): a token with
# one is a word. A regular expression, not a loop over the characters: words() asks it of each
# token of each document.
_is_word = re.compile(r"[^\W_]").search


# Cuts made by a forked process (prefork.py), by mode and folded text.
_PREFETCHED: dict[tuple[str, str], list[str]] = {}


def remember(tokens: dict[str, dict[str, list[str]]]) -> None:
    """Take cuts made elsewhere (a forked process) as this process's own."""
    for mode, found in tokens.items():
        for text, words in found.items():
            _PREFETCHED[mode, text] = words


def cut(text: str) -> list[str]:
    """jieba.cut(text) (precise mode, HMM on), word for word."""
    if (known := _PREFETCHED.get(("cut", text))) is not None:
        return known
    tokens: list[str] = _engine().cut(text)
    if not any(len(t) > 1 and t.isascii() for t in tokens):
        return tokens
    return [p for t in tokens for p in _split_latin(t)]


def cut_for_search(text: str) -> list[str]:
    """jieba.cut_for_search(text): each word preceded by its dictionary sub-words."""
    if (known := _PREFETCHED.get(("cut_for_search", text))) is not None:
        return known
    engine = _engine()
    if not _LATIN_BLOCK.search(text):
        tokens: list[str] = engine.cut_for_search(text)
        return tokens
    # jieba cuts each block of Chinese, Latin and .-% apart: only the blocks holding Latin
    # letters or digits need the fix, and only they are cut a second time (a whole second cut
    # took a third of the words' time).
    out: list[str] = []
    at = 0
    for m in _LATIN_BLOCK.finditer(text):
        if m.start() > at:
            out += engine.cut_for_search(text[at : m.start()])
        out += _latin_fixed(engine, m.group())
        at = m.end()
    if at < len(text):
        out += engine.cut_for_search(text[at:])
    return out


def _latin_fixed(engine: Any, block: str) -> list[str]:
    """cut_for_search of one block, its runs of Latin letters and digits cut as jieba does."""
    tokens: list[str] = engine.cut_for_search(block)
    if not any(len(t) > 1 and t.isascii() for t in tokens):
        return tokens  # only a run of Latin letters and digits can differ from jieba's
    words = engine.cut(block)
    out: list[str] = []
    pending: list[str] = []  # sub-words, which come just before their word
    i, n = 0, len(words)
    for t in tokens:
        if i < n and t == words[i]:
            i += 1
            if len(t) > 1 and t.isascii() and t not in _LATIN_WORDS:
                out.extend(p for p in _SKIP.split(t) if p)  # and no sub-words: jieba has none
            else:
                out.extend(pending)
                out.append(t)
            pending = []
        else:
            pending.append(t)
    out.extend(pending)
    return out


def words(folded: str) -> list[str]:
    """Ranking tokens of a folded text (normalize.fold): jieba search-mode words, sub-words
    included."""
    return [w for w in cut_for_search(folded) if w.isalnum() or _is_word(w)]


def query_words(folded: str) -> list[str]:
    """The words a user typed, from its folded text, cut by jieba's precise mode (承诺兑现 ->
    承诺, 兑现)."""
    return [w for w in cut(folded) if w.isalnum() or _is_word(w)]
