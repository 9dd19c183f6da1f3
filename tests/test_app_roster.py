"""The roster, corrections and 待核查 in the dashboard (AppTest): 未报送 cells under a year
filter (also where the range has no report at all), correcting a report's unit and year in
报告浏览 and finding it on 总览 and in the CSV, the 包含非工作报告 switch, the roster editor."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.store import roster
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
    from pipeline.queries import query as q

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
    at.switch_page("pages/0_总览.py").run()
    at.slider(key="years").set_value((2020, 2020)).run()
    assert "名单内 10 个单位:8 个单位未报送(共 8 格“未报送”)" in _captions(at)   # 县政协机关 and now 县委宣传部
    # undo one field
    at = run_page(monkeypatch, db, "reports", query={"report": rid})
    assert at.selectbox(key="rb_pick").value == rid
    at.multiselect(key="fix_undo").set_value(["year"]).run()
    next(b for b in at.button if b.label == "撤销").click().run()
    assert _metric(at, "年度") == "2021" and _metric(at, "单位") == "县委宣传部"


def test_bad_year_gets_a_message(monkeypatch, db):
    from pipeline.queries import query as q

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


@pytest.fixture()
def bare_db(sample_db, tmp_path) -> Path:
    d = tmp_path / "bare.duckdb"
    shutil.copyfile(sample_db, d)
    return d


def _roster_names(db) -> list[str]:
    return roster.roster_frame(db)["单位"].tolist()


def test_upload_roster_on_import_page(monkeypatch, bare_db):
    at = run_page(monkeypatch, bare_db, "upload")
    assert "当前名单 0 个单位" in _captions(at)
    at.file_uploader(key="roster_file").set_value(("名单.csv", ROSTER_CSV.encode("utf-8"), "text/csv"))
    next(b for b in at.button if b.label == "导入名单").click().run()
    assert_clean(at, "数据导入")
    assert any("名单已导入:10 个单位" in s.value for s in at.success)
    assert "当前名单 10 个单位" in _captions(at) and len(_roster_names(bare_db)) == 10
    # a bad file: refused with every problem in Chinese, the roster unchanged
    at.file_uploader(key="roster_file").set_value(("坏.csv", "单位,类型\n,学校\n县一中,幼儿园\n".encode(), "text/csv"))
    next(b for b in at.button if b.label == "导入名单").click().run()
    assert not at.exception
    err = " ".join(e.value for e in at.error)
    assert "名单未导入" in err and "第 2 行:单位名称为空" in err and "幼儿园" in err
    assert len(_roster_names(bare_db)) == 10


def test_edit_roster_in_the_browser(monkeypatch, db):
    at = run_page(monkeypatch, db, "upload")
    names = at.data_editor(key="roster_editor").value["单位"].tolist()
    gone = names.index("县文联")
    at.session_state["roster_editor"] = {
        "edited_rows": {names.index("县教育局"): {"别名": "县教体局;教育局"}},
        "added_rows": [{"单位": "县科协", "类型": "其他", "地区": "", "别名": ""}],
        "deleted_rows": [gone]}
    next(b for b in at.button if b.label == "保存名单").click().run()
    assert_clean(at, "数据导入")
    assert any("名单已保存:10 个单位" in s.value for s in at.success)
    frame = roster.roster_frame(db).set_index("单位")
    assert "县科协" in frame.index and "县文联" not in frame.index
    assert frame.loc["县教育局", "别名"] == "县教体局;教育局"


def test_mark_a_metric_wrong_in_the_reader(monkeypatch, db):
    from pipeline.queries import query as q

    rid = q.reports.uncached({"units": ["行署办公室"]}, db=db)["report_id"].iloc[0]
    mets = q.report_metrics.uncached(None, rid, db=db)
    i = int(mets.index[mets["value"] == 1725.8][0])
    before = q.metric_totals.uncached({}, ("year",), "元", db=db)["exact_sum"].sum()
    at = run_page(monkeypatch, db, "reports", query={"report": rid})
    at.session_state[f"items_metric_{rid}"] = {"edited_rows": {i: {"标为错误": True}}, "added_rows": [],
                                               "deleted_rows": []}
    next(b for b in at.button if b.key == f"items_save_metric_{rid}").click().run()
    assert_clean(at, "报告浏览")
    assert any("已保存 1 项更正" in s.value for s in at.success)
    after = q.metric_totals.uncached({}, ("year",), "元", db=db)["exact_sum"].sum()
    assert before - after == pytest.approx(17258000)


def test_move_a_metric_to_another_category_in_the_reader(monkeypatch, db):
    from pipeline.queries import query as q

    rid = q.reports.uncached({"units": ["行署办公室"]}, db=db)["report_id"].iloc[0]
    mets = q.report_metrics.uncached(None, rid, db=db)
    i = int(mets.index[mets["phrase"] == "起草接待行程方案"][0])       # 其他(不计入): 9 个
    assert mets.loc[i, "category"] == "其他(不计入)" and not mets.loc[i, "counted"]
    before = q.metric_totals.uncached({"units": ["行署办公室"]}, ("year",), "个", db=db).set_index("category")
    base = before.loc["宣传报道/信息稿件", "exact_sum"] if "宣传报道/信息稿件" in before.index else 0
    at = run_page(monkeypatch, db, "reports", query={"report": rid})
    at.session_state[f"items_metric_{rid}"] = {"edited_rows": {i: {"类别": "宣传报道/信息稿件"}}, "added_rows": [],
                                               "deleted_rows": []}
    next(b for b in at.button if b.key == f"items_save_metric_{rid}").click().run()
    assert_clean(at, "报告浏览")
    moved = q.report_metrics.uncached(None, rid, db=db).loc[i]
    assert (moved["category"], moved["category_original"], bool(moved["counted"])) == ("宣传报道/信息稿件", "其他", True)
    totals = q.metric_totals.uncached({"units": ["行署办公室"]}, ("year",), "个", db=db).set_index("category")
    assert totals.loc["宣传报道/信息稿件", "exact_sum"] == base + 9          # the moved count now adds in
