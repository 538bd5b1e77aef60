"""store/engine.py's reading side: searches read qdn's files and the list of segments each
commit writes (segments.json), and open Whoosh only for metadata queries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qdn_corpus.store.index import live

QUERIES = ["承诺兑现", '"营商环境"', "region:黔东南 承诺兑现", "category:政策解读"]


def _answers(data_dir: Path) -> list[Any]:
    from qdn_corpus import Corpus

    corpus = Corpus(data_dir)
    return [[h.model_dump(mode="json") for h in corpus.search(q, limit=None)] for q in QUERIES]


def test_a_search_and_a_list_read_no_whoosh(qdn: Any, data_dir: Path) -> None:
    assert qdn("index").exit_code == 0
    code = (
        "import sys\nfrom qdn_corpus import Corpus\n"
        "c = Corpus(sys.argv[1])\nhits = c.search('承诺兑现')\nc.list(limit=3)\n"
        "print(len(hits), 'whoosh' in sys.modules)\n"
        "print(len(c.search('region:黔东南 承诺兑现')), 'whoosh' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True, check=True)
    first, second = run.stdout.split("\n")[:2]
    assert first.endswith(" False") and int(first.split()[0]) > 0
    assert second.endswith(" True")  # a metadata query asks Whoosh (as `qdn show` does, by id prefix)


def test_a_record_by_id_reads_no_numpy(qdn: Any, data_dir: Path) -> None:
    """`qdn show` reads one record: no numpy (0.04–0.09 s to import), which searches need."""
    assert qdn("index").exit_code == 0
    some = qdn("list", "--limit", "1", "--format", "jsonl").jsonl()[0]["id"]
    code = "import sys\nfrom qdn_corpus import Corpus\nprint(Corpus(sys.argv[1]).get(sys.argv[2]).id, 'numpy' in sys.modules)\n"
    run = subprocess.run([sys.executable, "-c", code, str(data_dir), some[:8]], capture_output=True, text=True, check=True)
    assert run.stdout.split() == [some, "False"]


@pytest.mark.parametrize("damage", ["missing", "behind", "unreadable"])
def test_without_a_true_list_of_segments_whoosh_answers_the_same(qdn: Any, data_dir: Path, damage: str) -> None:
    assert qdn("index").exit_code == 0
    sorted((data_dir / "raw").iterdir())[0].unlink()  # an update: a deletion to list
    assert qdn("index").exit_code == 0
    want = _answers(data_dir)
    current = live(data_dir)
    assert current is not None
    listed = current.path / "segments.json"
    found = json.loads(listed.read_text("utf-8"))
    assert any(deleted for _, _, deleted in found["segments"])
    if damage == "missing":
        listed.unlink()
    elif damage == "behind":  # as if killed between Whoosh's commit and the list
        listed.write_text(json.dumps({**found, "toc": found["toc"] - 1, "segments": []}), "utf-8")
    else:
        listed.write_text("{", "utf-8")
    assert _answers(data_dir) == want


def test_a_metadata_query_on_a_state_a_commit_removed_fails_clearly(qdn: Any, data_dir: Path) -> None:
    from qdn_corpus.errors import IndexChangedError
    from qdn_corpus.store import engine
    from qdn_corpus.store.update import build

    assert qdn("index").exit_code == 0
    current = live(data_dir)
    assert current is not None
    ix = engine.open_index(current.path)
    assert ix is not None
    category = engine.term("category", "政策解读")
    with ix.reader() as reader:
        before = reader.docs(category)
        changed = sorted((data_dir / "raw").iterdir())[-1]
        changed.write_text(changed.read_text("utf-8") + "\n补充一句。\n", "utf-8")
        build(data_dir)  # commits a new state and deletes the old one's table of contents
    with engine.open_index(current.path).reader() as reader:  # type: ignore[union-attr]
        assert len(reader.docs(category)) == len(before) > 0  # the new state, renumbered
    fresh = engine.open_index(current.path)
    assert fresh is not None
    # a reader of the state before the commit, in a process that had not asked Whoosh yet
    with engine.Reader(fresh, ix.described) as reader, pytest.raises(IndexChangedError, match="run it again"):
        reader.docs(category)
