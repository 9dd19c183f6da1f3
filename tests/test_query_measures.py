"""Metric sums over measures written with and without 万/亿: the store keeps a count as
written (value, measure - the export) and in its base measure (base_value, base_measure -
every dashboard sum and every grouping by measure), so 元 and 万元 add up."""
from __future__ import annotations

import json

import duckdb
import pytest

REPORT = """县文化馆2023年意识形态工作总结

今年以来，县文化馆认真落实意识形态工作责任制。
一、工作开展情况
组织干部职工捐款3600元，为文化广场添置音响设备投入6.8万元。
线上答题活动吸引网友参与6.5万人次，馆内展览接待观众4200人次。
举办公益讲座12场。
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from pipeline.ingest import ingest_paths

    d = tmp_path_factory.mktemp("measures")
    (d / "文化馆.txt").write_text(REPORT, encoding="utf-8")
    path = d / "m.duckdb"
    summary = ingest_paths([d / "文化馆.txt"], db=path, workers=1)
    assert not summary.rejected
    return path


def test_store_keeps_both_forms(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT value, measure, base_value, base_measure FROM metrics ORDER BY metric_index").fetchall()
    finally:
        con.close()
    assert rows == [(3600, "元", 3600, "元"), (6.8, "万元", 68000, "元"), (6.5, "万人次", 65000, "人次"),
                    (4200, "人次", 4200, "人次"), (12, "场", 12, "场")]


def test_measures_and_sums_use_the_base_measure(db):
    from pipeline.queries import query as q

    ms = q.metric_measures.uncached({}, db=db)
    measures = dict(zip(ms["measure"], ms["mentions"]))
    assert measures == {"元": 2, "人次": 2, "场": 1}            # no separate 万元 / 万人次
    money = q.metric_totals.uncached({}, ("year",), "元", db=db)
    assert money["exact_sum"].sum() == 3600 + 68000
    people = q.metric_totals.uncached({}, ("year",), "人次", db=db)
    # 网友参与 / 接待观众 fit no activity category: shown as 其他(不计入), summed apart, not in totals
    assert set(people["category"]) == {"其他(不计入)"}
    assert people["exact_sum"].sum() == 0 and people["uncounted_sum"].sum() == 65000 + 4200
    per_report = q.metric_report_totals.uncached({}, "元", db=db)
    assert set(per_report["measure"]) == {"元"} and per_report["exact_sum"].sum() == 71600
    everything = q.metric_totals.uncached({}, ("year",), db=db)
    assert everything["mentions"].sum() == 5


def test_per_metric_tables_show_both(db):
    from pipeline.queries import query as q

    rows = q.metrics.uncached({}, "元", db=db)
    assert list(zip(rows["value"], rows["measure"], rows["base_value"], rows["base_measure"])) == [
        (3600, "元", 3600, "元"), (6.8, "万元", 68000, "元")]
    rid = rows["report_id"].iloc[0]
    one = q.report_metrics.uncached(None, rid, db=db)
    assert {"value", "measure", "base_value", "base_measure"} <= set(one.columns)


def test_export_is_as_written(db, tmp_path):
    from pipeline.outputs.export import export_jsonl

    out = tmp_path / "x.jsonl"
    export_jsonl(db, out)
    (rep,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    got = [(m["value"], m["unit"], m["base_value"], m["base_unit"]) for m in rep["metrics"]]
    assert got[1] == (6.8, "万元", 68000, "元") and got[2] == (6.5, "万人次", 65000, "人次")


def test_a_database_from_before_the_base_columns_gets_them(tmp_path):
    from pipeline import store

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE metrics (
        report_id VARCHAR, file_id VARCHAR, metric_index INTEGER, section_index INTEGER, section_kind VARCHAR,
        phrase VARCHAR, category VARCHAR, value DOUBLE, measure VARCHAR, approx BOOLEAN, placeholder BOOLEAN,
        text VARCHAR, sentence VARCHAR, char_start INTEGER, char_end INTEGER)""")
    con.close()
    con = store.connect(path)
    try:
        cols = [r[0] for r in con.execute("DESCRIBE metrics").fetchall()]
    finally:
        con.close()
    assert {"base_value", "base_measure"} <= set(cols)
    assert set(store._COLUMNS["metrics"]) <= set(cols)
