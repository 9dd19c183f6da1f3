"""Activity-metric extraction (pipeline/extract/metrics.py + data/metric_rules.toml + data/activity_taxonomy.toml)."""
from __future__ import annotations

import doctest
import tomllib

import pytest

from pipeline.extract import metrics as M
from pipeline.text.clean import clean
from pipeline.text.script import to_simplified
from pipeline.config import data_file
from pipeline.extract.metrics import Metric, categorize, extract_metrics
from pipeline.extract.segment import Section, segment


def run(text: str, sections=None) -> list[Metric]:
    """Extract from a snippet the way process.py does: cleaned text + its simplified copy."""
    body = clean(text).text
    return extract_metrics(body, to_simplified(body), sections if sections is not None else [])


def counts(text: str) -> list[tuple[float | None, str]]:
    return [(m.value, m.measure) for m in run(text)]


def test_doctests():
    assert doctest.testmod(M).failed == 0


# ---------------------------------------------------------------- what is a metric

@pytest.mark.parametrize("text,value,measure", [
    ("组织党员干部集体学习33次。", 33, "次"),
    ("理论中心组专题学习研讨3次。", 3, "次"),
    ("撰写心得体会、理论文章92篇。", 92, "篇"),
    ("参加各类地区知识讲座34人次。", 34, "人次"),
    ("上半年共编发《各界反映》27期。", 27, "期"),
    ("全年召开支部党员大会12次。", 12, "次"),
    ("审核发布信息326条。", 326, "条"),
    ("发放宣传手册500册。", 500, "册"),
    ("悬挂宣传横幅20条。", 20, "条"),
    ("慰问困难党员23人。", 23, "人"),
    ("落实项目资金1725.8万元。", 1725.8, "万元"),
    ("处置网络舆情3起。", 3, "起"),
    ("组织观看警示教育片3部。", 3, "部"),
    ("新建宣传文化长廊1处。", 1, "处"),
    ("新开设党史选修课程3门。", 3, "门"),                 # courses
    ("校领导深入课堂听课42节次。", 42, "节次"),           # a measure plus 次 is one measure
    ("分3批次组织党员到红色教育基地学习。", 3, "批次"),
    ("组织义务植树1200株。", 1200, "株"),
    ("全年处理网民留言九十七条。", 97, "条"),              # a composite Chinese numeral counts
    ("二季度开展网络安全宣传进社区活动5场。", 5, "场"),     # 二季度 opening a clause is Q2
])
def test_stated_counts(text, value, measure):
    assert counts(text) == [(float(value), measure)]


def test_several_counts_in_one_sentence_keep_their_own_words():
    ms = run("今年以来，开展机关党组中心组学习4次，专题研讨2次，机关干部集中学习8次，党小组学习6次。")
    assert [(m.phrase, m.value) for m in ms] == [
        ("开展机关党组中心组学习", 4), ("专题研讨", 2), ("机关干部集中学习", 8), ("党小组学习", 6)]


def test_number_before_its_object():
    ms = run("社区党工委4次对意识形态工作进行专题安排部署，5次召开意识形态领域分析研判会。")
    assert [(m.value, m.phrase) for m in ms] == [
        (4, "社区党工委对意识形态工作进行专题安排部署"), (5, "召开意识形态领域分析研判会")]
    ms = run("对总体方案、12个活动子项方案和7项活动要求做到了严格审核。")
    assert [(m.value, m.measure, m.text) for m in ms] == [
        (12, "个", "对总体方案、12个活动子项方案"), (7, "项", "7项活动要求做到了严格审核")]


def test_counts_without_punctuation_between_them():
    ms = run("设立党建、宪法等专题专栏10个专题学习研讨4次。")
    assert [(m.value, m.phrase) for m in ms] == [(10, "设立党建、宪法等专题专栏"), (4, "专题学习研讨")]


def test_breakdown_gets_parent_phrase():
    ms = run("参加各类讲座34人次，其中地厅级14人次、县处级7人次；其中妇女干部3人次，支部书记讲党课4次。")
    assert [(m.value, m.phrase) for m in ms] == [
        (34, "参加各类讲座"), (14, "参加各类讲座地厅级"), (7, "参加各类讲座县处级"),
        (3, "参加各类讲座妇女干部"), (4, "支部书记讲党课")]


def test_breakdown_of_a_non_metric_is_not_a_metric():
    assert counts("党支部现有党员42名，其中预备党员2名。") == []


# ---------------------------------------------------------------- numerals

@pytest.mark.parametrize("text,value,measure,approx", [
    ("开展了一次自查工作。", 1, "次", False),
    ("召开专题会议两次。", 2, "次", False),
    ("举办读书分享会十二场。", 12, "场", False),
    ("撰写理论文章二十余篇。", 20, "篇", True),
    ("投入资金1.5万元。", 1.5, "万元", False),
    ("为三联村筹措资金近百万元。", 100, "万元", True),
    ("开辟党建、民政等十几个专栏。", 10, "个", True),
    ("受益群众达上千人。", 1000, "人", True),
    ("全县政协委员累计捐款157.3万余元。", 157.3, "万元", True),
    ("投入20余万元。", 20, "万元", True),
    ("1.2万人次参与网上答题。", 1.2, "万人次", False),
    ("发放宣传单2万余份。", 2, "万份", True),
    ("干部职工人均完成学习笔记4万字。", 4, "万字", False),
])
def test_numeral_forms(text, value, measure, approx):
    ms = run(text)
    assert [(m.value, m.measure, m.approx) for m in ms] == [(float(value), measure, approx)]


@pytest.mark.parametrize("text,value,measure,base_value,base_measure", [
    # 万/亿 stay in the measure as written (the export); the base form is for sums
    ("线上答题活动吸引网友参与6.5万人次。", 6.5, "万人次", 65000, "人次"),
    ("向群众赠阅理论读物2.4万余册。", 2.4, "万册", 24000, "册"),
    ("落实宣传文化专项资金0.35亿元。", 0.35, "亿元", 35_000_000, "元"),
    ("为文化广场添置音响设备投入6.8万元。", 6.8, "万元", 68000, "元"),
    ("组织干部职工捐款3600元。", 3600, "元", 3600, "元"),
    ("开展网络文明进社区宣讲17场。", 17, "场", 17, "场"),
])
def test_as_written_and_base_measure(text, value, measure, base_value, base_measure):
    (m,) = run(text)
    assert (m.value, m.measure) == (value, measure)
    assert (m.base_value, m.base_measure) == (base_value, base_measure)


def test_normalise_is_driven_by_the_rules_file():
    assert M.rules().magnitudes == {"万": 10000, "亿": 100_000_000}
    assert M.normalise(2.5, "万件") == (25000, "件")
    assert M.normalise(2.5, "千件", {"千": 1000}) == (2500, "件")
    assert M.normalise(None, "万人") == (None, "人")        # a placeholder stays a placeholder
    assert M.normalise(3, "万") == (3, "万")                 # a prefix alone is no measure


def test_only_the_captured_span_is_converted():
    ms = run("学习党的十九大精神，开展“两学一做”学习教育3次。")
    assert [(m.value, m.measure) for m in ms] == [(3, "次")]


# ---------------------------------------------------------------- approx markers

@pytest.mark.parametrize("text,value", [
    ("发放宣传资料2400余份。", 2400), ("参与居民达5000多人(次)。", 5000), ("近30次。", 30),
    ("约200人参加。", 200), ("逾50篇稿件被采用。", 50), ("均落实了10名以上联系人。", 10),
    ("参会200人左右。", 200), ("开展文艺演出十余场。", 10),
])
def test_approx_markers(text, value):
    ms = run(text)
    assert [(m.value, m.approx) for m in ms] == [(float(value), True)]


def test_exact_count_is_not_approx():
    assert [m.approx for m in run("开展集中学习8次。")] == [False]


# ---------------------------------------------------------------- placeholders

@pytest.mark.parametrize("text,measure,approx", [
    ("已组织开展集中学习X次。", "次", False),
    ("上报要情信息XX篇。", "篇", False),
    ("开展主题党日***次。", "次", False),
    ("被国办综合采用X余篇。", "篇", True),
    ("编发简报x期。", "期", False),
])
def test_placeholders(text, measure, approx):
    ms = run(text)
    assert len(ms) == 1
    m = ms[0]
    assert (m.value, m.placeholder, m.measure, m.approx) == (None, True, measure, approx)


def test_placeholder_letters_elsewhere_are_not_counts():
    assert counts("为新X建设营造环境，传播X声音，***X县委印发通知，做X光检查。") == []


# ---------------------------------------------------------------- exclusions

@pytest.mark.parametrize("kind,text", [
    ("date", "2018年6月12日召开会议。"),
    ("year", "2015年以来，2019年度民主生活会。"),
    ("duration", "李朝荣修路8年的故事。"),
    ("duration", "在本单位公示期满1个月。"),
    ("duration", "群众组队排练一个多月。"),
    ("ordinal", "组织开展第七届象雄文化旅游节。"),
    ("ordinal", "结合西藏第28个民族团结月。"),
    ("ordinal", "演讲比赛获得第2名，位列全市前3名。"),
    ("ordinal", "学习自治区党委九届三次全会、自治区九次党代会精神。"),
    ("ordinal", "不允许二次传播。"),
    ("anniversary", "庆祝建党97周年。"),
    ("enumerator", "一是强化领导，二是完善制度。"),
    ("enumerator", "主要表现在“五个强化”。"),
    ("enumerator", "从以下3个方面开展意识形态工作。"),
    ("enumerator", "抓好三个方面的工作。"),
    ("slogan", "学习党的十九大精神。"),
    ("slogan", "推进“两学一做”学习教育常态化。"),
    ("slogan", "增强四个意识，坚定四个自信。"),
    ("slogan", "严格落实三会一课制度和一岗双责。"),
    ("slogan", "严格执行八项规定和九项要求，学习一准则两条例。"),
    ("slogan", "深刻领会十个明确、十四个坚持。"),
    ("slogan", "一帮三，一级抓一级，统一部署，一次性告知。"),
    ("figure of speech", "举办女子百人健步走。"),
    ("percentage", "占比为63.3%。"),
    ("age", "40岁以下年轻教师。"),
    ("statistic", "我国网民近6亿。"),
    ("statistic", "全县网民30万人。"),
    ("area", "维修路面80㎡。"),
    ("routine", "党工委每月召开一次理论中心组学习会议。"),
    ("routine", "行办党组每半年召开1次意识形态工作会议。"),
    ("routine", "机关党组专题研究意识形态工作全年不少于2次。"),
    ("routine", "党政领导坚持每周上一堂微党课。"),
    ("routine", "中心组成员每年至少撰写1篇学习体会文章。"),
    ("routine", "半年总结一次思想工作。"),
    ("routine", "一年召开两次专题会议。"),
    ("target", "力争全年开展宣讲10场，计划举办培训3期。"),
    ("staffing", "1名行署副秘书长专门负责沟通协调。"),
    ("staffing", "从行署办公室抽调6名干部负责后勤保障组全面工作。"),
    ("staffing", "抽调13辆中巴车和6辆越野车。"),
    ("staffing", "在局系统组建了36人“网络舆情员”队伍。"),
    ("staffing", "组建群防群治队伍4支。"),
    ("staffing", "安排办公室一名工作人员兼职网络评论员。"),
    ("staffing", "均落实了1名以上信息报送宣传员。"),
    ("staffing", "配备专职网评员3名，成立5个督导组。"),
    ("staffing", "3个支部书记积极向党员干部讲党课。"),
    ("structure", "全镇12个村均建立了文明实践站，支部共有党员60名。"),
    ("structure", "带队对全县15个乡镇开展专项检查。"),          # every township there is, not a count of work
    ("slogan", "深刻领会“十四个坚持”。"),                      # composite, but below 十五: a numbered slogan
    ("staffing", "中心核定编制8名，实有在编人员7名。"),
    ("staffing", "春节期间安排4名干部轮流值守。"),
    ("statistic", "全年实现保费收入2.3亿元。"),
    ("target", "今年计划新建新时代文明实践点6个。"),
    ("structure", "小区共有住宅楼32栋、住户1900户、居民5200余人。"),
    ("statistic", "制作的微党课视频在抖音平台播放量达到35万次。"),
    ("statistic", "专题网页累计访问量突破80万次，公众号粉丝2.6万人。"),
    ("statistic", "系列评论文章阅读量超过5000次。"),
    ("staffing", "全县文明实践志愿者队伍已达3.6万人。"),
    ("staffing", "理论宣讲团队规模扩大到86人。"),
    ("award", "我院2名青年医生获得全市演讲比赛一等奖。"),
    ("award", "支部3人荣获“优秀共产党员”称号。"),
    ("quoted name", "印发《关于开展“十个一”活动的通知》。"),
    ("not a measure", "联合公安、文化等3部门开展检查。"),
    ("not a measure", "整合2门户网站的专栏。"),
    ("routine", "村广播站早晚各播放一次政策解读。"),
    ("routine", "网格员每天上下午各巡查1次。"),
    ("award", "报送的调研文章中5篇获评市级优秀成果。"),
    ("statistic", "图书馆全年到馆量达到8.6万人次。"),
    ("statistic", "公司全年实现营业收入4.2亿元，利润总额3100万元。"),
    ("statistic", "推行网上办理，为企业节约成本约60万元。"),
])
def test_not_metrics(kind, text):
    assert counts(text) == [], kind


@pytest.mark.parametrize("text,value,measure", [
    # the objects of an act whose own count follows in the clause: the act is the metric
    ("联合派出所对全乡6处网吧开展专项检查3轮。", 3, "轮"),
    ("局党组与12个基层党支部签订意识形态工作责任书12份。", 12, "份"),
    ("院党委与院属8个科室、5个职能部门签订责任书13份。", 13, "份"),     # every partner of the list
])
def test_partners_and_all_the_sites_give_way_to_the_act_count(text, value, measure):
    assert counts(text) == [(float(value), measure)]


@pytest.mark.parametrize("text,value,measure", [
    # a reach (覆盖/受益/惠及 + 全X + people) is a metric, though 全X before a number is structure
    ("举办防范电信诈骗专题讲座，覆盖全县4500余名中小学生。", 4500, "名"),
    ("送文化下乡演出受益全镇3200余名群众。", 3200, "名"),
    # a team's activity is counted, only its size is not
    ("网评员队伍全年发布正面评论860条。", 860, "条"),
    # the count of an award competition itself, or of people chosen by one, is an activity
    ("评选表彰“最美家庭”15户。", 15, "户"),
])
def test_reach_team_work_and_selections_are_metrics(text, value, measure):
    assert counts(text) == [(float(value), measure)]


@pytest.mark.parametrize("text", [
    # a stock description is a list: every figure of it goes, not only the one after 现有/辖
    "该村现有农户412户1530人，其中脱贫户37户。",
    "街道下设社区党委6个，非公企业党组织23个、党员1870名。",
    "全县共有中小学42所，在校学生2.1万人，专任教师1900余名。",
    "我县辖8个乡镇、2个街道办事处，常住人口28万人。",
    "学校配备专职网评员3名、兼职网评员15名。",
    "学院现有教职工210人，本科生、研究生3400人。",        # two separators between the figures
])
def test_stock_lists_are_not_metrics(text):
    assert counts(text) == []


@pytest.mark.parametrize("text,expected", [
    # an activity after a stock figure is a metric again: a verb, another measure, a new sentence
    ("支部现有党员42名，发展新党员3名。", [(3, "名")]),
    ("社区现有居民800户，组织开展政策宣讲12场。", [(12, "场")]),
    ("党委下设党支部5个，慰问困难党员26人。", [(26, "人")]),
    ("党委下设党支部5个。全年走访群众300户。", [(300, "户")]),
    ("辖区内开展反邪教宣传8场，辖内群众参与1500人次。", [(8, "场"), (1500, "人次")]),
    ("支部现有党员42名，新发展党员、入党积极分子5名。", [(5, "名")]),
])
def test_counts_after_a_stock_figure_that_are_activities(text, expected):
    assert counts(text) == [(float(v), m) for v, m in expected]


def test_a_team_count_does_not_hide_the_count_after_it():
    ms = run("组成5个宣讲组对27个基层党组织进行宣讲。")
    assert [(m.value, m.measure) for m in ms] == [(27, "个")]


def test_plan_section_counts_are_not_metrics():
    text = "一、工作开展情况\n今年以来开展集中学习8次。\n二、下一步工作打算\n力求开展专题研讨4次，举办培训2期。"
    cut = text.index("二、")
    sections = [Section(0, "工作开展", "一、工作开展情况", 0, cut - 1, "cn_dun"),
                Section(1, "下一步", "二、下一步工作打算", cut, len(text), "cn_dun")]
    ms = extract_metrics(text, to_simplified(text), sections)
    assert [(m.value, m.section_kind, m.section_index) for m in ms] == [(8, "工作开展", 0)]


def test_plan_section_from_segment():
    text = "一、工作开展情况\n今年以来开展集中学习8次。\n二、下一步工作打算\n力求开展专题研讨4次。"
    ms = extract_metrics(text, text, segment(text, text))
    assert [m.value for m in ms] == [8]


def test_section_attached():
    text = "开展集中学习8次。\n一、存在问题\n对本单位开展了一次自查工作。"
    sections = [Section(0, "其他", None, 0, 10, None), Section(1, "存在问题", "一、存在问题", 10, len(text), "cn_dun")]
    ms = extract_metrics(text, text, sections)
    assert [(m.value, m.section_index, m.section_kind) for m in ms] == [(8, 0, "其他"), (1, 1, "存在问题")]


# ---------------------------------------------------------------- script and measure words

@pytest.mark.parametrize("text,value,measure", [
    ("舉辦道德講堂10場。", 10, "场"),
    ("刊發信息19篇。", 19, "篇"),
    ("推送廉政教育內容30餘條。", 30, "条"),
    ("捐款捐物18000餘元。", 18000, "元"),
    ("捐助54.7萬元物資。", 54.7, "万元"),
    ("捐獻口罩5600個。", 5600, "个"),
    ("參與居民達2000多人（次）。", 2000, "人次"),
])
def test_measure_words_come_out_simplified(text, value, measure):
    assert [(m.value, m.measure) for m in run(text)] == [(float(value), measure)]


def test_traditional_with_pinyin_stripped():
    raw = "機關業務部門先後以集中培訓的形式組織基層信息員培訓達 200 余人次，黨組會議專題研究意識形態(tài)工作1次。"
    body = clean(raw).text
    assert "(tài)" not in body
    ms = extract_metrics(body, to_simplified(body), [])
    assert [(m.value, m.measure, m.approx) for m in ms] == [(200, "人次", True), (1, "次", False)]
    # text and phrase are in the report's own script; offsets point into the report text
    assert ms[1].text == "黨組會議專題研究意識形態工作1次"
    assert ms[1].phrase == "黨組會議專題研究意識形態工作"
    assert all(body[m.start:m.end] == m.text for m in ms)
    assert ms[0].category == "培训" and ms[1].category == "专题会议/研判"


def test_text_offsets_and_sentence():
    text = "一、工作开展情况\n今年以来，共开展集中学习8次，撰写心得体会36篇。其他内容。"
    ms = extract_metrics(text, text, [])
    for m in ms:
        assert text[m.start:m.end] == m.text
        assert m.sentence == "今年以来，共开展集中学习8次，撰写心得体会36篇。"
    assert [m.text for m in ms] == ["共开展集中学习8次", "撰写心得体会36篇"]


# ---------------------------------------------------------------- taxonomy

@pytest.mark.parametrize("phrase,measure,category", [
    ("理论中心组专题学习研讨", "次", "中心组学习"),
    ("组织党员干部集体学习", "次", "集中学习"),
    ("专题研讨", "次", "专题研讨"),
    ("支部书记带头讲党课", "次", "党课"),
    ("机关支部主题党日", "次", "主题党日"),
    ("召开意识形态领域分析研判会", "次", "专题会议/研判"),
    ("邀请区委领导干部开展宣讲", "次", "宣讲"),
    ("组织基层信息员培训", "人次", "培训"),
    ("编写简报信息", "期", "宣传报道/信息稿件"),
    ("在县以上各级媒体推送宣传稿件", "篇", "宣传报道/信息稿件"),
    ("撰写心得体会、理论文章", "篇", "心得体会/理论文章"),
    ("发放宣传资料", "份", "阵地建设/宣传品"),
    ("开展志愿服务活动", "次", "志愿服务/文化活动"),
    ("捐款捐物", "元", "经费"),
    ("为三联村筹措资金", "万元", "经费"),
    ("网络舆情监测处置", "起", "舆情处置"),
    ("协调处理矛盾纠纷", "起", "其他"),              # 综治, not ideology work
    ("更换地埋式垃圾桶", "个", "其他"),
    ("开展慰老助残、环境美化、纠纷调解等志愿服务活动", "次", "志愿服务/文化活动"),
    ("完成测评材料的提交整理", "小项", "其他"),
])
def test_taxonomy(phrase, measure, category):
    assert categorize(phrase, measure) == category


def test_taxonomy_file_has_the_required_categories():
    with open(data_file("activity_taxonomy.toml"), "rb") as fh:
        tax = tomllib.load(fh)
    names = [c["name"] for c in tax["category"]] + [tax["fallback"]]
    for required in ("中心组学习", "集中学习", "专题研讨", "党课", "主题党日", "专题会议/研判", "宣讲", "培训",
                     "宣传报道/信息稿件", "心得体会/理论文章", "阵地建设/宣传品", "志愿服务/文化活动", "经费", "其他"):
        assert required in names
    assert len(names) == len(set(names))


def test_every_metric_gets_one_known_category():
    with open(data_file("activity_taxonomy.toml"), "rb") as fh:
        tax = tomllib.load(fh)
    names = {c["name"] for c in tax["category"]} | {tax["fallback"]}
    ms = run("开展集中学习8次，捐款18000元，更换垃圾桶95个，完成12大项测评。")
    assert len(ms) == 4 and all(m.category in names for m in ms)


def test_bad_rule_fails_loudly():
    with open(data_file("metric_rules.toml"), "rb") as fh:
        rules = tomllib.load(fh)
    with open(data_file("activity_taxonomy.toml"), "rb") as fh:
        tax = tomllib.load(fh)
    rules["exclude"] = [{"kind": "broken", "before": "(unclosed"}]
    with pytest.raises(Exception):
        M.compile_rules(rules, tax)


def test_measure_words_are_data_not_code():
    with open(data_file("metric_rules.toml"), "rb") as fh:
        rules = tomllib.load(fh)
    ms = rules["measures"]
    for w in ("次", "场", "期", "篇", "人次", "名", "人", "个", "条", "份", "本", "块", "幅", "万元", "元"):
        assert w in ms["event"] or w in ms["other"]


@pytest.mark.parametrize("text, want", [
    # a bare 百/千 with 余/多 after it is a lower bound with any measure (CONVENTIONS: lower
    # bounds are counts, marked approx), not only with an event's (百余场, 千余人次)
    ("发放宣传资料千余份。", [(1000, "份", True)]),
    ("组织百余名党员参加志愿服务。", [(100, "名", True)]),
    ("开展宣讲百余场。", [(100, "场", True)]),
    # without it a bare round numeral is still a name or a figure of speech
    ("举办女子百人健步走活动。", []),
    ("千家万户张贴宣传画。", []),
])
def test_a_bare_round_numeral_with_an_approximate_infix_is_a_count(text, want):
    assert [(m.value, m.measure, m.approx) for m in run(text)] == want
