"""Stage tests for the rules learnt from real web pages (issue 11), one real snippet each.

Every snippet is quoted from a page in `fixtures/real_openings/` or `fixtures/real_collected/`
(file named in the comment), trimmed to the part the rule is about. The rules live in the
data files (boilerplate.txt, metric_rules.toml, unit_types.toml, sections.toml,
shortcoming_cues.toml); these tests say what each one is for.
"""
from __future__ import annotations

import pytest

from pipeline.extract.units import unit_type_of
from pipeline.extract.attribute import attribute
from pipeline.text.clean import clean_text
from pipeline.extract.metrics import extract_metrics
from pipeline.extract.process import process_bytes
from pipeline.text.script import to_simplified
from pipeline.extract.segment import segment
from pipeline.extract.shortcomings import extract_shortcomings


def counts(text: str) -> list[tuple[float | None, str]]:
    body = clean_text(text)
    simple = to_simplified(body)
    return [(m.value, m.measure) for m in extract_metrics(body, simple, segment(body, simple))]


def statements(text: str) -> list[str]:
    body = clean_text(text)
    simple = to_simplified(body)
    return [s.text for s in extract_shortcomings(body, simple, segment(body, simple))]


def reports(text: str) -> list:
    return process_bytes(text.encode("utf-8"), "page.txt").reports


# ---------------------------------------------------------------- site furniture and preambles
@pytest.mark.parametrize("page,gone,kept", [
    # r09: a site's preamble and an essay on how to write a summary
    ("下面是小编为大家整理的2023年度街道意识形态工作总结(五篇)(全文完整),供大家参考。\n"
     "总结不仅仅是总结成绩,更重要的是为了研究经验。以下我给大家整理了一些优质的总结范文,希望对大家能够有所帮助。\n"
     "街道意识形态工作总结\n今年以来,我街道认真落实意识形态工作责任制。",
     "小编", "我街道认真落实"),
    # r34 / b11: a sharing site's file facts and notices
    ("- 2021-04-19 发布 |\n- 37.5 KB |\n- 5页\n申明敬告: 本站不保证该用户上传的文档完整性。\n"
     "学校2020年意识形态工作总结\n2020年,学校党委认真落实意识形态工作责任制。",
     "37.5 KB", "学校党委认真落实"),
    # a24: numbered notices of a document-sharing site
    ("- 1、下载文档前请自行甄别文档内容的完整性,平台不提供额外的编辑服务。\n"
     "- 3、如文档侵犯您的权益,请联系客服反馈,我们会尽快为您处理。\n社区宣传思想文化工作总结\n今年以来,我社区坚持以习近平新时代中国特色社会主义思想为指导。",
     "甄别", "我社区坚持"),
    # c27: a government portal's record header
    ("索引号: | 11341823MB1566401C/202311-00052 | 组配分类: | 规划计划 |\n发布机构: | 青阳县卫生健康委员会 | 主题分类: | 卫生、体育 |\n"
     "2023年,县卫生健康委坚持以习近平新时代中国特色社会主义思想为指导,扎实推进各项工作。",
     "索引号", "县卫生健康委坚持"),
])
def test_site_chrome_and_preambles_are_dropped(page, gone, kept):
    text = clean_text(page)
    assert gone not in text and kept in text


def test_a_preamble_sentence_run_into_the_report_drops_only_itself():
    # c16: "…希望对大家有所帮助!我支部以培育…" on one line
    text = clean_text("我的公文网今天为大家精心准备了学校党支部关于2020年第一季度意识形态领域研判报告,希望对大家有所帮助!"
                      "我支部以培育和践行社会主义核心价值观为根本,积极开展了意识形态工作。")
    assert text.startswith("我支部以培育")


def test_table_of_contents_is_no_report_text():
    # a27: "目录/提纲:……" then the headings, then the report repeating the first one
    page = ("目录/提纲:……\n一、做好宣传思想工作,是实现***现代化的必然要求\n二、宣传思想工作简要回顾与存在问题\n"
            "一是“两手抓”需加强\n二是宣传方式需创新\n一、做好宣传思想工作,是实现***现代化的必然要求\n"
            "做好宣传思想工作,离不开良好的舆论环境。我行认真落实意识形态工作责任制。")
    text = clean_text(page)
    assert "目录" not in text and "宣传方式需创新" not in text
    assert text.startswith("一、做好宣传思想工作")
    assert statements(page) == []


@pytest.mark.parametrize("page,first_line", [
    # r27: lost line breaks; a title run into the body, headings inline
    ("20XX年上半年意识形态工作分析研判报告 上半年以来,我乡按照上级部门的要求。现将有关情况汇报如下: 一、意识形态工作开展总体情况 (一)加强组织领导",
     "20XX年上半年意识形态工作分析研判报告"),
    # r34: a spaced title run into its body
    ("学校 2020 年意识形态工作总结范文 以深入学习贯彻新时代中国特色社会主义思想为首要政治任务。", "学校2020年意识形态工作总结范文"),
])
def test_line_breaks_restored(page, first_line):
    lines = clean_text(page).split("\n")
    assert lines[0] == first_line and len(lines) >= 2


def test_a_site_menu_is_not_taken_for_a_run_in_title():
    # a menu holding genre words (個人總結 工作總結) is dropped whole, not cut into a title and a body
    page = "網站首頁 個人文檔 個人總結 工作總結 述職報告 心得體會\n政協機關2020年意識形態工作總結\n"
    assert clean_text(page) == "政協機關2020年意識形態工作總結"


def test_a_page_header_before_the_first_report_is_not_a_report():
    # r08: a sharing site's file facts ahead of the report's own title
    page = ("- 56.48 KB\n- 2021-04-14 发布\n- 网站客服QQ:403074932\n精品文档,仅供参考\n"
            "2020年社区宣传思想文化工作总结\n今年以来,在街道党工委的领导下,我社区坚持脚踏实地,丰富基层文化活动,组织学习12次。")
    rs = reports(page)
    assert len(rs) == 1 and rs[0].attrs["unit_type"] == "社区村"


# ---------------------------------------------------------------- not activity counts
@pytest.mark.parametrize("sentence", [
    "意识形态工作情况自评报告(全文共1402字)",                        # r10: word count
    "---此处隐藏2464字,下载后查看---",                              # r29
    "//www.wm114.cn省略644字",                                       # a30
    "下载本文档将扣除1次下载权益",
    "新形势单位意识形态工作存在的问题及措施范文(精选五篇)",          # r22: collection title
    "意识形态领域基础工作不够到位4个方面8个问题。",                  # r22: the tally of a list
    "今天,我们济济一堂,召开学校2019年宣传思想政治暨意识形态工作会议。",  # r23
    "明确了红色引擎四轮驱动三全育人工作思路与措施。",               # r23
    "要求园区11个非公党支部将意识形态工作作为重要内容。",            # r32
    "全村共265户,户籍人口1020人。",                                 # a22
    "学校在职党员5人,教职员工21人。",                                # a07
    "成立了宣传小组,配备2名宣传干事。",                              # a02
    "把292名社区党员编入网格。",                                     # a18
    "制定《理论学习中心组学习计划》,全年安排学习2次。",              # b19
    "通过行政约谈、调解等方式为消费者挽回经济损失数百万元。",       # b35
    "共发表稿件40篇(去年为32篇)。",                                   # b17: the comparison only
    "学校每月对学习强国的学习情况进行考核,每1000分考核30元。",      # a07
    "根据意识形态“十管”责任和党政同责22条,细化责任清单。",          # c02
    "红事彩礼不高于4万元。",                                         # c12
    "我镇共建立学习管理组织44个。",                                  # c12
    "按类别划分4个网格,分别建立4个党支部。",                         # c29
    "产生各类“先进单位”66个。",                                      # c17
    "公司注册资本金1亿元。",                                         # c13
    "在全省40个行业记者站中发稿数量保持排名第一。",                  # c23
    "全年给机关干部讲1至2次专题课。",                                 # o08: a range is a quota
    "每月刊发3-5篇稿件。",
    "成为全省获“优秀”等级的8所高校之一。",                          # n19: one of a field
    "带动和激励了一批人大同志投入到人大宣传工作上来。",              # o12: 一批, "a number of"
    "2011年完成生产总值1.15亿元,农民人均增收408元。",                # p08: an economy's results
    "该局公众号推文阅读39377人次,转发1425次,获赞1282次。",           # r08: readers' engagement
])
def test_not_an_activity_count(sentence):
    assert counts(sentence) == [] or counts(sentence) == [(40.0, "篇")], counts(sentence)


@pytest.mark.parametrize("sentence,expected", [
    ("在住院楼、门诊楼每层显眼位置设立公益广告牌60余块。", [(60.0, "块")]),       # a20: 每层 is no routine
    ("共计开展宣讲活动百余场。", [(100.0, "场")]),                                # a22: a vague round count
    ("各在职支部均按要求分别组织学习2次以上。", [(2.0, "次")]),                    # r14: 按要求 is no demand
])
def test_still_an_activity_count(sentence, expected):
    assert counts(sentence) == expected


# ---------------------------------------------------------------- units
@pytest.mark.parametrize("title,body,unit_type", [
    (None, "2025年,本局党组以习近平新时代中国特色社会主义思想为指导,全面贯彻落实党的二十大精神。", "党政机关"),   # r06
    (None, "意识形态工作是党的一项极端重要的工作。今年以来,我县深入贯彻落实党中央的决策部署。", "党政机关"),      # r26
    (None, "意識形態工作是黨的一項極端重要的工作。在縣委、縣政府的正確領導下,xx鄉認真貫徹落實意識形態工作責任制。", "乡镇街道"),  # r19
    ("学校2020年意识形态工作总结范文", "以深入学习贯彻新时代中国特色社会主义思想为首要政治任务。", "学校"),        # r34
    ("县委关于2025年度落实意识形态工作责任制情况的报告", "意识形态工作是为国家立心的工作。", "党政机关"),        # r39
    ("局党委党支部2023年上半年意识形态工作总结", "2023年上半年以来,XX深入贯彻落实中央、省、市有关要求。", "党政机关"),  # b02
    ("2024年XX部门落实意识形态工作责任制情况报告", "在2024年这个充满挑战的环境中,各级政府部门始终将意识形态工作放在首位。", "党政机关"),  # b21
    (None, "2023年,局紧紧围绕市委、市政府关于意识形态工作的决策部署。", "党政机关"),                                # b05
    (None, "青年理论学习小组在故居陈列馆组织现场研讨。\n中邮保险湖北分公司强化党对青年工作的全面领导,锻造了一支队伍。", "金融"),  # c21
])
def test_unit_type_without_a_name(title, body, unit_type):
    assert attribute(title, to_simplified(body), "x.txt").unit_type == unit_type


@pytest.mark.parametrize("title,body,unit", [
    (None, "2017年是全面贯彻落实自治区第十次党代会精神的第一年,阿力得尔苏木宣传思想文化工作将以十八大精神为指导。", "阿力得尔苏木"),  # r30
    ("医院2025年度意识形态工作情况总结报告",
     "2025年,院党委在市卫健局党工委的坚强领导下,严格落实意识形态工作责任制。制定印发《*市中医医院2025年意识形态工作要点》。", "*市中医医院"),  # r13
    (None, "根据通知要求,现将临江市工业和信息化局网络意识形态工作和网络安全工作情况报告如下:", "临江市工业和信息化局"),  # b23
    (None, "今年来,孝义桥社区精神文明建设工作在办事处的领导下,创新思路、丰富载体。", "孝义桥社区"),            # a34
    ("工业园区党工委2020上半年意识形态领域情况分析研判报告", "根据有关要求,园区党工委不断提高分析研判的能力水平。", "工业园区"),  # r28
    (None, "2015年,安顺学院对外宣传工作在学校党委的领导、宣传部和各部门的共同努力下,牢牢把握正确舆论导向。"
           "2015年,宣传部在不断加强校园网站建设的同时,积极组织稿件。", "安顺学院"),  # n01
    ("街道街道意识形态工作总结篇1", "按照市委的要求,我院开展了一系列意识形态工作。现将学院党委意识形态工作汇报如下:", "院"),  # r09
])
def test_unit_named_in_the_opening(title, body, unit):
    assert attribute(title, to_simplified(body), "x.txt").unit == unit


@pytest.mark.parametrize("junk", [
    "该镇",                                       # o01: a reference, 该镇 for the town named before
    "玉溪全市法院",                                # n20: the courts of a whole city
    "福建日报报业集团主管《福建法治报》官方网站",     # n06: a site's banner taken for a signature
    "院党委书记褚茂平等医院",                        # n18: a person and a post before the kind
    "激发医院",                                    # n18: a verb before the kind
    "解掌握各乡",                                  # p06: 了解掌握各乡…, cut mid-word
    "在民政局",                                    # r12: a speech's title 在…会上的讲话 (the title now drops 在)
    "让政府",                                      # s17
    "有个别党委宣传部",                             # r16
    "国家体育总局副局",                             # r13: 副局长 cut short
    "提升医院",                                      # u04: 是提升医院影响力…
    "每个街道",                                      # d23: a quantifier
    "一是将中心",                                    # j05: a list's enumerator
    "各学校",                                        # v09: a distributive
    "成立由县委宣传部",                              # v13: a team set up
    "体现学校",                                      # x08
    "上学年学校",                                    # x12
    "只要学校",                                      # x12: a conjunction
    "茶山成功通过全国文明镇",                        # o07: an award's story
])
def test_pieces_of_sentences_are_never_shown_as_units(junk):
    from pipeline.extract.units import shown_name

    assert shown_name(junk) is None


def test_a_dropped_name_gives_way_to_the_next_path():
    # n06: the banner was taken as a by-line signature; once the last guard drops it, the
    # headline's unit is found instead of none at all
    from pathlib import Path

    page = (Path(__file__).parent / "fixtures/real_n/n06.txt").read_bytes()
    assert [r.unit for r in process_bytes(page, "n06.txt").reports] == ["龙海市检察院"]


def test_a_towns_youth_league_committee_is_a_mass_organisation():
    # o10, o11 (and an earlier set's 镇团委): 共青团 bodies are 其他, as 团县委 always was
    assert [unit_type_of(u) for u in ("*镇团委", "镇团委", "团县委", "团结村")] == ["其他", "其他", "其他", "社区村"]


def test_county_level_names_jieba_lacks_are_places():
    # o03 安阳市文峰区, o17 尚义县, and cities as large as 南宁市, 东莞市 were no places
    from pipeline.extract.places import find_places
    from pipeline.extract.attribute import region_of

    assert find_places("安阳市文峰区、尚义县、南宁市青秀区、东莞市") == ["安阳市", "文峰区", "尚义县", "南宁市", "青秀区", "东莞市"]
    assert region_of("尚义县融媒体中心", None, "") == "尚义县"
    # two-character names stay out: 和县 is a county, but 区委和县委 speaks of no place
    assert find_places("市委和县委、新县城、城区") == []


def test_a_named_subject_after_an_essay_like_opening_beats_the_generic_form():
    # k11: the piece talks about publicity for four sentences, then turns to its own year
    body = ("宣传,《现代汉语词典》这样解释:宣传,对群众说明讲解,使群众相信并跟着行动。\n"
            "学校宣传是展示学校办学与管理水平的一扇窗口,是树立和赢得社会良好评价的重要媒介。\n"
            "在竞争日益激烈的教育环境中,加强学校宣传工作,已成我校聚力、外显的共识。\n"
            "20xx—20xx学年度,滨河小学对外宣传工作在张娟校长亲自指导下,一年来在各级媒体发表稿件60余篇。")
    assert attribute(None, to_simplified(body), "x.txt").unit == "滨河小学"
    # with no dated sentence naming it, the generic form stays
    assert attribute(None, to_simplified(body.rsplit("\n", 1)[0]), "x.txt").unit == "学校"


@pytest.mark.parametrize("post", ["区委常委", "党委书记", "镇党委副书记", "宣传部部长"])
def test_a_post_is_no_unit(post):
    # o19: `区委常委` (a member of the district's standing committee) was shown as the unit
    from pipeline.extract.units import shown_name

    assert shown_name(post) is None
    assert shown_name("县人大常委会") == "县人大常委会" and shown_name("政协**县委员会") == "政协**县委员会"


@pytest.mark.parametrize("title, body, unit", [
    # q11: a 综述 under a slogan headline names its area after the dash
    ("奋楫笃行展宏图 区域发展谱新篇(十一)——2023年秦州区宣传思想文化工作综述",
     "2023年,秦州区宣传思想文化战线自觉践行新的文化使命,在理论武装中明方向。", "秦州区"),
    # q09: an autonomous county by the short name it goes by (天祝藏族自治县)
    (None, "2023年,天祝县宣传思想文化工作坚持以习近平新时代中国特色社会主义思想为指导,深入贯彻习近平文化思想。", "天祝县"),
    # q06: a district the gazetteer lacks, as the subject of its own publicity work
    (None, "本报讯(张洁茹)2025年,松岭区宣传思想文化工作以习近平新时代中国特色社会主义思想为指导,围绕区委中心工作。", "松岭区"),
])
def test_an_area_reporting_on_its_own_work(title, body, unit):
    a = attribute(title, to_simplified(body), "x.txt")
    assert (a.unit, a.unit_type) == (unit, "党政机关")


def test_an_area_like_subject_needs_its_work_after_it():
    # not a county-like word that merely opens a sentence (全县, or no 宣传…工作 after it)
    for body in ("2023年,全县宣传思想文化工作坚持以习近平新时代中国特色社会主义思想为指导。",
                 "2025年,松岭区坚持以习近平新时代中国特色社会主义思想为指导,围绕区委中心工作开展活动。"):
        assert attribute(None, to_simplified(body), "x.txt").unit not in ("全县", "松岭区")


@pytest.mark.parametrize("title, unit", [
    ("在民政局2025年度意识形态工作总结会上的讲话", "民政局"),         # r12: a speech's title
    ("20xx年市场监督管理局宣传工作经验材料", "市场监督管理局"),       # r09: 宣传工作 ends the name
    ("县委宣传部2021年宣传工作总结", "县委宣传部"),                   # not cut at 宣传 inside the name
    # no topic word ends the name: the longest unit the title opens with, in a title of a report
    ("县交运局宣贯省农村公路条例工作总结", "县交运局"),                 # r18
    ("沁裕煤矿职工思想调研报告", "沁裕煤矿"),                         # m21
    ("文化馆文化下乡活动总结", None),                                # j19: 下乡 is a campaign
    ("城市社区思想政治调研报告", None),                               # c29: a kind of community
    ("沁裕煤矿职工思想调研", None),                                   # no kind of report: no title
    ("湾区宜居小镇建设工作总结", None),                               # o07: 小镇 is a slogan's word
    ("——2024年濮阳市宣传思想文化工作综述", "濮阳市"),                 # t07: a subtitle kept alone
])
def test_the_unit_a_title_names(title, unit):
    from pipeline.extract.units import unit_from_title_any

    assert unit_from_title_any(title)[0] == unit


def test_a_province_by_its_short_name_places_a_name():
    # r08: 近日,宁夏银川市市场监管局完成… (宁夏 is no region word of its own)
    body = "本报讯(岳爱民 杨秉卓)近日,宁夏银川市市场监管局完成官方微信公众号改版,推行“四微”模块宣传,收到了较好效果。"
    a = attribute(None, to_simplified(body), "x.txt")
    assert (a.unit, a.unit_type) == ("宁夏银川市市场监管局", "党政机关")


@pytest.mark.parametrize("body,unit", [
    # l02: a power utility's piece names itself only mid-body, in the third person, twice
    ("理想信念是共产党人的灵魂,也是几代供电员工战胜艰难险阻、创造奇迹的精神支柱和力量源泉。"
     "镇平县电业局面对着底子薄、基础弱的现实情况,比以往任何时候都更需要坚定理想信念。"
     "坚定理想信念,关键是党员干部。镇平县电业局以党员干部为主体,强化思想作风建设,开展专题学习12次。", "镇平县电业局"),
    # j12: a yearbook's entries, `2020年,X组织…` in two of them (the office's own name holds
    # topic words, so the county committee it belongs to is what a reader is shown)
    ("【概况】2020年,全县网络信息工作格局基本形成,全年召开委员会会议2次。\n"
     "【信息发布】2020年,永宁县委网络安全和信息化委员会办公室组织开展全县学习活动,发布信息300余条。\n"
     "【舆论引导】2020年,永宁县委网络安全和信息化委员会办公室开展舆情监测,处置舆情12起。", "永宁县委"),
    # s14: a portal page whose header (发布机构) was furniture; the town names itself as the subject
    ("为不断提高全乡贫困群众对脱贫攻坚政策的知晓率,五合乡不断创新宣传形式、丰富宣传内容、拓宽宣传阵地。\n"
     "一、强化宣传阵地\n为了将精准扶贫宣传到位,五合乡以“挂钩领导+挂村干部”的模式组成多个宣讲组,开展宣讲36场。\n"
     "二、强化宣传方式\n五合乡为了让群众听得懂,用方言开展宣传。", "五合乡"),
    # o17: a county's 宣讲 news; the organ of an unnamed level (县宣传部牵头) gives way to the area
    ("尚义县迅速制定宣传方案,在新闻、理论、文艺和社会等各个层面采取多形式、全方位宣讲措施,在全县掀起党的二十大精神宣讲热潮。\n"
     "“十月底,在北京,党的二十大来举行……”为积极送党的二十大精神下基层,尚义县在组织县级宣讲团成员开展“六进”专题宣讲的同时,"
     "打通理论宣讲“最后一公里”,县宣传部牵头,组织县文联创作了节目。", "尚义县"),
    # s04: an area's 综述 past an essay-like opening; the area opens two clauses
    ("星霜荏苒,岁月不居。时光是忠实的见证者,也是伟大的书写者。2021年是开启新征程的关键节点,回眸2021年,楚雄市宣传思想战线"
     "礼赞百年风华、凝聚奋进力量。\n高举思想旗帜 筑牢理论根基\n一年来,楚雄市宣传思想战线始终坚持把学习宣传贯彻放在首位。", "楚雄市"),
    # s16: a news headline `洗马镇:…` and the town acting in the text
    ("洗马镇:让疫情防控宣传持续升温\n为进一步落实疫情防控工作要求,引导辖区群众积极配合疫情防控工作,号召辖区居民群众少出门。\n"
     "8月5日,洗马镇集中制作疫情防控宣传横幅205条在镇区主干道进行悬挂。", "洗马镇"),
    # n20: a court by its short name, after a quotation and after 近年来
    ("“今年1至10月,全市法院在各级媒体报道910余篇(含网络),营造了良好的舆论氛围。”玉溪中院党组书记、院长陈昌介绍,今年以来,"
     "该院的司法宣传工作按照年初计划有序推进。\n近年来,玉溪中院坚持正确的政治方向、舆论导向,深化宣传阐释。", "玉溪中院"),
])
def test_a_unit_or_an_area_opening_clause_after_clause(body, unit):
    """`units._repeated_subject_unit` and the paths before it: a third-person piece names its
    unit where it acts."""
    a = attribute(None, to_simplified(body), "x.txt")
    assert (a.unit, a.unit_explicit) == (unit, True)


def test_no_repeated_subject_from_a_cited_example_or_a_cut_word():
    # an essay that cites a unit as an example, once or twice mid-text, is not that unit's report
    essay = ("做好新形势下宣传思想工作,必须自觉承担起举旗帜、聚民心、育新人、兴文化、展形象的使命任务。" * 10
             + "近年来,一些地方探索了很多好的做法。比如,镇平县电业局以党员干部为主体,强化思想作风建设。"
             + "宣传思想工作是我们党的优良传统和优势,必须一以贯之地坚持下去。")
    assert attribute(None, to_simplified(essay), "x.txt").unit != "镇平县电业局"
    twice = essay + "近年来,镇平县电业局建立了24小时舆情报送值班制度,设立专门队伍。"
    assert attribute(None, to_simplified(twice), "x.txt").unit != "镇平县电业局"
    # a village word cut mid-word is none: 组织村|民
    body = ("尊敬的各位领导:\n我们用文化聚心汇力,组织村民开展活动,村干部带头,村民积极参与,全村面貌一新。"
            "今年以来,组织村民开展文艺演出12场,组织村民学习30次。")
    assert attribute(None, to_simplified(body), "x.txt").unit != "组织村"


def test_a_name_in_full_and_its_short_form_count_as_one():
    # u13: 清溪镇文明办 twice, 镇文明办 once: the full name, not the bare level's office
    body = ("清溪镇:强阵地,新时代文明实践站再提升\n近日,清溪镇文明办对辖区内15个村级新时代文明实践站进行自查,强化村级实践站阵地建设。\n"
            "自查中发现部分村无志愿服务展示图片等问题。镇文明办汇总各村新时代文明实践站问题,根据问题提出相应的提升建议。\n"
            "下一步,清溪镇文明办将定期对村级实践站进行自查,强化村级新时代文明实践站阵地作用。")
    assert attribute(None, to_simplified(body), "x.txt").unit == "清溪镇文明办"
    # r16: a run whose front is no place (只有分公司) is the short name's, never shown
    body = ("宣传文化统战战线工作质量出现下滑。只有分公司党委工作部宣传办发稿一篇;仅有4个农场有限公司发稿。\n"
            "综上所述,分公司党委工作部宣传办全体人员进行了深刻反思,分公司党委工作部宣传办也是有责任的。")
    assert attribute(None, to_simplified(body), "x.txt").unit != "只有分公司"


def test_an_area_after_a_dated_opening_word_reports_on_itself():
    # v06: 近日,<area>充分结合实际… (a time word and its comma before the subject)
    body = ("陇川“五个一”学习宣传十八大精神\n近日,陇川县充分结合实际,运用“民族五用”优势,采取“五个一”措施,迅速在各族干部群众中"
            "掀起了十八大精神的学习宣传热潮。\n组织一次集中收看和体会交流。11月8日上午,组织全县3600余名各族干部、群众收听收看了开幕式盛况。")
    assert attribute(None, to_simplified(body), "x.txt").unit == "陇川县"


def test_a_kind_of_firm_is_no_firm():
    # j18: 国有企业宣传思想工作… opens clauses again and again; it names no firm
    body = ("新时代对国有企业宣传思想工作提出了新要求。国有企业宣传思想工作必须立足新定位。\n"
            "国有企业宣传思想工作要找准新坐标,努力开创新局面。")
    assert attribute(None, to_simplified(body), "x.txt").unit is None


def test_the_space_ending_an_inline_heading_is_a_line_break():
    # e05: a page on one line; `一、基本情况 晒经学区党支部,…` ran together into 基本情况晒经学区
    # once the spaces next to Han characters went, and the unit fell back to 学区
    page = ("学区党支部2021年党建工作总结 一年来,我学区党支部在县教育党工委正确领导和指导下,组织广大党员教师深入学习。"
            "现将2021年党建工作总结汇报如下: 一、基本情况 晒经学区党支部,现有支部一个。刘禹同志任支部书记。"
            " (一)加强组织建设 支部坚持三会一课。")
    body = clean_text(page)
    assert "\n一、基本情况\n晒经学区党支部" in body and "\n(一)加强组织建设\n支部坚持" in body
    assert [r.unit for r in reports(page)] == ["晒经学区"]
    # not a heading: punctuation inside, one character, or no Han character after the space
    for kept in ("一、基本情况,详见附件 晒经", "一、要 加强学习", "一、基本情况 2021年"):
        assert "\n" not in clean_text("说明如下: " + kept).split("\n", 1)[1], kept


def test_a_doubled_site_word_is_no_unit_and_the_self_reference_decides():
    a = attribute("街道街道意识形态工作总结篇1", "按照市委的要求,我院开展了学院党委的一系列意识形态工作,学院师生积极参与。", "x.txt")
    assert a.unit_type == "学校"


def test_a_signer_never_opens_with_a_verb():
    a = attribute("街道意识形态工作情况汇报", "现将我街道上半年意识形态工作情况汇报如下:\n一、健全工作机制\n根据区委区政府", "x.txt")
    assert a.unit != "根据区委区政府" and a.unit_type == "乡镇街道"


@pytest.mark.parametrize("unit,typ", [("**监区党支部", "政法"), ("XX部门", "党政机关"), ("工业园区", "党政机关"),
                                      ("唐山汉沽警方", "政法"),
                                      ("汉师附小", "学校"),           # x18
                                      ("镇平县电业局", "企业")])       # l02: a grid's local body
def test_new_suffixes(unit, typ):
    assert unit_type_of(unit) == typ


# ---------------------------------------------------------------- year and period
@pytest.mark.parametrize("title,body,period", [
    ("县委党校2018年宣传思想文化工作半年度总结", "(一)围绕中心,服务大局。", "half_year"),                         # r25
    ("交通問題頑瘴痼疾集中整治宣傳工作半年總結", "自整治工作開展以來,管理區宣傳組全面動員。", "half_year"),        # set r's r05
    ("學校意識形態工作總結篇一", "20__年,學校在區委、區政府的正確領導下,緊緊圍繞中心工作。", "full_year"),       # r35
    (None, "根据会议安排,现将年度落实意识形态工作责任制情况述职如下:坚持将抓好意识形态工作作为政治责任。", "full_year"),  # r37
])
def test_period(title, body, period):
    assert attribute(title and to_simplified(title), to_simplified(body), "x.txt").period == period


# ---------------------------------------------------------------- shortcomings
def test_problems_found_by_an_inspection_listed_by_aspect():
    # r22: no 存在问题 heading; the list is one sentence counted by 方面
    text = ("对照巡视反馈的问题认真梳理排查,查找出我局存在着意识形态工作看齐意识有待加强;意识形态领域党的领导弱化,"
            "工作责任制层层压实不够;对新媒体作用发挥认识不足,政治敏锐性不强;意识形态领域基础工作不够到位4个方面8个问题。"
            "针对存在的问题及时研究并制定了整改方案。")
    assert statements(text) == ["意识形态工作看齐意识有待加强", "意识形态领域党的领导弱化,工作责任制层层压实不够",
                                "对新媒体作用发挥认识不足,政治敏锐性不强", "意识形态领域基础工作不够到位"]


def test_inline_problems_heading_after_lost_line_breaks():
    # r27
    text = ("今年以来,组织党员干部集中学习意识形态5次。 二、存在的问题 我乡对风险点进行逐一排查,主要存在的风险和隐患有: "
            "(一)意识形态谈心谈话开展相对较少。 (二)本单位管理的微信工作群管控不严 (三)开展警示教育较少。")
    assert len(statements(text)) == 3


def test_a_numbered_problems_heading_run_into_its_paragraph():
    # k06: a doc page that lost its line breaks; the heading and its items run on in one line
    text = ("五是及时准确处理网络舆情。截止8月份,共编写舆情简报6期,对出现的负面舆论及时进行了正确的引导。"
            "二、存在问题1、认识不到位。不少干部对宣传思想文化建设意识淡薄。2、经费短缺。工作经费严重不足。3、活动较少。")
    assert [s[:5] for s in statements(text)] == ["认识不到位", "经费短缺。", "活动较少"]
    # a heading that merely mentions problems, or no item after it, starts nothing by itself
    assert statements("一是加强学习。二、存在问题的整改情况良好,已全部整改到位。") == []


def test_a_problems_heading_running_on_into_its_text_ends_with_its_words():
    # o02: "二、存在问题针对…仍存在以下问题:一是…。" - no full stop after the heading words, so the
    # heading took the first item with it
    text = ("一、工作开展情况\n今年上半年,街道共处置舆情12件。\n"
            "二、存在问题针对反馈的涉商舆情,街道虽然能够深入调查,但在应对处置过程中仍存在以下问题:一是工作合力仍需提升。\n"
            "部分舆情涉及多个部门,急需相关部门全力支持配合。\n二是专业素质人才紧缺。\n尤其缺乏专职网评员,工作较为被动。\n"
            "三、工作打算\n加强学习。")
    assert [s[:8] for s in statements(text)] == ["工作合力仍需提升", "专业素质人才紧缺"]
    body = clean_text(text)
    assert [sec.heading for sec in segment(body, to_simplified(body)) if sec.kind == "存在问题"] == ["二、存在问题"]


def test_the_problems_marker_opening_a_sentence_mid_paragraph():
    # r10: a meeting's news item: "…好的方面:一是…;二是…。存在的问题:一是…;二是…"
    text = ("首先,办公室主任通报了一至三季度政务信息及宣传报道情况,好的方面:一是各单位比较重视政务信息工作,能积极投递信息;"
            "二是稿件质量在不断提高。存在的问题:一是各单位投递、发表稿件数量不平衡,有些则未完成目标任务;"
            "二是对外宣传报道少,国家级、省级报刊上发表的稿件数量少。")
    assert [s[:6] for s in statements(text)] == ["各单位投递、", "对外宣传报道"]


def test_a_risk_assessment_lists_its_risks_under_a_heading_that_says_they_exist():
    # g02: a 风险隐患研判报告 - "一、存在的风险及隐患" then 一是…二是…
    text = ("县民政局针对本领域主要业务进行了全面地梳理,共研判风险隐患3条,现报告如下:\n一、存在的风险及隐患\n"
            "一是干部职工思想认识不够的隐患。部分党员干部把意识形态工作作为一项纯粹务虚的软任务。\n"
            "二是政务公开及审批存在的隐患。宣传工作中存在政务公开不及时的隐患风险。\n"
            "三是网络宣传阵地管理不够存在风险。对互联网信息和舆情的管理不够。\n二、下一步工作措施\n一是加强学习。")
    assert [s[:6] for s in statements(text)] == ["干部职工思想", "政务公开及审", "网络宣传阵地"]
    # a heading about preventing risks is work, not a problems list
    assert statements("一、防范化解意识形态风险\n一是加强研判,每季度开展分析1次。\n二是完善预案。") == []


def test_problems_announced_as_the_main_aspects():
    # k19: "…倾向性和苗头性问题,经分析调查,主要有以下几个方面:" then 1./2. lines
    text = ("目前,我所民警暴露出的个别倾向性和苗头性问题,经分析调查,主要有以下几个方面:\n"
            "1.有些民警不能正确对待执法监督,存在恐惧心理,不敢大胆地开展工作。\n"
            "2.基层民警普遍反映,上级的专项行动多,疲于应付,精力不足。")
    assert [s[:4] for s in statements(text)] == ["有些民警", "基层民警"]


@pytest.mark.parametrize("text,items", [
    # u13: an inspection's findings in a news piece, ended by 等问题
    ("近日,清溪镇文明办对辖区内15个村级新时代文明实践站进行自查。\n自查中发现部分村无志愿服务展示图片、无市民教育活动室和开放时间、"
     "公益宣传和卫生防疫知识宣传海报陈旧、志愿服务站和便民服务台无明显标识牌等问题。镇文明办汇总各村问题,提出提升建议。",
     ["部分村无志愿服务展示图片", "无市民教育活动室和开放时间", "公益宣传和卫生防疫知识宣传海报陈旧", "志愿服务站和便民服务台无明显标识牌"]),
    # u14: the shortcomings a meeting pointed out
    ("会上,该院宣传工作负责人介绍了2022年度该院检察宣传和意识形态工作的总体情况,展示取得的阶段性成效,也指出新媒体作品偏少、"
     "新媒体运营数据不理想、经验总结类稿件不多、沟通联系机制不健全等问题和短板,明确2023年度的工作思路。",
     ["新媒体作品偏少", "新媒体运营数据不理想", "经验总结类稿件不多", "沟通联系机制不健全"]),
    # x09: the problems a speaker names at a work meeting
    ("会上,徐远火对今后宣传工作进行了全面部署。第二,要准确把握学院宣传工作所存在的问题,对工作定位不够准确、工作机制不够健全、"
     "工作思路不够清晰、工作队伍有待加强等问题要有十分清醒的认识。第三,要提升宣传工作水平。",
     ["工作定位不够准确", "工作机制不够健全", "工作思路不够清晰", "工作队伍有待加强"]),
    # f15: what needs improving, listed after 如; 针对性 is a quality, not 针对 (fixing)
    ("2025年,社区思想政治工作发挥了重要作用。然而,在全面总结过去一年工作的基础上,仍然存在一些需要改进和提升的方面,"
     "如思想政治工作的参与度不均、部分活动的针对性和实效性不足等。",
     ["思想政治工作的参与度不均", "部分活动的针对性和实效性不足"]),
    # fixing problems is still no admission of them
    ("今年开展宣讲12场。针对存在的问题,我们制定了整改方案,如加强队伍建设、完善工作机制等。", []),
    # ab03: the cue's own sentence lists them, by commas; the numbered remedies after it are not problems
    ("会上,王元正指出,第三季度意识形态工作成效突出,但也存在一些问题,比如对意识形态工作的敏锐性不够,对意识形态理论研究有待提升,"
     "对意识形态领域斗争的复杂性重视不够等。王元正同志强调,下阶段要着重从四个方面加以强化:一是提升认识,强化以案警示;"
     "二是持续抓好课堂和教研两个阵地。",
     ["对意识形态工作的敏锐性不够", "对意识形态理论研究有待提升", "对意识形态领域斗争的复杂性重视不够"]),
    # ab13: 存在的问题和不足,如…; two qualities sharing one lack are one statement
    ("他充分肯定了学院近年来取得的成绩,也指出了存在的问题和不足,如对新闻宣传和信息工作的重要性、全员性认识不足、"
     "对新闻宣传工作的时效性、系统性策划把握不够等。为此,陈少平书记提出几点意见。",
     ["对新闻宣传和信息工作的重要性、全员性认识不足", "对新闻宣传工作的时效性、系统性策划把握不够"]),
])
def test_problems_listed_inline_after_a_cue(text, items):
    """An inline list of problems: found or pointed out and ended by 等问题, named by a speaker, listed
    after 如/比如; the statements exactly, and none where the sentence only fixes problems."""
    assert statements(text) == items


def test_a_long_heading_after_a_site_cut_gets_its_line_back():
    # i04: a page on one line; the problems heading follows a site's cut (……) and runs
    # 21 characters before the space that ended it
    page = ("我局开展专题学习80余次。例如, ……(快文网省略830字,正式会员可完整阅读)…… "
            "二、当前意识形态领域存在的主要薄弱环节和风险点 在看到成绩的同时,我们必须清醒地认识到斗争依然复杂。"
            "一是错误思潮隐蔽。个别消极文化通过短视频悄然传播。二是阵地管理不够严格。个别微信群管理松散。")
    body = clean_text(page)
    assert "\n二、当前意识形态领域存在的主要薄弱环节和风险点\n在看到成绩" in body
    assert [s[:6] for s in statements(page)] == ["错误思潮隐蔽", "阵地管理不够"]


def test_risks_owned_as_a_lack_are_shortcomings():
    # b24: "风险主要有以下几点:一是…;\n二是…"
    text = ("经过认真分析研判,目前我区xx系统在意识形态领域的风险主要有以下几点:一是对于新媒体运营力度不够,应用和引导管理需要进一步探索;\n"
            "二是引导舆论的力度不够,提高引导舆论的本领需要进一步增强;\n三是意识形态阵地建设力度不够,工作有待加强;\n"
            "二、风险产生的根源\n一是宣传工作的队伍和理论水平有限")
    assert len(statements(text)) == 3


def test_numbered_deficiencies_without_their_heading():
    # a33: the heading was lost between the work and the plan
    text = ("加强各类社团管理。出台《学生校园文化活动管理规定》,明确管理体系。\n"
            "1.网络监管还需进一步强化,尤其是对团属全媒体中心的监管。\n2.各类社团开展活动的报批时效性还需进一步强化。\n"
            "3.学生思想政治工作的工作方法、手段还需进一步强化。\n1.校团委要认真负责对微信、微博内容进行审核及监督。")
    assert [s[:6] for s in statements(text)] == ["网络监管还需", "各类社团开展", "学生思想政治"]


def test_numbered_items_after_an_intro_under_a_problems_heading():
    # a17
    text = ("1.巩固拓展主题教育成果。规范开展三会一课。\n2.强化党性教育。坚持按月开展主题党日活动。\n五、存在的主要问题和不足\n"
            "医院现状是,职工年龄严重老化,人力、物力不足。具体如下:\n1.人员不足,专业人员严重不足,部分科室无法开展工作。\n"
            "2.经费不足,知识老化,诊疗技术不高。")
    assert [s[:4] for s in statements(text)] == ["人员不足", "经费不足"]


def test_a_work_list_under_a_title_about_shortcomings_is_no_problems_list():
    # r21: "意识形态工作中存在的不足篇一" heads items of work done
    text = ("意识形态工作中存在的不足\n一是强化组织领导,落实意识形态。\n二是强化学习教育,补足精神之钙。\n"
            "三是强化宣传引导,营造浓厚氛围。\n四是树先进立")
    assert statements(text) == []


@pytest.mark.parametrize("body,unit,unit_type", [
    ("近日,根据总行工作要求,临商银行朱保支行把握“赢在春天”宣传重点,高度重视信息宣传工作进展。", "临商银行朱保支行", "金融"),   # d04
    ("总行机关是全行的首脑机关。近年来,中国银行总行机关各级党组织坚决贯彻全面从严治党要求,不断提升机关党建工作水平。", "中国银行总行机关", "金融"),  # d05
    ("喜报\n过去一年,博野法院高度重视新闻宣传工作,深入学习贯彻习近平总书记的重要指示精神。", "博野法院", "政法"),   # d11
])
def test_a_news_style_report_names_its_unit(body, unit, unit_type):
    a = attribute(None, to_simplified(body), "x.txt")
    assert (a.unit, a.unit_type) == (unit, unit_type)


@pytest.mark.parametrize("body", [
    "一、把握主旋律,围绕中心抓好理论学习。各村、社区结合自身要求自主挑选课程和教师。",           # a28: 围绕中心 is no unit
    "加强宣传思想阵地管理。对于团委刊物实行三审三校,确保稿件质量。",                                # a33: 对于团委
])
def test_a_clause_that_opens_with_an_action_names_no_unit(body):
    assert attribute(None, to_simplified(body), "x.txt").unit is None


def test_placeholders_with_spaces_or_a_wrapped_line():
    # d01: "组织专题学习会 X\n场", "受众人数达到 X 人"
    body = clean_text("组织专题学习会 X\n场,受众人数达到 X 人。")
    simple = to_simplified(body)
    found = [(m.value, m.measure, m.placeholder) for m in extract_metrics(body, simple, segment(body, simple))]
    assert found == [(None, "场", True), (None, "人", True)]


@pytest.mark.parametrize("sentence", [
    "1名干警被省高院评为新闻宣传先进个人。",              # d11: an honour
    "期货公司获得1个一等奖、1个二等奖。",                 # d29: prizes
    "连续被央视1套报道。",                                # d19: a TV channel
    "预览时标签不可点收录于话题上一篇下一篇",            # d11: WeChat links
])
def test_more_things_that_are_not_activity_counts(sentence):
    assert counts(sentence) == []


def test_items_inside_first_and_second_paragraphs():
    # d23: "首先，…。一是…。二是…。\n其次，…。一是…" - the 一是 items are the statements
    text = ("二、当前宣传工作存在的不足\n首先,宣传机构不健全,宣传队伍能力不够强。一是没有专门的宣传科室和专职宣传人员。"
            "二是从事统战宣传工作的实践经验不足。\n其次,各类体制机制不够完善。一是考核机制执行不够完善。二是激励机制发挥作用小,缺乏干事热情。\n"
            "三、开展宣传工作的对策建议\n一是完善宣传工作联络机制。")
    assert [s[:6] for s in statements(text)] == ["没有专门的宣", "从事统战宣传", "考核机制执行", "激励机制发挥"]


def test_problems_listed_after_such_as():
    # c09: "但也存在一些问题,如A;B;C"
    text = ("近几年来,我国高等院校的意识形态工作总体平稳,但也存在一些问题,如某些高校在意识形态工作上真抓实干不足;"
            "高校意识形态队伍理论水平不扎实;高校意识形态工作的体制机制与工作要求不相适应。")
    assert len(statements(text)) == 3


def test_a_time_word_run_into_the_unit_is_not_part_of_it():
    # d06: "近年来邮储银行青海省分行…" without a comma
    a = attribute(None, to_simplified("党的十八大以来,党中央高度重视思想政治工作。近年来邮储银行青海省分行坚持把思想政治工作摆在突出位置。"), "x.txt")
    assert a.unit == "邮储银行青海省分行" and a.unit_type == "金融"


@pytest.mark.parametrize("title,body,unit_type,source", [
    ("2022年第二季度网络意识形态工作研判情况的报告", "XX党委按照区委的部署要求,坚持党管意识形态不动摇。现将第二季度研判情况报告如下:", "党政机关", "unit"),  # b03
    (None, "根据会议安排,现将年度落实意识形态工作责任制情况述职如下:坚持将抓好意识形态工作作为应尽的政治责任。", "党政机关", "default"),  # r37
])
def test_a_report_with_no_clue_to_its_type(title, body, unit_type, source):
    a = attribute(title, to_simplified(body), "x.txt")
    assert (a.unit_type, a.sources["unit_type"]) == (unit_type, source)


def test_an_essay_is_not_given_the_default_type():
    essay = "意识形态工作是党的一项极端重要的工作。做好意识形态工作,必须坚持党管意识形态原则。"
    a = attribute(None, essay, "x.txt")
    assert (a.unit_type, a.is_report) == ("其他", False)


@pytest.mark.parametrize("page,year,period", [
    # b01: the preamble names the report; the report itself has no title
    ("下面是小编为大家整理的2023年度局党组上半年意识形态工作总结及下半年意识形态工作安排,供大家参考。\n"
     "意识形态工作是党的一项极端重要的工作。今年以来,我局党组坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂。", 2023, "half_year"),
    # c16: one line, the preamble's sentence dropped, its title kept for the year and period
    ("我的公文网今天为大家精心准备了学校党支部关于2020年第一季度意识形态领域研判报告,希望对大家有所帮助!"
     "我支部以培育和践行社会主义核心价值观为根本,积极开展了意识形态工作。", 2020, "quarter"),
    # r09: a preamble about a whole collection gives the report no year
    ("下面是小编为大家整理的2023年度街道意识形态工作总结(五篇)(全文完整),供大家参考。\n"
     "街道意识形态工作总结篇1\n为了深入贯彻落实中共中央办公厅《实施办法》,按照市委的要求,我院开展了一系列意识形态工作。", None, None),
])
def test_the_report_a_preamble_names(page, year, period):
    r = reports(page)[-1]
    assert (r.attrs["year"], r.attrs["period"]) == (year, period)


@pytest.mark.parametrize("page,year", [
    # p12: the site's heading gives the year the document's own title masks
    ("2022年镇宣传思想工作总结\n更新时间:\nXX年年xx镇宣传思想工作总结\n"
     "XX年年,我镇的宣传思想工作在县委宣传部和镇党委的领导下,坚持以科学发展观统领全镇宣传思想工作全局。\n"
     "一、理论学习\n全年组织中心组学习12次。", 2022),
    # q05: 20_年 in the document's title
    ("宣传部2024年前三季度工作总结\n宣传部20_年前三季度工作总结\n一、 理论学习方面\n"
     "始终将理论学习放在首位,全方位、立体式学习宣传习近平新时代中国特色社会主义思想。\n"
     "(一)突出中心组学习。今年以来,区委理论学习中心组开展专题学习8次。", 2024),
    # u18, t14: the day of a meeting on the year before
    ("2018年1月12日上午,公司在316会议室召开了2017年企业文化建设暨宣传工作会议,公司相关领导等90余人参加了会议。\n"
     "会上,党群工作部汇报了2017年企业文化建设工作开展情况。", 2017),
    ("2025年1月22日,郑州市南水北调工程运行保障中心召开第四季度意识形态分析研判暨2024年意识形态工作总结会。会议由党总支书记主持。", 2024),
    # o04: a first sentence's 2020年以来 is the report's year when it names no later one
    ("2020年以来,我镇宣传思想文化工作在市委、市政府的正确领导下,紧紧围绕中心、服务大局。全年已按计划开展了6次中心组学习。", 2020),
    # … and a starting point when it does (2018年以来 in a review of the years to 2020)
    ("2018年以来,我镇宣传思想文化工作在市委、市政府的正确领导下,紧紧围绕中心、服务大局。\n" + "坚持把理论武装放在首位。" * 40
     + "\n三年来组织中心组学习36次,其中2020年开展了12次。", None),
])
def test_the_year_a_page_gives_its_report(page, year):
    assert reports(page)[-1].attrs["year"] == year


@pytest.mark.parametrize("sentence", [
    "镇关于宣传思想文化2022年工作总结及2023年工作计划(4050字)",   # d22: a word count after a title
    "行业内共获得奖项40余个。",                                   # d29: prizes
    "《党史微讲堂》栏目线上直播,累计观看人数110余万人。",            # t08: an audience figure
    "中央、省、市等60余家媒体报道、转载有关安顺学院的新闻。",          # n01: outlets that covered it
    "学校官微27次进入全省高校微信周榜前10名,2次跻身全国百强高校月榜。",  # w14: times ranked
    "全年推文获得8.1万个转评赞。",                                   # w14: readers' engagement
    "作品从千余部作品中脱颖而出。",                                   # w16: the field competed in
    "来自全国300余所高校的代表参加了本次会议。",                       # w14: where others came from
    "在2022年党委理论学习中心组第13次、14次、15次、16次学习中专题学习。",  # x07: 第 holds for the list
])
def test_still_more_things_that_are_not_activity_counts(sentence):
    assert counts(sentence) == []


# ---------------------------------------------------------------- session 4 (helper "real")
@pytest.mark.parametrize("page,gone,kept", [
    # a05: a site's preface announcing its samples, with a reader-mode toggle before it
    ("学校意识形态工作总结\n\nzhenzhen 总结与计划1阅读模式\n\n学校意识形态工作是立德树人根本任务的核心内容。"
     "本文旨在深入探讨学校意识形态工作的重要性与实践路径,并提供三篇不同侧重点的《学校意识形态工作总结》范文,"
     "以期为各级各类学校提供有益参考。\n\n篇一:《学校意识形态工作总结》\n\n本年度,我校在教育主管单位的正确领导下,"
     "始终坚持以思想为指导。", "本文旨在", "我校在教育主管单位"),
    # c26: a portal's record header without table bars
    ("分享到:\n索引号: 431102009/2026-00501 发文日期: 2026-03-13 发布机构: 零陵区徐家井办事处\n"
     "公开方式: 主动公开 公开范围: 面向社会 主题词:\n统一登记号: 信息时效性: 待评估 文号 :\n"
     "徐家井街道2025年宣传思想文化工作总结及2026年工作计划\n一、2025年工作回顾\n组织党工委理论学习中心组集中学习10次。",
     "统一登记号", "集中学习10次"),
])
def test_more_site_chrome_is_dropped(page, gone, kept):
    text = clean_text(page)
    assert gone not in text and kept in text


def test_a_portal_record_header_is_no_report():
    # c26: the header block before the title was exported as a report of its own
    page = ("您现在所在的位置 : 首页 > 政务公开 > 政务动态 > 工作动态\n分享到:\n"
            "索引号: 431102009/2026-00501 发文日期: 2026-03-13 发布机构: 零陵区徐家井办事处\n"
            "公开方式: 主动公开 公开范围: 面向社会 主题词:\n统一登记号: 信息时效性: 待评估 文号 :\n"
            "徐家井街道2025年宣传思想文化工作总结及2026年工作计划\n\n一、2025年工作回顾\n\n"
            "压实意识形态工作责任制,组织党工委理论学习中心组集中学习10次,开展“微宣讲”40余场。")
    got = reports(page)
    assert len(got) == 1 and got[0].attrs["unit"] == "徐家井街道"


@pytest.mark.parametrize("title,body,unit_type", [
    # a12: a company party branch with no name: 员工, 公司业务, 生产
    (None, "为深入了解党支部党员和部门员工的思想政治状况,2020年上半年通过召开座谈会对全体党员进行了调查。"
           "当前通信市场竞争激烈,公司业务发展形式严峻,员工最关心的是企业的发展。员工队伍总体稳定。", "企业"),
    # a17: a hospital's summary that never names itself
    (None, "1.强化党性教育,持续深化思想政治建设。\n五、存在的主要问题和不足\n医院现状是,职工年龄严重老化。"
           "1.人员不足,专业人员严重不足。2.经费不足,诊疗技术不高。3.医院内部管理水平不高,医务人员服务意识有待提高。", "医院"),
    # a30: a village's report speech, its name masked
    (None, "尊敬的各位领导:\n我们用文化聚心汇力,组织村民开展活动,村干部带头,村民积极参与,全村面貌一新。",
     "社区村"),
])
def test_the_kind_of_unit_from_what_the_text_says_of_its_people(title, body, unit_type):
    a = attribute(title, to_simplified(body), "")
    assert a.unit_type == unit_type and a.sources["unit_type"] == "context"


def test_a_county_report_mentioning_schools_is_not_a_school():
    # b17: a county propaganda report whose few 学生/教师 words are a sector it oversees
    body = ("根据会议安排,现将2022年**宣传思想文化工作汇报如下:全市宣传思想文化系统深入推进文明创建,"
            "教育发展稳步推进,学生素质提升,教师队伍建设加强。")
    a = attribute(None, body, "")
    assert a.unit_type == "党政机关"


@pytest.mark.parametrize("unit,body,unit_type", [
    # d24 (traditional in the page): an enterprise bureau's party committee
    ("水电基础局", "2021年,水电基础局党委坚持以习近平新时代中国特色社会主义思想为引领,为公司实现高质量发展提供支撑。"
                   "公司党委将党史教育贯穿全年宣传工作,公司员工积极参与,企业品牌宣传成效明显,公司在集团考核中名列前茅。", "企业"),
    # d05: a bank's head-office organs
    ("总行机关", "总行机关是全行的首脑机关。近年来,总行机关各级党组织坚决贯彻全面从严治党要求,"
                 "总行机关党委细化支部设置,全行各分行、支行跟进落实,银行党建与金融业务深度融合。", "金融"),
])
def test_an_office_name_takes_the_kind_its_text_speaks_of(unit, body, unit_type):
    a = attribute(None, to_simplified(body), "")
    assert a.unit == unit and a.unit_type == unit_type and a.sources["unit_type"] == "context"


def test_an_office_with_a_place_keeps_its_kind():
    body = ("2022年,市交通运输局坚持以习近平新时代中国特色社会主义思想为指导。协助重点企业办理电子通行证7289张,"
            "企业复工复产,企业运输保障,企业物流畅通,企业满意度提升。")
    a = attribute(None, body, "")
    assert a.unit == "市交通运输局" and a.unit_type == "党政机关"


@pytest.mark.parametrize("body,unit", [
    # r21: no subject sentence; the unit names itself where it gives a figure
    ("一是强化组织领导,落实意识形态。既抓好中心业务工作,又抓好意识形态工作,真正做到两手抓。\n"
     "二是强化学习教育。目前,农建中心参加参与“学习”强国的人数为28人,100%参加,排在全县前列。", "农建中心"),
    # b25: the short form the text opens with, and the full name it also uses
    ("温泉公安坚持对内营造氛围、鼓舞士气,对外加大宣传、树立形象,打开了温泉公安宣传新局面。"
     "温泉县公安局累计在国家级媒体发布稿件251篇。", "温泉县公安局"),
    # a22: the village named only inside varying phrases
    ("很荣幸在结业式上作汇报发言。我村位于沁河岸畔,全村共265户。我们坚持学以致用,着力打造美丽侯村、幸福侯村、百年侯村,"
     "取得了良好效果。", "侯村"),
    # d12: a long name, then 的这一年
    ("岁月不居,时节如流。黑龙江省大兴安岭地区行政公署公安局十八站森林分局的这一年……\n这一年,驿站公安不忘初心。",
     "黑龙江省大兴安岭地区行政公署公安局十八站森林分局"),
    # e18: 我们<unit>
    ("几年来,我们荣成市税务局紧紧围绕税收工作的实际,始终把思想政治工作放在首要位置上。", "荣成市税务局"),
])
def test_more_ways_a_report_names_itself(body, unit):
    a = attribute(None, body, "")
    assert a.unit == unit and a.unit_explicit


def test_a_cited_example_is_not_the_reporting_unit():
    # seeds 004 (an essay on universities): 近年来,北京大学… is an example, not the author
    body = ("高校是意识形态工作的前沿阵地,高校师生思想活跃。\n要健全网络舆情研判机制,提高对网络舆情的引导应对本事。\n"
            "要建立应急预警机制和应对处置机制,提高对虚拟社会的管控本事。\n要加强队伍建设,发挥辅导员和教师的作用。\n"
            "要完善总结评估机制,形成长效工作格局。近年来,北京大学建立了24小时舆情报送值班制度,设立专门队伍。")
    a = attribute(None, body, "")
    assert a.unit is None and not a.is_report


@pytest.mark.parametrize("title,body,unit", [
    # e03: a party branch's bare 支部 is no part of the unit
    ("2021年度工作开展情况汇报(幼儿园)", "近年来,在县委组织部、教育局党委的正确领导和关心指导下,XX幼儿园支部班子始终坚持"
                                         "“围绕教育抓党建”的工作思路。", "XX幼儿园"),
    # e07: a title that opens with a bare year names no 2023社区
    ("2023社区党建工作总结篇1", "___镇是___县县委、县政府驻地,辖11个居委会。近年来,镇党委以三个代表重要思想为指导,"
                                  "着力加强社区居委会的党建工作。", "镇"),
])
def test_what_is_no_part_of_a_name(title, body, unit):
    a = attribute(title, body, "")
    assert a.unit == unit
    assert unit_type_of("晒经学区") == "学校" and unit_type_of("十八站森林分局") == "党政机关"


@pytest.mark.parametrize("sentence", [
    "認真貫徹黨的十八大、市九次全國共產黨代表大會精神。",           # e13: which congress (traditional page)
    "村党支部和村委会班子分别由4人和5人组成。",                       # e12: a body's size
    "学区现有在职教职工46人,共有中共党员24人。(其中离退休党员7人)",    # e05: a head count's breakdown
    "明确4大类15项具体任务,实行周调度、月通报。",                     # e11: a plan's items
    "实现工商税收12756万元,比计划超收580万元。",                     # e18: revenue and the gap to plan
])
def test_session4_things_that_are_not_activity_counts(sentence):
    assert counts(sentence) == []


def test_a_count_of_vehicle_checks_keeps_its_measure():
    # e19: 台次 is a measure of its own (not 台 + 次)
    assert counts("共查验车辆6196万台次、1.16亿人次。") == [(6196, "万台次"), (1.16, "亿人次")]


def test_a_later_sentence_that_opens_with_the_year_and_we():
    # e02: no year in the title or the opening; a section's first sentence gives it
    body = ("幼儿园党支部在局党委和四屯镇中心学校党总支的领导下,不断探索,形成了围绕中心抓党建的工作特色。现总结如下。\n"
            "一、党建思想认识高度统一,责任明确\n我园党政领导通过不断深入学习,高度认识到党支部是党建工作的责任主体。\n"
            "二、切合实际的政治思想教育先行先导\n思想决定行动,政治思想教育先于启动各项工作。2020年,我园一直把政治思想教育放在首位。")
    a = attribute("幼儿园党支部年度党建工作总结", body, "")
    assert a.year == 2020 and a.sources["year"] == "body"


def test_an_area_report_with_no_we_is_a_government_bodys():
    # b30: no unit, no 我X, no count in the opening; the area's propaganda front speaks
    body = ("今年以来,全区宣传思想战线按照区委的部署和上级宣传部门的要求,坚持贴近实际、贴近生活、贴近群众的工作方针,"
            "紧紧围绕经济建设中心,服从服务于全区改革发展稳定的大局。")
    a = attribute("宣传思想工作总结及工作设想", body, "")
    assert a.unit_type == "党政机关" and a.sources["unit_type"] == "context"


@pytest.mark.parametrize("opening, year", [
    # r23 (real opening): a school's 2019 work meeting report reviews 2018 and plans 2019
    ("老师们,同志们:\n今天,我们济济一堂,召开学校2019年宣传思想政治暨意识形态工作会议。会议的主要任务是:以习近平新时代"
     "中国特色社会主义思想为指导,总结2018年工作,明确努力方向,安排部署2019年工作。\n一、2018年工作的回顾总结\n"
     "一年来,学校深入学习宣传贯彻党的十九大精神。", 2018),
    # the review alone is not enough: a 2019 summary may look back on 2018's work
    ("2019年,我校认真总结2018年工作经验,持续加强意识形态工作。", 2019),
    # nor the plan alone
    ("会议安排部署2019年工作,要求各单位抓好落实。", 2019),
    # the year reviewed must be the one before the title's
    ("会议回顾总结2016年工作,安排部署2019年工作。", 2019),
])
def test_a_work_meeting_report_is_the_year_it_reviews(opening, year):
    a = attribute("2019年宣传思想政治暨意识形态工作报告", opening, "")
    assert a.year == year and a.sources["year"] == ("body" if year == 2018 else "title")


@pytest.mark.parametrize("title, body, year", [
    # n11: no title; a meeting of 2022 that reviews the sector's 2021 work (scope before the year)
    (None, "近日,汉中市银行业协会召开全市银行业2022年信息宣传工作(通讯)会议,表彰了上年度先进单位;"
           "吴芳娟会长作了讲话,总结回顾全市2021年、安排部署2022年全市银行业信息宣传工作。", 2021),
    # n18: the meeting itself dates the review (召开2022年度…工作会 … 回顾总结了2021年全院宣传思想工作)
    (None, "6月30日,我院召开2022年度医院宣传思想工作会,院党委书记等班子成员出席。会上,副书记首先回顾总结了"
           "2021年全院宣传思想工作的开展情况。", 2021),
    # p13: the meeting said before 召开, the plan after its year (对2008年宣传任务进行了部署)
    (None, "4月11日上午,黄河设计公司2008年宣传工作会议在郑州召开。会议总结了2007年公司宣传工作,对2008年宣传任务进行了部署。"
           "2007年,黄河设计公司宣传工作紧紧围绕中心,刊发稿件120篇。", 2007),
    # s06: 总结回顾去年…研究部署今年 at the year's meeting
    (None, "近日,玉塘街道召开2021年宣传思想文化工作会议,总结回顾去年宣传思想文化工作,研究部署今年工作目标任务。"
           "据悉,玉塘街道2020年开展各类学习宣传贯彻活动125场。", 2020),
    # f23: a half-year summary that mentions the year's opening meeting keeps its own year
    ("县妇联2022年上半年工作总结及下半年工作计划", "1月14日,召开2022年全县妇女工作会,回顾总结2021年全县妇联工作,"
     "安排部署2022年工作。上半年,我会开展宣讲活动12场。", 2022),
])
def test_a_meeting_report_without_a_title_year_is_the_year_it_reviews(title, body, year):
    assert attribute(title, to_simplified(body), "x.txt").year == year


def test_a_bare_wan_with_yu_is_ten_thousand():
    # r37 (real opening): 万余册 is 10,000 册 at least; 千家万户 stays a figure of speech
    assert counts("深入开展“扫黄打非”专项行动,收缴非法出版物万余册,取缔违规经营娱乐场所3家。") == [
        (10000, "册"), (3, "家")]
    assert counts("千家万户张贴宣传画,亿万群众参与。") == []


# ---------------------------------------------------------------- session 9: set f (real_f)
def test_a_blurb_heading_does_not_take_the_body_below_it():
    # f12 (renrendoc): `文档简介` on its own line, a blank line, then the whole report on one
    # line. The blurb pattern's `\s*` ran over the line breaks and dropped the report.
    page = ("2025年初中教学工作意识形态自查报告_第1页\n已阅读5页,还剩6页未读 继续免费阅读\n\n下载本文档\n\n"
            "文档简介\n\n2025年初中教学工作意识形态自查报告2025年,我校始终坚持以习近平新时代中国特色社会主义思想为指导,"
            "深入贯彻落实党的二十大精神。现将本年度教学工作中意识形态领域的自查情况报告如下:一、工作开展情况与成效")
    body = clean_text(page)
    assert "文档简介" not in body and "我校始终坚持" in body
    assert "文档简介:本文介绍了…" not in clean_text("文档简介:本文介绍了…\n一、工作开展情况")


def test_a_document_sites_numbered_notices_are_furniture():
    # f13 (book118): seven numbered notices above the title; 每下载1次 is no count, and the
    # notices are no report of their own
    page = ("- 1、原创力文档(book118)网站文档一经付费(服务费),不意味着购买了该文档的版权,仅供个人/单位学习、研究之用。\n"
            "- 4、该文档为VIP文档,如果想要下载,成为VIP会员后,下载免费。\n"
            "- 7、VIP文档为合作方或网友上传,每下载1次, 网站将根据用户上传文档的质量评分。\n"
            "2025年学校教材意识形态自查报告\n为全面加强学校教材意识形态管理,我校于2025年3月至5月开展了教材意识形态专项自查。")
    found = reports(page)
    assert len(found) == 1 and found[0].year == 2025 and found[0].unit_type == "学校"
    assert "原创力" not in found[0].text and counts(page) == []


def test_a_traditional_table_of_contents_is_dropped():
    # f20: `目錄/提綱:……` (traditional) lists the 存在問題 headings before the title; they
    # are no statements of the report
    page = ("目錄/提綱:……\n一、縣公安局民警的基本情況\n三、民警思想狀況方面存在的問題\n(一)學習意識有待加強\n"
            "(二)精神狀態需要改善\n……\n縣公安局民警思想狀況調研報告\n近期通過座談討論、個別了解等方法,就民警思想情況深入基層進行了專題調研。\n"
            "一、縣公安局民警的基本情況\n縣公安局現有民警***人。")
    assert statements(page) == [] and "目錄" not in clean_text(page)


@pytest.mark.parametrize("sentence", [
    # f20: a head count broken down by schooling, rank and party standing
    "縣公安局現有民警***人,大專文化**人,中專文化1人, 高中文化2人;副處2人,副科33人,副主任科員9人,科員96人;中共黨員**人,群眾27人,團員11人。",
    # f16: the length of a slogan
    "习近平总书记提出了新形势下宣传思想工作\"举旗帜、聚民心、育新人、兴文化、展形象\"的15字使命任务。",
    # f09: registrations on an app are an audience, not work done
    "“苏工惠”APP注册人数65.4万人。",
])
def test_set_f_figures_that_are_not_activity_counts(sentence):
    assert counts(sentence) == []


def test_counts_that_stay_counts_next_to_the_new_exclusions():
    # a head count that is the subject of an act is a count (CONVENTIONS: people reached)
    assert counts("组织党员50人参加集中学习,党员30人参加了培训。") == [(50, "人"), (30, "人")]
    # f09: 门次 is one measure word (courses given), not 门
    assert counts("“网汇职工云课堂”线上课程46门次。") == [(46, "门次")]


@pytest.mark.parametrize("title,body,period", [
    # f22: a report on the second half of a year
    ("2022年下半年意识形态主体责任落实情况督查调研报告", "为进一步强化意识形态主体责任的落实,根据区委工作安排,开展督查调研。", "half_year"),
    # the plan for the second half does not make a year's report a half year's
    ("2022年意识形态工作总结及下半年工作计划", "今年以来,我局认真落实意识形态工作责任制。", "full_year"),
])
def test_second_half_of_the_year(title, body, period):
    assert attribute(title, body, "").period == period


@pytest.mark.parametrize("title,body,unit", [
    # f09: a mass organisation, named in the opening
    (None, "市总工会第三季度意识形态工作总体平稳,积极向上,未发生负面舆情。现将有关工作总结如下:", "市总工会"),
    ("县妇联2022年上半年工作总结及下半年工作计划", "全年组织集中学习10次。", "县妇联"),   # f23
])
def test_mass_organisations_are_other(title, body, unit):
    a = attribute(title, body, "")
    assert (a.unit, a.unit_type) == (unit, "其他")


def test_a_courts_department_is_typed_by_its_court():
    # f19: 政治部 says nothing of its parent; 院党组, 书记员, 审判 do
    body = ("年初以来,政治部紧紧围绕中心工作,以经常性思想工作为抓手,努力为院党组确定的七项措施的全面落实以及推进以审判工作为中心的各项任务"
            "的圆满完成提供保证。针对书记员整体业务水平不高的问题,组织书记员培训。组织干警学习。书记员考核。"
            "全省政法系统网络大讲堂,政法干警参加。")
    assert attribute("政治部上半年工作总结", body, "").unit_type == "政法"


def test_a_summary_and_plan_is_the_year_its_summary_part_names():
    # f15: titled with the new year, its summary part headed with the year before
    body = ("一、工作背景2025年,社区思想政治工作发挥了重要作用。二、2024年工作总结思想政治教育活动2024年,社区组织了多场思想政治教育活动。"
            "三、2025年工作计划")
    assert attribute("2025年社区思想政治工作总结与计划", body, "").year == 2024
    # a plan heading for the year before is no summary part
    assert attribute("2025年社区工作总结与计划", "一、2024年工作总结与2025年计划\n全年组织学习10次。", "").year == 2025


@pytest.mark.parametrize("title,unit", [
    # d02: a main title's slogan, then the unit after the dash
    ("凝心聚力担使命 奋楫扬帆新征程——北海艺术设计学院2022年宣传思想工作综述", "北海艺术设计学院"),
    # a dash that masks a name is no slogan's end
    ("——镇2022年意识形态工作总结", "——镇"),
])
def test_the_unit_after_a_main_titles_slogan(title, unit):
    from pipeline.extract.units import unit_from_title_any

    assert unit_from_title_any(title)[0] == unit


def test_a_passive_clause_does_not_stretch_the_name():
    # e16: a court praised by the county congress; the name stops before 被
    body = ("为总结经验,鼓励先进,推动全县人大宣传信息工作水平不断提升,3月11日,全县人大宣传信息工作会议在党校举行,"
            "泾县法院被县人大常委会表彰为“2015年度人大宣传信息工作先进集体”。\n近年来,该院高度重视人大宣传信息工作。")
    a = attribute(None, body, "")
    assert a.unit == "泾县法院" and a.unit_type == "政法"


# ---------------------------------------------------------------- session 9: set g (real_g)
def test_a_place_named_with_a_numeral_and_a_measure():
    # g25: 三堂镇 is a town; its name stays one wherever the report writes it
    page = ("三堂镇位于太和县东北部。三堂镇文化站座落于集镇中心地段,开始成立三堂文化站龙狮旱船队。"
            "全年举办培训班36场次,已分别在三堂、双浮演出三场。")
    assert counts(page) == [(36, "场次"), (3, "场")]      # 演出三场 is a count: 三场 names no place
    # a numeral and 个 before a place word counts the places (走访三个村)
    assert counts("三个村开展宣讲,全年走访了两个社区。") == []


@pytest.mark.parametrize("sentence", [
    # g22: a figure of speech after 涌现出了
    "各乡镇涌现出了一批好典型、好做法。",
    # g13: the unit's party organisation and its breakdown
    "医院目前设8个党支部,其中5个以业务划分(保健、妇科、产科、儿科、医技),2个以职能划分(行政、后勤)。",
    # g17: a stock figure a long noun phrase after 共有
    "全局共有登记在册新媒体联络员93人。",
    # g10: prize winners listed with their names in brackets
    "荣获**省理论宣讲先进个人1人(**)、**好人3人(**、**、**)、**好人2人(**、**)。",
    # g06: coverage reached, counted in places
    "截至今年11月,实现17个镇(区、街道)阵地全覆盖。",
])
def test_set_g_figures_that_are_not_activity_counts(sentence):
    assert counts(sentence) == []


def test_coverage_reached_is_not_counted_but_what_was_built_is():
    # g06: the three study sites are a count; the 17 towns they cover are not
    assert counts("共建成县级“青年学习社”3个,实现17个镇(区、街道)阵地全覆盖。") == [(3, "个")]


def test_rules_named_then_counted_are_documents():
    # g01: 等制度5项 counts the documents just named; 措施15条 stays the size of one
    assert counts("修订完善《意识形态工作责任制实施细则》《意识形态阵地管理办法》等制度 5 项。") == [(5, "项")]
    assert counts("制定工作措施15条。") == []


def test_a_youth_league_committee_is_other():
    # g06: 共青团 ends like a party committee
    assert unit_type_of("共青团委") == "其他" and unit_type_of("xx团县委") == "其他"


def test_the_past_year_is_this_years_report():
    # g21's wording (在过去一年里): a year's report that names no year
    a = attribute("社区创建文明工作总结", "xx社区在过去一年里,充分发挥基层自治组织的作用,较好的完成了各项工作。", "")
    assert a.period == "full_year"


def test_the_unit_named_in_a_long_title_of_its_own_plan():
    # f25: a school that says only 我校, and names itself in the plan it drew up
    body = ("为全面提高选用教材质量,我校严格按照文件通知要求开展排查。成立了校长为组长的专项工作领导小组;"
            "制定了《洪都小学教材、教辅和课外读物专项排查工作实施方案》,明确了排查范围。")
    a = attribute("清理整顿自查报告", body, "")
    assert (a.unit, a.unit_type) == ("洪都小学", "学校")


# ---------------------------------------------------------------- sets h and i (session 10)

@pytest.mark.parametrize("sentence", [
    # h15: a stock after 目前有, and the list it opens
    "XX乡目前有农家书屋9个,文化综合服务中心8个,新时代文明实践站9个,宗教祠堂6个。",
    # i14: registrations named in full (注册使用“学习强国”人数)
    "截至12月底,全县注册使用“学习强国”人数40397人,注册率120.35%。",
    # i20: an audience figure named after the number
    "通过官方公众号、视频号发布并组织全员转发,实现了超1000次的点击转发量。",
    # h12: party admissions are not the unit's ideology work
    "1名同志转为中共正式党员,1名同志成为中共预备党员,1名同志被列为入党积极分子。",
    # h07: a journal's issue in a citation
    "相关经验刊登于《思想政治工作研究》2024年1期。",
    # i18: a per-person quota lists what each writes
    "领导干部每人撰写心得体会10篇,调研文稿2篇,读书笔记15000字。",
])
def test_sets_h_i_figures_that_are_not_activity_counts(sentence):
    assert counts(sentence) == []


def test_activity_counts_beside_the_new_exclusions_stay():
    assert counts("全年编发简报12期,全年发展党员3名。") == [(12, "期"), (3, "名")]
    assert counts("开展“党员读书日活动”25次,领导干部每人撰写心得体会10篇。") == [(25, "次")]


def test_a_masked_year_is_no_masked_unit():
    # i17: XX年以来 opens the body; the unit is not `XX年`
    a = attribute("法院政治处工作总结", "XX年以来,按照上级的统一安排部署,院政治处组织开展了三大政治学习活动。", "")
    assert a.unit != "XX年"


def test_a_name_never_ends_inside_a_word():
    # i14: 集中学习 holds 中学, a school's suffix
    a = attribute(None, "宣传部\n\n组织县委理论学习中心组集中学习25次,全县中心组学习覆盖率达到100%。", "")
    assert a.unit is None or "中学" not in a.unit


def test_prose_ending_in_a_suffix_is_no_clause_initial_unit():
    # i17: 纷纷表示更加尽职尽责地做好法庭工作
    a = attribute("法院政治处工作总结", "通过评议,法庭庭长们,深刻认识到法庭工作的重要性,纷纷表示更加尽职尽责地做好法庭工作。", "")
    assert a.unit in (None, "法院政治处")


def test_a_news_headline_names_its_speaker():
    # i20: 中国人民银行枣庄市分行：推动… (the accessibility bar above it is furniture)
    body = ("无障碍浏览 访问人民银行主站\n中国人民银行枣庄市分行:推动经理国库40周年宣传有声有色\n"
            "2025年是中国人民银行经理国库40周年。为全面展示经理国库制度优势,中国人民银行枣庄市分行创新形式,组织开展系列宣传活动。")
    a = attribute(None, clean_text(body), "")
    assert (a.unit, a.unit_type) == ("中国人民银行枣庄市分行", "金融")


def test_a_habit_adverb_after_the_subject():
    # i11: 近年来,南宁职业技术学院一直高度重视意识形态工作
    body = "意识形态工作是党的一项极端重要的工作。\n近年来,南宁职业技术学院一直高度重视意识形态工作,坚持社会主义办学方向。学校认真贯彻落实意识形态工作责任制。"
    assert attribute(None, body, "").unit == "南宁职业技术学院"


def test_a_journal_affiliation_names_the_unit():
    # i12: the author's affiliation with its postcode under the by-line
    body = "关晓娟\n(宁夏职业技术学院,宁夏回族自治区 银川 750021)\n高校历来是意识形态工作的排头兵,是开展马克思主义教育宣传的主阵地。"
    a = attribute(None, body, "")
    assert (a.unit, a.unit_type) == ("宁夏职业技术学院", "学校")


def test_a_name_found_from_its_suffix_opens_with_no_verb():
    # i21: 紧紧围绕镇党委、政府的中心工作
    body = ("全镇宣传思想工作在县委宣传部的正确领导下,以党的理论为指导,紧紧围绕镇党委、政府的中心工作,服务大局。"
            "我镇坚持把理论学习工作作为宣传工作的首要任务。")
    assert attribute(None, body, "").unit != "紧紧围绕镇"


def test_a_generic_subject_named_in_full_elsewhere():
    # collected d04: 支行历来高度重视 after 临商银行朱保支行 opened the piece
    body = ("近日,根据总行工作要求,临商银行朱保支行把握“赢在春天”宣传重点,高度重视信息宣传工作进展。\n"
            "支行历来高度重视信息宣传工作,全行上下形成合力。")
    assert attribute(None, body, "").unit == "临商银行朱保支行"


def test_prose_is_never_shown_as_a_unit_whatever_path_found_it():
    # the last guard in `attribute`: a by-line made of prose (here a signature-like line) is no name
    a = attribute("工作总结", "今年以来,我站认真开展宣传工作。\n\n深入推进文化站\n", "")
    assert a.unit is None or not any(w in a.unit for w in ("深入", "推进"))


@pytest.mark.parametrize("raw, shown", [
    ("【篇一】交通运输局", "交通运输局"),            # a collection's piece marker
    (":2012年公司", None),                          # a date is never part of a name
    ("X镇党委宣传工作", "X镇"),                      # the unit, not its work
    ("意识形态工作纳入学校", None),                  # prose
    ("***村委会的精神文明建设", None),
    ("濉溪县城市建设投资有限公司", "濉溪县城市建设投资有限公司"),
    ("县委宣传部", "县委宣传部"),
])
def test_a_units_name_is_cleaned_before_it_is_shown(raw, shown):
    from pipeline.extract.units import shown_name

    assert shown_name(raw) == shown


def test_a_date_or_a_sentence_is_never_a_unit():
    from pipeline.extract import units as A

    assert A._YEAR_IN_NAME.search("2012年公司") and A._PROSE_IN_NAME.search("意识形态工作纳入学校")
    assert not A._PROSE_IN_NAME.search("濉溪县城市建设投资有限公司") and not A._PROSE_IN_NAME.search("市委宣传部")


def test_the_year_a_report_announces_beats_an_earlier_start_date():
    # h04: 我自2008年分管… then 我对2011年度工作情况…作如下报告
    body = ("我自2008年分管我镇宣传、团委、文化、体育等工作以来,始终坚持以人为本,下面,我对2011年度工作情况、"
            "自身建设、存在的问题及今后努力的方向作如下报告:\n一、宣传文体工作扎实推进\n今年以来,扎实推进我镇文化名镇建设。")
    a = attribute("乡镇宣传委员述职报告", body, "")
    assert a.year == 2011
    assert a.unit != "以文化名镇"          # a name found from 我镇 never opens with 以


# ---------------------------------------------------------------- sets j and k (session 10)

@pytest.mark.parametrize("sentence", [
    # j11: posts held
    "经县委任命的外宣办主任1人,副主任1人。",
    # j20: a bank's branches, departments and staff
    "该行对外营业网点41个,内设职能部门16个,在岗员工546人。",
    # k18: an average
    "书屋平均藏书量2000余册。",
    # j16: incidents met
    "系统先后检测并拦截到各类网络攻击143次,其中高危攻击33次。",
    # j09: a threshold passed
    "全年上稿量首次突破100篇的大关。",
])
def test_sets_j_k_figures_that_are_not_activity_counts(sentence):
    assert counts(sentence) == []


def test_a_team_formed_is_not_counted_but_its_talks_are():
    # k20: team formation (CONVENTIONS); the talks it gave are a count
    assert counts("遴选思政课部4位青年骨干教师组成十八大精神学习辅导宣讲团,开展宣讲20场。") == [(20, "场")]


def test_people_who_take_part_are_counted_even_when_they_are_staff():
    # k18: 17名农家书屋管理员和群众参加 is a turnout, not a post
    assert counts("活动有17名农家书屋管理员和群众参加。") == [(17, "名")]
    assert counts("明确1名以上信息报送宣传员。") == []


@pytest.mark.parametrize("body, junk", [
    # j11, j12, j18, k11: clause-initial and self-reference candidates made of prose
    ("外宣工作是县委和政府工作的重要组成部分,是县委和政府联系群众的桥梁。我们认真开展外宣工作。", "是县委和政府"),
    ("2020年,永宁县构建县委领导,政府管理,各部门单位履责的网络综合治理体系。", "永宁县构建县委"),
    ("新形势下国有企业宣传思想工作举旗帜、聚民心。\n习近平总书记强调,做好新形势下宣传思想工作。", "新形势下国有企业"),
    ("我校通过橱窗展示学校风采,已成学校的一道风景。我校开展宣传活动12次。", "展示学校"),
])
def test_no_junk_unit_from_a_sentence(body, junk):
    assert attribute(None, body, "").unit != junk


def test_a_run_in_title_without_a_year_names_its_unit():
    # j17: 1、霞光中心小学思想政治工作自查报告为了认真贯彻…
    body = ("1、霞光中心小学思想政治工作自查报告为了认真贯彻落实中共高台县委关于加强和改进思想政治工作的实施意见精神,"
            "进一步加强我校教职员工的思想政治工作,现总结汇报如下:")
    assert attribute(None, body, "").unit == "霞光中心小学"


def test_a_breadcrumb_glued_to_a_title_is_not_part_of_the_name():
    # k20: 首页工作计划>正文党委宣传部2012年工作总结
    from pipeline.extract.units import shown_name

    assert shown_name("首页工作计划>正文党委宣传部") == "党委宣传部"


def test_a_propaganda_department_opening_a_clause_is_the_unit():
    # i14 and g22: 县委宣传部 is a generic name allowed as a subject, and 宣传 in 宣传部 is no topic word
    assert attribute(None, "2019年,县委宣传部恪尽职守、主动作为,全面贯彻落实党的十九大精神。", "").unit == "县委宣传部"
    body = "根据考核办法文件要求,9月22—23日,县委宣传部牵头组织县文体广新局组成3个督查组,对全县15个乡镇开展专项督查。"
    assert attribute(None, body, "").unit == "县委宣传部"


def test_an_organ_of_an_unnamed_level_opening_a_clause():
    # j11: 县委外宣办 (short, the level opens it); 县局 alone is any county's bureau
    body = "外宣工作总结。\n今年以来,县委外宣办紧紧围绕县委中心工作,开展对外宣传。局里组织宣传活动3次。"
    assert attribute(None, body, "").unit == "县委外宣办"
    from pipeline.extract.units import _LEVEL_ORGAN

    assert _LEVEL_ORGAN.match("县局")            # the shape matches, but two characters name no organ:
    a = attribute(None, "今年以来,县局组织开展集中宣传活动,张贴宣传标语40多条。", "")
    assert not (a.unit == "县局" and a.unit_explicit)


# ---------------------------------------------------------------- sets l and m (session 10)

@pytest.mark.parametrize("sentence", [
    # m18: candidates for membership
    "党员以及群团组织积极向中心党支部推荐入党积极分子4名。",
    # m20's list after a stock (组织 as a noun continues it)
    "全区现有志愿者500名、法人组织123个、公益类社会组织68个。",
    # m11: a mechanism set up
    "构成了1套行之有效的政协宣传工作机制。",
    # l23: nothing was done
    "轮台车间0篇。",
    # l14 (shorter): a post to fill
    "各支行要确定1名员工作为信息宣传报道员。",
])
def test_sets_l_m_figures_that_are_not_activity_counts(sentence):
    assert counts(sentence) == []


def test_admissions_and_sessions_in_brackets_still_count():
    assert counts("全年发展党员3名。") == [(3, "名")]
    # the seeds' labels count registered volunteers (注册志愿者843人), so m20's 注册登记志愿者 stays a count
    assert counts("注册志愿者843人。") == [(843, "人")]
    assert counts("全州共开展基层理论宣讲活动2.3万场(次)。") == [(2.3, "万场次")]


@pytest.mark.parametrize("body, unit", [
    # m10: a speech names its unit after 我代表
    ("同志们:这次全市政协信息工作会议,目的是总结交流经验。在此,我代表市政协向受到表扬的同志表示热烈的祝贺!", "市政协"),
    # m20: a by-line dated in brackets after a run-in title
    ("守正创新注重实效高质量推进新时代文明实践志愿服务工作区委宣传部(2019年7月5日)X区被自治区确定为试点县(区)之一,我们深感责任重大。",
     "区委宣传部"),
    # l01: 中院 is a court
    ("金昌中院始终把加强党的创新理论武装放在首要位置,推动学习教育走心见效。", "金昌中院"),
    # l17: a purpose clause after the subject
    ("习近平总书记在全国宣传思想工作会议上指出,必须巩固壮大主流思想舆论。蒙西镇为进一步提高网络舆情管理工作能力,构建起了三级框架。", "蒙西镇"),
    # l20: a name before its bracketed kind
    ("1月21日下午,市妇幼保健院(集团)2015年度宣传工作总结表彰大会在儿童保健中心五楼会议室隆重举行。", "市妇幼保健院"),
])
def test_sets_l_m_units(body, unit):
    assert attribute(None, body, "").unit == unit


def test_an_area_speaking_of_itself_is_named_by_the_area():
    # j09: 我县 … 含山县 (the name of a 我县 report may be the county alone)
    body = ("XX年对含山县来说是不平凡的一年,也是富有成效之年。面对新形势,县委、县政府科学决策,"
            "全县上下团结一心。我县对外宣传工作取得新成效,全年在省级以上媒体发稿120篇。")
    assert attribute("对外宣传工作总结", body, "").unit == "含山县"
    # l16: a district as the subject of the opening
    a = attribute(None, "近年来,双桥区积极加强网络文明建设工作,在加强网络内容建设上下功夫。", "")
    assert (a.unit, a.unit_type) == ("双桥区", "党政机关")
    # …but a community under 我区 is still no name of it (h18)
    body = "我区完成凤鸣社区等×处农家书屋提质增效示范点建设。我区开展宣传活动12次。"
    assert attribute(None, body, "").unit != "完成凤鸣社区"


def test_a_units_own_site_names_a_report_that_calls_itself_by_its_kind():
    # w12: 欢迎访问文山州中医医院官方网站 … 我院组织开展…: the hospital's own site
    page = ("欢迎访问文山州中医医院官方网站\n您的位置: 首页 > 新闻动态 > 工作动态\n\n我院组织开展2021年“宪法宣传周”宣传活动\n\n"
            "时间:2021-12-07 发布人:马荣梅\n在第八个国家宪法日来临之际,我院紧紧围绕主题,组织开展宣传活动。一是悬挂横幅5条。")
    r = reports(page)[-1]
    assert (r.attrs["unit"], r.attrs["unit_explicit"]) == ("文山州中医医院", True)
    # a document site's greeting names no unit
    page = "欢迎来到天天文库\n\n我院2021年宣传工作总结\n今年以来,我院紧紧围绕中心工作,组织开展宣传活动。悬挂横幅5条。"
    assert reports(page)[-1].attrs["unit"] != "天天文库"


def test_every_source_of_a_value_has_a_chinese_name():
    """The 元数据来源 table shows where each value came from in Chinese: every source the
    attribute stage gives on the real pages has a name in queries.labels."""
    import glob
    from pathlib import Path

    from pipeline.extract.process import process_path
    from pipeline.queries.labels import FIELD_NAMES, SOURCE_NAMES

    seen = set()
    for path in sorted(glob.glob(str(Path(__file__).parent / "fixtures" / "real_*" / "*.txt")))[::3]:
        for r in process_path(path).reports:
            seen |= {(k, v) for k, v in r.sources.items()}
    assert {k for k, _ in seen} <= set(FIELD_NAMES), seen
    assert {v for _, v in seen} <= set(SOURCE_NAMES), {v for _, v in seen} - set(SOURCE_NAMES)


def test_the_unit_of_its_own_plan_document_is_the_longest_name_before_the_year():
    from pipeline.extract.units import _own_document_unit

    # w07: the branch, not the bank
    assert _own_document_unit("制订下发《中国邮政储蓄银行金华市分行2020年安全宣传月活动方案》,明确了宣传活动主题。") == "中国邮政储蓄银行金华市分行"
    assert _own_document_unit("制定印发《*市中医医院2025年意识形态工作要点》。") == "*市中医医院"
    # the sample's 004: 中心 is the 理论学习中心组's, not a name's suffix
    assert _own_document_unit("制定了《敖泉镇中心组学习计划》,全年学习12次。") == "敖泉镇"
    # the year first, a masked year (v20, q16); words between the verb and the title, a status
    # after the kind (x08)
    assert _own_document_unit("完善了对外宣传机制,制定了《xx年孟塬乡对外宣传工作要点》和《关于加强我乡外宣工作的意见》") == "孟塬乡"
    assert _own_document_unit("制定下发了《20xx年上甘山林机关新闻宣传工作要点》、《上甘山林机关20xx年新闻宣传工作考核办法》") == "上甘山林机关"
    assert _own_document_unit("修订实施了包括《南京中华中等专业学校宣传工作实施方案(试行)》在内的三项制度") == "南京中华中等专业学校"
    # a document the unit only studied is not its own
    assert _own_document_unit("认真学习《2021年全国宣传部长会议精神》。") is None


def test_a_copula_is_never_inside_a_name():
    # aa08: 一人是文联秘书长 (staffing of a propaganda department) names no 文联 of 一人是
    a = attribute("宣传思想工作半年汇报", to_simplified("下面我分三个方面把宣传部有关情况做以汇报。宣传部现有编制××个,"
                                                     "部长*人,一人是文明办副主任,一人是文联秘书长。"), "x.txt")
    assert a.unit != "一人是文联"


def test_a_title_opening_with_a_bare_party_body_is_a_party_organ():
    # k14: no unit named, the title's kind says it (a 理论学习中心组's report)
    a = attribute("2020年党委理论学习中心组上半年总结及下半年学习计划",
                  "上半年,中心组坚持不断提高中心组学习质量,紧紧围绕学习重点开展学习。", "x.txt")
    assert (a.unit, a.unit_type) == (None, "党政机关")


def test_a_town_named_once_opening_a_clause_of_the_first_sentence():
    # y07: a news item's town, named once after 近日, (no other name in the text)
    body = ("云阳网讯(实习生 洪琳 通讯员 李健)为进一步推进扫黑除恶专项斗争活动的开展,近日,双龙镇举行了扫黑除恶专项斗争宣传活动。\n"
            "活动中,工作人员向广大群众进行了深入浅出的宣传,发放宣传资料500余份。")
    assert attribute(None, to_simplified(body), "x.txt").unit == "双龙镇"
    # prose before a village's suffix is no name (v10: 努力形成村…)
    body = "为进一步提高认识,努力形成村村有阵地、户户受教育的良好局面,发放宣传资料500余份。"
    assert attribute(None, to_simplified(body), "x.txt").unit != "努力形成村"


def test_the_honours_a_unit_gives_at_its_own_commendation_meeting_are_counts():
    # x04: 学校召开…表彰会 … 12家单位荣获宣传工作先进单位 (the seeds count 对各类先进共计33人进行了表彰)
    page = ("学校召开2018年度宣传工作总结表彰会\n1月23日,学校在阜成路校区召开宣传工作总结表彰会,总结2018年宣传工作。"
            "会上,12家单位荣获宣传工作先进单位,22人荣获新闻宣传工作先进个人。")
    assert [m.value for m in reports(page)[-1].metrics] == [12, 22]
    # the same words in a report without its own commendation meeting are honours received
    page = "我校2018年宣传工作总结\n今年,我校组织集中学习12次,3人荣获市优秀通讯员称号。"
    assert [m.value for m in reports(page)[-1].metrics] == [12]
    # aa03: the meeting as the sentence's subject (…总结表彰会在信息楼天使演播厅召开)
    page = ("华西医院召开2019年宣传工作总结表彰会\n2020年1月16日,华西医院2019年宣传工作总结表彰会在信息楼天使演播厅召开。"
            "会议对2019年度优秀宣传工作集体和个人进行了表彰。华西医院10个科室分获宣传组织奖、新媒体运营奖。")
    assert [m.value for m in reports(page)[-1].metrics] == [10]


def test_a_photo_caption_at_a_pages_end_starts_no_report():
    # x09: the captions under a meeting's news (会议现场, …, 杨建平做宣传工作报告, then `Baidu map`):
    # the last reads like a report's title but has no body
    from pathlib import Path

    from pipeline.extract.process import process_path

    page = Path(__file__).parent / "fixtures" / "real_x" / "x09.txt"
    assert [r.title for r in process_path(page).reports] == [None]


def test_a_year_masked_by_two_marks_is_a_blank_year():
    # y01: 镇xx年上半年… is a township's template (xx年 a masked year, not a name)
    a = attribute("镇xx年上半年宣传思想工作总结和下半年工作思路", "今年上半年,宣传思想工作紧紧围绕中心工作,组织中心组学习12次。", "x.txt")
    assert (a.unit, a.unit_type, a.year) == ("镇", "乡镇街道", None)


def test_a_town_named_after_a_market_is_a_town():
    # s17: 蒋集镇 (towns named after a family's market, X集镇); 农贸集镇 is still no name
    body = ("自2019年以来,蒋集镇创新工作方式,通过“四讲一公开”将党的方针政策传递到千家万户。"
            "当下,全国各地正在掀起学党史新高潮,蒋集镇党委利用“四讲一公开”方式,宣讲党史25场次。")
    a = attribute("蒋集镇创新方式开展党史学习教育", to_simplified(body), "x.txt")
    assert (a.unit, a.unit_type) == ("蒋集镇", "乡镇街道")
    assert unit_type_of("蒋集镇") == "乡镇街道"
    from pipeline.extract.units import _named_unit
    assert _named_unit("农贸集镇") is None


def test_an_area_after_a_time_opener_is_the_reporting_area_and_a_party_organ():
    # o03: the district names itself once, after 今年以来, in a 政法综治 publicity report
    body = ("按照“围绕中心、服务大局、树立典型、突出主题”的原则,今年以来,安阳市文峰区多层次、多角度、全方位展开了"
            "政法综治宣传工作,为深入推进“平安文峰”建设活动营造了良好的舆论氛围。全区各政法单位发放宣传资料2万余份。")
    a = attribute("多层次、多角度、全方位营造浓厚的政法宣传氛围", to_simplified(body), "x.txt")
    assert (a.unit, a.unit_explicit, a.unit_type, a.sources["unit_type"]) == ("安阳市文峰区", True, "党政机关", "unit")
    # an area the clause qualifies is not its subject
    body = "今年以来,安阳市的宣传工作者深入基层,发放宣传资料2万余份。"
    assert attribute(None, to_simplified(body), "x.txt").unit is None


def test_a_town_followed_by_its_levels_is_the_town():
    # o01: 繁阳镇镇、村(居) - the town, then its levels (town and village)
    from pipeline.extract.units import shown_name
    assert shown_name("芜湖市繁昌县繁阳镇镇") == "芜湖市繁昌县繁阳镇"
    assert shown_name("镇团委委") == "镇团委"


@pytest.mark.parametrize("body,unit,typ", [
    # z04: an adverb of degree before 重视
    ("锦州黑山县农机局非常重视信息宣传工作,特别是进入第二季度,县局通过开会认真研究部署,稿件被市网采用77条。",
     "锦州黑山县农机局", "党政机关"),
    # y11 / s21: a town's party committee and government together
    ("夹山镇党委政府十分重视宣传文化工作,用文化振兴推进乡村振兴,全年开展宣讲20场。", "夹山镇", "乡镇街道"),
    # z09: a time clause ending in 之际, a township's justice office (政法)
    ("在2022年“12.4”国家宪法日暨宪法宣传周活动之际,西营司法所统筹谋划,精心部署,开展宪法法律知识宣讲5场次。",
     "西营司法所", "政法"),
])
def test_the_opening_sentences_subject_after_more_openings(body, unit, typ):
    a = attribute(None, to_simplified(body), "x.txt")
    assert (a.unit, a.unit_type) == (unit, typ)


def test_a_sites_clock_and_a_newspapers_edition_line_are_furniture():
    # z12: a portal's greeting and clock; z19, s17: an e-paper's edition lines
    page = ("欢迎您,\n\n2023年03月14日 09:36:21 星期二\n岚皋县人大:全面安排部署2021年人大宣传工作\n"
            "山西青年报/2023 年/2 月/15 日/第 005 版共青团\n第A05版:定远新闻\n"
            "2022 年,共青团娄烦县委共组织较大型活动 17 次。" + "团县委深入开展思想引领工作,组织青年学习。" * 10)
    body = clean_text(page)     # [head] lines: a page's top furniture
    for gone in ("欢迎您", "星期二", "第 005 版", "第A05版"):
        assert gone not in body
    assert "共组织较大型活动17次" in body and "岚皋县人大" in body
    # a sentence that mentions an edition is report text
    kept = "我局信息在《中国气象报》第3版刊发2篇,在省级媒体刊发宣传稿件12篇。"
    assert kept in clean_text(kept)


def test_a_meeting_that_commends_the_year_before_reports_on_it():
    # z12: 召开2021年…宣传工作会议 … 表彰2020年度…先进单位 … 安排部署了2021年…工作: the results are 2020's
    body = ("4月10日,岚皋县人大召开2021年人大宣传工作会议。会上,宣读了《岚皋县人大常委会办公室关于表彰2020年度全县人大"
            "宣传工作先进单位和优秀通讯员的决定》,为受表彰的2个先进单位和3名优秀通讯员颁发了奖牌,县人大常委会领导安排部署了"
            "2021年全县人大宣传工作。")
    a = attribute("岚皋县人大:全面安排部署2021年人大宣传工作", to_simplified(body), "x.txt")
    assert a.year == 2020
    # a meeting of the year that commends nobody keeps its year
    body = "4月10日,岚皋县人大召开2021年人大宣传工作会议,安排部署了2021年全县人大宣传工作。"
    assert attribute("岚皋县人大:全面安排部署2021年人大宣传工作", to_simplified(body), "x.txt").year == 2021


def test_this_year_is_read_against_a_first_line_opening_with_a_date():
    # o03: an e-paper page, its edition line first (2012-07-27 第A06版), then 今年以来
    body = ("2012-07-27 第A06版:政法宣传\n多层次、多角度、全方位营造浓厚的政法宣传氛围\n"
            "按照“围绕中心、服务大局”的原则,今年以来,安阳市文峰区多层次、多角度、全方位展开了政法综治宣传工作,"
            "发放宣传资料2万余份。")
    assert attribute(None, to_simplified(body), "x.txt").year == 2012
    # a date inside the first line is no dateline
    body = "按照部署,今年以来,安阳市文峰区于2012-07-27召开会议,发放宣传资料2万余份。"
    assert attribute(None, to_simplified(body), "x.txt").year is None


def test_a_province_speaking_of_itself_is_a_party_organ():
    # q08: a province's review (全省 …, 我省摘得 x 项大奖) names no unit: its party committee's
    body = ("2024 年,有众多故事,记录着奋斗的足迹——全国性文艺评奖 xx 个艺术门类,我省摘得 x 项大奖,全省宣传思想文化战线"
            "坚持守正创新,全省开展宣讲5000余场。")
    a = attribute("2024 年宣传思想文化工作总结材料", to_simplified(body), "x.txt")
    assert (a.unit, a.unit_explicit, a.unit_type) == ("省委", False, "党政机关")
    # a bureau that says 我局 and 我省 is the bureau
    a = attribute(None, to_simplified("今年以来,我局认真落实我省部署,我局开展宣讲12场。"), "x.txt")
    assert a.unit == "局"


def test_a_forums_anti_copy_jammer_is_dropped():
    # z01: a Discuz mirror's random strings between and after a post's lines
    page = ("隨州日報全媒記者 包東流\n! F$ z G) e$ m! w7 M 一座城市的奮進,關鍵在精神。: t# Y& e: Q; ]* X( R& ^\n"
            "2019湖北·隨州國際香菇產業博覽會,隨縣聲音再次“唱響”世界。4 I7 H4 b$ v\" b$ v4 N2 q\n"
            "0 D1 q+ c8 v1 p2 t' W/ j 2019年,隨縣黨員群眾全面掀起學習熱潮。")
    body = clean_text(page)
    for junk in ("F$", "G)", "I7", "b$", "D1", "q+", "t#"):
        assert junk not in body
    assert "一座城市的奮進" in body and "“唱響”世界。" in body and "2019年,隨縣黨員群眾" in body
    # ASCII words, numbers and letters in a row are not a jammer
    for kept in ("PPT QQ APP 等 新媒体", "A B C D E 五个等级", "1 2 3 4 5 6 号文件"):
        assert clean_text(kept).replace(" ", "") == kept.replace(" ", "")


def test_a_unit_as_a_verbs_object_is_no_name():
    # ab20, a24, x20, ab14: 不断培育和弘扬幼儿园文化, 弘扬社区…, 不断净化学校…, 扩大医院对外影响力
    from pipeline.extract.units import named_units
    assert "不断培育和弘扬幼儿园" not in named_units("推动文明和谐校园建设,不断培育和弘扬幼儿园文化,我园开展活动12次。", "幼儿园")
    assert named_units("为了推动医院宣传工作,扩大医院对外影响力,我院召开会议。", "院") == {}
    # a school's own name still is one
    assert "实验幼儿园" in named_units("根据要求,实验幼儿园对宣传用语进行了清理,我园共清理标语3条。", "幼儿园")


def test_a_photos_caption_is_no_title():
    # ab14: captions under a meeting's news name the genre (…作年度宣传工作总结) but title nothing
    from pipeline.extract.split import is_title_line
    assert not is_title_line("图为宣传科陈郁科长作年度宣传工作总结")
    assert not is_title_line("(图)县委宣传部召开工作总结会")
    assert is_title_line("宣传科2013年度宣传工作总结")


def test_a_negated_list_of_problems_admits_none():
    # ab02: 目前…无存在翻卷变形、破损残缺…等现象 (a self-check that found none); ab19: 没有发现…不符的现象,
    # 但存在A、B等问题 (the problems are the ones after 但存在)
    found = statements("(二)检查情况及存在问题\n检查中对宣传展板10块进行认真检查。目前公共宣传载体无存在翻卷变形、破损残缺、"
                       "字迹模糊、污渍浸染的宣传品,内容无问题,无破损残缺等现象。")
    assert not any(s in ("翻卷变形", "破损残缺", "内容无问题", "无破损残缺") for s in found), found
    found = statements("二、存在问题\n通过认真排查,办事处没有发现一处宣传内容与县要求的宣传标语、展板、墙报的内容不符的现象,"
                       "但存在展板风吹雨淋、内容不醒目,横幅风吹断裂、语句不畅等问题。")
    assert "展板风吹雨淋" in " ".join(found) and not any(s.startswith("发现一处") for s in found), found


def test_a_sharing_sites_numbered_notices_are_furniture():
    # ab09 (汇文网): the notices under a document's file name started a report of their own
    page = ("2023年团区委思想宣传工作总结.docx\n下载文档\n温馨提示:\n"
            "1. 部分包含数学公式或PPT动画的文件,查看预览时可能会显示错乱或异常,文件下载后无此问题,请放心下载。\n"
            "2. 本文档由用户上传,版权归属用户,汇文网负责整理代发布。如果您对本文档版权有争议请及时联系客服。\n"
            "3. 下载前请仔细阅读文档内容,确认文档内容符合您的需求后进行下载,若出现内容与标题不符可向本站投诉处理。\n"
            "4. 下载文档时可能由于网络波动等原因无法下载或下载错误,付费完成后未能成功下载的用户请联系客服处理。\n"
            "团区委思想宣传工作总结\n一、围绕团的基层建设,扎实做好思想宣传工作。全年开展主题团日活动12次。")
    body = clean_text(page)
    for gone in ("查看预览", "本文档由用户上传", "下载前请", "付费完成后"):
        assert gone not in body
    assert len(reports(page)) == 1
    # a report's own numbered item about its platform stays
    kept = "1. 加强宣传平台建设,全年在平台发布信息120条,浏览量达5万次。"
    assert kept.replace(" ", "") in clean_text(kept).replace(" ", "")


def test_where_a_meeting_was_held_is_no_count():
    # ab12: 会议在9栋教学楼101召开 (a building's number); buildings put up are counts
    assert counts("船山学院宣传工作会议在9栋教学楼101召开,全年发布稿件120篇。") == [(120, "篇")]
    assert (3, "栋") in counts("今年新建3栋文化活动楼。")


def test_a_name_after_yu_and_a_goal_that_is_no_name():
    # ab13: 我院 … 立足于阳光学院的发展 (named once, after 于); f05: 建设省内经济强乡 is a goal
    from pipeline.extract.units import named_units
    assert "阳光学院" in named_units("第二,宣传工作要立足于阳光学院的发展,紧紧围绕学院中心工作。我院召开会议。", "院")
    assert not named_units("为推进全乡经济发展,建设省内经济强乡提供思想保证。我乡开展宣讲12场。", "乡")



@pytest.mark.parametrize("body, unit, explicit, typ", [
    # x08: 南京中华中等专业学校 holds 等 (a list's "and so on", never inside a name) inside 中等
    ("日前,市教研室发布了表彰通知,南京中华中等专业学校再次荣获“宣传工作先进集体”荣誉称号。"
     "近年来,学校多措并举优化组织架构,修订实施了《南京中华中等专业学校宣传工作实施方案》。我校全年发布新闻186篇。",
     "南京中华中等专业学校", True, "学校"),
    # ac14: 罗田一中 (罗田县第一中学, a county's numbered middle school) opens the sentence after its date
    ("11月22日上午,罗田一中全体行政成员及宣传通讯员在行政楼会议室召开了意识形态及宣传工作专题会议。"
     "学校党总支副书记作主题发言,要求严格落实《罗田一中意识形态工作实施细则(试行)》。", "罗田一中", True, "学校"),
    # k19: a police station's report says only 我所 (政法 by its words); a finance office's stays an organ
    ("今年以来,我所坚持以党建为引领,组织民警开展集中学习12次,深入辖区开展警务宣传,办理案件宣传3次。", "所", False, "政法"),
    ("今年以来,我所坚持以党建为引领,组织干部开展集中学习12次,做好财政资金监管宣传。", "所", False, "党政机关"),
    # ad05: 我卫生院 (a township health centre, never named)
    ("根据上级文件精神要求,我卫生院于4月15日—21日期间组织肿瘤防治宣传周活动,发放宣传单800份。", "卫生院", False, "医院"),
], ids=["x08-zhongdeng", "ac14-yizhong", "k19-police", "k19-office", "ad05-weishengyuan"])
def test_who_reports_named_or_self_referred_in_the_body(body, unit, explicit, typ):
    a = attribute(None, to_simplified(body), "x.txt")
    assert (a.unit, a.unit_explicit, a.unit_type) == (unit, explicit, typ)


def test_words_a_name_never_holds_or_is():
    from pipeline.extract.units import shown_name
    assert shown_name("院党委书记褚茂平等医院") is None      # 等 after a person's name: a piece of a sentence
    assert unit_type_of("统一") is None                      # 一中 is a suffix, 统一 no name


def test_a_news_items_byline_names_a_report_that_calls_itself_by_its_kind():
    # ab14: the headline, then the byline `date time publisher` (a date line the cleaner drops);
    # the item says only 我院
    page = ("我院召开2013年度宣传工作会议\n2013-12-30 15:04南宁市第二人民医院\n图为宣传工作会议现场\n"
            "为了推动医院宣传工作,12月26日下午,我院在综合楼三楼会议室召开了2013年度宣传工作会议。"
            "会议表彰了2013年度优秀通讯员15名,全年在各级媒体发表稿件120篇。\n")
    assert [(r.unit, r.unit_type) for r in reports(page)] == [("南宁市第二人民医院", "医院")]
    # a news site's byline names the site, no unit of the report's kind: the report keeps 院
    page = page.replace("15:04南宁市第二人民医院", "15:04 来源:大众网")
    assert [(r.unit, r.unit_explicit) for r in reports(page)] == [("院", False)]
    # ac09: the site's section heading first (新闻中心, no unit), the label before the date
    page = ("新闻中心\n我院作品荣获2020年山东省卫生健康新闻宣传奖三等奖\n来源:威海市立医院 发布时间: 2020年12月30日 07:25:17\n"
            "日前,省卫生健康委员会发布通报,我院选送的作品获得三等奖。近年来,宣传科以医院微信公众号为主阵地,"
            "全年发布原创稿件260篇。\n")
    assert [(r.unit, r.unit_type) for r in reports(page)] == [("威海市立医院", "医院")]


def test_a_department_of_a_school_is_the_schools():
    # v18, k: a college's publicity department reports for the college (blind labels: 学校)
    assert unit_type_of("梧州学院宣传部") == "学校"
    assert unit_type_of("湖北经济学院党委宣传部") == "学校"
    assert unit_type_of("县委宣传部") == "党政机关"
    assert unit_type_of("区委统战部") == "党政机关"



@pytest.mark.parametrize("body, unit", [
    # ac13: 向广大师生推送学校…, 维护学校… (the self-reference's name path and the clause path)
    ("疫情发生以来,学校更加注重宣传舆论工作。第一时间通过官网向广大师生推送学校疫情防控公告12次,"
     "维护学校安全稳定,展现我校教职员工的精神风貌。", "学校"),
    # ac10: 集中反映企业… opens a clause of the first sentence
    ("编印了公司安全图片专辑,集中反映企业科学发展过程中涌现出的好做法,全年刊发稿件300篇。", None),
    # a13: 召开全体镇干部…大会 (a meeting, not a town)
    ("目前,全镇开展理论中心组集中学习11次,召开全体镇干部、村书记大会3次,我镇宣讲20场。", "镇"),
])
def test_a_name_opening_with_a_verb_is_no_name_whatever_path_found_it(body, unit):
    a = attribute(None, to_simplified(body), "x.txt")
    assert a.unit == unit and not a.unit_explicit



def test_a_news_headline_opening_with_a_unit_the_body_names_again():
    # ac04: the first sentence's subject is the court that commended; the headline names the item's unit
    body = ("中国报道网——中国外文局亚太传播中心唯一官方中文网\n西安市碑林法院宣传信息工作受上级法院表彰\n"
            "近日,西安市中级人民法院发文表彰了全市法院2020年度宣传信息工作先进单位,碑林区法院荣获全市法院宣传工作先进单位。"
            "碑林法院干警被评为信息工作先进个人。\n今年以来,碑林法院党组高度重视信息宣传工作,全年编发信息320条。\n")
    a = attribute(None, to_simplified(body), "x.txt")
    assert (a.unit, a.unit_type) == ("西安市碑林法院", "政法")
    # ad04: the body calls the bureau by its level and kind only (辽源市局, 市局)
    body = ("辽源市地税局构建大宣传格局成效显著\n18.01.2017 22:03\n2016年,辽源市局结合工作实际,加大宣传工作力度,"
            "全年在各级媒体上发表新闻稿件59篇。\n基层单位根据市局建议进行资料收集,并反馈市局进行编辑整理。\n")
    assert attribute(None, to_simplified(body), "x.txt").unit == "辽源市地税局"
    # a caption after the body has begun is no headline (o17: 尚义县下马圈乡组织宣传委员深入…宣讲, the
    # third line): the county stays the unit
    from pathlib import Path
    page = (Path(__file__).parent / "fixtures" / "real_o" / "o17.txt").read_bytes()
    assert [r.unit for r in process_bytes(page, "o17.txt").reports] == ["尚义县"]


def test_works_or_units_commended_by_others_are_no_counts():
    # ac03, u10: honours received (受到…表彰), as 获得/荣获 are; the unit's own work still counts
    assert counts("安康中院有6项新闻宣传成果受到省法院通报表彰,全年在省级以上媒体发稿230篇。") == [(230, "篇")]
    assert counts("湖南省共18家人民法院受到表彰。") == []
    assert counts("对各类先进共计33人进行了表彰。") == [(33, "人")]


def test_honours_handed_to_the_commended_at_the_units_meeting_are_counts():
    # z12: 为受表彰的2个先进单位和3名优秀通讯员颁发了奖牌 (the unit commends; 通讯员 is no staffing here)
    assert counts("会上,为受表彰的2个先进单位和3名优秀通讯员颁发了奖牌和荣誉证书。") == [(2, "个"), (3, "名")]
    # a team of correspondents is still staffing, honours listed still no count
    assert counts("确定3名优秀通讯员负责信息报送。") == []
    assert counts("产生各类“先进单位”66个。") == []


def test_people_designated_to_a_role_are_staffing():
    # l14, s15, p10: 确定1名…员工作为报道员, 安排1名镇领导…担任“轮值讲师”, 13位党员…担任社区主任助理
    assert counts("各部门要确定1名政治素质高、写作能力强的员工作为信息宣传报道员。") == []
    assert counts("安排1名镇领导班子成员担任“轮值讲师”。") == []
    # people who take part or are reached still count
    assert counts("组织党员干部120名参加宣讲,其中5名青年党员作了交流发言。") == [(120, "名"), (5, "名")]


def test_a_list_markup_numbering_a_sharing_sites_notices_again_and_a_title_on_popular_science():
    # ad02: "  1. 1、下载文档前请自行甄别…" hid the dated title line; 气象局科|普 is no 科
    page = ("气象局科普工作总结\n\n  1. 1、下载文档前请自行甄别文档内容的完整性,平台不提供额外的编辑、内容补充等附加服务。\n"
            "  2. 2、\"仅部分预览\"的文档,不可在线预览部分如存在完整性等问题,可反馈申请退款。\n"
            "  3. 3、如文档侵犯您的权益,请联系客服反馈,我们会尽快为您处理。\n\n"
            "2013年县气象局科普工作总结\n2013年县气象局在上级局的指导下,开展科普宣传活动12次,发放宣传资料3000份。我局将继续努力。\n")
    body = clean_text(page)
    assert "甄别" not in body and "侵犯您的权益" not in body
    assert [(r.unit, r.unit_type) for r in reports(page)] == [("县气象局", "党政机关")]



def test_a_combined_title_above_its_first_parts_heading_names_the_unit():
    # ad08: the title names the bureau; the heading chosen as the report's title does not
    page = ("区文化和旅游局2021年工作总结及2022年工作计划\n2021年工作总结\n"
            "一、以建党百年为主题,全区文化活动和文艺创作取得新成效\n"
            "开展了文艺演出宣传系列活动、读书朗诵大赛等文化活动30余场次,营造了浓厚氛围。\n")
    assert [(r.title, r.unit, r.unit_type) for r in reports(page)] == [("2021年工作总结", "区文化和旅游局", "党政机关")]


def test_a_speechs_by_line_names_the_speakers_unit():
    # ad09: 黄梅镇中心学校 刘国栋老师 under the speech's title (the cleaner joins the two)
    page = ("组织营造良好环境强力推动教育宣传\n在全县教育系统信息宣传工作暨骨干通讯员培训会上的交流发言\n"
            "黄梅镇中心学校 刘国栋老师\n(2023年10月14日)\n各位领导、各位同仁:\n"
            "在过去的一年里,黄梅镇的教育宣传工作取得了较好的成绩。2022年我镇各教育单位发表镇校级报道1665篇。\n")
    assert [(r.unit, r.unit_type) for r in reports(page)] == [("黄梅镇中心学校", "学校")]
    # a two-character name and a post
    from pipeline.extract.units import unit_from_signature
    assert unit_from_signature("关于宣传工作的汇报\n永宁县委宣传部 王强部长\n今年以来,我部开展宣讲20场。") == ("永宁县委宣传部", True)


def test_others_reposting_and_a_projects_phase_are_no_counts():
    # ad04: reposts by other sites are an audience figure; ad01: 数字环卫一期 is phase one of a project
    assert counts("全年在各级媒体上发表新闻稿件59篇,被新华网、中国网等各大互联网媒体转载1100余次。") == [(59, "篇")]
    assert counts("围绕生活垃圾分类处置、数字环卫一期等重点工作,发布信息120条。") == [(120, "条")]
    # the unit's own pieces adopted by platforms, and a training class's sessions, still count
    assert counts("其中123篇被市级平台转发。") == [(123, "篇")]
    assert counts("举办通讯员培训班一期。") == [(1, "期")]


def test_problems_announced_then_run_in_headings_and_a_core_problems_heading():
    # k09: 还有一些亟待解决的问题 (亟待解决 admits problems, 解决 alone fixes them), then 一、…二、… run in
    text = ("为实现我镇在和谐稳定的环境中发展,宣传工作中还有一些亟待解决的问题。一、农村宣传工作较为薄弱相对而言,"
            "我镇对上宣传抓得不错,但面向基层的宣传较弱。二、农村宣传工作方式单一在工作方法上,沿用过去的办法。")
    assert statements(text) == ["农村宣传工作较为薄弱相对而言,我镇对上宣传抓得不错,但面向基层的宣传较弱",
                                "农村宣传工作方式单一在工作方法上,沿用过去的办法"]
    # a19: 一、…存在的核心问题 heads the problems; its (一)(二) are the items
    text = ("学校意识形态领域存在的问题及整改措施\n当前,学校意识形态工作直接关系到办学方向。\n"
            "一、学校意识形态领域存在的核心问题\n(一)意识形态工作责任落实存在“温差”“落差”\n"
            "部分学校意识形态工作存在“上热中温下冷”的传导梗阻。\n(二)课堂教学中的意识形态风险管控存在漏洞\n"
            "个别教师在课堂上发表不当言论。\n二、整改措施\n(一)压实责任\n层层传导压力。\n")
    assert statements(text) == ["意识形态工作责任落实存在“温差”“落差”", "课堂教学中的意识形态风险管控存在漏洞"]
    # a sentence about solving problems is still no cue
    assert statements("我镇着力解决群众反映的问题。全年开展宣讲20场。") == []


# ---------------------------------------------------------------- session 15
@pytest.mark.parametrize("title,body,year", [
    # u14: a meeting of 2023 that reviews 2022, the review said after the year (对…进行深入总结)
    (None, "为进一步做好检察宣传工作,2月10日,公安县检察院召开2023年度宣传工作推进会,对2022年度宣传工作进行深入总结,"
           "明确2023年度工作重点。", 2022),
    # u19 (traditional on the page): 召开了2020年度…专题会议 … 对2019年度意识形态工作进行了总结
    (None, "3月13日下午,公司党总支召开了2020年度意识形态工作专题会议。\n刘永吉代表领导班子对2019年度意识形态工作进行了总结,"
           "对2020年意识形态工作进行分析研判。", 2019),
    # z02: the headline's meeting of 2022 praises (肯定) 2021's work and arranges 2022's
    ("岐山县召开2022年卫生健康宣传工作会议", "2月8日,岐山县召开系统卫生健康宣传工作会议,对2022年卫生健康宣传工作进行了安排培训。\n"
     "会议充分肯定了2021年卫生健康宣传工作取得的成绩。全系统省级以上刊发稿件102篇。", 2021),
    # a meeting of the year that only plans it keeps its year
    (None, "2月10日,公安县检察院召开2023年度宣传工作推进会,对2023年度宣传工作进行安排部署。", 2023),
])
def test_a_meeting_reviewing_the_year_before_said_after_the_year(title, body, year):
    assert attribute(title, to_simplified(body), "x.txt").year == year


def test_a_line_that_is_only_a_date_is_not_the_covered_year():
    # ad09: a speech dated 2023年10月 and (2023年10月14日) on lines of their own, on 2022's results
    body = ("2023年10月\n组织营造良好环境强力推动教育宣传\n在全县教育系统信息宣传工作暨骨干通讯员培训会上的交流发言\n"
            "黄梅镇中心学校 刘国栋老师\n(2023年10月14日)\n各位领导、各位同仁:\n在过去的一年里,黄梅镇的教育宣传工作"
            "取得了较好的成绩。2022年我镇各教育单位发表镇校级报道1665篇。")
    assert attribute(None, to_simplified(body), "x.txt").year == 2022
    # a date opening a sentence still dates the work it tells of
    body = "2023年10月14日,我镇召开宣传工作会议,全年发表报道180篇。"
    assert attribute(None, to_simplified(body), "x.txt").year == 2023


def test_a_hijacked_sites_gambling_injection_is_dropped():
    # ae04: the site put gambling keywords in place of the city's name
    page = ("2021年以来,365bet赌城投注_365手机app_365bet365娱乐江宁区供销合作总社紧紧围绕中心工作,大力宣传供销合作社。"
            "江宁区政府门户网站采用53条,365bet赌城投注_365手机app_365bet365娱乐供销供销合作总社网站采用23条。")
    text = clean_text(page)
    assert "365" not in text and "2021年以来,江宁区供销合作总社紧紧围绕" in text
    # masks and placeholders joined by underscores are report text
    for kept in ("组织__镇_村干部学习3次。", "下载_app_学习强国,全年学习20次。"):
        assert clean_text(kept) == kept


def test_the_year_and_unit_of_a_report_whose_second_sentence_opens_with_them():
    # ae04: a sentence on the work in general, then 2021年以来,<the unit>…
    body = ("信息宣传工作是推动三农服务工作的重要途径,也是加快供销合作社高质量发展的重要支撑力量。2021年以来,"
            "江宁区供销合作总社紧紧围绕全区供销合作社系统综合改革等中心工作,大力宣传供销合作社贯彻落实党中央决策部署。\n"
            "拓宽发布渠道,宣传氛围浓厚。上半年以来,我社向上级社报送信息60余条。")
    a = attribute(None, to_simplified(body), "x.txt")
    assert (a.year, a.unit, a.unit_type) == (2021, "江宁区供销合作总社", "其他")
    # a later line opening with a since-year is no year of the report
    body = "信息宣传工作是重要途径。\n2021年以来,江宁区供销合作总社紧紧围绕中心工作。"
    assert attribute(None, to_simplified(body), "x.txt").year is None


def test_a_collection_cut_after_its_first_part_gives_it_the_headings_year():
    # ae08: 2022年金融知识普及总结(通用19篇) over 金融知识普及总结1, the page cut inside part 1
    page = ("2022年金融知识普及总结(通用19篇)\n金融知识普及总结1\n"
            "(一)此次活动作为落实学习教育活动要求和服务民生、联络群众的重要体现,坚持宣传活动公益性,充分展示交行保护消费者权益的承诺和决心。"
            "在活动期间,各支行透过讲座宣讲、设点路演、专场活动等多样的宣传方式向社会公众普及金融知识,确保覆盖面和受众量。")
    got = reports(page)
    assert len(got) == 1 and got[0].attrs["year"] == 2022


def test_a_periodic_analysis_report_naming_nobody_is_a_units_report():
    # ae07: 本地区 only, no 我X, no count; the title says it is a unit's quarterly 研判报告
    body = ("一、意识形态领域总体态势\n第二季度以来,在复杂多变的国内外环境下,本地区意识形态领域总体保持稳定向好态势。"
            "党对意识形态工作的全面领导持续加强。")
    assert attribute("第二季度意识形态领域分析研判报告", to_simplified(body), "x.txt").unit_type == "党政机关"
    # an essay-like research report keeps 其他 (seeds 004#10, collected a31)
    body = "当前,我国农村意识形态领域总体向好,但一些农村地区仍存在薄弱环节。"
    assert attribute("关于农村意识形态工作调研报告", to_simplified(body), "x.txt").unit_type == "其他"


def test_a_report_masking_its_own_name_is_named_by_its_masked_body():
    # h08: `x严格落实…` opens, the text says x党工委 twice; a masked 党工委 is a street's (c18, h08)
    body = ("x严格落实《中国共产党宣传工作条例》有关要求,紧紧围绕x党工委工作大局和中心任务,压实意识形态工作责任制。\n"
            "(一)提高政治站位,强化主体责任落实。x党工委自觉把意识形态工作摆在重要位置,组织专题学习4次。")
    a = attribute("x2023年第x季度意识形态领域分析研判报告", to_simplified(body), "x.txt")
    assert (a.unit, a.unit_type, a.unit_explicit) == ("x党工委", "乡镇街道", False)
    # a mask that also stands for counts and a village, each once, stays the mask (s05)
    body = "×紧紧围绕疫情防控开展宣传,在×村、社区设立宣传点,外宣稿件达×篇,组织宣讲12场。"
    assert attribute(None, to_simplified(body), "x.txt").unit == "×"
    # a masked name never loses its body to the party-body strip (b03: XX党委, not XX)
    from pipeline.extract.units import unit_type_of
    assert unit_type_of("工业园区党工委") == "党政机关"


def test_where_a_unit_lies_and_whom_it_leads_end_no_name():
    # y19: 彭山区观音街道相关领导带领…观音铺社区 is a sentence, its subject the street
    body = ("6月26日,彭山区观音街道相关领导带领禁毒社工和观音铺社区相关人员及网格员走大街小巷,"
            "开展全民禁毒宣传教育活动,发放宣传手册300份。")
    assert attribute(None, to_simplified(body), "x.txt").unit == "彭山区观音街道"
    # y17: xxx社区地处城乡结合部 ends in 乡 but names no township
    body = "xxx社区地处城乡结合部位置,办公条件简陋,党员活动室年久失修。"
    assert attribute(None, to_simplified(body), "x.txt").unit != "xxx社区地处城乡"
    # z: the office against organised crime is under the 政法委
    from pipeline.extract.units import unit_type_of
    assert unit_type_of("山亭区扫黑办") == "政法"


def test_a_short_form_is_shown_spelled_out_when_the_text_spells_it_out():
    # af04: the headline says 临渭区疾控中心, the body 临渭区疾病预防控制中心
    page = ("临渭区疾控中心表扬先进聚人心开新篇\n2月2日下午,临渭区疾病预防控制中心举行2023年度总结会,总结成绩、表扬先进。"
            "2023年,区疾控中心全年累计发放手足口病宣传彩页11万份,完成出血热疫苗接种23011剂次。")
    got = reports(page)[-1]
    assert (got.attrs["unit"], got.attrs["unit_type"]) == ("临渭区疾病预防控制中心", "医院")
    assert (23011, "剂次") in counts(page)
    # … not when the text goes by the short form (ac06: 郧阳区检察院 nine times, the full name once)
    from pipeline.extract.units import spelled_out
    text = "郧阳区检察院荣获称号\n" * 4 + "近日,十堰市郧阳区人民检察院被授予称号。"
    assert spelled_out("郧阳区检察院", text) == "郧阳区检察院"
    assert spelled_out("郧阳区检察院", "郧阳区检察院荣获称号。近日,郧阳区人民检察院被授予称号。") == "郧阳区人民检察院"


def test_a_credit_union_an_oilfields_unit_and_a_villages_hamlets():
    from pipeline.extract.units import unit_type_of
    assert unit_type_of("衡阳蒸湘区联社") == "金融"          # af14
    assert unit_type_of("白于山作业区") == "企业"            # af01
    assert unit_type_of("江宁区供销合作联社") == "其他"
    assert counts("全村12个自然村的水泥路浇注完成率达百分之百。") == []     # af11: what a village holds


def test_a_citys_procuratorates_as_one_system_and_a_demonstrative_before_a_kind():
    from pipeline.extract.units import unit_type_of
    assert unit_type_of("咸阳市检察机关") == "政法"          # ag03, ag04
    # ag11: 这个厂 is "this plant", never a name
    body = ("3月22日,在华北油田采四廊东采油作业区微党课上,党总支书记带领17名党员学习了形势任务。\n"
            "这个厂积极开展主题教育,组织召开了形势任务报告会,以视频连线方式使11个会场的200多人学习会议精神。")
    assert attribute(None, to_simplified(body), "x.txt").unit != "这个厂"


@pytest.mark.parametrize("sentence,kept", [
    # ae12: a county's religious population and clergy are statistics, not work
    ("有佛教和天主教信教群众3万余人,其中佛教信众约2.5万人,天主教信众0.3万人。有佛教教职人员2名。", []),
    # ae11: a library's holdings
    ("农家书屋室内藏书6812册,全镇共藏书30000余册。", []),
    # … but checking them is work done (heldout ho01)
    ("清查校园图书室藏书1.2万余册。", [(1.2, "万册")]),
    ("组织信教群众开展政策宣讲3场。", [(3, "场")]),
    # x17, x13, x15: what each class or grade did once is a rate, not a total
    ("每班開展了一次“憲法在我心中”的主題班會。", []),
    ("各班级以民族团结为主题出好一期黑板报。", []),
    ("各班级共出黑板报30期。", [(30, "期")]),
    # x13: the nation's 56 peoples
    ("了解我国是一个由56个民族组成的统一的多民族社会主义国家。", []),
    ("创建3个民族团结进步示范单位。", [(3, "个")]),
    # y20: what an area holds
    ("辖区内有企业167家,区域内有小区2个。", []),
    # ad06, w14: the places a campaign spans
    ("各村开展讲座,涵盖全部41个行政村。", []),
    ("工作覆盖全国2600余所高校。", []),
    ("覆盖党员干部群众1万余人次。", [(1, "万人次")]),
    # z14, q09: daily averages; a yearly average still counts (ad03)
    ("网站日均2万人次访问。", []),
    ("年均开展宣讲活动30场。", [(30, "场")]),
    # v06, aa01, heldout3: the people of a whole county or hospital taking part are a turnout
    ("组织全县3600余名各族干部、群众开展学习。", [(3600, "名")]),
    ("组织全院400多名党员干部参加。", [(400, "名")]),
    # … while its townships, boards and buildings are what it holds
    ("全县18个乡镇全部成立宣讲队。", []),
    ("对全县127块户外广告牌开展清理。", []),
    # o04: done as planned is done (计划开展 alone is a plan)
    ("全年已按计划开展了6次中心组学习。", [(6, "次")]),
    ("计划开展中心组学习6次。", []),
    # every department of the district is the scope of an inspection, not a count of work (test_metrics'
    # 带队对全县15个乡镇开展专项检查; sets g22 and ab18 label such objects, our heldout labels do not)
    ("对全区32个部门进行了督查。", []),
    # u05, s16, s06: measures of banners, armbands and cases
    ("播出、悬挂标语条幅30余副。", [(30, "副")]),
    ("发放疫情防控红袖章208枚。", [(208, "枚")]),
    ("整治城市乱象6.4万余宗。", [(6.4, "万宗")]),
])
def test_session_15_counts(sentence, kept):
    """What set ae-ag's pages and the older sets' misses taught about counts: populations,
    holdings, rates, spans and averages are none; a whole area's people taking part, work done
    as planned and a few more measures are."""
    assert counts(sentence) == kept


def test_an_area_said_once_gives_way_to_the_named_subject_of_a_clause():
    # ag01: 表彰我省…先进个人 is the awarding body's phrase; the item's subject is the court
    body = ("信阳消息(记者 张继疆)昨日,信阳市中级人民法院传来喜讯,信阳中院被人民法院报社表彰为全国网络宣传工作先进单位,"
            "表彰我省网络宣传工作先进个人12名。\n2013年,全市法院共在《人民法院报》发布新闻宣传稿45篇。")
    a = attribute(None, to_simplified(body), "x.txt")
    assert (a.unit, a.unit_type) == ("信阳市中级人民法院", "政法")
    # an area that speaks of itself twice is still the reporter (我县…我县)
    body = "今年以来,我县坚持理论武装,组织中心组学习12次。我县宣传思想工作取得新成效。"
    assert attribute(None, to_simplified(body), "x.txt").unit == "县委"
