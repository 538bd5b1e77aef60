"""One segment's full-text files, written and read back: each question search asks of them
(which documents contain a substring, in the body or a short field, a word's postings, words
with a prefix, and the per-document arrays) has the answer the texts themselves give.

These talk to fulltext.py directly: it is the layer under every search, and a wrong answer
here (a bigram of the neighbouring character, a posting skipped) shows in search only for
the rare texts that tell the two apart. The texts below are made to tell them apart.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from qdn_corpus.store.fulltext import SegmentReader
from qdn_corpus.store.fulltext_writer import SegmentWriter

# Neighbouring code points (一 U+4E00 and 丁 U+4E01, 七 U+4E03 …), so that an answer taken from
# the next character's bigrams, or one bigram short, is a different answer.
ALPHABET = "一丁七万丈三上下不与"
WORDS = ["一丁", "一七", "一七万", "七万", "丁丈", "三", "上下", "上下不", "与"]

documents = st.lists(
    st.tuples(st.text(ALPHABET, min_size=0, max_size=30), st.lists(st.sampled_from(WORDS), max_size=8),
              st.lists(st.sampled_from(WORDS), max_size=3), st.integers(0, 800_000)),
    min_size=1, max_size=12,
)


def _segment(folder: Path, docs: list[tuple[str, list[str], list[str], int]]) -> SegmentReader:
    writer = SegmentWriter(folder, "seg")
    for n, (text, body_words, title_words, day) in enumerate(docs):
        facets: dict[str, Any] = {"outline": [f"heading {n}"], "county": f"县{n}" if n % 2 else None, "title": f"标题{n}",
                                  "title_text": text or None, "source_text": text[::-1]}  # two short fields
        writer.add(n, text, day, body_words, title_words, facets, minhash=bytes([n]) * (n % 3))
    writer.write()
    return SegmentReader(str(folder), "seg")


@settings(max_examples=60, deadline=None)
@given(docs=documents, needles=st.lists(st.text(ALPHABET, min_size=1, max_size=4), min_size=1, max_size=10))
def test_a_segment_answers_what_its_texts_say(tmp_path_factory: Any, docs: list[Any], needles: list[str]) -> None:
    reader = _segment(tmp_path_factory.mktemp("seg"), docs)
    texts = [t for t, *_ in docs]
    for needle in needles + [t[i : i + 3] for t in texts for i in range(0, len(t), 7)]:
        if needle:
            assert set(reader.containing(needle).tolist()) == {d for d, t in enumerate(texts) if needle in t}, needle
            assert set(reader.field_containing("title_text", needle).tolist()) == {d for d, t in enumerate(texts) if needle in t}
            assert set(reader.field_containing("source_text", needle).tolist()) == {
                d for d, t in enumerate(texts) if needle in t[::-1]}
    for word in [*WORDS, "不在", "一"]:
        docs_of, weights = reader.word_postings(word)
        counts = [Counter(b)[word] + 3 * Counter(t)[word] for _, b, t, _ in docs]
        assert list(docs_of) == [d for d, c in enumerate(counts) if c]
        assert list(weights) == [c for c in counts if c]
    for prefix in ("一", "一七", "上下", "丁", "七", "与", "不"):
        expected = {d for d, (_, b, t, _) in enumerate(docs) if any(w.startswith(prefix) for w in b + t)}
        assert set(reader.with_prefix(prefix).tolist()) == expected
    assert list(reader.days()) == [day for *_, day in docs]
    assert list(reader.lengths()) == [len(b) + 3 * len(t) for _, b, t, _ in docs]
    for n, text in enumerate(texts):
        assert reader.text(n) == text
        assert reader.facets(n) == {"outline": [f"heading {n}"]}  # the columns are kept apart
        assert reader.minhash(n) == bytes([n]) * (n % 3)
    assert reader.column("county") == [f"县{n}" if n % 2 else None for n in range(len(docs))]
    assert reader.column("title") == [f"标题{n}" for n in range(len(docs))]
    assert reader.column("site") == [None] * len(docs)


def test_an_empty_body(tmp_path: Path) -> None:
    reader = _segment(tmp_path, [("", [], [], 0)])
    assert reader.text(0) == "" and len(reader.containing("一")) == 0 and reader.minhash(0) == b""
    assert list(reader.word_postings("一丁")[0]) == [] and len(reader.with_prefix("一")) == 0


def test_a_word_more_than_65535_times_in_one_document_counts_as_65535(tmp_path: Path) -> None:
    reader = _segment(tmp_path, [("一丁" * 10, ["一丁"] * 70_000, [], 1), ("丁", ["一丁"] * 65_535, [], 1)])
    assert list(reader.word_postings("一丁")[1]) == [65_535, 65_535]


def test_documents_must_come_in_order(tmp_path: Path) -> None:
    import pytest

    writer = SegmentWriter(tmp_path, "seg")
    writer.add(0, "一", 0, [], [])
    for wrong in (2, 0):  # a gap, or a document again
        with pytest.raises(ValueError, match=f"got {wrong}, expected 1"):
            writer.add(wrong, "丁", 0, [], [])
    writer.close()


def test_the_kept_answers_stay_right_and_at_most_256(tmp_path: Path) -> None:
    """Nothing a user sees shows how many answers a segment keeps (only memory does): this
    checks the bound directly, and that answers stay right as old ones are dropped."""
    texts = ["".join(ALPHABET[(i * 7 + j) % 10] for j in range(40)) for i in range(5)]
    reader = _segment(tmp_path, [(t, ["一丁"], [], 1) for t in texts])
    needles = sorted({t[i : i + k] for t in texts for k in (2, 3, 4) for i in range(37)})
    needles += [a + b + c + d for a in ALPHABET for b in ALPHABET[:5] for c in ALPHABET[:3] for d in "一丁"][:300]
    assert len(needles) > 300
    for _ in range(2):
        for needle in needles:
            assert set(reader.containing(needle).tolist()) == {d for d, t in enumerate(texts) if needle in t}
            assert len(reader._found) <= 256
    for word in [w + str(i) for w in WORDS for i in range(40)]:
        reader.word_postings(word)
        assert len(reader._postings_of) <= 256


def test_a_document_with_each_bigram_but_not_the_string_is_not_a_match(tmp_path: Path) -> None:
    """一丁 and 丁七 apart are not 一丁七: the candidates of the bigram sets are checked in their
    own text, not in the texts after them (where the next document holds 一丁七)."""
    texts = ["一丁三丁七", "一丁七", "丁七万一丁", "一丁七万"]
    reader = _segment(tmp_path, [(t, [], [], 1) for t in texts])
    assert set(reader.containing("一丁七").tolist()) == {1, 3}
    assert set(reader.containing("丁七万").tolist()) == {2, 3}
    assert set(reader.containing("一丁七万").tolist()) == {3}
    assert set(reader.containing("一丁").tolist()) == {0, 1, 2, 3} and set(reader.containing("七万").tolist()) == {2, 3}


@given(st.lists(st.integers(min_value=0, max_value=(1 << 64) - 1), max_size=60))
def test_distinct_is_the_sorted_set(values: list[int]) -> None:
    import numpy as np

    from qdn_corpus.store.postings import distinct

    assert distinct(np.array(values, dtype=np.uint64)).tolist() == sorted(set(values))


def test_each_bigram_lists_a_document_once(tmp_path: Path) -> None:
    """A body repeating its bigrams gives each bigram's list the document once."""
    w = SegmentWriter(tmp_path, "s")
    w.add(0, "招商招商招商引资引资", 0, ["招商"], [])
    w.add(1, "引资", 0, ["引资"], [])
    w.write()
    r = SegmentReader(str(tmp_path), "s")
    lists = [list(r._gram_docs(i)) for i in range(len(r._get(".qkey", "Q")))]
    assert sorted(map(len, lists)) == [1, 1, 1, 1, 2, 2]  # 招商 商招 商引 资引 once; 引资 and 资 at the end twice
    assert all(len(set(docs)) == len(docs) for docs in lists)
