"""The words the index and queries use are jieba 0.42.1's, token for token.

qdn computes them with rjieba (see tokens.py); jieba is the reference the user chose, so this
compares the two on the seeds and on the 1.1 million characters of ../shared/corpus, line by
line, in both modes the index uses.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from qdn_corpus.text import tokens
from qdn_corpus.text.normalize import fold

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT.parent / "shared" / "corpus" / "government_work_reports.jsonl"


def _lines() -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "data" / "raw").iterdir())]
    texts.append("增长96.92%，2011-2020年，2022.12.05：PM2.5、C++、AT&T、c#、1.2.3版、abc-def_x")
    if REPORTS.exists():
        texts += [json.loads(line)["content"] for line in REPORTS.read_text("utf-8").splitlines()]
    return [line for text in texts for line in fold(text).split("\n") if line.strip()]


@pytest.fixture(scope="module")
def jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@pytest.mark.parametrize("mode", ["cut", "cut_for_search"])
def test_tokens_equal_jiebas(jieba, mode: str) -> None:  # type: ignore[no-untyped-def]
    lines = _lines()
    assert sum(map(len, lines)) > 1_000_000 or not REPORTS.exists()
    ours, theirs = getattr(tokens, mode), getattr(jieba, mode)
    differing = [(line, ours(line), list(theirs(line))) for line in lines if ours(line) != list(theirs(line))]
    assert not differing[:3], f"{len(differing)} of {len(lines)} lines differ"


def test_query_words_and_index_words_agree() -> None:
    assert tokens.query_words("承诺兑现") == ["承诺", "兑现"]
    assert set(tokens.query_words("优化营商环境")) <= set(tokens.words("各地要优化营商环境。"))


def test_words_are_the_tokens_holding_a_letter_or_digit() -> None:
    """Punctuation, spaces and underscores are not words; a token with any letter or digit is
    (Chinese, Latin, fullwidth forms folded, ½ and Ⅷ among the digits)."""
    text = fold("优化营商环境，提升__服务。2011-2020年 x_1 ½ Ⅷ ＡＢ！")
    expected = [t for t in tokens.cut_for_search(text) if any(ch.isalnum() for ch in t)]
    assert tokens.words(text) == expected
    assert {"，", "。", "__", "-", " ", "！"}.isdisjoint(tokens.words(text))
    assert {"x", "1", "½", "2011", "2020"} <= set(tokens.words(text)), tokens.words(text)
