"""Corrections that survive an edit of the file (issue 11, item 4): a correction is keyed by
the file's content hash, so re-importing an edited file used to drop it silently. Now it
moves to the new version when the sentence it stands on is still there, and is listed as
not carried over (in Chinese, in the reader and on 数据导入) when it is not."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline import store
from pipeline.store import corrections, effective
from pipeline.ingest import ingest_paths

REPORT = """县审计局2021年意识形态工作总结
2021年,县审计局党组认真落实意识形态工作责任制,全年召开党组会专题研究意识形态工作4次。
一、主要工作
组织干部职工集中学习12次,开展专题宣讲8场。
二、存在问题
一是理论学习的深度还不够。二是网络阵地管理还有薄弱环节。
三、下一步打算
继续加强理论武装。
"""


def _ingest(folder: Path, db: Path) -> None:
    ingest_paths([folder], db=db, workers=1)


def _rows(db: Path, sql: str, params=()) -> list:
    con = store.read_connection(db)
    try:
        effective.ensure(con)
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _report(db: Path) -> tuple:
    return _rows(db, "SELECT report_id, unit, year, unit_original, year_original, corrected FROM reports_eff")[0]


def _setup(tmp_path: Path) -> tuple[Path, Path, Path, str]:
    folder = tmp_path / "in"
    folder.mkdir()
    doc = folder / "审计局.txt"
    doc.write_text(REPORT, encoding="utf-8")
    db = tmp_path / "z.duckdb"
    _ingest(folder, db)
    rid, unit, year, *_ = _report(db)
    assert (unit, year) == ("县审计局", 2021)
    corrections.save_report(db, rid, {"unit": "盐池县审计局", "year": "2020"}, who="张三")
    text = _rows(db, "SELECT text FROM metrics WHERE value = 12")[0][0]
    corrections.save_items(db, "metric", rid, [{"text": text, "ordinal": 0, "changes": {"wrong": "true"}}])
    return folder, doc, db, text


def test_evidence_is_the_sentence_the_value_stands_on():
    body = "这是本文的前言。\n2021年,县审计局党组认真落实责任制。\n组织学习12次。"
    assert corrections.evidence_for("report", "unit", "县审计局", None, None, body) == "2021年,县审计局党组认真落实责任制。"
    assert corrections.evidence_for("report", "year", 2021, None, None, body).startswith("2021年,县审计局")
    # no extracted value: the title when the body holds it, else the opening sentence
    assert corrections.evidence_for("report", "unit", None, None, "题目", "题目\n" + body) == "题目"
    assert corrections.evidence_for("report", "period", None, None, None, body) == "这是本文的前言。"
    assert corrections.evidence_for("metric", "wrong", None, "组织 学习12次", None, body) == "组织学习12次"


def test_corrections_follow_an_edited_file(tmp_path):
    folder, doc, db, text = _setup(tmp_path)
    # the file is edited: a paragraph added, a sentence that no correction stands on changed
    doc.write_text(REPORT.replace("继续加强理论武装。", "继续加强理论武装,抓好阵地管理。\n四、其他\n另附说明。"),
                   encoding="utf-8")
    _ingest(folder, db)
    rid, unit, year, unit_orig, year_orig, corrected = _report(db)
    assert (unit, year, unit_orig, year_orig, corrected) == ("盐池县审计局", 2020, "县审计局", 2021, True)
    wrong = _rows(db, "SELECT text FROM metrics_all_eff WHERE wrong")
    assert wrong == [(text,)]
    assert _rows(db, "SELECT count(*) FROM metrics_eff WHERE value = 12")[0][0] == 0
    con = store.read_connection(db)
    try:
        assert corrections.lost(con) == []
        fixes = corrections.for_report(con, rid)
    finally:
        con.close()
    assert {(f["field"], f["value"], f["who"]) for f in fixes} == {
        ("unit", "盐池县审计局", "张三"), ("year", "2020", "张三"), ("wrong", "true", "本机")}
    out = tmp_path / "out.jsonl"
    from pipeline.outputs.export import export_jsonl
    export_jsonl(db, out)
    row = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert (row["unit"], row["year"]) == ("盐池县审计局", 2020) and len(row["corrections"]) == 3


def test_a_correction_whose_sentence_is_gone_is_listed_not_applied(tmp_path):
    folder, doc, db, text = _setup(tmp_path)
    # the opening sentence (unit and year) is rewritten; the metric's sentence stays
    doc.write_text(REPORT.replace("2021年,县审计局党组认真落实意识形态工作责任制,",
                                  "2022年,县审计局党组全面落实意识形态工作责任制,"), encoding="utf-8")
    _ingest(folder, db)
    rid, unit, year, _, _, corrected = _report(db)
    assert (unit, year) == ("县审计局", 2021)         # extracted (title year), no stale correction applied
    assert _rows(db, "SELECT text FROM metrics_all_eff WHERE wrong") == [(text,)]      # carried
    con = store.read_connection(db)
    try:
        gone = corrections.lost(con, str(doc))
    finally:
        con.close()
    assert {(g["field"], g["value"], g["who"]) for g in gone} == {("unit", "盐池县审计局", "张三"),
                                                                 ("year", "2020", "张三")}
    assert all(g["note"].startswith("文件内容已改变") and "未沿用" in g["note"] for g in gone)
    # the old content comes back: the corrections apply again
    doc.write_text(REPORT, encoding="utf-8")
    _ingest(folder, db)
    assert _report(db)[1:3] == ("盐池县审计局", 2020)
    con = store.read_connection(db)
    try:
        assert corrections.lost(con) == []
    finally:
        con.close()


def test_lost_corrections_can_be_discarded(tmp_path):
    folder, doc, db, _ = _setup(tmp_path)
    doc.write_text("另一份材料\n内容完全不同的一段话,没有原来的句子。\n", encoding="utf-8")
    _ingest(folder, db)
    con = store.read_connection(db)
    try:
        assert len(corrections.lost(con)) == 3
    finally:
        con.close()
    assert corrections.discard_lost(db, str(doc)) == 3
    assert _rows(db, "SELECT count(*) FROM corrections")[0][0] == 0


def test_the_reader_and_the_import_page_say_what_was_not_carried_over(monkeypatch, tmp_path):
    from tests.test_app_pages import assert_clean, run_page

    folder, doc, db, _ = _setup(tmp_path)
    doc.write_text(REPORT.replace("2021年,县审计局党组认真落实意识形态工作责任制,",
                                  "2022年,县审计局党组全面落实意识形态工作责任制,"), encoding="utf-8")
    _ingest(folder, db)
    rid = _report(db)[0]
    at = run_page(monkeypatch, db, "reports", query={"report": rid})
    assert_clean(at, "报告浏览")
    warn = next(w.value for w in at.warning if "未能沿用" in w.value)
    assert warn.startswith("此文件内容已改变,2 项更正未能沿用到新版本")
    assert "单位 更正为“盐池县审计局”(张三" in warn and "年度 更正为“2020”" in warn
    at = run_page(monkeypatch, db, "upload")
    assert_clean(at, "数据导入")
    assert any("有文件内容已改变,2 项更正未能沿用" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "不再保留这些未沿用的更正").click().run()
    assert_clean(at, "数据导入")
    assert not any("未能沿用" in w.value for w in at.warning)
    assert any("已删除 2 项未沿用的更正" in s.value for s in at.success)


def test_an_edited_file_under_another_folder_keeps_its_corrections(tmp_path):
    # the folder moved and the file was edited, then the database rebuilt from the new place:
    # the same file name and the sentences still there carry the corrections
    folder, doc, db, text = _setup(tmp_path)
    moved = tmp_path / "in2"
    moved.mkdir()
    (moved / doc.name).write_text(REPORT + "四、附记\n本材料已经党组会审定。\n", encoding="utf-8")
    ingest_paths([moved], db=db, workers=1, rebuild=True)
    assert _rows(db, "SELECT source FROM reports") == [(str(moved / doc.name),)]
    rid, unit, year, *_ = _report(db)
    assert (unit, year) == ("盐池县审计局", 2020)
    assert _rows(db, "SELECT text FROM metrics_all_eff WHERE wrong") == [(text,)]


def test_the_command_line_ingest_carries_them_too(tmp_path):
    import subprocess
    import sys

    folder, doc, db, _ = _setup(tmp_path)
    doc.write_text(REPORT.replace("继续加强理论武装。", "继续加强理论武装,抓好阵地管理。"), encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", str(db), "--workers", "1"],
                          cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _report(db)[1:3] == ("盐池县审计局", 2020)
