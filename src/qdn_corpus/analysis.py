"""Tokenisation for the index and for queries: jieba words for ranking, character bigrams for
exact substring (phrase) matching. The import path stays stable: Whoosh pickles the analyzers.

Why two analyses: jieba alone cannot answer a phrase that crosses a word boundary (商环境 is
inside 营商|环境), and Whoosh's jieba analyzer stores character offsets as positions. Bigrams at
consecutive positions match exactly the folded substrings of a text, so a quoted phrase of n
characters is a phrase query of its n-1 bigrams, and the answer equals a plain substring scan.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from whoosh.analysis import Token, Tokenizer

from qdn_corpus.normalize import fold

# Appended to every text so that each character, the last included, starts some bigram and a
# single-character query can be a prefix query. A private-use char never typed in a query.
END = "\ue000"


def bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of the folded text (plus one END-terminated last gram)."""
    t = fold(text) + END
    return [t[i : i + 2] for i in range(len(t) - 1)]


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its start-up chatter must not reach the terminal
    jieba.initialize()
    return jieba


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def words(text: str) -> list[str]:
    """Ranking tokens: jieba search-mode words (sub-words included) of the folded text."""
    return [w for w in _jieba().cut_for_search(fold(text)) if _is_word(w)]


def query_words(text: str) -> list[str]:
    """The words a user typed, cut by jieba's precise mode (承诺兑现 -> 承诺, 兑现)."""
    return [w for w in _jieba().cut(fold(text)) if _is_word(w)]


class PreTokenized(Tokenizer):  # type: ignore[misc]
    """A Whoosh tokenizer for values tokenized beforehand (a list) or, for queries, by `func`.

    Tokens are numbered 0, 1, 2 … so bigram positions are character positions.
    """

    def __init__(self, func: str = "words") -> None:
        self.func = func

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PreTokenized) and other.func == self.func

    def __call__(
        self,
        value: str | Sequence[str],
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        if isinstance(value, str):
            tokens: Sequence[str] = bigrams(value) if self.func == "bigrams" else words(value)
        else:
            tokens = value
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for i, text in enumerate(tokens):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar = start_char + i
                t.endchar = start_char + i + len(text)
            yield t
