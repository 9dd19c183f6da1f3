"""Shortcoming statements: every list style cut into items, plans left out, categories explained."""
from __future__ import annotations

import re
import tomllib

import pytest

from pipeline.text.script import to_simplified
from pipeline.config import data_file
from pipeline.extract.segment import segment
from pipeline.extract.shortcomings import categorize, extract_shortcomings, taxonomy


def extract(text: str):
    simple = to_simplified(text)
    return extract_shortcomings(text, simple, segment(text, simple))


def texts(text: str) -> list[str]:
    return [s.text for s in extract(text)]


SEPARATE_LINES = """今年以来，我局认真落实意识形态工作责任制。
一、工作开展情况
全年组织集中学习12次。
二、存在的问题
一是理论学习不够深入，学习形式单一。
二是宣传阵地建设相对滞后，经费投入不足。
三是网络舆情研判能力有待提升。
三、下一步工作打算
一是加强理论学习。二是加大宣传力度。"""


def test_one_shi_items_on_separate_lines():
    assert texts(SEPARATE_LINES) == ["理论学习不够深入，学习形式单一", "宣传阵地建设相对滞后，经费投入不足",
                                     "网络舆情研判能力有待提升"]


def test_heading_and_plan_items_are_not_statements():
    got = texts(SEPARATE_LINES)
    assert not any("存在的问题" in t for t in got)
    assert not any(t.startswith(("加强理论学习", "加大宣传力度")) for t in got)


def test_inline_shi_items_after_colon():
    text = ("一、主要工作\n我办组织学习10次。\n二、存在问题和不足\n"
            "一年来虽然取得了一定成效，但仍然存在一些问题和不足：一是学习教育方式单一；二是对外宣传力度不大；"
            "三是网评员队伍力量薄弱。\n三、下步打算\n下一步，我们将一是加强学习；二是强化宣传。")
    assert texts(text) == ["学习教育方式单一", "对外宣传力度不大", "网评员队伍力量薄弱"]


def test_inline_shi_items_whole_sentences():
    text = ("上半年，机关工作虽然取得了一定成绩，但也还存在一些问题和不足，需要不断改进。一是学习形式不够丰富，"
            "效果有待提升。日常学习局限于读文件。二是宣传队伍建设有待加强。专职人员少。\n下一步，将加强学习。")
    assert texts(text) == ["学习形式不够丰富，效果有待提升。日常学习局限于读文件", "宣传队伍建设有待加强。专职人员少"]


def test_clause_list_after_colon():
    text = ("半年来，我镇宣传工作取得了一定成绩，但还存在着一些薄弱环节，主要表现在：理论学习的深度不够；"
            "新闻上稿数量不多，对外宣传力度还需加大；新媒体运用能力不强。下半年，我镇将继续努力。")
    assert texts(text) == ["理论学习的深度不够", "新闻上稿数量不多，对外宣传力度还需加大", "新媒体运用能力不强"]


def test_cun_zai_deng_wen_ti_list():
    text = ("一、工作情况\n我社区开展活动12场。虽然取得了一定成效，但还存在宣传不足、阵地建设滞后、"
            "志愿者队伍不稳定等问题。今后我们将进一步理清工作思路。")
    assert texts(text) == ["宣传不足", "阵地建设滞后", "志愿者队伍不稳定"]


def test_numbered_heading_items_are_the_headings_only():
    text = ("一、工作情况\n我局开展学习8次。\n二、存在的问题\n1.思想认识不到位\n部分干部对意识形态工作重视不够。\n"
            "2.队伍建设滞后\n缺少专职人员，业务能力不强。\n三、下一步打算\n1.加强学习\n继续组织学习。")
    assert texts(text) == ["思想认识不到位", "队伍建设滞后"]


def test_announced_list_of_numbered_headings():
    text = ("工作主流是好的。我们认为，工作中还存在以下不适应的问题。\n1.干部重视程度与严峻形势不适应\n说明一。\n"
            "2.传统工作方法与网络新媒体不适应\n说明二。\n掌握主阵地\n1.巩固有形阵地\n一是强化环境建设。二是加强课堂管理。")
    assert texts(text) == ["干部重视程度与严峻形势不适应", "传统工作方法与网络新媒体不适应"]


def test_numbered_paragraph_items_are_whole_paragraphs():
    text = ("二、存在的问题\n在看到成绩的同时，我们也清醒地认识到，工作中还存在一些不足：\n"
            "（一）学习教育形式单一。部分支部学习仍停留在读文件。\n（二）舆论引导能力不强。面对突发事件反应不够迅速。\n"
            "三、下一步工作\n（一）加强学习。")
    assert texts(text) == ["学习教育形式单一。部分支部学习仍停留在读文件", "舆论引导能力不强。面对突发事件反应不够迅速"]


def test_top_level_numbered_items_after_a_colon_cue_are_whole_paragraphs():
    # the report's own headings are 1./2.; the problems list reuses that style, one item a
    # line, headline + explanation on the same line; the third headline alone reads like a
    # problems heading ("…能力不足") and must still keep its explanation
    text = ("1.抓好理论武装\n局党组开展集中学习6次。\n2.守好网络阵地\n审核网站信息40条。\n"
            "回顾一年来的工作，我们清醒地看到工作中还存在一些差距：\n1.基层重视程度有待提高。个别站所把宣传当作软指标，投入精力少。\n"
            "2.阵地活力不足。公众号更新慢，阅读量普遍偏低。\n"
            "下一步，我局将持续压实责任。")
    assert texts(text) == ["基层重视程度有待提高。个别站所把宣传当作软指标，投入精力少",
                           "阵地活力不足。公众号更新慢，阅读量普遍偏低"]


def test_nested_items_take_the_innermost_list():
    text = ("二、主要问题\n(一)意识形态工作重视程度不够\n1.理论武装不够扎实\n一是理论学习抓得不紧。全年仅学习2次。"
            "二是学习内容不够聚焦。\n2.阵地管理存在漏洞\n一是网站更新不及时。二是宣传栏内容陈旧。\n三、整改建议\n一是加强学习。")
    assert texts(text) == ["理论学习抓得不紧。全年仅学习2次", "学习内容不够聚焦", "网站更新不及时", "宣传栏内容陈旧"]


@pytest.mark.parametrize("body,expected", [
    ("对照要求，我们还存在一些差距：第一，责任制落实不够到位；第二，基层工作上热下冷。",
     ["责任制落实不够到位", "基层工作上热下冷"]),
    ("主要有：（1）宣传队伍人员不足；（2）经费保障不到位；（3）新闻上稿数量偏少。",
     ["宣传队伍人员不足", "经费保障不到位", "新闻上稿数量偏少"]),
    ("主要有：①宣传队伍人员不足；②经费保障不到位。", ["宣传队伍人员不足", "经费保障不到位"]),
])
def test_other_inline_enumerators(body, expected):
    assert texts("二、存在的不足\n" + body + "\n三、下一步打算\n一是加强学习。") == expected


def test_self_check_inside_work_section():
    text = ("一、工作开展情况\n(一)加强理论学习。全年集中学习12次，一是学原文。二是谈体会。但也还存在一些不足。"
            "个别党员学习不够深入,满足于读读文件。\n(二)加强阵地管理。一是管好微信群。二是管好网站。\n二、下一步打算\n一是加强学习。")
    assert texts(text) == ["个别党员学习不够深入,满足于读读文件"]


def test_run_on_statements_are_cut():
    text = "一、工作情况\n组织学习5次。但也还存在一些不足。对干部思想动态调查研究不够深入意识形态工作是一个动态过程,我们还做得不够"
    assert texts(text) == ["对干部思想动态调查研究不够深入", "意识形态工作是一个动态过程,我们还做得不够"]


def test_page_break_inside_an_item_is_kept():
    text = ("存在问题：\n一是制度执行力度不够大。个别支部在“三会一课”制度落实上存在“制度写在纸上、挂在墙上”的现象，没有按制\n"
            "度规定做好登记。\n二是人才不足。\n二、下步打算\n一是加强学习。")
    assert texts(text)[0].endswith("没有按制\n度规定做好登记")


def test_closing_and_plan_sentences_are_cut():
    text = "存在问题及整改措施\n一是政治理论学习不深入。二是阵地管理存在薄弱环节。\n针对以上问题，我们将：一是加强学习；二是强化管理。"
    assert texts(text) == ["政治理论学习不深入", "阵地管理存在薄弱环节"]


def test_traditional_script_statements_stay_traditional():
    text = ("一、主要工作\n組織學習10次。\n二、存在問題\n一是學習教育方式單一，以灌輸式為主；二是對外宣傳力度不大。\n"
            "三、下步打算\n一是加強學習。")
    got = extract(text)
    assert [s.text for s in got] == ["學習教育方式單一，以灌輸式為主", "對外宣傳力度不大"]
    assert [s.category for s in got] == ["学习教育形式单一/不深入", "宣传力度/外宣不足"]
    assert "灌输" in got[0].triggers                      # triggers are simplified words
    assert "对外宣传" in got[1].triggers
    assert all(text[s.start:s.end] == s.text for s in got)


def test_fields_positions_and_offsets():
    got = extract(SEPARATE_LINES)
    assert [s.position for s in got] == [1, 2, 3]
    simple = to_simplified(SEPARATE_LINES)
    secs = segment(SEPARATE_LINES, simple)
    assert {secs[s.section_index].kind for s in got} == {"存在问题"}
    assert all(SEPARATE_LINES[s.start:s.end] == s.text for s in got)


def test_reports_without_problems_give_nothing():
    text = "一、统一思想\n召开党组会3次。\n二、明确职责\n全局上下没有发现存在明显问题的人和事。"
    assert texts(text) == []


# ---------------------------------------------------------------- categories
@pytest.mark.parametrize("statement,category,trigger", [
    ("学习教育方式单一，采用念文件、看视频等传统形式多", "学习教育形式单一/不深入", "念文件"),
    ("个别班子成员对意识形态工作重视不够，只停留在口号上", "思想认识不到位/重视不够", "重视不够"),
    ("意识形态工作责任制落实不够到位", "责任制落实/制度机制不健全", "责任制落实不够到位"),
    ("联动机制作用发挥不充分，主动性不够高", "责任制落实/制度机制不健全", "联动机制"),
    ("对外宣传力度不大，发表的稿件少", "宣传力度/外宣不足", "对外宣传"),
    ("宣传队伍建设有待加强，缺少专职宣传工作人员", "队伍建设/人才不足", "队伍建设"),
    ("不善运用新媒体资源", "新媒体/网络阵地运用不足", "新媒体"),
    ("阵地建设发挥作用不明显", "阵地建设/经费保障不足", "阵地建设"),
    ("经费投入不足", "阵地建设/经费保障不足", "经费"),
    ("新形势下提高引导舆论的本领需要进一步增强", "舆情研判/风险应对不足", "引导舆论"),
    ("抓意识形态工作普遍存在上热下冷现象，重视程度逐级衰减", "基层/上热下冷", "上热下冷"),
    ("宣传思想工作的方法、形式、途径还需要进一步探索", "方法载体创新不足", "途径还需要进一步探索"),
    ("与上级联系不够紧密", "其他", None),
])
def test_categories_with_triggers(statement, category, trigger):
    primary, cats, triggers = categorize(statement)
    assert primary == category
    assert cats[0] == category
    if trigger is None:
        assert triggers == [] and cats == ["其他"]
    else:
        assert any(trigger in t for t in triggers), triggers


def test_headline_decides_between_categories():
    # the explanation mentions 新媒体 three times; the headline names the lack of team/talent
    primary, cats, _ = categorize("人才不足，激励不多。基层支部书记年龄偏大，对互联网、微信等新媒体不熟悉")
    assert primary == "队伍建设/人才不足"
    assert "新媒体/网络阵地运用不足" in cats


def test_taxonomy_file_is_complete_and_valid():
    with open(data_file("shortcoming_taxonomy.toml"), "rb") as fh:
        raw = tomllib.load(fh)["category"]
    names = [c["name"] for c in raw]
    for required in ["学习教育形式单一/不深入", "思想认识不到位/重视不够", "责任制落实/制度机制不健全", "宣传力度/外宣不足",
                     "队伍建设/人才不足", "新媒体/网络阵地运用不足", "阵地建设/经费保障不足", "舆情研判/风险应对不足",
                     "基层/上热下冷", "其他"]:
        assert required in names
    assert names[-1] == "其他" and len(set(names)) == len(names)
    for c in raw:
        for p in c.get("patterns", []):
            re.compile(p)
    assert [c.name for c in taxonomy()] == names


def test_export_carries_categories(sample_export):
    rows = [s for r in sample_export for s in r["shortcomings"]]
    assert rows and all(s["category"] in s["categories"] for s in rows)
    assert {s["category"] for s in rows} <= {c.name for c in taxonomy()}


def test_problem_n_colon_items():
    """问题一：…问题二：… lines are one series, one statement each."""
    t = ("一、主要工作\n全年组织学习10次。\n二、存在的问题\n"
         "问题一：青年职工理论学习主动性不足，学用结合不紧。\n"
         "问题二：网络阵地管理制度不够健全，审核流程有漏洞。\n"
         "三、下一步打算\n持续加强学习。\n")
    got = [x.text for x in extract_shortcomings(t, t, segment(t, t))]
    assert got == ["青年职工理论学习主动性不足，学用结合不紧", "网络阵地管理制度不够健全，审核流程有漏洞"]
