"""Ranking and snippets, as a user sees them in `qdn search --format jsonl`.

Each case indexes a few small documents that differ in one way only, so the order is decided by
that difference: the exact string above its words apart, the title above the body, the shorter
document above the longer with the same counts; and every occurrence in a snippet is marked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qdn_corpus.models import Record
from qdn_corpus.search.snippets import snippets
from qdn_corpus.text.normalize import fold

FILLER = "各地要加强组织领导，明确责任分工，确保各项工作落到实处。"


def _write(data_dir: Path, docs: dict[str, str]) -> None:
    raw = data_dir / "raw"
    for p in raw.iterdir():
        p.unlink()
    for name, text in docs.items():
        (raw / f"{name}.txt").write_text(text, "utf-8")


def _order(qdn: Any, *query: str) -> list[str]:
    # The documents of a case differ in one way only, so they are near-copies: show each.
    run = qdn("search", *query, "--all-copies", "--format", "jsonl", "--limit", "50")
    assert run.exit_code == 0, run.stderr
    return [Path(h["file"]).stem for h in run.jsonl()]


def test_the_exact_string_ranks_above_its_words_apart(qdn: Any, data_dir: Path) -> None:
    # "apart" has both words twice (more BM25 weight) but never the string itself.
    _write(data_dir, {
        "apart": f"项目推进情况\n\n对企业的承诺要逐项兑现，承诺事项按期兑现。{FILLER}\n",
        "exact": f"项目推进情况\n\n做好承诺兑现工作。{FILLER}\n",
    })
    assert _order(qdn, "承诺兑现") == ["exact", "apart"]


def test_a_title_match_ranks_above_a_body_match(qdn: Any, data_dir: Path) -> None:
    _write(data_dir, {
        "body": f"关于加强组织领导的通知\n\n{FILLER}做好招商引资工作。\n",
        "title": f"关于做好招商引资工作的通知\n\n{FILLER}加强组织领导。\n",
    })
    assert _order(qdn, "招商引资") == ["title", "body"]


@pytest.mark.parametrize("query", ["招商引资", "承诺兑现"])  # one word; two words, each hit holding the exact string
def test_a_shorter_document_ranks_above_a_longer_one_with_the_same_counts(qdn: Any, data_dir: Path, query: str) -> None:
    _write(data_dir, {  # the longer is indexed first: a tie would put it first
        "long": f"工作情况\n\n做好{query}工作。{FILLER * 6}\n",
        "short": f"工作情况\n\n做好{query}工作。{FILLER}\n",
    })
    assert _order(qdn, query) == ["short", "long"]


def test_a_limited_search_shows_the_best_hits(qdn: Any) -> None:
    every = qdn("search", "营商环境", "--format", "jsonl", "--limit", "100").jsonl()
    best = qdn("search", "营商环境", "--format", "jsonl", "--limit", "2").jsonl()
    assert len(every) > 3 and best == every[:2]
    assert [h["score"] for h in every] == sorted((h["score"] for h in every), reverse=True)
    assert every[0]["score"] > every[-1]["score"]


def test_more_occurrences_rank_higher_at_the_same_length(qdn: Any, data_dir: Path) -> None:
    _write(data_dir, {
        "once": f"工作情况\n\n做好招商引资工作。{FILLER}{FILLER}\n",
        "twice": f"工作情况\n\n做好招商引资工作。{FILLER}招商引资\n",
    })
    assert _order(qdn, "招商引资") == ["twice", "once"]


def test_every_occurrence_in_a_snippet_is_highlighted(qdn: Any, data_dir: Path) -> None:
    _write(data_dir, {"a": "工作情况\n\n承诺兑现，承诺兑现，再承诺兑现。" + FILLER * 3 + "最后也要承诺兑现。\n"})
    [hit] = qdn("search", "承诺兑现", "--format", "jsonl").jsonl()
    marked = [s["text"][a:b] for s in hit["snippets"] for a, b in s["highlights"]]
    shown = sum(s["text"].count("承诺兑现") for s in hit["snippets"])
    assert shown == 4 and marked.count("承诺兑现") == 4


def test_a_snippet_marks_its_words_also_when_the_query_occurs_hundreds_of_times(qdn: Any, data_dir: Path) -> None:
    # The passages are chosen from the first 200 places; what a passage shows is all marked.
    _write(data_dir, {"a": "工作情况\n\n承诺兑现，企业兑现。" + "承诺兑现。" * 250 + "\n"})
    [hit] = qdn("search", "承诺兑现", "--format", "jsonl").jsonl()
    first = hit["snippets"][0]
    marked = [first["text"][a:b] for a, b in first["highlights"]]
    assert first["text"].startswith("承诺兑现，企业兑现。")
    assert marked[:3] == ["承诺兑现", "兑现", "承诺兑现"]
    assert marked.count("承诺兑现") == first["text"].count("承诺兑现")


def _passages(body: str, *needles: str) -> list[tuple[str, list[str]]]:
    record = Record(id="0" * 16, file="raw/x.txt", body=body)
    return [(s.text, [s.text[a:b] for a, b in s.highlights]) for s in snippets(record, list(needles))]


def test_passages_around_the_whole_query_come_before_passages_around_its_words() -> None:
    pad = "，" * 100
    body = f"兑现{pad}兑现{pad}承诺兑现{pad}"
    got = _passages(body, "承诺兑现", "承诺", "兑现")
    assert len(got) == 2  # at most two passages, in body order
    assert got[0][0].startswith("兑现") and got[0][1] == ["兑现"]  # the first word, not the second
    assert "承诺兑现" in got[1][0] and got[1][1] == ["承诺兑现"]


def test_the_whole_query_is_marked_before_its_words_whatever_their_order() -> None:
    # 营商 sorts after 优化营商环境 (营 > 优): the longest text is still marked first, then words apart.
    body = "坚持优化营商环境，营商主体满意。"
    assert _passages(body, "优化营商环境", "优化", "营商", "环境") == [(body, ["优化营商环境", "营商"])]


def test_passages_may_touch_but_not_overlap() -> None:
    # Each passage is the place and 36 characters either side; "兑现" at 36 gives [0, 74).
    body = "，" * 36 + "兑现" + "，" * 72 + "兑现" + "，" * 36  # the second passage starts at 74
    assert [len(t) for t, _ in _passages(body, "兑现")] == [74, 74]
    # A passage of a word ending where the whole query's passage starts is shown too.
    body = "，" * 36 + "兑现" + "，" * 72 + "承诺兑现" + "，" * 36
    assert [m for _, m in _passages(body, "承诺兑现", "兑现")] == [["兑现"], ["承诺兑现"]]
    # One character closer and they would overlap: the word's passage goes.
    body = "，" * 36 + "兑现" + "，" * 71 + "承诺兑现" + "，" * 36
    assert [m for _, m in _passages(body, "承诺兑现", "兑现")] == [["承诺兑现"]]


needles = st.sampled_from(["承诺兑现", "兑现", "营商环境", "ＡＢ", "ab"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["承诺兑现", "承诺", "兑现", "营商环境", "AB", "ａｂ", "，", "。", FILLER, "\n"]), max_size=40), needles)
def test_snippets_mark_every_occurrence_they_show_and_nothing_else(parts: list[str], needle: str) -> None:
    body = "".join(parts)
    record = Record(id="0" * 16, file="raw/x.txt", body=body)
    target = fold(needle)
    folded = fold(body)
    found = snippets(record, [target])
    if target not in folded:
        assert found == []
        return
    assert found, "a record that contains the text shows a snippet"
    for s in found:
        start = body.index(s.text)  # every snippet is a passage of the body as written
        text = fold(s.text)
        marks = [(a, b) for a, b in s.highlights]
        assert all(text[a:b] == target for a, b in marks)
        # Every occurrence lying wholly inside the passage is marked (non-overlapping, from the left).
        expected, i = [], folded.find(target, 0)
        while i >= 0:
            if start <= i and i + len(target) <= start + len(s.text):
                expected.append((i - start, i - start + len(target)))
            i = folded.find(target, i + len(target))
        assert marks == expected


@pytest.mark.parametrize("query", ["承诺兑现", '"承诺兑现"', "承诺*", "承诺兑现 -青蛙", "(承诺兑现 OR 承诺) AND 承诺*",
                                   "body:承诺兑现", "title:承诺兑现 OR 承诺兑现"])
def test_snippets_of_each_query_kind_highlight_the_query(qdn: Any, query: str) -> None:
    for hit in qdn("search", query, "--format", "jsonl", "--limit", "50").jsonl():
        marked = [s["text"][a:b] for s in hit["snippets"] for a, b in s["highlights"]]
        assert marked and all(fold(m).startswith("承诺") or fold(m) == "兑现" for m in marked), hit["id"]


def test_a_field_query_marks_its_text_where_the_body_has_it(qdn: Any) -> None:
    hits = qdn("search", "title:营商环境", "--format", "jsonl").jsonl()
    assert hits and all("营商环境" in h["title"] for h in hits)
    for h in hits:
        marked = [s["text"][a:b] for s in h["snippets"] for a, b in s["highlights"]]
        assert marked and set(marked) == {"营商环境"}, h["id"]


def test_a_one_word_score_is_bm25_with_k1_1_2_and_b_0_75(qdn: Any) -> None:
    """The score of a one-word query is Okapi BM25 (README: k1 1.2, b 0.75), computed here from
    the records a user sees: term frequency with a title word counting three, document length
    in words (title words three times), idf log(1 + (N - df + 0.5) / (df + 0.5))."""
    import math
    from collections import Counter

    from qdn_corpus.text.normalize import fold
    from qdn_corpus.text.tokens import words

    records = qdn("list", "--all-copies", "--format", "jsonl", "--limit", "1000").jsonl()
    counts, lengths = {}, {}
    for r in records:
        body, title = words(fold(r["body"])), words(fold(r["title"] or ""))
        c = Counter(body)
        for w in title:
            c[w] += 3
        counts[r["id"]], lengths[r["id"]] = c, len(body) + 3 * len(title)
    n, average = len(records), sum(lengths.values()) / len(records)
    for word in ("企业", "招商", "营商"):
        df = sum(1 for c in counts.values() if c[word])
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        want = {}
        for rid, c in counts.items():
            if c[word]:
                tf, norm = c[word], 1.2 * (1 - 0.75 + 0.75 * lengths[rid] / average)
                want[rid] = idf * tf * 2.2 / (tf + norm)
        hits = qdn("search", word, "--all-copies", "--format", "jsonl", "--limit", "1000").jsonl()
        assert 1 < df < n and {h["id"] for h in hits} <= set(want)
        for h in hits:
            assert h["score"] == pytest.approx(want[h["id"]], abs=1e-3), (word, h["id"])


def test_a_corpus_of_one_document_is_scored_by_the_same_formula(qdn: Any, data_dir: Path) -> None:
    import math

    from qdn_corpus.text.tokens import words

    _write(data_dir, {"a": f"工作情况\n\n做好招商引资工作。{FILLER}招商引资\n"})
    [record] = qdn("list", "--format", "jsonl").jsonl()
    body, title = words(fold(record["body"])), words(fold(record["title"] or ""))
    idf = math.log(1 + (1 - 1 + 0.5) / (1 + 0.5))
    want = 0.0
    for word in dict.fromkeys(words("招商引资")):  # 招商, 引资, 招商引资 (search mode)
        tf = body.count(word) + 3 * title.count(word)
        want += idf * tf * 2.2 / (tf + 1.2)  # the average length is the document's own: the norm is k1
    [hit] = qdn("search", "招商引资", "--format", "jsonl").jsonl()
    assert hit["score"] == pytest.approx(want, abs=1e-3)


def test_a_phrase_ranks_by_its_words_that_occur_when_its_first_does_not(qdn: Any, data_dir: Path) -> None:
    # "化营商" is cut into 化 and 营商: the documents hold 优化 and 营商, never the word 化.
    _write(data_dir, {"a": f"工作情况\n\n做好优化营商环境工作。{FILLER}\n", "b": f"工作情况\n\n优化营商环境。{FILLER}\n"})
    hits = qdn("search", '"化营商"', "--format", "jsonl").jsonl()
    assert len(hits) == 2 and all(h["score"] > 0 for h in hits)


def test_a_limited_search_shows_the_head_of_the_whole_ranking(data_dir: Path) -> None:
    # The exact string's bonus is checked best first, a block at a time (view.best): the rare
    # documents that hold 承诺兑现 score lowest by their words, so a page of 1 or 5 must look past
    # the first blocks of 256 to find them. The page must be the whole ranking's head.
    from qdn_corpus import Corpus

    docs = {}
    for i in range(700):
        apart = "对企业的承诺要逐项兑现，承诺事项按期兑现。" * (1 + i % 5)
        docs[f"a{i:03}"] = f"工作情况{i}\n\n第{i}号文件。{apart}{FILLER * (1 + i % 7)}\n"
    for i in range(3):  # long bodies, the string once: below every "apart" document by BM25
        docs[f"x{i}"] = f"工作情况x{i}\n\n做好承诺兑现工作。{FILLER * (20 + i)}\n"
    docs["y"] = f"营商环境\n\n优化营商环境，兑现承诺。{FILLER * 30}\n"
    _write(data_dir, docs)
    corpus = Corpus(data_dir)
    corpus.index()
    for query in ["承诺兑现", "承诺兑现 OR 优化营商环境", "承诺兑现 -第1号"]:
        whole = [(h.file, h.score) for h in corpus.search(query, limit=None, all_copies=True)]
        if query == "承诺兑现":  # the exact matches lead, though their words score lowest
            assert [f for f, _ in whole[:3]] == ["raw/x0.txt", "raw/x1.txt", "raw/x2.txt"]
        for limit in (1, 5, 20, 300):
            page = [(h.file, h.score) for h in corpus.search(query, limit=limit, all_copies=True)]
            assert page == whole[:limit], (query, limit)


def test_a_record_scores_the_same_whichever_the_sort(qdn: Any, data_dir: Path) -> None:
    # Sorted by date, only the page is checked for the exact string's bonus (searcher.py): the
    # scores shown must still be relevance's.
    _write(data_dir, {
        "apart": f"项目推进情况\n\n2021年5月1日\n\n对企业的承诺要逐项兑现。{FILLER}\n",
        "exact": f"项目推进情况\n\n2022年5月1日\n\n做好承诺兑现工作。{FILLER}\n",
    })
    scores = {}
    for sort in ("relevance", "-date", "date"):
        run = qdn("search", "承诺兑现", "--all-copies", "--sort", sort, "--format", "jsonl")
        assert run.exit_code == 0, run.stderr
        scores[sort] = {Path(h["file"]).stem: h["score"] for h in run.jsonl()}
    assert scores["relevance"]["exact"] > scores["relevance"]["apart"] + 40
    assert scores["-date"] == scores["date"] == scores["relevance"]
