"""The 考核 page (pages/7_考核.py) run headless on the three real-style reports of
tests/test_checks.py: the matrix, scores, the per-unit sheet with links to the reader, and the
rule editor - an edited threshold, saved, changes a verdict."""
from __future__ import annotations

import pytest

from tests.test_app_pages import assert_clean, csv_of, downloads, run_page  # noqa: F401 (fixture)
from tests.test_checks import checks_db  # noqa: F401 (fixture)
from tests.test_followup import followup_db  # noqa: F401 (fixture)

@pytest.fixture
def user_rules(monkeypatch, tmp_path):
    path = tmp_path / "user_rules.toml"
    monkeypatch.setenv("ZONGJIE_CHECK_RULES", str(path))
    return path


def _tab(at, name: str):
    """Open a tab of the page (only the tab in view runs) and run it."""
    at.session_state["kh_tab"] = name
    return at.run()


def _matrix(at):
    _tab(at, "考核矩阵")
    df = next(d.value for d in at.dataframe if {"得分", "理论学习中心组学习"} <= set(d.value.columns))
    return df.set_index("单位")


def test_matrix_scores_and_sheet(monkeypatch, checks_db, user_rules, downloads):
    at = run_page(monkeypatch, checks_db, "考核")
    assert_clean(at, "考核")
    m = _matrix(at)
    assert set(m.loc["县教育局"].drop(["年度", "得分"])) == {"达标"}
    assert set(m.loc["县文化旅游局"].drop(["年度", "得分"])) == {"未提及"}
    assert m.loc["县卫生健康局", "理论学习中心组学习"] == "未达标"
    assert list(m.index) == ["县卫生健康局", "县文化旅游局", "县教育局"]         # lowest score first
    _, csv, raw = csv_of(downloads, at, "考核-矩阵")
    assert raw.startswith(b"\xef\xbb\xbf") and len(csv) == 3
    # the page's views ask for verdicts without their evidence text; the CSV of every verdict,
    # built on click, carries it: each 达标 verdict of 县教育局 names the sentence it rests on
    _, csv, _ = csv_of(downloads, at, "考核-全部结论")
    mine = csv[(csv["单位"] == "县教育局") & (csv["结论"] == "达标")]
    assert len(mine) > 3 and all(e.startswith(("指标:", "提及:")) for e in mine["依据"])
    # the coloured grid prints only its visible rows: a plain copy of every row stands in on paper
    prints = [h.proto.body for h in at.get("html") if "zj-print" in h.proto.body]
    assert any(all(u in body for u in ("县卫生健康局", "县文化旅游局", "县教育局")) for body in prints)
    assert not any(d.key == "kh_unit" for d in at.selectbox)          # the other tabs did not run
    # the workbook of every 考核 view (its first sheet is 说明; pd.read_excel reads that one)
    import io

    import openpyxl

    _, _, raw = csv_of(downloads, at, "考核工作簿", ".xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert wb.sheetnames == ["说明", "考核矩阵", "得分与扣分", "全部结论", "整改跟踪", "重复问题"]
    assert [c.value for c in wb["得分与扣分"]["A"]][1:] == ["县卫生健康局", "县文化旅游局", "县教育局"]
    _tab(at, "得分与扣分")
    _, csv, _ = csv_of(downloads, at, "考核-得分")
    assert dict(zip(csv["单位"], csv["得分"])) == {"县卫生健康局": 0, "县文化旅游局": 0, "县教育局": 100}
    assert "书记讲党课(未达标 −10)" in csv.set_index("单位").loc["县卫生健康局", "扣分明细"]
    assert any("优先跟进" in md.value for md in at.markdown)

    _tab(at, "单位考核表")
    at.selectbox(key="kh_unit").set_value("县卫生健康局(2022年)").run()
    assert_clean(at, "考核")
    _, ev, _ = csv_of(downloads, at, "考核-依据-县卫生健康局-2022")
    assert all(link.startswith("http://localhost:8501/报告浏览?report=") and "hl=" in link for link in ev["查看报告"])
    assert set(ev["依据类型"]) == {"指标", "存在问题"}
    assert "党组书记讲党课还不够经常" in " ".join(ev["原文"])


def test_editing_a_threshold_changes_a_verdict(monkeypatch, checks_db, user_rules):
    at = run_page(monkeypatch, checks_db, "考核")
    assert _matrix(at).loc["县教育局", "理论学习中心组学习"] == "达标"
    _tab(at, "考核规则")
    editor = at.data_editor(key="kh_rules")
    rules = editor.value
    row = int(rules.index[rules["编号"] == "zhongxinzu"][0])
    assert rules.loc[row, "阈值"] == 4
    at.session_state["kh_rules"] = {"edited_rows": {row: {"阈值": 13}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="kh_save").click().run()
    assert_clean(at, "考核")
    assert user_rules.exists() and "threshold = 13" in user_rules.read_text(encoding="utf-8")
    assert _matrix(at).loc["县教育局", "理论学习中心组学习"] == "未达标"
    _tab(at, "考核规则")
    assert at.button(key="kh_reset")                                  # a user copy can be dropped again
    at.button(key="kh_reset").click().run()
    assert not user_rules.exists()
    assert _matrix(at).loc["县教育局", "理论学习中心组学习"] == "达标"


def test_a_bad_edit_is_refused_in_chinese(monkeypatch, checks_db, user_rules):
    user_rules.write_text("[[rule]]\nid = 'x'\n", encoding="utf-8")
    at = run_page(monkeypatch, checks_db, "考核")
    assert not at.exception
    assert at.error and "考核规则文件有误" in at.error[0].value


def test_peer_tab_compares_with_same_type_units(monkeypatch, checks_db, user_rules, downloads):
    at = run_page(monkeypatch, checks_db, "考核")
    _tab(at, "对标")
    at.selectbox(key="kh_peer_unit").set_value("县卫生健康局(2022年)").run()
    assert_clean(at, "考核")
    _, cats, _ = csv_of(downloads, at, "考核-对标-活动-县卫生健康局-2022")
    row = cats.set_index("活动类别").loc["中心组学习"]
    # peers 12 (教育局), 2 (卫健局), 0 (文旅局): median 2, 卫健局 second of three
    assert (row["实际值"], row["同类中位数"], row["排名"], row["同类单位数"]) == (2, 2, 2, 3)
    _, rules, _ = csv_of(downloads, at, "考核-对标-考核项-县卫生健康局-2022")
    r = rules.set_index("规则").loc["理论学习中心组学习"]
    assert (r["结论"], r["同类达标比例"], r["上年结论"]) == ("未达标", "33%", "(无上年报告)")


def test_followup_tab_shows_promises_and_repeats(monkeypatch, followup_db, user_rules, downloads):
    """整改跟踪: the 2021 promises of 县审计局 against its 2022 report, with the evidence
    sentence linked to the reader; the shortcoming category reported in both years."""
    at = run_page(monkeypatch, followup_db, "考核")
    _tab(at, "整改跟踪")
    at.selectbox(key="kh_follow_unit").set_value("县审计局").run()
    assert_clean(at, "考核")
    shown = next(d.value for d in at.dataframe if "整改承诺" in d.value.columns)
    y = shown[shown["年度"] == 2021]
    assert list(y["结论"]) == ["已落实", "未见落实", "已落实"]
    assert "组建了12人的网评员队伍" in y.iloc[0]["依据"]
    assert y.iloc[0]["次年依据原文"].startswith("报告浏览?report=") and "hl=" in y.iloc[0]["次年依据原文"]
    assert not isinstance(y.iloc[1]["次年依据原文"], str)          # nothing to open
    assert any("2021年 3 条:已落实 2、未见落实 1" in m.value for m in at.markdown)
    _, csv, _ = csv_of(downloads, at, "考核-重复问题-县审计局")
    assert list(csv["问题类别"]) == ["新媒体/网络阵地运用不足"]
