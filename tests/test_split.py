"""Stage 4 (split): one cleaned file -> its reports.

A collection page holds several (`…十篇1`…`…十篇10`, `篇一`/`篇二`, `【篇三】`, `范文1`); a
second distinct report title after a finished report starts another; a title repeated at
the top (or as a running header) is not a second report, nor is a line that merely names a
report inside a sentence.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.text.clean import clean_text
from pipeline.load.decode import decode_bytes
from pipeline.extract.split import is_title_line, split_reports

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"

BODY = ("今年以来，县审计局党组认真落实意识形态工作责任制，牢牢把握正确政治方向，现将有关情况报告如下：\n"
        "一、工作开展情况\n"
        "（一）加强理论学习。全年组织党组理论学习中心组学习12次，开展专题研讨4次，撰写心得体会30余篇。\n"
        "（二）强化阵地管理。对门户网站、微信公众号实行三审制度，全年发布信息120条。\n"
        "二、存在问题\n"
        "一是学习形式较为单一；二是网络阵地建设有待加强。\n"
        "三、下一步工作打算\n"
        "下一步，我局将继续加强意识形态工作，持续推动责任制落实。")


def parts_of(text: str):
    cleaned = clean_text(text)
    return cleaned, split_reports(cleaned)


def bodies(text: str) -> list[str]:
    cleaned, parts = parts_of(text)
    return [cleaned[p.start:p.end] for p in parts]


# ---------------------------------------------------------------- collections
def test_sample_collection_of_ten():
    cleaned, parts = parts_of(decode_bytes((SAMPLE / "004_4da721bf777090b5.txt").read_bytes())[0])
    assert [p.title for p in parts] == [f"2021意识形态工作情况总结十篇{i}" for i in range(1, 11)]  # 十篇1 ≠ 十篇10
    assert cleaned[parts[0].start:].startswith("自今年年初以来,在市委的正确领导和市政府")
    assert cleaned[parts[8].start:].startswith("一、主要做法及取得的成效\n一是及时传达")   # starts at a heading
    assert cleaned[parts[9].start:].startswith("随着城镇化的不断深化")
    for p in parts:
        assert "十篇" not in cleaned[p.start:p.end]


COLLECTION = f"""首页 > 工作总结 > 党建工作总结
2021年意识形态工作总结8篇
发布时间：2021-12-25 来源：范文网 阅读：1523
2021年意识形态工作总结8篇
意识形态工作总结篇一
{BODY}
意识形态工作总结篇二
今年以来，我镇在县委、县政府的正确领导下，认真贯彻落实意识形态工作责任制。现将有关情况汇报如下：
一、主要做法
1.加强组织领导。镇党委召开专题会议4次。
2.强化阵地建设。
意识形态工作总结篇三
上半年，市财政局党组高度重视意识形态工作，现将上半年工作总结如下。
一、强化责任落实
"""


def test_collection_with_pian_yi_parts():
    cleaned, parts = parts_of(COLLECTION)
    assert [p.title for p in parts] == ["意识形态工作总结篇一", "意识形态工作总结篇二", "意识形态工作总结篇三"]
    texts = [cleaned[p.start:p.end] for p in parts]
    assert texts[0] == BODY
    assert texts[1].startswith("今年以来，我镇") and texts[1].endswith("2.强化阵地建设。")
    assert texts[2].startswith("上半年，市财政局")
    assert all("8篇" not in t for t in texts)          # the collection heading is no report


@pytest.mark.parametrize("markers", [
    ["篇一", "篇二"],
    ["【篇一】", "【篇二】"],
    ["篇1", "篇2"],
    ["意识形态工作总结 篇1", "意识形态工作总结 篇2"],
    ["意识形态工作总结范文（通用5篇）篇1", "意识形态工作总结范文（通用5篇）篇2"],
    ["第一篇", "第二篇"],
    ["【第1篇】", "【第2篇】"],
    ["范文一", "范文二"],
])
def test_part_marker_styles(markers):
    text = (f"意识形态工作总结（精选5篇）\n{markers[0]}\n县审计局2021年意识形态工作总结\n{BODY}\n"
            f"{markers[1]}\n市财政局2021年意识形态工作总结\n{BODY.replace('县审计局', '市财政局')}")
    cleaned, parts = parts_of(text)
    assert len(parts) == 2
    assert [p.title for p in parts] == ["县审计局2021年意识形态工作总结", "市财政局2021年意识形态工作总结"]
    assert cleaned[parts[0].start:parts[0].end] == BODY


def test_marker_carrying_the_title():
    text = f"篇一：县审计局2021年意识形态工作总结\n{BODY}\n篇二：市财政局2021年意识形态工作总结\n{BODY}"
    assert [p.title for p in parts_of(text)[1]] == ["县审计局2021年意识形态工作总结", "市财政局2021年意识形态工作总结"]


# ---------------------------------------------------------------- one report, repeated titles
def test_title_repeated_at_the_top_is_one_report():   # 002: the title three times
    text = decode_bytes((SAMPLE / "002_0d1cd47ed3852840.txt").read_bytes())[0]
    cleaned, parts = parts_of(text)
    assert len(parts) == 1
    assert parts[0].title == "政協機關2020年意識形態工作總結"
    assert cleaned[parts[0].start:].startswith("2020年上半年,在縣委、縣政協黨組的正確領導下")


def test_wenku_wrapper_one_report():
    text = ("百度文库 - 让每个人平等地提升自我\n2021年县审计局意识形态工作总结\n"
            "文档介绍：2021年县审计局意识形态工作总结今年以来，县审计局党组认真落实……\n文件大小：25.6KB\n页数：5页\n"
            f"下载提示：本站不保证该用户上传的文档完整性。\n2021年县审计局意识形态工作总结\n{BODY}\n第1页 共5页\n")
    cleaned, parts = parts_of(text)
    assert len(parts) == 1
    assert parts[0].title == "2021年县审计局意识形态工作总结"
    assert cleaned[parts[0].start:parts[0].end] == BODY


def test_no_title_report_starts_at_first_line():       # 003
    text = decode_bytes((SAMPLE / "003_cd905f0156f91441.txt").read_bytes())[0]
    cleaned, parts = parts_of(text)
    assert len(parts) == 1 and parts[0].title is None and parts[0].start == 0


def test_running_header_repeated_mid_report_is_not_a_report():
    """A PDF prints the title at the top of every page; the page break falls mid-sentence."""
    title = "县审计局2021年意识形态工作总结"
    lines = BODY.split("\n")
    text = "\n".join([title, *lines[:3], "全年组织党员干部开展主题党日活动", title, "10次，覆盖全体党员。", *lines[3:]])
    assert len(parts_of(text)[1]) == 1


def test_sentence_naming_a_report_is_no_title():
    wrapped = BODY.replace("现将有关情况报告如下：", "按照县委要求，\n现将我局2021年度意识形态工作总结\n如下：")
    assert len(parts_of("县审计局意识形态工作总结\n" + wrapped + "\n附件：县审计局2021年意识形态工作总结\n"
                        + BODY)[1]) == 1


def test_two_reports_one_after_another():
    text = (f"市财政局2021年意识形态工作总结\n{BODY}\n"
            f"县教育局2021年上半年意识形态工作总结\n{BODY.replace('今年以来', '上半年')}")
    cleaned, parts = parts_of(text)
    assert [p.title for p in parts] == ["市财政局2021年意识形态工作总结", "县教育局2021年上半年意识形态工作总结"]
    assert [cleaned[p.start:p.end] for p in parts] == [BODY, BODY.replace("今年以来", "上半年")]


HEADINGS = ["一、工作开展情况", "（一）加强理论学习", "(一)加强理论学习", "一.强化组织领导", "1.加强组织领导",
            "1、加强组织领导", "(1)加强组织领导", "1）加强组织领导", "①加强组织领导", "第一部分 工作总结",
            "Ⅰ.工作总结", "一是加强组织领导", "第一，加强组织领导", "首先，加强组织领导"]


@pytest.mark.parametrize("heading", HEADINGS)
def test_headings_are_not_titles(heading):
    assert not is_title_line(heading + "情况汇报")
    text = f"县审计局2021年意识形态工作总结\n{heading}\n{BODY}"
    cleaned, parts = parts_of(text)
    assert len(parts) == 1 and parts[0].title == "县审计局2021年意识形态工作总结"
    assert cleaned[parts[0].start:].startswith(clean_text(heading))


def test_blank_and_empty_text():
    assert split_reports("") == []
    assert split_reports("\n\n") == []


def test_offsets_are_into_the_cleaned_text():
    cleaned, parts = parts_of(COLLECTION)
    for p in parts:
        assert 0 <= p.start < p.end <= len(cleaned)
        assert cleaned[p.start] != "\n" and cleaned[p.end - 1] != "\n"


def test_title_wrapped_onto_two_lines():
    """A long title broken by a PDF or a narrow page is still one title."""
    cleaned, parts = parts_of(f"关于2021年度意识形态工作责任制落实\n情况的报告\n{BODY}")
    assert len(parts) == 1
    assert parts[0].title == "关于2021年度意识形态工作责任制落实情况的报告"
    assert cleaned[parts[0].start:parts[0].end] == BODY


def test_table_of_contents_before_the_parts():
    toc = "".join(f"篇{n}：{u}2021年意识形态工作总结\n" for n, u in (("一", "县审计局"), ("二", "市财政局")))
    text = (f"意识形态工作总结（精选2篇）\n目录\n{toc}"
            f"篇一：县审计局2021年意识形态工作总结\n{BODY}\n篇二：市财政局2021年意识形态工作总结\n{BODY}")
    cleaned, parts = parts_of(text)
    assert [p.title for p in parts] == ["县审计局2021年意识形态工作总结", "市财政局2021年意识形态工作总结"]
    assert [cleaned[p.start:p.end] for p in parts] == [BODY, BODY]


def test_second_report_after_one_that_ends_abruptly():
    """004#1 ends mid-sentence ('…绩效能力'); a new titled report after such an ending still counts."""
    cut = BODY.rsplit("。", 1)[0].replace("下一步，我局将继续加强意识形态工作，持续推动责任制落实",
                                         "下一步，我局将继续加强意识形态工作并重点关注中层干部的绩效能力")
    text = f"县审计局2021年意识形态工作总结\n{cut}\n市财政局2021年意识形态工作总结\n{BODY}"
    cleaned, parts = parts_of(text)
    assert [p.title for p in parts] == ["县审计局2021年意识形态工作总结", "市财政局2021年意识形态工作总结"]


def test_second_report_on_propaganda_work():
    text = (f"县审计局2021年意识形态工作总结\n{BODY}\n"
            f"市财政局2021年宣传思想工作总结\n{BODY.replace('县审计局', '市财政局')}")
    assert [p.title for p in parts_of(text)[1]] == ["县审计局2021年意识形态工作总结", "市财政局2021年宣传思想工作总结"]


def test_collection_heading_is_kept_for_attribution():
    _, parts = parts_of(COLLECTION)
    assert {p.collection_title for p in parts} == {"2021年意识形态工作总结8篇"}
    _, single = parts_of(f"县审计局2021年意识形态工作总结\n{BODY}")
    assert single[0].collection_title is None


def _all_lines_converted(monkeypatch, text):
    import pipeline.extract.split as split_mod

    monkeypatch.setattr(split_mod, "t2s_unchanged", lambda t: False)
    try:
        return split_reports(text)
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("text", [
    "县审计局2021年意识形态工作总结\n" + BODY,
    "縣審計局2021年意識形態工作總結\n" + BODY.replace("意识形态", "意識形態"),     # mixed scripts
    "意识形态工作总结十篇1\n" + BODY + "\n意识形态工作总结十篇2\n县财政局意识形态工作总结\n" + BODY,
    "县审计局2021年意识形态工作总结\n今年以来，我局反覆研究，实现全覆盖。\n" + BODY,            # 覆 in a phrase t2s changes
], ids=["simplified", "mixed", "collection", "phrase"])
def test_lines_of_a_text_t2s_leaves_alone_need_no_conversion(monkeypatch, text):
    cleaned = clean_text(text)
    assert split_reports(cleaned) == _all_lines_converted(monkeypatch, cleaned)


def test_samples_split_alike_with_or_without_the_whole_text_check(monkeypatch):
    for p in sorted(SAMPLE.glob("*.txt")):
        cleaned = clean_text(decode_bytes(p.read_bytes())[0])
        assert split_reports(cleaned) == _all_lines_converted(monkeypatch, cleaned), p.name


def test_title_found_below_a_page_menu_the_cleaner_does_not_know():
    text = ("歙县人民政府 | 简体版 | 繁体版 | 无障碍\n首页\n政务公开\n办事服务\n"
            "歙县文化和旅游局落实意识形态工作责任制情况报告\n"
            "2022年，局党组坚持以习近平新时代中国特色社会主义思想为指导，严格落实意识形态工作责任制。现将有关情况报告如下。\n"
            + "一、落实主体责任\n局党组把意识形态工作列入重要议事日程，全年召开党组会专题研究意识形态工作4次。" * 2)
    (part,) = split_reports(text)
    assert part.title == "歙县文化和旅游局落实意识形态工作责任制情况报告"


def test_a_sentence_above_the_title_is_not_skipped_as_menu():
    text = ("本文转自某网站，仅供参考。\n县教育局2022年意识形态工作总结\n"
            + "2022年，局党组坚持以习近平新时代中国特色社会主义思想为指导。全年组织集中学习12次。" * 3)
    # only short, unpunctuated lines are skipped as a menu: a sentence ends the search
    assert [(p.start, p.title) for p in split_reports(text)] == [(0, None)]
