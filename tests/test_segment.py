"""Segmentation: every heading style and inline marker lands in the right kind of section."""
from __future__ import annotations

import pytest

from pipeline.text.script import to_simplified
from pipeline.extract.segment import classify, heading_number, heading_style, segment


def kinds(text: str) -> list[tuple[str, str | None]]:
    """(kind, first 12 characters) of each section."""
    simple = to_simplified(text)
    return [(s.kind, simple[s.start:s.end][:12]) for s in segment(text, simple)]


def kind_at(text: str, needle: str) -> str:
    """Kind of the section holding the first occurrence of `needle`."""
    simple = to_simplified(text)
    pos = simple.index(to_simplified(needle))
    for s in segment(text, simple):
        if s.start <= pos < s.end:
            return s.kind
    raise AssertionError(f"{needle!r} is in no section")


@pytest.mark.parametrize("line,style,number", [
    ("一、工作开展情况", "cn_dun", 1),
    ("二.强化理论武装，抓实学习教育。坚持把…", "cn_dot", 2),
    ("第三，存在的问题", "di", 3),
    ("第一部分 主要做法", "di", 1),
    ("（四）存在的不足", "paren_cn", 4),
    ("(二)加强阵地管理", "paren_cn", 2),
    ("1.工作开展情况", "arabic", 1),
    ("12、宣传栏更新", "arabic", 12),
    ("(3)今后打算", "paren_ar", 3),
    ("（10）其他", "paren_ar", 10),
    ("首先，加强学习", "ordinal_word", None),
])
def test_heading_styles(line, style, number):
    assert heading_style(line) == style
    assert heading_number(line) == number


@pytest.mark.parametrize("line", ["第一时间组织学习", "2021年工作总结", "12.5万元用于阵地建设", "一是加强学习"])
def test_not_headings(line):
    assert heading_style(line) is None


@pytest.mark.parametrize("heading,kind", [
    ("二、存在问题和差距", "存在问题"),
    ("三、存在的问题及下步打算", "存在问题"),
    ("二、问题与不足", "存在问题"),
    ("三、下一步努力方向", "下一步"),
    ("四、2022年工作打算", "下一步"),
    ("一、工作开展情况", "工作开展"),
    ("二、坚持问题导向，推动工作落实", "工作开展"),
    ("（三）聚焦问题短板", "工作开展"),
    # 工作方向/思路/计划/重点 is a plan only as the whole heading, not the object of a work verb
    ("三、2025年工作重点", "下一步"),
    ("第四部分 意识形态工作思路及举措", "下一步"),
    ("2.端正宣传工作方向，唱响主旋律", "工作开展"),
    ("（一）坚持正确工作方向", "工作开展"),
])
def test_classify_heading(heading, kind):
    assert classify(heading) == kind


CN_DUN = """今年以来，我局认真落实意识形态工作责任制。
一、工作开展情况
全年组织集中学习12次。
二、存在的问题
一是理论学习不够深入。二是宣传力度不大。
三、下一步工作打算
一是加强学习。"""


@pytest.mark.parametrize("text,expected", [
    (CN_DUN, ["其他", "工作开展", "存在问题", "下一步"]),
    ("（一）工作开展情况\n组织学习8次。\n（二）存在的问题\n学习不够深入。\n（三）下一步打算\n加强学习。",
     ["工作开展", "存在问题", "下一步"]),
    ("一.强化组织领导。成立领导小组。\n二.存在不足。宣传力度不大。\n三.下步打算。加大宣传力度。",
     ["工作开展", "存在问题", "下一步"]),
    ("1.主要做法\n召开会议3次。\n2.存在问题\n阵地建设滞后。\n3.今后打算\n加强阵地建设。",
     ["工作开展", "存在问题", "下一步"]),
    ("(1)主要做法\n召开会议3次。\n(2)存在问题\n阵地建设滞后。\n(3)今后打算\n加强阵地建设。",
     ["工作开展", "存在问题", "下一步"]),
    ("第一，主要做法。召开会议3次。\n第二，存在的问题。阵地建设滞后。\n第三，下一步打算。加强阵地建设。",
     ["工作开展", "存在问题", "下一步"]),
])
def test_each_heading_style_classified(text, expected):
    assert [k for k, _ in kinds(text)] == expected


def test_marker_lines():
    text = ("一、加强理论武装\n组织学习10次。\n存在不足：\n一是学习不深。\n"
            "二、加强阵地建设\n新建宣传栏4块。\n存在问题:\n一是阵地利用率不高。\n三、下步打算\n一是加强管理。")
    assert [k for k, _ in kinds(text)] == ["工作开展", "存在问题", "工作开展", "存在问题", "下一步"]
    simple = to_simplified(text)
    marker = [s for s in segment(text, simple) if s.style == "marker"]
    assert [s.heading for s in marker] == ["存在不足：", "存在问题:"]


def test_inline_admission_mid_paragraph():
    text = ("一、工作开展情况\n（一）强化学习。组织集中学习12次。但也还存在一些不足。个别干部学习不够深入。\n"
            "（二）加强阵地管理。新建宣传栏3块。\n二、下一步打算\n一是加强学习。")
    got = kinds(text)
    assert got[1] == ("存在问题", "但也还存在一些不足。个别")   # the section starts at the admission
    assert kind_at(text, "组织集中学习12次") == "工作开展"      # the work before it stays work
    assert kind_at(text, "新建宣传栏3块") == "工作开展"          # the next sub-heading goes back
    assert kind_at(text, "一是加强学习") == "下一步"


def test_opening_admission_and_plan_sentence():
    text = ("四、强化阵地建设\n新建文化广场1个。\n"
            "半年来，我镇工作取得了一定成绩，但还存在着一些薄弱环节，主要是：宣传力度不大；队伍力量薄弱。"
            "下半年，我镇将着力加强队伍建设。\n（一）加强学习。组织学习。")
    assert kind_at(text, "但还存在着一些薄弱环节") == "存在问题"
    assert kind_at(text, "下半年，我镇将") == "下一步"
    assert kind_at(text, "（一）加强学习") == "下一步"      # plan items after the problems stay plans


def test_one_sentence_list_then_back():
    text = ("随着形势变化，基层工作面临新情况。目前基层普遍存在队伍力量薄弱、经费投入不足等问题，必须抢占制高点。\n"
            "一是严把责任落实关。\n二是严把选人用人关。")
    assert kind_at(text, "普遍存在队伍力量薄弱") == "存在问题"
    assert kind_at(text, "一是严把责任落实关") == "其他"


def test_traditional_markers():
    text = "一、工作開展情況\n組織學習8次。\n存在問題：\n一是學習不夠深入。\n二、下步打算\n一是加強學習。"
    assert [k for k, _ in kinds(text)] == ["工作开展", "存在问题", "下一步"]


def test_ordinal_word_paragraphs_are_not_sections():
    text = ("一、工作情况\n首先，加强学习，全年组织学习12次。\n其次，还存在一些不足：一是学习不深入；二是宣传不够。\n"
            "二、下一步打算\n加强学习。")
    assert kind_at(text, "首先，加强学习") == "工作开展"
    assert kind_at(text, "其次，还存在一些不足") == "存在问题"
    assert kind_at(text, "加强学习。") == "下一步"


def test_problem_sub_heading_and_plan_sub_heading():
    text = ("一、2021年工作情况\n（一）强化组织领导。召开会议4次。\n（二）存在的问题\n1.责任落实不到位。\n"
            "2.舆情应对能力不强。\n（三）2022年工作打算\n1.压实责任。\n二、其他事项\n无。")
    assert kind_at(text, "召开会议4次") == "工作开展"
    assert kind_at(text, "1.责任落实不到位") == "存在问题"
    assert kind_at(text, "2.舆情应对能力不强") == "存在问题"
    assert kind_at(text, "1.压实责任") == "下一步"


def test_unnumbered_heading_lines():
    text = "组织学习8次。\n存在问题及整改措施\n一是学习不深入。\n针对以上问题，我们将加强学习。"
    assert kind_at(text, "一是学习不深入") == "存在问题"
    assert kind_at(text, "针对以上问题") == "下一步"


def test_announced_numbered_list_becomes_problems():
    text = ("高校工作主流是好的。我们认为，工作中还存在以下不适应的问题。\n"
            "1.干部重视程度不适应\n说明一。\n2.工作队伍能力不适应\n说明二。\n"
            "掌握主阵地\n1.巩固有形阵地\n说明三。")
    assert kind_at(text, "1.干部重视程度不适应") == "存在问题"
    assert kind_at(text, "2.工作队伍能力不适应") == "存在问题"
    assert kind_at(text, "1.巩固有形阵地") == "工作开展"      # numbering restarts: the list is over


def test_numbered_items_after_a_colon_admission_are_problems():
    # "…还存在一些不足：" announces a list as "以下" does; items in the top heading style
    text = ("1.加强学习\n组织学习5次。\n2.管好阵地\n更新宣传栏12期。\n"
            "对照上级要求和群众期待，我们的工作也存在一些短板：\n1.研判机制有待健全。部分科室报送不及时。\n"
            "2.宣传手段偏于传统。新媒体运用少。\n3.下一步打算\n打造品牌栏目。")
    assert kind_at(text, "1.研判机制有待健全") == "存在问题"
    assert kind_at(text, "2.宣传手段偏于传统") == "存在问题"
    assert kind_at(text, "3.下一步打算") == "下一步"       # next in line, but a plan heading ends the list
    assert kind_at(text, "1.加强学习") == "工作开展"


def test_sections_cover_text_in_order():
    simple = to_simplified(CN_DUN)
    secs = segment(CN_DUN, simple)
    assert [s.index for s in secs] == list(range(len(secs)))
    assert all(a.end <= b.start for a, b in zip(secs, secs[1:]))
    assert secs[0].start == 0 and secs[-1].end == len(simple)
