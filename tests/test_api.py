"""The library (qdn_corpus.Corpus): the same answers, options, errors and columns as the
command, with the CLI a shell over it; and the README documents every command and option."""

from __future__ import annotations

import csv
import inspect
import io
import json
from pathlib import Path
from typing import Any

import pytest

import qdn_corpus
from qdn_corpus import Corpus, Hit, QdnError, QuerySyntaxError, Record, UsageError
from qdn_corpus.api import FILTERS

ROOT = Path(__file__).resolve().parent.parent

# Each command and the Corpus method it is a shell over.
METHODS = {
    "parse": "parse", "index": "index", "search": "search", "trend": "trend", "figures": "figures", "refs": "refs",
    "cites": "cites", "cited-by": "cited_by", "dups": "dups", "stats": "stats", "list": "list", "show": "get",
    "export": "export", "clauses": "clauses", "code": "code", "adoption": "adoption", "network": "network",
}
# How the command prints (the library returns models; network returns nodes and edges and the
# graph, which Network.write_graphml writes), and code --example, which prints a file.
OUTPUT_ONLY = {"format", "show", "graphml", "example"}


def _commands() -> dict[str, Any]:
    import typer.main

    from qdn_corpus.cli import app

    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_a_method() -> None:
    assert set(_commands()) == set(METHODS) | {"schema", "serve"}  # serve is the web shell over the same methods


@pytest.mark.parametrize("command", sorted(METHODS))
def test_every_option_of_a_command_is_a_keyword_of_its_method(command: str) -> None:
    """Same names (--doc-type is doc_type), same defaults, keyword-only; filters through
    FilterOptions."""
    method = getattr(Corpus, METHODS[command])
    params = inspect.signature(method).parameters
    takes_filters = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    for option in _commands()[command].params:
        name = option.name
        if name in OUTPUT_ONLY and name not in params:
            continue
        if name in FILTERS and takes_filters:
            continue
        assert name in params, f"{command} --{name} has no {METHODS[command]}({name}=)"
        p = params.get(name)
        if p is None or getattr(option, "param_type_name", "") != "option":
            continue
        assert p.kind is inspect.Parameter.KEYWORD_ONLY, f"{METHODS[command]}({name}) is not keyword-only"
        assert p.default == option.default, f"{command} --{name} defaults to {option.default!r}, the method to {p.default!r}"
    if takes_filters:
        names = {o.name for o in _commands()[command].params}
        assert set(FILTERS) <= names, f"{METHODS[command]} takes filters the command lacks: {set(FILTERS) - names}"


def test_readme_documents_every_command_and_option() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for name, command in _commands().items():
        assert f"qdn {name}" in readme, f"README never shows `qdn {name}`"
        for option in command.params:
            for flag in getattr(option, "opts", []):
                if flag.startswith("--"):
                    assert flag in readme, f"README never mentions {flag} (qdn {name})"


def test_the_package_exports_its_api() -> None:
    for name in qdn_corpus.__all__:
        assert getattr(qdn_corpus, name) is not None
    with pytest.raises(AttributeError):
        qdn_corpus.NoSuchThing  # noqa: B018


def test_search_gives_what_the_command_prints(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = Corpus(data_dir)
    hits = corpus.search("承诺兑现", since="2022-11", region="黔东南", limit=50)
    cli = qdn("search", "承诺兑现", "--since", "2022-11", "--region", "黔东南", "--limit", "50", "--format", "json").json()
    assert hits.total == len(hits) == len(cli) > 0
    assert [h.model_dump(mode="json") for h in hits] == cli
    assert isinstance(hits[0], Hit) and hits[0].snippets and all("承诺兑现" in s.text for s in hits[0].snippets)


def test_within_and_sections(data_dir: Path) -> None:
    corpus = Corpus(data_dir)
    hits = corpus.search("承诺", within="契约")
    assert hits.total > 0
    assert all(any("契约" in part for s in h.snippets for part in s.section) for h in hits)


def test_list_records_and_get_agree(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = Corpus(data_dir)
    listed = corpus.list(since="2022-11")
    lazily = list(corpus.records(since="2022-11"))
    cli = qdn("list", "--since", "2022-11", "--format", "json").json()
    assert [r.id for r in listed] == [r.id for r in lazily] == [r["id"] for r in cli]
    assert listed.total == len(lazily) > 0
    assert corpus.get(listed[0].id[:8]) == listed[0]
    assert corpus.list(limit=2).total == len(list(corpus.records()))


def test_records_are_read_lazily(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qdn_corpus.search import view

    corpus = Corpus(data_dir)
    corpus.open()
    read: list[int] = []
    real = view.View.record
    monkeypatch.setattr(view.View, "record", lambda self, d: read.append(d) or real(self, d))
    first = next(corpus.records())
    assert isinstance(first, Record) and len(read) == 1


def test_trend_adds_up_to_search(data_dir: Path) -> None:
    corpus = Corpus(data_dir)
    for by in ("year", "region"):
        t = corpus.trend(["承诺兑现", "营商环境"], by=by, per=1000)
        for q in ("承诺兑现", "营商环境"):
            assert sum(r.records for r in t.rows if r.query == q) == t.totals[q] == corpus.search(q, limit=None).total
    assert corpus.trend("承诺兑现").queries == ["承诺兑现"]


def test_reports(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = Corpus(data_dir)
    figures = corpus.figures("到位资金")
    assert len(figures) == figures.total > 0 and figures.records > 0
    assert [f.model_dump(mode="json") for f in figures] == qdn("figures", "到位资金", "--format", "json").json()
    refs = corpus.refs(top=3)
    assert len(refs) == 3 and refs.total >= 3
    assert [r.model_dump(mode="json") for r in refs] == qdn("refs", "--top", "3", "--format", "json").json()
    cited = corpus.cited_by("《贵州省优化营商环境条例》")
    assert cited.total == len(cited) > 0
    record = corpus.get(cited[0].id)
    assert any(c.title == "贵州省优化营商环境条例" for c in corpus.cites(record.id))
    stats = corpus.stats()
    assert stats[0].group == "total" and stats[0].records == stats.total == len(list(corpus.records(all_copies=True)))


def test_options_are_checked_before_any_index_opens(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / "a.txt").write_text("标题\n正文承诺兑现。\n", "utf-8")
    corpus = Corpus(data)
    bad: list[tuple[Any, type[QdnError], str]] = [
        (lambda: corpus.search("承诺", since="2022-13"), UsageError, "2022-13"),
        (lambda: corpus.search("承诺", limit=0), UsageError, "--limit"),
        (lambda: corpus.search("承诺", sort="newest"), UsageError, "sort"),
        (lambda: corpus.search("承诺", within="  "), UsageError, "--within"),
        (lambda: corpus.search('"承诺'), QuerySyntaxError, ""),
        (lambda: corpus.search("date:2022..x"), UsageError, "x"),
        (lambda: corpus.list(since="2023", until="2022"), UsageError, "after"),
        (lambda: corpus.trend("承诺", by="week"), UsageError, "--by"),
        (lambda: corpus.trend("承诺", per=0), UsageError, "--per"),
        (lambda: corpus.refs(top=-1), UsageError, "--top"),
        (lambda: corpus.get("xyz!"), UsageError, "not a record id"),
        (lambda: corpus.export(tmp_path / "out", format="xlsx"), UsageError, "export format"),
    ]
    for call, kind, text in bad:
        with pytest.raises(kind, match=text) if text else pytest.raises(kind):
            call()
    assert not (data / "index").exists()  # nothing was opened, so nothing was built
    with pytest.raises(TypeError, match="regoin"):
        corpus.search("承诺", regoin="黔东南")  # type: ignore[call-arg]


def test_index_returns_the_summary_the_command_prints(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    report = Corpus(data_dir).index()
    assert report.records > 0 and report.summary().startswith(("rebuilt the index", "updated the index"))
    again = Corpus(data_dir).index()
    assert not again.changed and again.summary().startswith("index up to date")
    assert qdn("index").stderr.strip().startswith("qdn: index up to date")


def test_to_pandas_has_the_csv_columns(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    pandas = pytest.importorskip("pandas")
    corpus = Corpus(data_dir)
    for rows, args in ((corpus.search("承诺兑现"), ["search", "承诺兑现"]), (corpus.figures("到位资金"), ["figures", "到位资金"]),
                       (corpus.refs(), ["refs"])):
        df = rows.to_pandas()
        header = next(csv.reader(io.StringIO(qdn(*args, "--format", "csv").stdout.lstrip("\ufeff"))))
        assert list(df.columns) == header and len(df) == len(rows)
    hits = corpus.search("承诺兑现")
    df = hits.to_pandas()
    assert isinstance(df, pandas.DataFrame)
    assert list(df["snippet"]) == [" … ".join(s.text for s in h.snippets) for h in hits] and df["snippet"].str.len().min() > 0
    assert list(df["province"]) == [h.region.province for h in hits]


def test_export_round_trips_through_parquet(qdn, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out"
    run = qdn("export", str(out), "--format", "parquet")
    assert run.exit_code == 0, run.stderr
    listed = qdn("list", "--all-copies", "--format", "json").json()
    rows = pq.read_table(out / "records.parquet").to_pylist()
    assert len(rows) == len(listed) > 0
    by_id = {r["id"]: r for r in rows}
    for want in listed:
        got = by_id[want["id"]]
        got["meta"] = dict(got["meta"])
        for key in ("date", "written_date"):
            got[key] = got[key].isoformat() if got[key] else None
        assert json.loads(json.dumps(got, default=str)) == want
    citations = pq.read_table(out / "citations.parquet").to_pylist()
    assert len(citations) == sum(len(r["citations"]) for r in listed) > 0
    assert {c["id"] for c in citations} <= set(by_id)
    copies = pq.read_table(out / "copies.parquet")
    assert copies.column_names == list(qdn_corpus.DupRow.model_fields)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_without_pyarrow(qdn, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert qdn("export", str(out), "--format", fmt).exit_code == 0
    listed = qdn("list", "--all-copies", "--format", fmt).stdout
    written = (out / f"records.{fmt}").read_text("utf-8")
    if fmt == "jsonl":
        assert sorted(written.splitlines()) == sorted(listed.splitlines())
    else:
        assert sorted(written.lstrip("\ufeff").splitlines()) == sorted(listed.lstrip("\ufeff").splitlines())
    assert sorted(p.name for p in out.iterdir()) == [f"citations.{fmt}", f"copies.{fmt}", f"records.{fmt}"]


def test_export_errors_are_one_line(qdn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    run = qdn("export", str(blocker / "sub"), "--format", "jsonl")
    assert run.exit_code == 2 and run.stderr.startswith("qdn: error: cannot write") and len(run.stderr.splitlines()) == 1
    run = qdn("export", str(tmp_path / "o"), "--format", "xlsx")
    assert run.exit_code == 2 and "parquet, jsonl, csv" in run.stderr


def test_help_paragraphs_are_one_line_each_so_the_terminal_wraps_them() -> None:
    """typer keeps a docstring's own line breaks: at 80 columns they broke sentences midway."""
    for name, command in _commands().items():
        paragraphs = (command.help or "").split("\n\n")
        assert all("\n" not in p for p in paragraphs), name
        assert paragraphs[-1].startswith("Example: ") or any(p.startswith("Example: ") for p in paragraphs), name
    index = _commands()["index"].help.split("\n\n")
    assert index[-3:] == ["Example: qdn --data-dir data index --rebuild", 'Scans too: pip install -e ".\\[ocr]" && qdn index --ocr',
                          'On a Dask cluster: pip install -e ".\\[dask]" && qdn index --ocr --cluster tcp://10.0.0.5:8786']


def test_an_open_corpus_sees_an_update_made_by_another(data_dir: Path) -> None:
    """A Corpus keeps its searcher between calls, but an update committed meanwhile (here by a
    second Corpus, as by `qdn index` in another process) is seen at the next call: the new
    record found, the deleted one gone, the rewritten one found by its new words only."""
    from qdn_corpus import Corpus

    raw = data_dir / "raw"
    (raw / "x.txt").write_text("关于青蛙跳水的通知\n\n要做好青蛙跳水工作。\n", "utf-8")
    (raw / "y.txt").write_text("关于猴子捞月的通知\n\n要做好猴子捞月工作。\n", "utf-8")
    reader = Corpus(data_dir)
    assert reader.search('"青蛙跳水"').total == 1 and reader.search('"猴子捞月"').total == 1
    (raw / "x.txt").unlink()
    (raw / "y.txt").write_text("关于蚂蚁搬家的通知\n\n要做好蚂蚁搬家工作。\n", "utf-8")
    (raw / "z.txt").write_text("关于青蛙跳水的通知\n\n再做好青蛙跳水工作。\n", "utf-8")
    Corpus(data_dir).index()
    assert [h.file for h in reader.search('"青蛙跳水"')] == ["raw/z.txt"]
    assert reader.search('"猴子捞月"').total == 0 and reader.search('"蚂蚁搬家"').total == 1


@pytest.mark.parametrize("enabled", [True, False])
def test_indexing_leaves_the_cycle_collector_as_it_found_it(data_dir: Path, enabled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # An update pauses the collector (store/update.py); a notebook's process must get it back
    # as it was, also when the update fails (here: the disk fills while relations are written).
    import gc

    from qdn_corpus.store import relations

    def full(_gen: Path) -> None:
        raise OSError(28, "No space left on device")

    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        corpus = Corpus(data_dir)
        corpus.index()
        assert gc.isenabled() is enabled
        (data_dir / "raw" / "new.txt").write_text("关于优化营商环境的通知\n\n一、总体要求。\n", "utf-8")
        monkeypatch.setattr(relations, "build", full)
        with pytest.raises(QdnError, match="disk is full"):
            corpus.index()
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_indexing_leaves_what_the_caller_froze_frozen(data_dir: Path) -> None:
    # A server that froze its start-up objects before forking (gc.freeze) keeps them frozen
    # across an update: the update's own unfreeze() would thaw them.
    import gc

    kept = [[] for _ in range(1000)]  # alive throughout: they stay in the frozen generation
    gc.freeze()
    try:
        Corpus(data_dir).index()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
