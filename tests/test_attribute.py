"""Stage 5 (attribute): title, unit (+explicit), unit_type, region, year, period - each with its source.

Runs the pure chain read -> decode -> clean -> split -> attribute (no database, no later
stages), on sample files and on realistic new snippets: signature blocks, by-lines,
anonymised names, blank years, publish dates, manifest rows and folder layouts.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from pipeline.extract.units import _strip_party, signature_block, unit_from_path, unit_type_of
from pipeline.extract.years import body_year, period_of, publish_date, year_from_title
from pipeline.extract.attribute import attribute, manifest_values
from pipeline.text.clean import clean
from pipeline.text.script import to_simplified
from pipeline.load.decode import decode
from pipeline.load.read import read_bytes
from pipeline.extract.split import split_reports

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def attrs_of(data: bytes | str, path: str = "report.txt", manifest: dict | None = None):
    """What process.py does up to attribution, for every report in the file."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    text, _ = decode(read_bytes(data, Path(path).name, path))
    m = clean(text)
    out = []
    for part in split_reports(m.text):
        start, _ = m.original_span(part.start, part.end)
        header = to_simplified(text[:start][-3000:])
        out.append(attribute(to_simplified(part.title) if part.title else None,
                             to_simplified(m.text[part.start:part.end]), path, header=header, manifest=manifest))
    return out


def one(data, **kw):
    reports = attrs_of(data, **kw)
    assert len(reports) == 1, [a.title for a in reports]
    return reports[0]


@pytest.fixture(scope="module")
def samples():
    return {p.name[:3]: attrs_of(p.read_bytes(), path=str(p)) for p in sorted(SAMPLE.glob("*.txt"))}


# ---------------------------------------------------------------- the sample files
def test_sample_000_title_unit(samples):
    a = samples["000"][0]
    assert a.title == "行署办公室2018年度思想宣传及意识形态工作总结"
    assert a.unit == "行署办公室" and a.unit_explicit and a.unit_type == "党政机关"   # as the text names itself
    assert (a.year, a.period, a.region) == (2018, "full_year", "阿里地区")
    assert a.sources["year"] == "title" and a.sources["unit"] == "title"
    assert a.publish_date == date(2018, 11, 12)


def test_sample_001_anonymised_unit_is_generic(samples):
    """`市***黨組` + `我局`: the best generic form, not explicit; 近年來 -> no year, no period."""
    a = samples["001"][0]
    assert (a.unit, a.unit_explicit, a.unit_type) == ("市局", False, "党政机关")
    assert a.year is None and a.period is None


def test_sample_002_title_unit_expanded_from_body(samples):
    a = samples["002"][0]
    assert (a.unit, a.unit_explicit) == ("县政协机关", True)          # title 政協機關, body 縣政協機關
    assert (a.year, a.period) == (2020, "half_year")


@pytest.mark.parametrize("body,unit", [
    # the body calls itself 县文旅局 most of the time: the fuller form
    ("县文旅局党组高度重视意识形态工作。全年县文旅局组织集中学习12次,县文旅局党组书记带头讲党课。", "县文旅局"),
    # 文旅局 throughout; the county only in the name of a document and the page footer
    ("文旅局党组高度重视。文旅局制定了《平阳县文旅局意识形态工作责任清单》。文旅局组织学习12次。"
     "文旅局开展专题研讨3次。文旅局党组书记讲党课2次。版权所有:平阳县文旅局", "文旅局"),
])
def test_title_unit_takes_the_form_the_body_mostly_uses(body, unit):
    a = attribute("文旅局2022年意识形态工作总结", body, "x.txt")
    assert a.unit == unit and a.unit_explicit


@pytest.mark.parametrize("signer,unit", [
    ("中共灵璧县公安局委员会", "灵璧县公安局"),        # the party committee's full name: the bureau
    ("中共沣西村支部委员会", "沣西村"),
    ("中共盐池县审计局党组", "盐池县审计局"),
    ("中共XX县委员会", "XX县委员会"),                # a county's own committee: no unit behind it
])
def test_party_bodies_name_the_unit_behind_them(signer, unit):
    assert _strip_party(signer) == unit


def test_signature_committee_gives_the_unit_and_its_type():
    body = ("2022年，局党委坚持以习近平新时代中国特色社会主义思想为指导，全年召开党委会专题研究意识形态工作4次。\n"
            "中共灵璧县公安局委员会\n2023年1月6日")
    a = attribute("关于2022年度落实意识形态工作责任制情况的报告", body, "x.txt")
    assert (a.unit, a.unit_type, a.sources["unit"]) == ("灵璧县公安局", "政法", "signature")


@pytest.mark.parametrize("title,body,unit", [
    # the end of a township's name before a village is not a prefix of the village
    ("沣西村党支部2023年度意识形态工作总结", "今年，沣西村党支部组织学习12次。城西湖乡沣西村党员大会召开2次。", "沣西村"),
    # a fuller name once, in the signature: the title's form, the county is the region
    ("双浮镇中心卫生院2022年意识形态工作总结", "全年组织职工集中学习10次。\n太和县双浮镇中心卫生院\n2023年1月5日",
     "双浮镇中心卫生院"),
])
def test_title_unit_is_not_stretched_by_a_rare_or_partial_prefix(title, body, unit):
    assert attribute(title, body, "x.txt").unit == unit


@pytest.mark.parametrize("title,unit,unit_type", [
    ("醴陵市委宣传部副部长2023年度落实意识形态工作责任制述职报告", "醴陵市委宣传部", "党政机关"),   # a post after the unit
    ("浏阳市文联2023年意识形态工作总结", "浏阳市文联", "其他"),     # a mass organisation (群团)
    ("XX县总工会2024年第三季度意识形态工作总结", "XX县总工会", "其他"),
    ("中国平安财产保险股份有限公司株洲中心支公司2023年意识形态工作报告",
     "中国平安财产保险股份有限公司株洲中心支公司", "金融"),      # an insurer named …公司
])
def test_title_units_of_posts_mass_bodies_and_insurers(title, unit, unit_type):
    a = attribute(title, "全年组织集中学习10次。", "x.txt")
    assert (a.unit, a.unit_type) == (unit, unit_type)


def test_sample_003_no_title_unit_and_year_from_body(samples):
    a = samples["003"][0]
    assert a.title is None and a.sources["title"] == "none"
    assert (a.unit, a.unit_explicit, a.sources["unit"]) == ("县政府办公室", True, "body")
    assert (a.year, a.sources["year"], a.period) == (2021, "body", "full_year")   # 《2021年…工作要点》


def test_sample_004_collection(samples):
    r = samples["004"]
    assert len(r) == 10
    assert all(a.year == 2021 and a.sources["year"] == "title" for a in r)        # from …十篇N
    assert (r[3].unit, r[3].unit_explicit, r[3].unit_type) == ("敖泉镇", True, "乡镇街道")
    assert r[3].period == "half_year" and r[3].region == "桂阳县"
    assert (r[4].unit, r[4].unit_explicit, r[4].region) == ("市安监局", True, "马鞍山市")
    assert (r[1].unit, r[1].unit_explicit) == ("市接待办", True)
    assert (r[2].unit, r[2].unit_explicit, r[2].unit_type) == ("--社区", False, "社区村")
    assert (r[8].unit, r[8].unit_explicit) == ("盐池县审计局", True)
    assert r[0].unit == "办公室" and not r[0].unit_explicit
    for essay in (r[5], r[6], r[7], r[9]):
        assert essay.unit is None and not essay.is_report


# ---------------------------------------------------------------- units
BODY = ("认真落实意识形态工作责任制，牢牢把握正确政治方向，现将有关情况报告如下：\n"
        "一、工作开展情况\n全年组织理论学习中心组学习12次，开展专题研讨4次。\n"
        "二、存在问题\n一是学习形式较为单一；二是网络阵地建设有待加强。\n"
        "三、下一步工作打算\n下一步，将继续加强意识形态工作。")


@pytest.mark.parametrize("opening,unit,explicit,typ", [
    ("今年以来，县政府办公室党组", "县政府办公室", True, "党政机关"),
    ("2021年，县审计局党组坚持以习近平新时代中国特色社会主义思想为指导，", "县审计局", True, "党政机关"),
    ("上半年，市财政局党组高度重视意识形态工作，", "市财政局", True, "党政机关"),
    ("一年来，在县委的坚强领导下，敖泉镇党委紧紧围绕中心工作，", "敖泉镇", True, "乡镇街道"),
    ("今年以来，城关街道党工委", "城关街道", True, "乡镇街道"),
    ("今年以来，红星村党支部", "红星村", True, "社区村"),
    ("今年以来，县第一中学党委", "县第一中学", True, "学校"),
    ("今年以来，县人民医院党委", "县人民医院", True, "医院"),
    ("今年以来，县公安局党委", "县公安局", True, "政法"),
    ("今年以来，县农村信用联社党委", "县农村信用联社", True, "金融"),
    ("今年以来，县自来水公司党支部", "县自来水公司", True, "企业"),
    ("今年以来，县委宣传部", "县委宣传部", True, "党政机关"),
    ("今年以来，XX县人民法院党组", "XX县人民法院", False, "政法"),
    ("今年来，***社区党支部在街道党工委的领导下，", "***社区", False, "社区村"),
    ("今年以来，我局", "局", False, "党政机关"),
    ("今年以来，我镇", "镇", False, "乡镇街道"),
    ("近年来，我校", "学校", False, "学校"),
    ("今年以来，我行", "行", False, "金融"),
    ("今年以来，公司党委", "公司", False, "企业"),
])
def test_unit_from_the_opening(opening, unit, explicit, typ):
    a = one(opening + BODY)
    assert (a.unit, a.unit_explicit, a.unit_type) == (unit, explicit, typ)
    assert a.sources["unit"] == "body"


def test_we_hospital_or_court_decided_by_keywords():
    court = one("今年以来，我院认真落实意识形态工作责任制，全年审结各类案件1200件，审判质效稳步提升，"
                "检察监督和司法公开持续加强。")
    hospital = one("今年以来，我院认真落实意识形态工作责任制，医护人员全心为患者服务。")
    assert (court.unit, court.unit_explicit, court.unit_type) == ("院", False, "政法")
    assert (hospital.unit, hospital.unit_type) == ("院", "医院")


@pytest.mark.parametrize("title,unit,explicit", [
    ("行署办公室2018年度思想宣传及意识形态工作总结", "行署办公室", True),
    ("市安监局2021年上半年意识形态工作总结", "市安监局", True),
    ("中共盐池县委2021年度落实意识形态工作责任制情况的报告", "盐池县委", True),
    ("2021年敖泉镇意识形态工作总结", "敖泉镇", True),
    ("关于2021年县审计局意识形态工作的报告", "县审计局", True),
    ("县审计局20XX年意识形态工作总结", "县审计局", True),
    ("县审计局20__年度意识形态工作总结", "县审计局", True),
    ("XX县人民医院2021年意识形态工作总结", "XX县人民医院", False),
    ("国网XX供电公司2021年意识形态工作总结", "国网XX供电公司", False),
    ("2021年乡镇意识形态工作总结", None, False),
    ("县融媒体中心2021年意识形态工作总结", "县融媒体中心", True),
    ("市委宣传部2019年意识形态工作总结", "市委宣传部", True),
])
def test_unit_from_the_title(title, unit, explicit):
    a = one(f"{title}\n今年以来，我单位{BODY}")
    assert (a.unit, a.unit_explicit) == (unit, explicit)
    if unit:
        assert a.sources["unit"] == "title"


def test_signature_block_anonymised():
    a = one(f"关于意识形态工作责任制落实情况的报告\n今年以来，我局{BODY}\n中共XX县审计局党组\n2021年12月20日")
    assert (a.unit, a.unit_explicit, a.unit_type, a.sources["unit"]) == ("XX县审计局", False, "党政机关", "signature")
    assert (a.year, a.sources["year"], a.period) == (2021, "body", "full_year")   # 今年 read against the date


def test_signature_block_named():
    a = one(f"关于意识形态工作责任制落实情况的报告\n今年以来，我局{BODY}\n中共盐池县审计局党组\n二〇二一年十二月二十日")
    assert (a.unit, a.unit_explicit, a.sources["unit"]) == ("盐池县审计局", True, "signature")
    assert a.region == "盐池县" and a.year == 2021


def test_signature_on_one_line_and_byline():
    a = one(f"意识形态工作责任制落实情况报告\n今年以来，我局{BODY}\n县卫生健康局 2021年6月30日")
    assert (a.unit, a.unit_explicit) == ("县卫生健康局", True)
    b = one(f"关于2021年度意识形态工作责任制落实情况的报告\n中共盐池县审计局党组\n县委：\n今年以来，我局{BODY}")
    assert (b.unit, b.unit_explicit, b.year) == ("盐池县审计局", True, 2021)


def test_signature_date_is_not_the_covered_year_of_a_short_report():
    a = one(f"意识形态工作总结\n今年以来，我局{BODY}\n县卫生健康局\n2022年1月5日")
    assert a.year == 2021          # written in the first days of January, looking back on 2021
    b = one(f"关于意识形态工作责任制落实情况的报告\n（2022年1月5日）\n县委：\n今年以来，县审计局党组{BODY}")
    assert (b.year, b.sources["year"]) == (2021, "body")
    c = one(f"关于意识形态工作责任制落实情况的报告\n（2021年6月28日）\n上半年，县审计局党组{BODY}")
    assert (c.year, c.period) == (2021, "half_year")


def test_false_names_are_not_units():
    a = one("今年以来，我局着力构建大宣传工作格局，推动形成齐抓共管的工作格局，统筹推进局系统意识形态工作。" + BODY)
    assert a.unit == "局" and not a.unit_explicit
    b = one("今年以来，我中心坚持以人民为中心，组织理论学习中心组学习12次，理论学习中心组成员带头。" + BODY)
    assert b.unit == "中心" and not b.unit_explicit


# ---------------------------------------------------------------- unit type
@pytest.mark.parametrize("unit,typ", [
    ("行署办公室", "党政机关"), ("县政协机关", "党政机关"), ("市安监局", "党政机关"), ("县委宣传部", "党政机关"),
    ("敖泉镇", "乡镇街道"), ("城关街道办事处", "乡镇街道"), ("北京路街道--社区", "社区村"), ("红星村", "社区村"),
    ("县第一中学", "学校"), ("北京大学", "学校"), ("县人民医院", "医院"), ("镇卫生院", "医院"),
    ("国网供电公司", "企业"), ("县公安局", "政法"), ("县人民法院", "政法"), ("县人民检察院", "政法"),
    ("县农商行", "金融"), ("农业银行盐池县支行", "金融"), ("县农村信用联社党委", "金融"),
    ("中共敖泉镇委员会", "乡镇街道"), ("红星村村民委员会", "社区村"),
    # a media centre is a public institution: six blind labels (h12, j15, m18, m19, q18, z21)
    # say 其他; an office-like 中心 stays an organ
    ("县融媒体中心", "其他"), ("翼城县融媒体中心党支部", "其他"), ("农建中心", "党政机关"),
    ("县疾病预防控制中心", "医院"), ("县委政法委", "政法"),
])
def test_unit_type_of(unit, typ):
    assert unit_type_of(unit) == typ


def test_unit_type_of_an_essay_from_keywords():
    a = one("加强高校意识形态工作的思考\n高校是意识形态工作的前沿阵地，高校师生思想活跃，学生和教师"
            "在校园中接触各种思潮，大学生群体尤其需要引导，辅导员队伍要发挥作用。")
    assert a.unit is None and a.unit_type == "学校" and a.sources["unit_type"] == "context"
    assert not a.is_report


# ---------------------------------------------------------------- year and period
@pytest.mark.parametrize("title,year", [
    ("行署办公室2018年度思想宣传及意识形态工作总结", 2018),
    ("2021意识形态工作情况总结十篇1", 2021),
    ("20__年意识形态工作总结", None),
    ("20XX年度意识形态工作总结", None),
    ("2015年以来意识形态工作情况报告", None),
    ("2019-2021年意识形态工作总结", None),
    (None, None),
])
def test_year_from_title(title, year):
    assert year_from_title(title) == year


def test_body_year():
    assert body_year("2018年,严格按照《阿里地区2018年地直部门党委(党组)意识形态工作目标管理责任书》要求") == 2018
    assert body_year("今年以来,县政府办公室党组认真落实……制定了《2021年党建和意识形态工作要点》") == 2021
    # a first sentence's 2015年以来 is the year (CONVENTIONS) unless a later year follows,
    # which makes it a review of several years
    assert body_year("2015年以来,我局始终坚持……") == 2015
    assert body_year("2015年以来,我局始终坚持……" + "坚持理论武装。" * 60 + "2017年共学习20次。") is None
    assert body_year("20__年,我局在县委的正确领导下") is None


@pytest.mark.parametrize("header,opening,year,source", [
    ("发布时间:2021-08-03 来源: 点击数:", "今年以来，我局", 2021, "publish_date"),
    ("发布时间：2021年8月3日", "上半年，我局", 2021, "publish_date"),
    ("发布时间:2021-10-20", "前三季度，我局", 2021, "publish_date"),
    ("发布时间:2021-12-28", "本年度，我局", 2021, "publish_date"),
    ("发布时间:2022-01-10", "今年以来，我局", 2021, "publish_date"),   # a January page looks back
    ("发布时间:2021-08-03", "近年来，我局", None, None),                 # no year words: no guess
    ("", "今年以来，我局", None, None),                                  # nothing to read it against
])
def test_relative_year_resolved_against_publish_date(header, opening, year, source):
    a = attribute("意识形态工作总结", opening + BODY, "x.txt", header=header)
    assert a.year == year
    if source:
        assert a.sources["year"] == source


def test_publish_date_forms():
    assert publish_date("發布時間:2020-11-03 來源: 黨課講稿 點擊:".replace("發布時間", "发布时间")) == date(2020, 11, 3)
    assert publish_date("发布时间：2021年8月3日") == date(2021, 8, 3)
    assert publish_date("更新时间: 2019/12/31") == date(2019, 12, 31)
    assert publish_date("来源: 点击数:") is None


def test_publish_date_read_from_the_page_header():
    page = "当前位置: 首页 >> 正文\n意识形态工作总结\n发布时间:2020-07-15 来源: 点击数:\n上半年，我局" + BODY
    a = one(page)
    assert (a.year, a.sources["year"], a.period) == (2020, "publish_date", "half_year")


@pytest.mark.parametrize("title,opening,period", [
    ("县审计局2021年意识形态工作总结", "今年以来，", "full_year"),
    ("县审计局2021年上半年意识形态工作总结", "今年以来，", "half_year"),
    ("县审计局2021年意识形态工作总结", "半年来，", "half_year"),
    ("县审计局2021年意识形态工作总结", "1-6月，", "half_year"),
    ("县审计局2021年第一季度意识形态工作总结", "一季度，", "quarter"),
    ("县审计局2021年意识形态工作总结", "前三季度，", "quarter"),
    ("县审计局意识形态工作总结", "近年来，", None),
    ("县审计局意识形态工作总结", "2015年以来，", None),
    ("县审计局2021年意识形态工作总结", "近年来，", "full_year"),       # the title names one year
    ("县审计局2019-2021年意识形态工作总结", "近年来，", None),
    ("县审计局2021年意识形态工作总结", "2021年中共县委高度重视，", "full_year"),
    ("县审计局2021年意识形态工作总结", "今年中央和省委作出部署，", "full_year"),
    ("县审计局2021年年中意识形态工作总结", "今年以来，", "half_year"),
])
def test_period(title, opening, period):
    assert period_of(title, opening + "我局" + BODY) == period


# ---------------------------------------------------------------- overrides: manifest and folder layout
def test_manifest_overrides_everything_it_names():
    a = one("市财政局2021年意识形态工作总结\n今年以来，市财政局党组" + BODY,
            manifest={"unit": "县政府办公室", "year": "2019", "unit_type": "", "region": "谷城县", "period": "上半年"})
    assert (a.unit, a.unit_explicit, a.year, a.region, a.period) == ("县政府办公室", True, 2019, "谷城县", "half_year")
    assert a.unit_type == "党政机关" and a.sources["unit_type"] == "unit"
    assert {a.sources[k] for k in ("unit", "year", "region", "period")} == {"manifest"}


def test_manifest_partial_row_leaves_the_rest_to_the_text():
    a = one("市财政局2021年意识形态工作总结\n今年以来，市财政局党组" + BODY, manifest={"unit_type": "金融"})
    assert (a.unit, a.year, a.unit_type, a.sources["unit_type"]) == ("市财政局", 2021, "金融", "manifest")


@pytest.mark.parametrize("row,expect", [
    ({"year": "2021年"}, {"year": 2021}),
    ({"year": "二〇二一"}, {}),
    ({"year": "n/a"}, {}),
    ({"period": "全年"}, {"period": "full_year"}),
    ({"period": "half_year"}, {"period": "half_year"}),
    ({"period": "Q3"}, {"period": "quarter"}),
    ({"period": "whenever"}, {}),
    ({"unit_type": "乡镇"}, {"unit_type": "乡镇街道"}),
    ({"unit_type": "医院"}, {"unit_type": "医院"}),
    ({"unit_type": "县公安局"}, {"unit_type": "政法"}),
    ({"unit_type": "事业单位"}, {"unit_type": "其他"}),
    ({"unit": " 县政府办公室 ", "region": ""}, {"unit": "县政府办公室"}),
])
def test_manifest_values_normalised(row, expect):
    assert manifest_values(row) == expect


def test_folder_layout_overrides_the_text():
    assert unit_from_path("reports/2021/县政府办公室.docx") == ("县政府办公室", 2021)
    assert unit_from_path("reports/2021年度/中共盐池县审计局党组.txt") == ("盐池县审计局", 2021)
    assert unit_from_path("reports/2021/县政府办公室2021年意识形态工作总结.docx") == (None, 2021)
    assert unit_from_path("inbox/县政府办公室.docx") == (None, None)
    a = one("市财政局2020年意识形态工作总结\n今年以来，市财政局党组" + BODY, path="corpus/2021/县政府办公室.txt")
    assert (a.unit, a.year, a.sources["unit"], a.sources["year"]) == ("县政府办公室", 2021, "path", "path")


def test_hash_like_file_names_give_no_year():
    a = attribute("意识形态工作总结", "近年来，我局" + BODY, "inbox/4da72019bf77.txt")
    assert a.year is None
    b = attribute("意识形态工作总结", "近年来，我局" + BODY, "inbox/县审计局_2019.txt")
    assert (b.year, b.sources["year"]) == (2019, "path")


def test_signature_block_parts():
    start, unit, when = signature_block("正文。\n中共XX县审计局党组\n2021年12月20日")
    assert (unit, when) == ("中共XX县审计局党组", date(2021, 12, 20))
    assert signature_block("正文。\n县委：\n今年以来。")[1:] == (None, None)


def test_every_value_has_a_source():
    a = one("意识形态工作总结\n今年以来，我局" + BODY)
    assert set(a.sources) >= {"title", "year", "period", "unit", "unit_type", "region"}


@pytest.mark.parametrize("front", ["县委：\n", "（2021年12月20日）\n县委：\n", "2021年12月\n", "各位领导:\n"])
def test_front_matter_before_the_opening(front):
    a = one(f"关于2021年度意识形态工作责任制落实情况的报告\n{front}今年以来，县审计局党组{BODY}")
    assert (a.unit, a.unit_explicit, a.sources["unit"]) == ("县审计局", True, "body")


def test_years_in_chinese_numerals():
    a = one(f"二〇二一年意识形态工作总结\n今年以来，我局{BODY}")
    assert (a.year, a.sources["year"]) == (2021, "title")
    assert body_year("二〇二〇年，我局认真落实意识形态工作责任制") == 2020


def test_collection_heading_gives_the_year_of_parts_without_one():
    body = "上半年，市财政局党组" + BODY
    a = attribute("意识形态工作总结篇三", body, "x.txt", collection_title="2021年意识形态工作总结8篇")
    assert (a.year, a.sources["year"], a.period) == (2021, "title", "half_year")
    b = attribute("市财政局2019年意识形态工作总结", body, "x.txt", collection_title="2021年意识形态工作总结8篇")
    assert b.year == 2019                     # the part's own title first


def test_one_character_county_trusted_only_opening_a_unit_or_title():
    from pipeline.extract.attribute import region_of

    assert region_of("泗县人民医院", None, "") == "泗县"
    assert region_of(None, "沛县教育局2021年意识形态工作总结", "") == "沛县"
    assert region_of("县教育局", None, "我县是产粮大县,外县来的干部") is None


# ---------------------------------------------------------------- jieba's place names, cached
@pytest.fixture
def places_in(tmp_path, monkeypatch):
    """_jieba_places() with its cache in an empty private folder; the in-process memo cleared."""
    from pipeline.extract import places

    monkeypatch.setenv("ZONGJIE_CACHE_DIR", str(tmp_path))
    places._jieba_places.cache_clear()
    yield places
    places._jieba_places.cache_clear()


def test_place_names_cached_and_same_as_parsing_the_dictionary(places_in, tmp_path):
    import os

    import jieba

    parsed = places_in._parse_jieba_places(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"))
    assert "盐池县" in parsed[0] and "泗县" in parsed[1]
    assert places_in._jieba_places() == parsed                  # parsed, then written
    (cache,) = tmp_path.glob("zongjie_places.*.marshal")
    places_in._jieba_places.cache_clear()
    assert places_in._jieba_places() == parsed                  # read back
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("junk", [b"", b"\x00\xffnot marshal", b"\xe9" * 100])
def test_place_names_parsed_again_when_the_cache_is_corrupt(places_in, tmp_path, junk):
    import marshal

    good = places_in._jieba_places()
    (cache,) = tmp_path.glob("zongjie_places.*.marshal")
    for data in (junk, marshal.dumps((frozenset({"假市"}), ["泗县"])), marshal.dumps(42)):
        cache.write_bytes(data)
        places_in._jieba_places.cache_clear()
        assert places_in._jieba_places() == good
        with open(cache, "rb") as fh:
            assert marshal.load(fh) == good                     # and the cache repaired


def test_place_names_without_a_usable_cache_dir(places_in, tmp_path, monkeypatch):
    good = places_in._jieba_places()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("ZONGJIE_CACHE_DIR", str(blocker / "cache"))      # cannot be created
    places_in._jieba_places.cache_clear()
    assert places_in._jieba_places() == good


def test_place_names_never_read_from_a_folder_others_can_write(places_in, tmp_path, monkeypatch):
    """A cache planted in a world-writable folder would decide which regions are found."""
    import marshal

    import jieba

    dict_path = str(Path(jieba.__file__).parent / "dict.txt")
    private = tmp_path / "private"
    monkeypatch.setenv("ZONGJIE_CACHE_DIR", str(private))
    name = Path(places_in._places_cache_path(dict_path)).name       # the name a reader would look for
    real = places_in._jieba_places()
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with open(shared / name, "wb") as fh:
        marshal.dump((frozenset({"假市"}), frozenset()), fh)
    monkeypatch.setenv("ZONGJIE_CACHE_DIR", str(shared))
    places_in._jieba_places.cache_clear()
    assert places_in._places_cache_path(dict_path) is None
    assert places_in._jieba_places() == real and "假市" not in real[0]


# ---------------------------------------------------------------- region names found without the big regex
def _findall_reference():
    """What find_places replaces: every name in one alternation, longest first, re.findall."""
    import re

    from pipeline.extract.places import place_names

    alt = "|".join(sorted(map(re.escape, place_names()), key=len, reverse=True))
    return re.compile(f"(?:{alt})")


def test_find_places_lists_what_the_alternation_found(samples):
    import random

    from pipeline.extract.places import _starts_with_place, find_places, place_names

    ref = _findall_reference()
    texts = [to_simplified(clean(decode(read_bytes(p.read_bytes(), p.name))[0]).text) for p in sorted(SAMPLE.glob("*.txt"))]
    texts += ["吴忠市盐池县审计局", "宁夏回族自治区吴忠市盐池县", "盐池县县委", "阿里地区行署", "泗县", "我县是产粮大县", "", "市县区"]
    names = sorted(place_names())
    rnd = random.Random(11)
    for _ in range(3000):   # names overlapping, cut short, one inside another
        texts.append("".join(rnd.choice(names)[rnd.randint(0, 2):rnd.randint(1, 8)] + rnd.choice(["", "县", "市", "区", "的"])
                             for _ in range(rnd.randint(1, 6))))
    for t in texts:
        assert find_places(t) == ref.findall(t), t
        assert _starts_with_place(t) == bool(ref.match(t)), t
    assert all(names)       # an empty name would make the alternation match everywhere


def test_unit_type_of_is_the_longest_listed_suffix():
    """unit_type_of looks suffixes up by length; the same answer as trying every listed
    suffix, longest first, the first listed winning a tie (and a company named for a
    bank or an insurer being 金融)."""
    import random

    from pipeline.extract.units import _PARTY_TAIL, _inside_type, _suffix_types

    def reference(unit):
        # the suffix part by brute force; the `inside` / sub-unit overrides are the module's own
        # (tested on their own in test_inside_words_and_sub_units)
        if not unit:
            return None
        u = _PARTY_TAIL.sub("", unit) or unit
        typ = next((typ for suffix, typ in _suffix_types() if u.endswith(suffix)), None)
        return _inside_type(u, typ) if typ else None

    suffixes = [s for s, _ in _suffix_types()]
    rnd = random.Random(2)
    units = [None, "", "局", "党组", "机关党委", "县委党组"] + suffixes + ["县" + s for s in suffixes]
    units += ["".join(rnd.choice(suffixes + ["县", "市", "党委", "X"]) for _ in range(rnd.randint(1, 4))) for _ in range(5000)]
    for u in units:
        assert unit_type_of(u) == reference(u), u


@pytest.mark.parametrize("unit,typ", [
    ("中国人寿保险股份有限公司宁乡市支公司", "金融"),   # 企业 suffix, an insurer's name
    ("中邮保险湖北分公司", "金融"),
    ("扬中市公安局新闻中心", "政法"),                   # 党政机关 suffix inside a police bureau
    ("文殊镇团结村新时代文明实践站", "社区村"),          # a village's station
    ("XX镇综合文化站", "乡镇街道"),
    ("县文化馆", "其他"),                               # a public cultural institution
    ("县妇联", "其他"),
    ("XX镇文化馆", "乡镇街道"),                         # a township's own 馆: the level decides
    ("县委宣传部", "党政机关"),
    ("中学党支部委员会", "学校"),
    ("局党委党支部", "党政机关"),
])
def test_inside_words_and_sub_units(unit, typ):
    from pipeline.extract.units import unit_type_of

    assert unit_type_of(unit) == typ
