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
    assert fulltext._AWAITED and not fulltext._CONTAINING  # the bodies' answers are taken when first needed
    assert fulltext._known(str(gen / "MAIN_x"), "营商") is None and fulltext._AWAITED  # a bigram's never waits
    fulltext._known(str(gen / "MAIN_x"), "营商环境")  # the first body check takes them all
    sent = dict(fulltext._CONTAINING)
    assert sent and not any("uncommitted" in base for base, _ in sent)  # only the commit's segments
    for text in ("营商环境", "优化营商环境", "商环境"):  # the cuts came too: this process loads no dictionary
        assert tokens._PREFETCHED["cut", text] and tokens._PREFETCHED["cut_for_search", text]
    assert {needle for _, needle in sent} == {"营商环境", "商环境"}  # 优化营商环境 is three words of two
    for (base, needle), found in sent.items():  # the answers are the segment's own
        segment = fulltext.SegmentReader(*base.rsplit("/", 1))
        assert list(found) == segment.containing_list(needle)
    fulltext.reader.cache_clear()  # a new process's segment readers: no answer kept yet
    fresh = Corpus(data_dir)
    fresh.open()
    assert [(h.id, h.score) for h in fresh.search(query, limit=None)] == alone
    assert not fulltext._CONTAINING  # every answer was taken, none checked again


def test_the_command_checks_the_segments_the_helper_has_not_reached(qdn: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper answers segment by segment from the first. When a body check is first needed,
    the command takes what has come and checks the rest itself, from the last segment back,
    then stops the helper."""
    import base64
    import json
    import os
    from array import array

    import qdn_corpus.store.workers as workers
    from qdn_corpus.search.prefork import _Answers
    from qdn_corpus.store import fulltext
    from qdn_corpus.store.engine import committed_segments
    from qdn_corpus.store.index import current_folder

    monkeypatch.setattr(workers, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(workers, "WORKERS", 2)  # two segments
    assert qdn("index").exit_code == 0
    gen = current_folder(data_dir)
    assert gen is not None
    bases = [os.path.realpath(gen / sid) for sid in committed_segments(gen)]
    assert len(bases) == 2
    read_fd, write_fd = os.pipe()
    sent = {"base": bases[0], "found": {"商环境": base64.b64encode(array("I", [7])).decode()}}
    os.write(write_fd, (json.dumps(sent) + "\n").encode())
    pid = os.fork()
    if pid == 0:  # stands for the helper, still checking the second segment
        import time

        time.sleep(60)
        os._exit(0)
    try:
        fulltext._CONTAINING.clear()
        _Answers(read_fd, pid).share(bases, ["商环境"])
        assert list(fulltext._CONTAINING.pop((bases[0], "商环境"))) == [7]  # the helper's, as it sent it
        second = fulltext.SegmentReader(*os.path.split(bases[1]))
        assert list(fulltext._CONTAINING.pop((bases[1], "商环境"))) == second.containing_list("商环境")  # checked here
        assert not fulltext._CONTAINING
        with pytest.raises(ChildProcessError):  # the helper was stopped and reaped
            os.waitpid(pid, os.WNOHANG)
    finally:
        os.close(write_fd)
