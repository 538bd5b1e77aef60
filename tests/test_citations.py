"""Citations as parsing finds them in a text: spellings, back-references, matching keys."""

from __future__ import annotations

import pytest

from qdn_corpus.read.parsing.citations import extract, is_generic, short_title_key, title_key

SPELLINGS = [  # text, [(title, doc_number)]
    ("根据国发〔2022〕2号文件精神", [(None, "国发〔2022〕2号")]),
    ("执行黔府发[2021]5号", [(None, "黔府发〔2021〕5号")]),
    ("按照黔府发 [ 2021 ] 5 号要求", [(None, "黔府发〔2021〕5号")]),
    ("落实国办发（2022）35号文件", [(None, "国办发〔2022〕35号")]),
    ("依据黔府办发【2023】07号", [(None, "黔府办发〔2023〕7号")]),
    ("《国务院办公厅关于复制推广营商环境创新试点改革举措的通知》(国办发〔2022〕35号)",
     [("国务院办公厅关于复制推广营商环境创新试点改革举措的通知", "国办发〔2022〕35号")]),
    ("《黔东南州人民政府关于印发〈招商引资办法（试行）〉的通知》（黔东南府发[2021] 5号）",
     [("黔东南州人民政府关于印发〈招商引资办法（试行）〉的通知", "黔东南府发〔2021〕5号")]),
    ("《贵州省优化营商环境条例》", [("贵州省优化营商环境条例", None)]),
    ("《黔东南州招商引资三年行动方案(2021-2023年)》", [("黔东南州招商引资三年行动方案(2021-2023年)", None)]),
    ("《黔东南州优化营商环境十条措施（试行）》", [("黔东南州优化营商环境十条措施（试行）", None)]),
    ("《关于 扎实做好 2023年度全省营商环境评价工作的通知》", [("关于扎实做好2023年度全省营商环境评价工作的通知", None)]),
    ("国务院关于进一步优化政务服务提升行政效能的指导意见(国发〔2024〕3号)等文件",
     [("国务院关于进一步优化政务服务提升行政效能的指导意见", "国发〔2024〕3号")]),
    ("根据国务院关于进一步优化政务服务的指导意见（国发〔2024〕3号）", [("国务院关于进一步优化政务服务的指导意见", "国发〔2024〕3号")]),
    ("抢抓新国发2号文件机遇", [(None, None)]),
    # a bare title is looked for at most 80 characters back from its 文号
    ("，关于" + "进" * 75 + "的意见(国发〔2024〕3号)", [("关于" + "进" * 75 + "的意见", "国发〔2024〕3号")]),
    ("，关于" + "进" * 76 + "的意见(国发〔2024〕3号)", [(None, "国发〔2024〕3号")]),
    ("《方案》《办事指南》《通知》《纲要草案》《该意见》《本实施细则》", []),
    # back-references with spaces or a draft mark; a 5-character title ending in 规划 is a title
    ("《方 案》《条例（草案）》《办法(草案)》《工作方案》《管理办法》", []),
    ("《十四五规划》", [("十四五规划", None)]),
    ("2022年11月30日（星期三）", []),
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_citation_spellings(text: str, expected: list[tuple[str | None, str | None]]) -> None:
    found = extract(text)
    assert [(c.title, c.doc_number) for c in found] == expected
    for c in found:
        assert text[c.offset : c.offset + len(c.text)] == c.text


def test_titles_match_with_or_without_the_issuer_and_brackets() -> None:
    assert title_key("《关于印发〈方案〉的通知》") == title_key("关于印发“方案”的通知") == title_key("关于 印发 方案 的通知")
    short = short_title_key("黔东南州人民政府办公室关于做好招商引资工作的通知")
    assert short == short_title_key("关于做好招商引资工作的通知") == title_key("关于做好招商引资工作的通知")
    assert short_title_key("招商引资办法") is None  # no 关于: no short form
    assert not is_generic("民法典") and is_generic("实施方案") and is_generic("本办法")


def test_a_colloquial_number_is_cited_as_written_without_the_words_before_it() -> None:
    [c] = extract("抢抓新国发2号文件机遇")
    assert (c.text, c.offset, c.title, c.doc_number) == ("新国发2号文件", 2, None, None)
    [c] = extract("落实黔府发2号文件")  # the match begins with 落实; the citation does not
    assert (c.text, c.offset) == ("黔府发2号文件", 2)
    # right after a 文号 it is a citation of its own
    found = extract("（国发〔2024〕3号）新国发2号文件")
    assert [(c.text, c.doc_number) for c in found] == [("国发〔2024〕3号", "国发〔2024〕3号"), ("新国发2号文件", None)]
