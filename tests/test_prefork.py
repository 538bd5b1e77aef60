"""The search helper (search/prefork.py): what it checks ahead is what the search would check,
and the search takes its answers instead of checking again."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from qdn_corpus.search.language import parse_query
from qdn_corpus.search.prefork import Tokenizer, body_checks
from qdn_corpus.search.tree import And, BodyContains, Or, Without

QUERIES = [
    '"商环境"', "营商环境 招商引资", "body:营商环境", '-"优化营商环境" 招商', "招商* title:承诺兑现",
    '(承诺兑现 OR "商环境") date:2020..2023', "优化营商环境", '"营商"', "region:黔东南 承诺兑现",
]


def _checked(node: Any) -> set[str]:
    """The needles of a query tree's BodyContains leaves that bigrams alone cannot settle."""
    if isinstance(node, (And, Or)):
        return {n for part in node.parts for n in _checked(part)}
    if isinstance(node, Without):
        return _checked(node.part)
    return {node.needle} if isinstance(node, BodyContains) and len(node.needle) > 2 else set()


@pytest.mark.parametrize("query", QUERIES)
def test_the_helper_checks_the_bodies_the_search_checks(query: str) -> None:
    from qdn_corpus.search.plan import plan, request

    assert set(body_checks(parse_query(query))) == _checked(plan(request(query)).match)


def test_a_search_takes_the_helpers_answers_and_finds_the_same(qdn: Any, data_dir: Path) -> None:
    from qdn_corpus import Corpus
    from qdn_corpus.store import fulltext
    from qdn_corpus.store.index import current_folder

    assert qdn("index").exit_code == 0
    query = '"营商环境" OR 优化营商环境 OR "商环境"'
    fulltext._CONTAINING.clear()
    corpus = Corpus(data_dir)
    corpus.open()
    alone = [(h.id, h.score) for h in corpus.search(query, limit=None)]
    assert alone and not fulltext._CONTAINING

    gen = current_folder(data_dir)
    assert gen is not None
    for part in list(gen.glob("MAIN_*.q*")):  # a segment being written by an update: not committed
        shutil.copy(part, gen / ("MAIN_uncommitted" + part.name[part.name.index(".") :]))
    from qdn_corpus.text import tokens

    tokens._PREFETCHED.clear()
    helper = Tokenizer()
    helper.send(query, str(data_dir))
    helper.receive()
    sent = dict(fulltext._CONTAINING)
    assert sent and not any("uncommitted" in base for base, _ in sent)  # only the commit's segments
    for text in ("营商环境", "优化营商环境", "商环境"):  # the cuts came too: this process loads no dictionary
        assert tokens._PREFETCHED["cut", text] and tokens._PREFETCHED["cut_for_search", text]
    assert {needle for _, needle in sent} == {"营商环境", "商环境"}  # 优化营商环境 is three words of two
    for (base, needle), found in sent.items():  # the helper's answers are the segment's own
        segment = fulltext.SegmentReader(*base.rsplit("/", 1))
        assert list(found) == segment.containing_list(needle)
    fulltext.reader.cache_clear()  # a new process's segment readers: no answer kept yet
    fresh = Corpus(data_dir)
    fresh.open()
    assert [(h.id, h.score) for h in fresh.search(query, limit=None)] == alone
    assert not fulltext._CONTAINING  # every answer was taken, none checked again
