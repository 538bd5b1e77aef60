"""Citations (refs, cites, cited-by) and copies (dups, one row per document), as the CLI shows them."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest


def test_seed_citations(qdn: Any) -> None:
    rows = qdn("cited-by", "《贵州省优化营商环境条例》", "--format", "jsonl").jsonl()
    files = sorted(r["file"][:7] for r in rows)
    assert files == ["raw/000", "raw/000", "raw/002"] and all("《贵州省优化营商环境条例》" in r["sentence"] for r in rows)
    assert qdn("cited-by", "贵州省优化营商环境条例", "--format", "jsonl").jsonl() == rows  # 《》 optional
    [row] = qdn("cited-by", "国发〔2022〕2号", "--format", "jsonl").jsonl()
    assert row["file"].startswith("raw/002") and "国发〔2022〕2号文件" in row["sentence"]
    assert qdn("cited-by", "国发[2022]2号", "--format", "jsonl").jsonl() == [row]
    seed2 = next(r for r in qdn("list", "--format", "jsonl").jsonl() if r["file"].startswith("raw/002"))
    cited = qdn("cites", seed2["id"], "--format", "jsonl").jsonl()
    assert {"title": "国务院办公厅关于复制推广营商环境创新试点改革举措的通知", "doc_number": "国办发〔2022〕35号"} in [
        {"title": c["title"], "doc_number": c["doc_number"]} for c in cited]
    colloquial = [r for r in qdn("refs", "--top", "0", "--format", "jsonl").jsonl() if r["text"] == "新国发2号文件"]
    assert [(r["held"], r["citing_records"], r["doc_number"]) for r in colloquial] == [(False, 3, None)]


POLICY = ("黔东南州人民政府关于印发黔东南州招商引资项目承诺兑现办法的通知\n\n黔东府发〔2022〕9号\n\n"
          "各县（市）人民政府：\n\n为规范招商引资项目承诺兑现，维护政府诚信，制定本办法。一、凡以政府名义作出的承诺，应当依法依规、"
          "实事求是。二、建立承诺事项台账，实行销号管理，每月调度一次。三、对未兑现承诺的，由州投资促进局督促整改。\n")
CITING = ("凯里市落实承诺兑现工作情况\n\n来源：凯里市投资促进局 发布时间：2023-03-01\n\n"
          "根据《黔东南州人民政府关于印发黔东南州招商引资项目承诺兑现办法的通知》（黔东府发〔2022〕9号）要求，我市梳理承诺事项42项。\n")
BY_TITLE = ("黎平县承诺兑现推进情况\n\n来源：黎平县人民政府 发布时间：2023-04-02\n\n"
            "按照《关于印发黔东南州招商引资项目承诺兑现办法的通知》要求，全县已兑现承诺事项18项。\n")


def _write(data_dir: Path, docs: dict[str, str]) -> None:
    for name, text in docs.items():
        (data_dir / "raw" / name).write_text(text, "utf-8")


def test_a_citation_resolves_to_the_corpus_record_it_names(qdn: Any, data_dir: Path) -> None:
    _write(data_dir, {"policy.txt": POLICY, "citing.txt": CITING, "by_title.txt": BY_TITLE})
    policy = next(r for r in qdn("list", "--format", "jsonl").jsonl() if r["file"] == "raw/policy.txt")
    rows = qdn("cited-by", policy["id"], "--format", "jsonl").jsonl()
    assert [r["file"] for r in rows] == ["raw/by_title.txt", "raw/citing.txt"]  # newest first; by 文号 and by short title
    [ref] = [r for r in qdn("refs", "--format", "jsonl").jsonl() if r["target"] == policy["id"]]
    assert ref["held"] and ref["citing_records"] == 2 and ref["doc_number"] == "黔东府发〔2022〕9号"
    assert (ref["first"], ref["last"]) == ("2023-03-01", "2023-04-02") and sorted(ref["citing_regions"]) == ["凯里市", "黎平县"]
    citing = next(r for r in qdn("list", "--format", "jsonl").jsonl() if r["file"] == "raw/citing.txt")
    assert [c["target"] for c in qdn("cites", citing["id"], "--format", "jsonl").jsonl()] == [policy["id"]]
    assert [c["target"] for c in qdn("show", citing["id"], "--format", "json").json()[0]["citations"]] == [policy["id"]]
    assert [r["file"] for r in qdn("cited-by", policy["id"], "--region", "凯里", "--format", "jsonl").jsonl()] == ["raw/citing.txt"]


def test_a_document_naming_its_own_number_does_not_cite_itself(qdn: Any, data_dir: Path) -> None:
    _write(data_dir, {"policy.txt": POLICY.replace("制定本办法。", "特制定本办法（黔东府发〔2022〕9号）。")})
    policy = next(r for r in qdn("list", "--format", "jsonl").jsonl() if r["file"] == "raw/policy.txt")
    assert policy["doc_number"] == "黔东府发〔2022〕9号" and policy["citations"] == []
    assert qdn("cited-by", "黔东府发〔2022〕9号").exit_code == 1


def test_a_citation_of_two_documents_stays_unresolved(qdn: Any, data_dir: Path) -> None:
    other = POLICY.replace("黔东南州人民政府关于", "凯里市人民政府关于").replace("黔东府发〔2022〕9号", "凯府发〔2022〕3号")
    other = other.replace("为规范", "为进一步规范全市").replace("每月调度一次", "每季度通报一次，年底考核")
    _write(data_dir, {"policy.txt": POLICY, "other.txt": other, "by_title.txt": BY_TITLE})
    [cite] = qdn("cites", next(r["id"] for r in qdn("list", "--format", "jsonl").jsonl() if r["file"] == "raw/by_title.txt"),
                 "--format", "jsonl").jsonl()
    assert cite["target"] is None  # 关于印发…的通知 names both 黔东南州's and 凯里市's


# ---- copies ------------------------------------------------------------------------------------

ORIGINAL = ("黔东南州人民政府办公室关于进一步做好招商引资项目服务保障工作的通知\n\n来源：黔东南州人民政府办公室 发布时间：2022-06-01\n\n"
            "各县（市）人民政府，州直各部门：\n\n为进一步优化营商环境，提升招商引资项目服务保障水平，现就有关事项通知如下。"
            "一、强化项目全程代办。各地要建立重点项目代办员制度，对新引进项目实行一对一服务，帮助企业办理立项、用地、环评、施工许可等手续。"
            "二、落实要素保障。对符合条件的项目优先保障用地、用电、用水、用气需求，协调解决融资难题。"
            "三、加强承诺兑现。对招商引资中作出的政策承诺，要建立台账，逐项兑现，不得新官不理旧账。"
            "四、健全督查机制。州投资促进局每季度对项目服务情况进行督查通报，结果纳入年度考核。\n\n黔东南州人民政府办公室\n2022年6月1日\n")


def _repost(site: str, date: str, edit: str = "") -> str:
    """A county site's repost: its own header above the province's text, and a small edit."""
    body = ORIGINAL.split("\n\n", 2)[2].replace("现就有关事项通知如下。", f"现就有关事项通知如下。{edit}")
    return f"黔东南州人民政府办公室关于进一步做好招商引资项目服务保障工作的通知\n\n来源：{site} 发布时间：{date}\n\n{body}"


READING = ("《关于进一步做好招商引资项目服务保障工作的通知》政策解读\n\n来源：黔东南州投资促进局 发布时间：2022-06-03\n\n"
           "近日，州人民政府办公室印发通知，对招商引资项目服务保障作出部署。记者就通知出台背景和主要内容采访了州投资促进局负责人。"
           "问：为什么要出台这个通知？答：当前项目落地中仍存在手续办理慢、要素保障不到位、承诺兑现不及时等问题，企业反映较多。"
           "问：通知有哪些亮点？答：一是推行代办员制度，二是优先保障要素，三是建立承诺兑现台账，四是实行季度督查通报。\n")
READING_2 = ("一图读懂招商引资项目服务保障通知\n\n来源：凯里市融媒体中心 发布时间：2022-06-05\n\n"
             "州里出台了新政策，项目服务更贴心。重点项目有代办员全程帮办，立项用地环评施工许可一条龙服务。"
             "用地用电用水用气优先保障，融资难题协调解决。政府承诺逐项兑现，新官也要理旧账。每季度督查通报，结果纳入考核。\n")


def _groups(qdn: Any) -> list[list[str]]:
    assert qdn("index").exit_code == 0  # a file changed in place is seen by `qdn index`
    rows = qdn("dups", "--top", "0", "--format", "jsonl").jsonl()
    groups: dict[int, list[str]] = {}
    for r in rows:
        groups.setdefault(r["group"], []).append(r["file"])
    return [sorted(g) for _, g in sorted(groups.items())]


def test_reposts_with_their_own_headers_are_one_document(qdn: Any, data_dir: Path) -> None:
    _write(data_dir, {
        "state.txt": ORIGINAL, "kaili.txt": _repost("凯里市人民政府", "2022-06-02"),
        "liping.txt": _repost("黎平县人民政府", "2022-06-03", "请各地认真贯彻执行。"), "reading.txt": READING, "reading2.txt": READING_2,
    })
    assert _groups(qdn) == [["raw/kaili.txt", "raw/liping.txt", "raw/state.txt"]]
    rows = qdn("dups", "--format", "jsonl").jsonl()
    assert rows[0]["file"] == "raw/state.txt" and rows[0]["canonical"]  # the earliest
    assert all(r["similarity"] >= 0.8 for r in rows)
    similarity = {r["file"]: r["similarity"] for r in rows}  # to the canonical: liping's has one more sentence
    assert similarity["raw/state.txt"] == 1.0 and similarity["raw/liping.txt"] < 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a record with copies serialises cleanly (no pydantic warning)
        hits = [h for h in qdn("search", "代办员", "--format", "jsonl").jsonl() if not h["file"].startswith("raw/0")]
    assert sorted(h["file"] for h in hits) == ["raw/reading.txt", "raw/reading2.txt", "raw/state.txt"]
    state = next(h for h in hits if h["file"] == "raw/state.txt")
    assert state["copies"] == 3 and state["canonical"] == state["id"]
    assert sorted(c["file"] for c in state["copies_in"]) == ["raw/kaili.txt", "raw/liping.txt"]
    every = [h for h in qdn("search", "代办员", "--all-copies", "--format", "jsonl").jsonl() if not h["file"].startswith("raw/0")]
    assert len(every) == 5 and {h["canonical"] for h in every if "reading" not in h["file"]} == {state["id"]}
    seeds = len(qdn("search", "代办员", "--format", "jsonl").jsonl()) - 3
    assert sum(r["records"] for r in qdn("trend", "代办员", "--by", "year", "--format", "jsonl").jsonl()) == 3 + seeds
    assert sum(r["records"] for r in qdn("trend", "代办员", "--by", "year", "--all-copies", "--format", "jsonl").jsonl()) == 5 + seeds
    mine = [r for r in qdn("list", "--format", "jsonl").jsonl() if not r["file"].startswith("raw/0")]
    assert sorted(r["file"] for r in mine) == ["raw/reading.txt", "raw/reading2.txt", "raw/state.txt"]
    [kaili] = [r for r in qdn("dups", state["copies_in"][0]["id"], "--format", "jsonl").jsonl() if r["file"] == "raw/kaili.txt"]
    assert kaili["copies"] == 3 and not kaili["canonical"]


def _repost_naming_its_original() -> tuple[str, str]:
    """A county's repost under its own title whose body names the original by its title; and
    the sentence that names it."""
    named = "请认真贯彻《黔东南州人民政府办公室关于进一步做好招商引资项目服务保障工作的通知》。"
    repost = _repost("凯里市人民政府", "2022-06-02", named).replace(
        "黔东南州人民政府办公室关于", "凯里市人民政府办公室转发黔东南州人民政府办公室关于", 1)
    return named, repost


def test_a_copy_citing_its_original_does_not_cite_itself(qdn: Any, data_dir: Path) -> None:
    """A county's repost under its own title, whose body names the original: they are one
    document, so the citation has no target; the same words in a reading resolve."""
    named, repost = _repost_naming_its_original()
    _write(data_dir, {"state.txt": ORIGINAL, "kaili.txt": repost, "reading.txt": READING.replace("近日，", "近日，" + named)})
    assert _groups(qdn) == [["raw/kaili.txt", "raw/state.txt"]]
    mine = {r["file"]: r for r in qdn("list", "--format", "jsonl", "--all-copies").jsonl()}
    state, kaili, reading = mine["raw/state.txt"], mine["raw/kaili.txt"], mine["raw/reading.txt"]
    assert [c["title"] for c in kaili["citations"]] == [c["title"] for c in reading["citations"]] != []
    assert [c["target"] for c in kaili["citations"]] == [None]
    assert [c["target"] for c in reading["citations"]] == [state["id"]]


def test_citations_of_records_a_later_update_added_resolve_as_in_one_build(qdn: Any, data_dir: Path) -> None:
    """Records that come in a later update sit in a segment after the first: their citations
    resolve to what they name, and a copy's citation of its original still has no target."""
    _write(data_dir, {"policy.txt": POLICY, "state.txt": ORIGINAL})
    assert qdn("index").exit_code == 0
    _write(data_dir, {"citing.txt": CITING, "kaili.txt": _repost_naming_its_original()[1]})
    assert qdn("index").exit_code == 0
    mine = {r["file"]: r for r in qdn("list", "--format", "jsonl", "--all-copies").jsonl()}
    assert [c["target"] for c in mine["raw/citing.txt"]["citations"]] == [mine["raw/policy.txt"]["id"]]
    assert [c["target"] for c in mine["raw/kaili.txt"]["citations"]] == [None]
    assert mine["raw/kaili.txt"]["canonical"] == mine["raw/state.txt"]["id"]


def test_the_copies_holding_the_text_stand_for_their_group_when_the_canonical_does_not(qdn: Any, data_dir: Path) -> None:
    _write(data_dir, {
        "state.txt": ORIGINAL, "kaili.txt": _repost("凯里市人民政府", "2022-06-02", "请各地认真贯彻执行，到位资金3亿元。"),
        "liping.txt": _repost("黎平县人民政府", "2022-06-03", "请各地认真贯彻执行，到位资金3亿元。"),
    })
    assert _groups(qdn) == [["raw/kaili.txt", "raw/liping.txt", "raw/state.txt"]]
    # Only the two reposts hold the sentence: one row, the first of them in the index.
    [hit] = qdn("search", '"认真贯彻执行"', "--format", "jsonl").jsonl()
    assert hit["file"] == "raw/kaili.txt" and hit["copies"] == 3
    assert [h["file"] for h in qdn("search", '"认真贯彻执行"', "--all-copies", "--format", "jsonl").jsonl()] == [
        "raw/kaili.txt", "raw/liping.txt"]
    [row] = [r for r in qdn("list", "--since", "2022-06-02", "--format", "jsonl").jsonl() if not r["file"].startswith("raw/0")]
    assert row["file"] == "raw/kaili.txt"  # the canonical (06-01) is filtered out; its copies stand in
    # figures count a document once too: the figure of both reposts is one row
    assert [(r["file"], r["figure"]) for r in qdn("figures", "到位资金", "--format", "jsonl").jsonl()
            if not r["file"].startswith("raw/0")] == [("raw/kaili.txt", "3亿元")]


def test_updates_keep_groups_right(qdn: Any, data_dir: Path) -> None:
    _write(data_dir, {"state.txt": ORIGINAL, "reading.txt": READING})
    assert _groups(qdn) == []
    _write(data_dir, {"kaili.txt": _repost("凯里市人民政府", "2022-06-02")})  # a new file reposts an indexed one
    assert _groups(qdn) == [["raw/kaili.txt", "raw/state.txt"]]
    _write(data_dir, {"liping.txt": _repost("黎平县人民政府", "2022-05-30")})  # an earlier copy becomes canonical
    assert qdn("dups", "--format", "jsonl").jsonl()[0]["file"] == "raw/liping.txt"
    _write(data_dir, {"kaili.txt": READING_2})  # a copy changed into something else leaves the group
    assert _groups(qdn) == [["raw/liping.txt", "raw/state.txt"]]
    (data_dir / "raw" / "liping.txt").unlink()  # deleted: the group is gone
    assert _groups(qdn) == []
    run = qdn("dups")
    assert run.exit_code == 1 and "0 group(s)" in run.stderr


def test_unrelated_documents_of_the_seeds_are_not_copies(qdn: Any) -> None:
    assert _groups(qdn) == []


@pytest.mark.parametrize("command", ["refs", "dups"])
def test_a_negative_top_is_an_error(qdn: Any, command: str) -> None:
    run = qdn(command, "--top", "-1")
    assert run.exit_code == 2 and run.stderr == "qdn: error: --top must be 1 or more (0 for all), not -1\n"
    assert qdn(command, "--top", "0").exit_code in (0, 1)



def _relations(data: Path) -> dict[str, Any]:
    """What the corpus knows of copies and citations, by record id and file (not segment)."""
    from qdn_corpus import Corpus

    c = Corpus(data)
    dups = [{k: v for k, v in r.items()} for r in c.dups(top=None).to_dicts()]
    records = c.list(all_copies=True)
    return {
        "dups": dups, "refs": c.refs(top=None).to_dicts(),
        "cites": {r.id: c.cites(r.id).to_dicts() for r in records},
        "copies": sorted((r.id, r.canonical, r.copies) for r in records),
    }


def test_incremental_relations_equal_a_rebuild(data_dir: Path, tmp_path: Path) -> None:
    """After each update (copies added, changed, deleted; citing and cited documents coming and
    going), copies and citations equal those of a rebuild of the same folder: the pairs kept
    from before and the new ones compared with all make the same groups."""
    import random
    import shutil

    from qdn_corpus import Corpus

    texts = {
        "state": ORIGINAL, "kaili": _repost("凯里市人民政府", "2022-06-02"), "liping": _repost("黎平县人民政府", "2022-05-30"),
        "congjiang": _repost("从江县人民政府", "2022-06-09", "请各地认真贯彻执行。"), "reading": READING, "reading2": READING_2,
        "policy": POLICY, "citing": CITING, "by_title": BY_TITLE,
    }
    rng = random.Random(5)
    raw = data_dir / "raw"
    _write(data_dir, {"policy.txt": POLICY, "citing.txt": CITING})
    Corpus(data_dir).index()
    grouped = resolved = 0
    for step in range(14):
        name = rng.choice(sorted(texts))
        path = raw / f"{name}.txt"
        if path.exists() and rng.random() < 0.4:
            path.unlink()
        else:
            path.write_text(texts[rng.choice(sorted(texts))] if rng.random() < 0.3 else texts[name], "utf-8")
        Corpus(data_dir).index()
        fresh = tmp_path / f"fresh{step}"
        shutil.copytree(raw, fresh / "raw")
        Corpus(fresh).index()
        now = _relations(data_dir)
        assert now == _relations(fresh), step
        grouped += bool(now["dups"])
        resolved += any(c["target"] for cites in now["cites"].values() for c in cites)
    assert grouped >= 4 and resolved >= 4, (grouped, resolved)  # the steps compared something


def test_a_search_reads_the_targets_but_not_the_segments_citations(qdn: Any, data_dir: Path) -> None:
    """relations.json (groups, targets) is what a search reads; each segment's citations
    (.qcit) are read by refs, cites and cited-by only: without them, searches and records are
    unchanged, and refs cannot answer."""
    from qdn_corpus.store import fulltext, relations
    from qdn_corpus.store.index import live

    _write(data_dir, {"policy.txt": POLICY, "citing.txt": CITING, "by_title.txt": BY_TITLE})
    searched = qdn("search", "招商引资", "--format", "jsonl", "--limit", "50").jsonl()
    listed = qdn("list", "--format", "jsonl", "--all-copies").jsonl()
    assert any(c.get("target") for r in listed for c in r["citations"])
    assert qdn("refs", "--format", "jsonl").jsonl()
    for path in live(data_dir).path.glob("*.qcit"):  # type: ignore[union-attr]
        path.unlink()
    fulltext.reader.cache_clear()  # this process read them for refs, and kept what it derived
    relations._load.cache_clear()
    assert qdn("search", "招商引资", "--format", "jsonl", "--limit", "50").jsonl() == searched
    assert qdn("list", "--format", "jsonl", "--all-copies").jsonl() == listed
    broken = qdn("refs", "--format", "jsonl")
    assert broken.exit_code == 2 and "qdn index --rebuild" in broken.stderr, broken.stderr


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_few_new_rows_pair_as_banding_every_row_does(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """An update of a file or two compares its rows with every row instead of banding all:
    the pairs are the same, including near copies that share a band but too few digests, and
    copies as close as the threshold that share no band."""
    import math

    import numpy as np

    from qdn_corpus.store import pairs

    rng = np.random.default_rng(seed)
    n, width = 400, pairs.NUM_PERM // pairs.BANDS
    sig = rng.integers(1, 1 << 32, size=(n, pairs.NUM_PERM), dtype=np.uint32)
    sig[rng.choice(n, 20, replace=False)] = 0  # bodies too short: no MinHash
    new = np.zeros(n, dtype=bool)
    new[rng.choice(np.flatnonzero(sig.any(axis=1)), 3, replace=False)] = True
    others = iter(rng.permutation(np.flatnonzero(~new)).tolist())
    for row in np.flatnonzero(new):
        for kind in ("copy", "one band", "close, no band", "at the threshold"):
            other = next(others)
            if kind == "copy":
                sig[other] = sig[row]
                sig[other, rng.choice(pairs.NUM_PERM, 10, replace=False)] += 1
            elif kind == "one band":  # shares a band, not enough digests
                band = int(rng.integers(pairs.BANDS))
                sig[other, band * width : (band + 1) * width] = sig[row, band * width : (band + 1) * width]
            else:  # equal digests enough, but one digest of every band differs (or none does)
                sig[other] = sig[row]
                equal = math.ceil(pairs.THRESHOLD * pairs.NUM_PERM)  # just enough
                changed = [b * width for b in range(pairs.BANDS)] if kind != "at the threshold" else []
                rest = [i for i in range(width, pairs.NUM_PERM) if i not in changed]  # band 0 kept at the threshold
                changed += list(rng.choice(rest, pairs.NUM_PERM - equal - len(changed), replace=False))
                sig[other, changed] += 1
    found = pairs.pairs(sig, new)
    monkeypatch.setattr(pairs, "_DIRECT", 0)  # band every row
    assert found == pairs.pairs(sig, new)
    assert found and all(new[a] or new[b] for a, b in found)
    assert len(found) >= 6  # each new row's copy and the one at the threshold, at least


@pytest.mark.parametrize("kept", [0.3, 0.6, 0.9])
def test_a_minhash_estimates_the_jaccard_similarity_of_5_gram_sets(kept: float) -> None:
    """The share of equal digests of two bodies is close to the Jaccard similarity of their
    sets of 5-grams (spaces ignored), computed here exactly; too short a body has none."""
    import random

    import numpy as np

    from qdn_corpus.store import relations

    rng = random.Random(int(kept * 10))
    letters = "政府招商引资营商环境承诺"  # 12 characters: both texts hold every bigram and trigram, not every 5-gram
    a = "".join(rng.choice(letters) for _ in range(3000))
    cut = int(len(a) * kept)
    b = a[:cut] + "".join(rng.choice(letters) for _ in range(len(a) - cut))
    grams = [{t[i : i + 5] for i in range(len(t) - 4)} for t in (a, b)]
    exact = len(grams[0] & grams[1]) / len(grams[0] | grams[1])
    spaced = " ".join(b[i : i + 7] for i in range(0, len(b), 7))  # spaces are not part of the text
    da, db = (np.frombuffer(relations.minhash(t), dtype="<u4") for t in (a, spaced))
    assert len(da) == relations.NUM_PERM
    assert abs(float((da == db).mean()) - exact) < 0.12, (exact, float((da == db).mean()))
    assert relations.minhash("短" * (relations.MIN_BODY - 1)) == b""


def test_a_replaced_citing_document_leaves_its_targets_to_no_other(data_dir: Path, tmp_path: Path) -> None:
    """A citing file changed into one that cites nothing leaves its old version deleted in its
    segment: its citations are not taken for the live record after it (the row a deleted
    document would sit at), and the relations equal a rebuild's."""
    import shutil

    from qdn_corpus import Corpus

    unresolved = ("关于做好项目服务工作的通知\n\n来源：凯里市投资促进局 发布时间：2023-04-01\n\n"
                  "根据《国务院关于不在本库的文件的通知》（国发〔2099〕99号），做好服务工作。\n")
    _write(data_dir, {"a_citing.txt": CITING, "b_unresolved.txt": unresolved, "policy.txt": POLICY})
    Corpus(data_dir).index()
    cites = _relations(data_dir)["cites"]
    assert any(c["target"] for found in cites.values() for c in found)
    assert any(found and not any(c["target"] for c in found) for found in cites.values())  # b cites, unresolved
    _write(data_dir, {"a_citing.txt": READING_2})
    Corpus(data_dir).index()
    fresh = tmp_path / "fresh"
    shutil.copytree(data_dir / "raw", fresh / "raw")
    Corpus(fresh).index()
    assert _relations(data_dir) == _relations(fresh)
