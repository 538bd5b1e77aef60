"""`qdn figures`: figures as written, their values and units, and the indicator before them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qdn_corpus.reports.figures import figures_in

WRITTEN = [  # text, (figure as written, value, unit, approx, indicator)
    ("事项兑现率96.92%", ("96.92%", 96.92, "%", False, "事项兑现率")),
    ("兑现率达96.92%", ("96.92%", 96.92, "%", False, "兑现率")),
    ("梳理承诺兑现事项260项", ("260项", 260, "项", False, "梳理承诺兑现事项")),
    ("合同约定投资总额355.7亿元", ("355.7亿元", 35_570_000_000, "元", False, "合同约定投资总额")),
    ("新增产业到位资金313.65亿元", ("313.65亿元", 31_365_000_000, "元", False, "新增产业到位资金")),
    ("同比增长5.5%", ("5.5%", 5.5, "%", False, "同比增长")),
    ("共对接企业1645个", ("1645个", 1645, "个", False, "对接企业")),
    ("共1,645个", ("1,645个", 1645, "个", False, None)),
    ("归集数据7860.22万条", ("7860.22万条", 78_602_200, "条", False, "归集数据")),
    ("到位资金三千余万元", ("三千余万元", 30_000_000, "元", True, "到位资金")),
    ("引进企业二十多家", ("二十多家", 20, "家", True, "引进企业")),
    ("增长百分之五十", ("百分之五十", 50, "%", False, "增长")),
    ("提高零点五个百分点", ("零点五个百分点", 0.5, "个百分点", False, "提高")),
    ("其中：工业项目到位资金128.2亿元", ("128.2亿元", 12_820_000_000, "元", False, "工业项目到位资金")),
    ("累计1.2万亿元", ("1.2万亿元", 1_200_000_000_000, "元", False, None)),
    ("出台十项措施", ("十项", 10, "项", False, "出台")),
]


@pytest.mark.parametrize(("text", "expected"), WRITTEN)
def test_written_forms(text: str, expected: tuple[Any, ...]) -> None:
    [f] = list(figures_in(text))
    assert (f.text, f.value, f.unit, f.approx, f.indicator) == expected
    assert type(f.value) is type(expected[1])  # 260, not 260.0: JSON shows what was written
    assert text[f.offset : f.offset + len(f.text)] == f.text


@pytest.mark.parametrize("text", ["2022年5月6日召开会议", "第3批项目", "形成一个窗口", "两家企业", "一是做好服务", "十分重要", "千家万户"])
def test_dates_ordinals_and_words_are_not_figures(text: str) -> None:
    assert list(figures_in(text)) == []


def test_each_clause_has_its_own_indicators() -> None:
    found = list(figures_in("新增到位资金314.5亿元,完成州级年度目标任务600亿元的52.4%,其中:重点产业项目到位资金217.4亿元"))
    assert [(f.text, f.indicator) for f in found] == [
        ("314.5亿元", "新增到位资金"), ("600亿元", "完成州级年度目标任务"), ("52.4%", None), ("217.4亿元", "重点产业项目到位资金"),
    ]


def test_seed_000_states_the_rate_in_two_records(qdn: Any) -> None:
    run = qdn("figures", "兑现率", "--format", "jsonl")
    assert run.exit_code == 0
    rates = [(r["indicator"], r["id"]) for r in run.jsonl() if r["figure"] == "96.92%" and r["file"].startswith("raw/000")]
    assert sorted(i for i, _ in rates) == ["事项兑现率", "兑现率"] and len({d for _, d in rates}) == 2


def test_seed_001_funds_in_place(qdn: Any) -> None:
    rows = [r for r in qdn("figures", "到位资金", "--format", "jsonl").jsonl() if r["file"].startswith("raw/001")]
    assert {"314.5亿元", "217.4亿元", "128.2亿元"} <= {r["figure"] for r in rows}
    assert all("到位资金" in r["clause"] for r in rows)
    assert next(r for r in rows if r["figure"] == "128.2亿元")["value"] == 12_820_000_000


def test_csv_and_exit_status(qdn: Any) -> None:
    out = qdn("figures", "到位资金", "--format", "csv").stdout.lstrip("\ufeff").splitlines()
    assert out[0] == "id,date,province,prefecture,county,title,indicator,figure,value,unit,approx,clause,offset,file"
    assert qdn("figures", "青蛙跳水").exit_code == 1
    run = qdn("figures", "到位资金", "--within", "存在问题", "--format", "jsonl")
    assert run.exit_code == 1 and "0 figure(s)" in run.stderr


def test_figures_come_newest_record_first_in_text_order_with_the_records_fields(qdn: Any, data_dir: Path) -> None:
    raw = data_dir / "raw"
    (raw / "old.txt").write_text("某县承诺兑现工作总结\n\n2019年5月6日\n\n全县招商项目12个。承诺兑现资金300万元。\n", "utf-8")
    (raw / "new.txt").write_text("某县承诺兑现工作通报\n\n2023年8月9日\n\n"
                                 "全县签约项目30个。承诺兑现率达到98%。承诺兑现资金1.5亿元。\n", "utf-8")
    listed = {r["id"]: r for r in qdn("list", "--format", "jsonl", "--limit", "1000").jsonl()}
    rows = qdn("figures", "承诺兑现", "--format", "jsonl").jsonl()
    dates = [r["date"] or "" for r in rows]
    assert dates == sorted(dates, reverse=True) and "2023-08-09" in dates and "2019-05-06" in dates
    ours = [(r["file"], r["figure"]) for r in rows if r["file"] in ("raw/old.txt", "raw/new.txt")]
    # the first figure of each is in a clause without the query: skipped, not the end of the record
    assert ours == [("raw/new.txt", "98%"), ("raw/new.txt", "1.5亿元"), ("raw/old.txt", "300万元")]
    for r in rows:
        record = listed[r["id"]]
        assert (r["date"], r["title"], r["region"], r["file"]) == (record["date"], record["title"], record["region"], record["file"])


def test_within_keeps_the_figures_under_such_headings_wherever_they_come(qdn: Any, data_dir: Path) -> None:
    (data_dir / "raw" / "x.txt").write_text(
        "某县招商引资工作总结\n\n2023年8月9日\n\n一、工作成效\n到位资金3亿元。\n二、存在问题\n到位资金仅完成计划的60%。\n"
        "三、下步打算\n到位资金力争5亿元。\n", "utf-8")
    rows = qdn("figures", "到位资金", "--within", "存在问题", "--format", "jsonl").jsonl()
    assert [(r["file"], r["figure"]) for r in rows] == [("raw/x.txt", "60%")]
