"""The roster (名单), corrections that stick, and the counts built on them (issue 11, items
3-5): parsing and validating a roster, matching report units against it at store time,
未报送 cells under any filter, corrections applied at read time that survive re-ingest and
re-extraction, the 待核查 list, essays out of counts by default, 其他(不计入) and
restatements out of totals."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline import store
from pipeline.store import corrections, roster

ROOT = Path(__file__).resolve().parent.parent
ROSTER_CSV = """单位,类型,地区,别名
县政府办公室,党政机关,,县府办;县政府办
市安监局,党政机关,马鞍山市,
行署办公室,党政机关,阿里地区,
敖泉镇,乡镇街道,桂阳县,
盐池县审计局,,盐池县,
县政协机关,党政机关,,
市接待办,,,
县委宣传部,党政机关,,宣传部
县教育局,,,
县文联,,,
"""


@pytest.fixture()
def db(sample_db, tmp_path) -> Path:
    d = tmp_path / "z.duckdb"
    shutil.copyfile(sample_db, d)
    return d


def _q(db, sql, params=()):
    from pipeline.store import effective
    from pipeline import store

    con = store.read_connection(db)
    try:
        effective.ensure(con)
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------- parsing and validation
def test_parse_csv_chinese_and_english_headers():
    entries = roster.parse_roster(ROSTER_CSV.encode("utf-8-sig"), "名单.csv")
    assert len(entries) == 10
    first = entries[0]
    assert (first.name, first.unit_type, first.region, first.aliases) == ("县政府办公室", "党政机关", None,
                                                                          ["县府办", "县政府办"])
    assert next(e for e in entries if e.name == "盐池县审计局").unit_type == "党政机关"   # from the suffix
    en = roster.parse_roster("name,unit_type,region,aliases\n县一中,学校,某县,一中|县第一中学\n".encode(), "r.csv")
    assert (en[0].name, en[0].unit_type, en[0].aliases) == ("县一中", "学校", ["一中", "县第一中学"])
    gbk = roster.parse_roster("名称,别名\n县人民医院,县医院、人民医院\n".encode("gb18030"), "r.csv")
    assert gbk[0].aliases == ["县医院", "人民医院"] and gbk[0].unit_type == "医院"


def test_parse_xlsx():
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "单位类型", "地区", "别名"])
    ws.append(["某镇", "乡镇街道", "某县", "某镇党委"])
    ws.append([None, None, None, None])                 # blank rows are skipped
    ws.append(["某县教育局", None, "某县", None])
    buf = io.BytesIO()
    wb.save(buf)
    entries = roster.parse_roster(buf.getvalue(), "名单.xlsx")
    assert [(e.name, e.unit_type, e.aliases) for e in entries] == [
        ("某镇", "乡镇街道", ["某镇党委"]), ("某县教育局", "党政机关", [])]


@pytest.mark.parametrize("data,name,message", [
    ("", "r.csv", "名单是空的"),
    ("地区,类型\n某县,党政机关\n", "r.csv", "表头中没有“单位”列"),
    ("单位,类型\n,学校\n", "r.csv", "第 2 行:单位名称为空"),
    ("单位,类型\n县一中,幼儿园\n", "r.csv", "第 2 行:类型“幼儿园”不在可选类型中"),
    ("单位,别名\n甲局,乙局\n乙局,\n", "r.csv", "“乙局”在名单中出现了两次"),
    ("单位\n甲局\n", "r.xls", "不支持旧版 .xls"),
    ("not a workbook", "r.xlsx", "无法读取 Excel 文件"),
])
def test_bad_roster_gets_a_chinese_message(data, name, message):
    with pytest.raises(roster.RosterError) as err:
        roster.parse_roster(data.encode(), name)
    assert any(message in p for p in err.value.problems), err.value.problems


# ---------------------------------------------------------------- matching
def test_matcher_kinds():
    m = roster.Matcher(roster.parse_roster(ROSTER_CSV.encode(), "r.csv"))
    assert m.match("县政府办公室") == ("县政府办公室", "exact", 1.0)
    assert m.match("县 政府办公室") == ("县政府办公室", "exact", 1.0)            # spaces folded
    assert m.match("县府办") == ("县政府办公室", "alias", 1.0)
    assert m.match("中共县委宣传部党支部") == ("县委宣传部", "variant", 1.0)     # 中共 …党支部 dropped
    assert m.match("桂阳县敖泉镇党委", "桂阳县") == ("敖泉镇", "variant", 1.0)   # region and 党委 dropped
    assert m.match("马鞍山市安监局") == ("市安监局", "variant", 1.0)            # roster region + name
    assert m.match("县政协") == ("县政协机关", "variant", 1.0)
    name, kind, score = m.match("县人民政府办公室")
    assert (name, kind) == ("县政府办公室", "fuzzy") and 0.85 <= score < 1
    assert m.match("县教体局") == (None, None, None)                       # 0.75: below the threshold
    assert m.match("县人民医院") == (None, None, None)
    assert m.match(None) == (None, None, None)


def test_roster_applies_without_reingest(db):
    before = dict(_q(db, "SELECT report_id, unit FROM reports_eff"))
    roster.save_roster(roster.parse_roster(ROSTER_CSV.encode(), "r.csv"), db)
    matches = dict((r, (n, k)) for r, n, k in _q(db, "SELECT report_id, roster_name, kind FROM report_roster_match"))
    assert len(matches) == 7 and {k for _, k in matches.values()} == {"exact"}
    # a roster that renames a unit: every count now uses the roster's name, type and region
    roster.save_roster(roster.parse_rows([["单位", "类型", "地区", "别名"],
                                          ["盐池县审计局机关", "政法", "宁夏", "盐池县审计局"]]), db)
    (rid, unit, utype, region, kind), = _q(db, "SELECT report_id, unit, unit_type, region, match_kind FROM reports_eff "
                                           "WHERE roster_name IS NOT NULL")
    assert (unit, utype, region, kind) == ("盐池县审计局机关", "政法", "宁夏", "alias")
    assert before[rid] == "盐池县审计局"
    roster.save_roster([], db)                                              # no roster: no matches
    assert _q(db, "SELECT count(*) FROM report_roster_match") == [(0,)]


# ---------------------------------------------------------------- coverage with the roster
def test_coverage_counts_not_reported_under_any_filter(db):
    from pipeline.queries import query as q

    roster.save_roster(roster.parse_roster(ROSTER_CSV.encode(), "r.csv"), db)
    # a year range with no reports at all: every roster unit is a 未报送 cell, not "没有报告"
    cov = q.coverage_roster.uncached({"year_min": 2019, "year_max": 2019}, db=db)
    assert len(cov) == 10 and cov["in_roster"].all() and (cov["reports"] == 0).all()
    assert q.overview.uncached({"year_min": 2019, "year_max": 2019}, db=db).iloc[0]["reports"] == 0
    # 2020-2021: the roster units x 2 years, plus the non-roster units that reported
    cov = q.coverage_roster.uncached({"year_min": 2020, "year_max": 2021}, db=db)
    listed = cov[cov["in_roster"]]
    assert len(listed) == 20
    assert int((listed["reports"] == 0).sum()) == 14      # 6 cells reported: 5 units in 2021, 县政协机关 in 2020
    assert set(cov.loc[~cov["in_roster"], "unit"]) == {"--社区", "办公室"}
    # a type filter narrows the roster too
    cov = q.coverage_roster.uncached({"unit_types": ["乡镇街道"], "year_min": 2020, "year_max": 2021}, db=db)
    assert set(cov["unit"]) == {"敖泉镇"} and cov["reports"].tolist() == [0, 1]


# ---------------------------------------------------------------- corrections
def _rid(db, unit):
    return _q(db, "SELECT report_id FROM reports WHERE unit = ?", [unit])[0][0]


def test_report_correction_applies_everywhere_and_survives_reingest(db, tmp_path):
    from pipeline.queries import query as q
    from pipeline.outputs.export import export_jsonl
    from pipeline.ingest import ingest_paths

    roster.save_roster(roster.parse_roster(ROSTER_CSV.encode(), "r.csv"), db)
    rid = _rid(db, "办公室")
    assert corrections.save_report(db, rid, {"unit": "县委宣传部", "year": "2020"}, who=None) == 2
    rep = q.report.uncached(None, rid, db=db).iloc[0]
    assert (rep.unit, rep.year, rep.unit_original, rep.year_original) == ("县委宣传部", 2020, "办公室", 2021)
    assert rep.corrected and rep.match_kind == "correction" and rep.unit_type == "党政机关"
    fixes = q.report_corrections.uncached(None, rid, db=db)
    assert set(fixes["field"]) == {"unit", "year"} and set(fixes["who"]) == {"本机"}
    assert dict(zip(fixes["field"], fixes["original"])) == {"unit": "办公室", "year": "2021"}
    cov = q.coverage_roster.uncached({"year_min": 2020, "year_max": 2020}, db=db)
    assert cov.set_index("unit").loc["县委宣传部", "reports"] == 1
    # re-extraction (--rebuild drops every extracted row) and a plain re-ingest keep it
    ingest_paths([ROOT / "data" / "sample"], db=db, workers=1, rebuild=True)
    ingest_paths([ROOT / "data" / "sample"], db=db, workers=1)
    rep = q.report.uncached(None, rid, db=db).iloc[0]
    assert (rep.unit, rep.year, rep.match_kind) == ("县委宣传部", 2020, "correction")
    csv = q.raw_extract("reports", {}, db=db).set_index("report_id")
    assert (csv.loc[rid, "unit"], csv.loc[rid, "year"], csv.loc[rid, "unit_original"]) == ("县委宣传部", 2020, "办公室")
    out = tmp_path / "out.jsonl"
    export_jsonl(db, out)
    row = next(r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())
               if r["unit"] == "县委宣传部")
    assert row["year"] == 2020 and row["roster_match"] == "correction"
    assert {(c["field"], c["value"], c["original"], c["who"]) for c in row["corrections"]} == {
        ("unit", "县委宣传部", "办公室", "本机"), ("year", "2020", "2021", "本机")}
    # undo: back to the extracted values
    corrections.save_report(db, rid, {"unit": None, "year": None})
    rep = q.report.uncached(None, rid, db=db).iloc[0]
    assert (rep.unit, rep.year, bool(rep.corrected)) == ("办公室", 2021, False)


def test_bad_corrections_are_refused(db):
    rid = _rid(db, "办公室")
    for changes, message in (({"year": "二〇二一"}, "年度应为"), ({"period": "全年"}, "期间应为"),
                             ({"unit": "  "}, "不能为空"), ({"title": "x"}, "不能更正的字段")):
        with pytest.raises(corrections.CorrectionError, match=message):
            corrections.save_report(db, rid, changes)
    with pytest.raises(corrections.CorrectionError, match="找不到这篇报告"):
        corrections.save_report(db, "nope-1", {"year": "2020"})


def test_not_a_report_and_the_switch(db):
    from pipeline.queries import query as q

    essays = _q(db, "SELECT count(*) FROM reports WHERE NOT is_report")[0][0]
    total = _q(db, "SELECT count(*) FROM reports")[0][0]
    assert essays == 4
    assert q.overview.uncached({}, db=db).iloc[0]["reports"] == total - essays
    assert q.overview.uncached({"include_nonreports": True}, db=db).iloc[0]["reports"] == total
    rid = _rid(db, "市局")
    corrections.save_report(db, rid, {"is_report": "false"})
    assert q.overview.uncached({}, db=db).iloc[0]["reports"] == total - essays - 1
    assert rid not in set(q.reports.uncached({}, db=db)["report_id"])
    assert "疑似非工作报告" in q.review.uncached({}, db=db).set_index("report_id").loc[rid, "reasons"]


def test_metric_and_shortcoming_corrections(db):
    from pipeline.queries import query as q

    rid = _rid(db, "行署办公室")
    mets = q.report_metrics.uncached(None, rid, db=db)
    study = mets[(mets["category"] == "集中学习")]
    # 33 + 33 restated: counted once
    assert sorted(study.loc[study["counted"], "value"].tolist()) == [2, 6, 12, 33]
    totals = q.metric_totals.uncached({"units": ["行署办公室"]}, ("year",), "次", db=db).set_index("category")
    assert totals.loc["集中学习", "exact_sum"] == 2 + 6 + 12 + 33 and totals.loc["集中学习", "duplicates"] == 1
    first = study[study["value"] == 12].iloc[0]
    seminar = mets[mets["phrase"] == "专题研讨"].iloc[0]
    corrections.save_items(db, "metric", rid, [
        dict(text=first.text, ordinal=int(first.item_ordinal), changes={"wrong": "true"}),
        dict(text=seminar.text, ordinal=int(seminar.item_ordinal), changes={"category": "集中学习"},
             original_category="专题研讨")])
    totals = q.metric_totals.uncached({"units": ["行署办公室"]}, ("year",), "次", db=db).set_index("category")
    assert totals.loc["集中学习", "exact_sum"] == 2 + 6 + 33 + 2                # 12 wrong, 专题研讨 2 moved in
    assert totals.loc["专题研讨", "exact_sum"] == 4 + 21
    again = q.report_metrics.uncached(None, rid, db=db).set_index("text")
    assert bool(again.loc[first.text, "wrong"]) and again.loc[seminar.text, "category_original"] == "专题研讨"
    # outside the taxonomy: its own bucket, out of totals
    other = q.metric_totals.uncached({"units": ["行署办公室"]}, ("year",), "名", db=db).set_index("category")
    assert other.loc["其他(不计入)", "exact_sum"] == 0 and other.loc["其他(不计入)", "uncounted_sum"] == 8 + 12 + 47 + 53
    sh = q.report_shortcomings.uncached(None, rid, db=db).iloc[0]
    n = len(q.shortcomings.uncached({}, db=db))
    corrections.save_items(db, "shortcoming", rid, [dict(text=sh.text, ordinal=int(sh.item_ordinal),
                                                         changes={"wrong": "true"})])
    assert len(q.shortcomings.uncached({}, db=db)) == n - 1


def test_review_list_reasons(db):
    from pipeline.queries import query as q

    rev = q.review.uncached({}, db=db).set_index("unit")
    assert "单位非明确署名" in rev.loc["办公室", "reasons"] and "没有年份" in rev.loc["市局", "reasons"]
    assert "未匹配名单" not in rev.loc["办公室", "reasons"]                     # no roster, no such reason
    assert len(rev[rev["reasons"].str.contains("疑似非工作报告")]) == 4        # essays, switch or not
    roster.save_roster(roster.parse_roster(ROSTER_CSV.encode(), "r.csv"), db)
    rev = q.review.uncached({}, db=db).set_index("unit")
    assert "未匹配名单" in rev.loc["办公室", "reasons"]
    corrections.save_report(db, _rid(db, "办公室"), {"unit": "县委宣传部"})
    rev = q.review.uncached({}, db=db)
    assert "办公室" not in set(rev["unit"]) and "县委宣传部" not in set(rev["unit"])


# ---------------------------------------------------------------- CLI
def test_cli_roster_import_export(db, tmp_path):
    src = tmp_path / "名单.csv"
    src.write_text(ROSTER_CSV, encoding="utf-8")
    run = lambda *a: subprocess.run([sys.executable, "-m", "pipeline", "roster", *a, "--db", str(db)],  # noqa: E731
                                    cwd=ROOT, capture_output=True, text=True)
    r = run("import", str(src))
    assert r.returncode == 0 and "10 个单位" in r.stdout
    out = tmp_path / "out.csv"
    r = run("export", "--out", str(out))
    assert r.returncode == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "单位,类型,地区,别名" and "县政府办公室,党政机关,,县府办;县政府办" in text
    bad = tmp_path / "bad.csv"
    bad.write_text("单位,类型\n县一中,幼儿园\n", encoding="utf-8")
    r = run("import", str(bad))
    assert r.returncode == 2 and "幼儿园" in r.stderr and "Traceback" not in r.stderr
    assert _q(db, "SELECT count(*) FROM roster") == [(10,)]                    # the old roster stays


def test_a_file_from_before_the_roster_still_reads(db):
    """A database published before these tables and views existed (and not re-ingested since)
    reads through TEMP copies: same counts, no roster, no corrections."""
    from pipeline.queries import query as q

    expected = q.overview.uncached({}, db=db).iloc[0]["reports"]
    store.release_readers(db)         # this process writes the published file in place below
    con = duckdb.connect(str(db))
    for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
        con.execute(f"DROP VIEW {v}")
    for t in ("roster", "corrections", "report_roster_match", "metric_duplicates"):
        con.execute(f"DROP TABLE {t}")
    con.execute("CHECKPOINT")
    con.close()
    assert q.overview.uncached({}, db=db).iloc[0]["reports"] == expected
    assert q.coverage_roster.uncached({}, db=db)["in_roster"].sum() == 0
    assert len(q.metric_totals.uncached({}, ("year",), db=db)) > 0
