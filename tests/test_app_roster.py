"""The roster, corrections and 待核查 in the dashboard (AppTest): 未报送 cells under a year
filter (also where the range has no report at all), correcting a report's unit and year in
报告浏览 and finding it on 总览 and in the CSV, the 包含非工作报告 switch, the roster editor."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline import roster
from tests.test_app_pages import assert_clean, run_page
from tests.test_roster import ROSTER_CSV


@pytest.fixture()
def db(sample_db, tmp_path) -> Path:
    d = tmp_path / "app.duckdb"
    shutil.copyfile(sample_db, d)
    roster.save_roster(roster.parse_roster(ROSTER_CSV.encode(), "r.csv"), d)
    return d


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_year_without_reports_lists_roster_units_not_reported(monkeypatch, db):
    at = run_page(monkeypatch, db, query={"years": ["2019", "2019"]})
    assert_clean(at, "总览")
    assert _metric(at, "报告") == "0"
    assert "名单内 10 个单位:10 个单位未报送(共 10 格“未报送”)" in _captions(at)
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    cells = [c for row in fig["data"][0]["text"] for c in row]
    assert cells == ["未报送"] * 10 and len(fig["data"][0]["y"]) == 10


def test_year_filter_counts_not_reported_cells(monkeypatch, db):
    at = run_page(monkeypatch, db, query={"years": ["2020", "2021"]})
    assert_clean(at, "总览")
    # every roster unit misses 2020 or 2021; 6 of the 20 cells have a report
    assert "名单内 10 个单位:10 个单位未报送(共 14 格“未报送”)" in _captions(at)
    assert "待核查" in [s.value for s in at.subheader]


def test_correct_unit_and_year_in_the_reader(monkeypatch, db):
    from pipeline import query as q

    rid = q.reports.uncached({"units": ["办公室"]}, db=db)["report_id"].iloc[0]
    at = run_page(monkeypatch, db, "reports", query={"report": rid})
    assert_clean(at, "报告浏览")
    at.selectbox(key="fix_unit_pick").set_value("县委宣传部")
    at.text_input(key="fix_year").input("2020")
    next(b for b in at.button if b.label == "保存更正").click().run()
    assert_clean(at, "报告浏览")
    assert any("已保存 2 项更正" in s.value for s in at.success)
    assert _metric(at, "单位") == "县委宣传部" and _metric(at, "年度") == "2020"
    meta = at.dataframe[1].value if len(at.dataframe) > 1 else None
    assert meta is not None and meta.set_index("字段").loc["单位", "更正"].startswith("已更正(原值:办公室;本机")
    # 总览: the corrected report fills 县委宣传部's 2020 cell
    at.switch_page("app.py").run()
    at.slider(key="years").set_value((2020, 2020)).run()
    assert "名单内 10 个单位:8 个单位未报送(共 8 格“未报送”)" in _captions(at)   # 县政协机关 and now 县委宣传部
    # undo one field
    at = run_page(monkeypatch, db, "reports", query={"report": rid})
    assert at.selectbox(key="rb_pick").value == rid
    at.multiselect(key="fix_undo").set_value(["year"]).run()
    next(b for b in at.button if b.label == "撤销").click().run()
    assert _metric(at, "年度") == "2021" and _metric(at, "单位") == "县委宣传部"


def test_bad_year_gets_a_message(monkeypatch, db):
    from pipeline import query as q

    rid = q.reports.uncached({"units": ["办公室"]}, db=db)["report_id"].iloc[0]
    at = run_page(monkeypatch, db, "reports", query={"report": rid})
    at.text_input(key="fix_year").input("去年")
    next(b for b in at.button if b.label == "保存更正").click().run()
    assert not at.exception and any("年度应为" in e.value for e in at.error)


def test_nonreport_switch(monkeypatch, db):
    at = run_page(monkeypatch, db)
    assert _metric(at, "报告") == "10"
    at.toggle(key="nonreports").set_value(True).run()
    assert _metric(at, "报告") == "14" and "含非工作报告" in at.caption[0].value
    assert at.query_params.get("nonreports") == "1"


def test_roster_editor_on_import_page(monkeypatch, db):
    at = run_page(monkeypatch, db, "upload")
    assert_clean(at, "数据导入")
    assert "当前名单 10 个单位" in _captions(at)
    assert len(at.get("arrow_data_frame")) + len(at.get("data_editor") or []) >= 1
