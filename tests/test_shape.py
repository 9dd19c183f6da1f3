"""The pages' data shaping (pipeline/queries/shape.py), reached without running a page: hand-made
query results with known answers, and the bundled sample through the real queries."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from pipeline.queries import shape


def _totals() -> pd.DataFrame:
    """metric_totals by unit: 甲局 has more mentions, 乙局 the larger exact sum."""
    return pd.DataFrame({
        "unit": ["甲局", "甲局", "乙局", "丙局"],
        "category": ["理论学习", "宣传", "理论学习", "宣传"],
        "mentions": [5, 4, 3, 1],
        "exact_sum": [12.0, None, 40.0, 2.0],
        "approx_sum": [None, 20.0, 0.0, None],
        "placeholders": [1, 0, 0, 2],
    })


def test_long_form_keeps_exact_and_approximate_apart():
    out = shape.metric_long_form(_totals(), ["unit"], "次")
    assert list(out.columns) == ["单位", "类别", "性质", "合计(次)"]
    rows = sorted(out.itertuples(index=False, name=None))
    # zero and missing values are dropped; 甲局 宣传 only has an approximate 20
    assert rows == [("丙局", "宣传", "精确", 2.0), ("乙局", "理论学习", "精确", 40.0),
                    ("甲局", "宣传", "约数", 20.0), ("甲局", "理论学习", "精确", 12.0)]


def test_long_form_without_a_measure_counts_mentions():
    out = shape.metric_long_form(_totals(), ["unit"], None)
    assert list(out.columns) == ["单位", "类别", "提及条数", "性质"]
    assert out["提及条数"].tolist() == [5, 4, 3, 1] and set(out["性质"]) == {"条数"}
    assert shape.value_label(None) == "提及条数" and shape.value_label("篇") == "合计(篇)"


def test_top_units_rank_by_mentions_or_exact_sum():
    assert list(shape.top_units(_totals(), None, 2)) == ["甲局", "乙局"]       # 9, 3 mentions
    assert list(shape.top_units(_totals(), "次", 2)) == ["乙局", "甲局"]       # 40 > 12


def test_heat_cells_say_value_approximate_and_placeholders():
    z, text, sub = shape.metric_heat(_totals(), "次", 2)
    assert list(z.index) == ["乙局", "甲局"] and list(z.columns) == ["宣传", "理论学习"]
    assert set(sub["unit"]) == {"甲局", "乙局"}                                # 丙局 is not in the top 2
    assert text == [["", "40"], ["约20", "12 占位1"]]
    assert math.isnan(z.loc["乙局", "宣传"]) and z.loc["甲局", "理论学习"] == 12
    # without a measure: mentions colour the cells and approximate sums are not shown
    _, text, _ = shape.metric_heat(_totals(), None, 3)
    assert text[0] == ["4", "5 占位1"] and text[2] == ["1 占位2", ""]


def test_trend_by_year_fills_every_year_and_labels_report_counts():
    trend = pd.DataFrame({"year": [2019, 2021], "term": ["学习", "学习"], "n": [3, 5], "per_10k_chars": [1.5, 2.0]})
    cov = pd.DataFrame({"year": [2019, 2019, 2021, None], "unit": ["甲局", "乙局", "甲局", "丙局"],
                        "reports": [1, 2, 1, 4]})
    full = shape.trend_by_year(trend, cov, ("学习", "宣传"))
    assert full["year"].tolist() == ["2019(3 篇)", "2019(3 篇)", "2020(0 篇)", "2020(0 篇)", "2021(1 篇)", "2021(1 篇)"]
    assert full["term"].tolist() == ["学习", "宣传"] * 3
    assert [None if pd.isna(v) else v for v in full["n"]] == [3, None, None, None, 5, None]
    assert full["reports"].tolist() == [3, 3, 0, 0, 1, 1]
    assert shape.compare_groups(cov, "unit") == ["丙局", "乙局", "甲局"]      # 4, 2, 2 reports (ties by name)
    assert shape.compare_groups(cov, "year") == [2019, 2021]


def test_trend_without_years_is_empty():
    trend = pd.DataFrame({"year": pd.Series([], dtype=float), "term": [], "n": []})
    cov = pd.DataFrame({"year": [None], "unit": ["甲局"], "reports": [2]})
    assert shape.trend_by_year(trend, cov, ("学习",)).empty


def test_report_sources_say_where_each_value_came_from():
    rep = pd.Series({"title": "某局2021年意识形态工作总结", "unit": "某局", "unit_type": "党政机关", "region": None,
                     "year": 2021.0, "period": "half_year", "publish_date": None, "is_report": True,
                     "sources": '{"unit": "title", "year": "body", "unit_type": "unit"}',
                     "roster_name": "某局", "match_kind": "alias"})
    out = shape.report_sources(rep)
    assert list(out.columns) == ["字段", "取值", "来源", "更正"]
    by = {r.字段: (r.取值, r.来源) for r in out.itertuples()}
    assert by["单位"] == ("某局", "标题;名单:别名")
    assert by["年度"] == ("2021", "正文") and by["期间"] == ("上半年", "–")
    assert by["单位类型"] == ("党政机关", "由单位名推断") and by["地区"] == ("(空)", "–")
    # a corrected unit says so and no longer claims the roster match; is_report shows when corrected
    out = shape.report_sources(rep, {"unit": "人工更正为 某局", "is_report": "人工更正为 否"})
    by = {r.字段: (r.来源, r.更正) for r in out.itertuples()}
    assert by["单位"] == ("标题", "人工更正为 某局") and by["是工作总结"] == ("–", "人工更正为 否")
    broken = rep.copy()
    broken["sources"] = "not json"                                            # unreadable: no source named
    assert shape.report_sources(broken).loc[1, "来源"] == "–;名单:别名"


def test_report_list_and_item_rows():
    lst = pd.DataFrame({"report_id": ["a"], "title": ["t"], "year": [2020.0], "period": ["full_year"],
                        "script": ["traditional"], "source": ["/srv/up/x1/甲.docx"], "sources": ["{}"],
                        "report_index": [1], "publish_date": [None]})
    out = shape.report_list(lst)
    assert out.to_dict("records") == [{"report_id": "a", "title": "t", "year": 2020, "period": "全年",
                                       "script": "繁体", "source": "甲.docx"}]
    assert shape.report_label(next(lst.assign(unit="甲局").itertuples())) == "2020 · 甲局 · t"
    row = next(pd.DataFrame({"year": [None], "unit": [None], "title": [""]}).itertuples())
    assert shape.report_label(row) == "年份不详 · (未识别单位) · (无标题)"
    shorts = pd.DataFrame({"text": ["学习不深入"], "char_start": [1], "char_end": [6], "item_ordinal": [0],
                           "categories": [["学习", "作风"]], "triggers": [[]], "category": ["学习"]})
    sh = shape.report_shortcoming_rows(shorts)
    assert sh.to_dict("records") == [{"statement": "学习不深入", "categories": "学习、作风", "triggers": "",
                                      "category": "学习"}]
    mets = pd.DataFrame({"text": ["学习12次"], "char_start": [0], "char_end": [5], "metric_index": [0],
                         "item_ordinal": [0], "value": [12.0]})
    assert list(shape.report_metric_rows(mets).columns) == ["clause", "value"]


def test_copy_shapes():
    heat = pd.DataFrame({"unit": ["甲", "甲", "乙", "丙"], "source_unit": ["乙", "丙", "甲", "甲"],
                         "share": [0.6, 0.2, 0.5, 0.1]})
    grid, units = shape.copy_grid(heat, 2)             # 甲 and 乙 (丙 comes last)
    assert units == ["乙", "甲"]
    assert grid.loc["甲", "乙"] == 0.6 and grid.loc["乙", "甲"] == 0.5 and math.isnan(grid.loc["甲", "甲"])
    pair = {"text_a": "一二三四五", "spans_a": [(0, 2)], "text_b": "三四五六", "spans_b": [(1, 3), (0, 1)]}
    assert shape.copy_passages(pair).values.tolist() == [["报告", 0, 2, "一二"], ["来源", 1, 3, "四五"],
                                                         ["来源", 0, 1, "三"]]
    t = shape.copy_table(pd.DataFrame({"unit": [None], "source_share": [float("nan")], "share": [0.3]}))
    assert t.to_dict("records") == [{"单位": "", "最大来源占比": 0.0, "总复制比": 0.3}]


def test_report_sources_of_the_sample(sample_db):
    """On the bundled sample, through the real queries: every field has a row and a source."""
    from pipeline.queries import query as q

    reps = q.reports({}, db=sample_db)
    rep = q.report(None, reps["report_id"].iloc[0], db=sample_db).iloc[0]
    out = shape.report_sources(rep)
    assert out["字段"].tolist() == ["标题", "单位", "单位类型", "地区", "年度", "期间", "发布日期"]
    assert out.loc[out["字段"] == "标题", "取值"].item() == (rep.title or "(空)")
    assert out.loc[out["字段"] == "年度", "取值"].item() == (str(int(rep.year)) if not pd.isna(rep.year) else "(空)")
    shown = shape.report_list(reps)
    assert len(shown) == len(reps) and not {"sources", "report_index", "publish_date"} & set(shown.columns)
    assert all("/" not in s and "\\" not in s for s in shown["source"])


@pytest.mark.parametrize("measure", [None, "次"])
def test_long_form_of_the_sample_adds_up(sample_db, measure):
    from pipeline.queries import query as q

    tot = q.metric_totals({}, ("year",), measure, db=sample_db)
    out = shape.metric_long_form(tot, ["year"], measure)
    col = shape.value_label(measure)
    if measure is None:
        assert out[col].sum() == tot["mentions"].sum() > 0
    else:
        assert out.loc[out["性质"] == "精确", col].sum() == pytest.approx(tot["exact_sum"].sum())
        assert out.loc[out["性质"] == "约数", col].sum() == pytest.approx(tot["approx_sum"].fillna(0).sum())


def test_report_spans_mark_what_is_found_and_count_the_rest():
    from dashboard.highlight import report_spans

    text = "全年开展学习12次,约20余场。学习不够深入。"
    mets = pd.DataFrame({"wrong": [False, False, True, False], "char_start": [4, 99, 0, -1], "char_end": [9, 105, 2, -1],
                         "text": ["学习12次", "不存在的句子", "全年", "约20余场"], "placeholder": [False, False, False, False],
                         "value": [12.0, 3.0, 1.0, 20.0], "approx": [False, False, False, True], "measure": ["次", "次", "次", "场"],
                         "category": ["理论学习", "x", "x", "宣传"], "phrase": ["开展学习", "p", "p", "余场"]})
    shorts = pd.DataFrame({"wrong": [False], "char_start": [15], "char_end": [21], "text": ["学习不够深入"],
                           "triggers": [["不够"]], "category": ["学习"]})
    spans, lost = report_spans(text, mets, shorts)
    assert lost == 1                                   # the sentence not in the text; the wrong item is skipped
    assert spans == [(4, 9, "metric", "指标·理论学习:开展学习 = 12次"),
                     (10, 15, "metric", "指标·宣传:余场 = 约20场"),       # found by its text, not its offsets
                     (15, 21, "shortcoming", "问题·学习(触发词:不够)")]


def test_check_sheet_and_unit_years():
    v = pd.DataFrame({"unit": ["甲局", "甲局", "乙局"], "year": [2021, 2020, 2021], "rule": ["学习", "学习", "学习"],
                      "verdict": ["达标", "未达标", "未提及"], "value": [12.0, 2.5, None], "required": [4.0, 4.0, 4.0],
                      "points": [5.0, 5.0, 5.0], "deducted": [0.0, 5.0, 0.0]})
    sheet = shape.check_sheet(v, "甲局", 2021)
    assert sheet.to_dict("records") == [{"rule": "学习", "verdict": "达标", "value": 12, "required": 4, "points": 5,
                                         "deducted": 0}]
    assert shape.check_sheet(v, "甲局", 2020)["value"].tolist() == [2.5]
    assert shape.unit_year(v).tolist() == ["甲局(2021年)", "甲局(2020年)", "乙局(2021年)"]
    assert list(shape.check_table(sheet).columns) == ["规则", "结论", "实际值", "应达到", "分值", "扣分"]


def test_shortcoming_categories_ordered_and_counted():
    freq = pd.DataFrame({"category": ["作风", "学习", "作风", "阵地"], "year": [2020, 2020, 2021, 2021],
                         "statements": [2, 4, 3, 1]})
    assert shape.categories_by_statements(freq) == ["作风", "学习", "阵地"]          # 5, 4, 1
    rec = pd.DataFrame({"unit": ["甲", "乙", "甲"], "category": ["学习", "学习", "作风"]})
    assert shape.units_per_category(rec).values.tolist() == [["作风", 1], ["学习", 2]]


def test_coverage_grid_marks_roster_units_that_did_not_report():
    cov = pd.DataFrame({"unit": ["甲局", "甲局", "乙局", None, "丙局"], "year": [2020, 2021, 2021, None, None],
                        "reports": [1, 2, 1, 3, 0], "in_roster": [True, True, True, False, True]})
    g = shape.coverage_grid(cov)
    m = g["matrix"]
    assert g["cols"] == ["2020", "2021", "年份不详"] and g["roster_units"] == {"甲局", "乙局", "丙局"}
    # 丙局 (roster, no report) missed both years, 乙局 missed 2020; most missed years first
    assert list(m.index)[:2] == ["丙局", "乙局"] and set(m.index[2:]) == {shape.NO_UNIT, "甲局"}
    assert m.loc["丙局"].tolist() == [0, 0, 0, 0, 2] and m.loc["甲局"].tolist() == [1, 2, 0, 3, 0]
    assert m.loc[shape.NO_UNIT, "年份不详"] == 3 and m.loc[shape.NO_UNIT, "未报送年数"] == 0
    assert (g["missing_units"], g["missing_cells"], g["gaps"]) == (2, 3, 5)
    z, text = shape.coverage_cells(m, g["cols"], g["roster_units"])
    assert text[0] == ["未报送", "未报送", "缺"] and z[0] == [-1, -1, 0]          # 年份不详 is never 未报送
    i = list(m.index).index(shape.NO_UNIT)
    assert text[i] == ["缺", "缺", "3"] and z[i] == [0, 0, 3]                      # not a roster unit
