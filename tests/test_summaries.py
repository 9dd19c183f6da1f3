"""The pre-aggregated tables (pipeline/summaries.py) hold exactly the direct aggregates, after
an ingest and at once after every kind of correction; the dashboard's numbers read them.

Counts and equality only, never timing (timing is bench/dashboard.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.queries import keywords
from pipeline import store
from pipeline.store import corrections, summaries
from pipeline.queries import query as q

ROOT = Path(__file__).resolve().parent.parent

# every summary against the same numbers computed from the corrected views
DIRECT = {
    "sum_metrics": summaries.METRICS,
    "sum_shortcomings": summaries.SHORTCOMINGS,
    "sum_terms": f"""SELECT {', '.join('r.' + c for c in summaries.GROUP)}, t.term, sum(t.n)::BIGINT AS n,
                            count(*)::BIGINT AS reports
                     FROM term_counts t JOIN reports_eff r USING (report_id) GROUP BY ALL""",
}


def _frame(con, sql: str) -> pd.DataFrame:
    df = con.execute(f"SELECT * FROM ({sql}) ORDER BY ALL").df()
    return df.reset_index(drop=True)


def assert_summaries_exact(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        sizes = {}
        for table, sql in DIRECT.items():
            have, want = _frame(con, f"SELECT * FROM {table}"), _frame(con, sql)
            pd.testing.assert_frame_equal(have, want, check_dtype=False)
            sizes[table] = len(have)
        members = con.execute("SELECT count(*) FROM sum_terms_members").fetchone()[0]
        assert members == con.execute("SELECT count(*) FROM reports").fetchone()[0]
        return sizes
    finally:
        con.close()


def _keyword_views_match(db: Path, filters: dict) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        pd.testing.assert_frame_equal(keywords.top_terms(con, filters, 40),
                                      keywords.top_terms(con, filters, 40, summed=True))
        terms = list(keywords.top_terms(con, filters, 3).term) + ["没有这个词"]
        pd.testing.assert_frame_equal(keywords.term_trend(con, terms, filters),
                                      keywords.term_trend(con, terms, filters, summed=True))
        unit = con.execute("SELECT unit FROM reports_eff WHERE unit IS NOT NULL ORDER BY unit LIMIT 1").fetchone()[0]
        for col, value in (("unit", unit), ("year", 2021), ("unit", None)):
            pd.testing.assert_frame_equal(keywords.distinctive_terms(con, col, value, filters),
                                          keywords.distinctive_terms(con, col, value, filters, summed=True))
    finally:
        con.close()


@pytest.fixture()
def db(sample_db, tmp_path):
    path = tmp_path / "s.duckdb"
    shutil.copyfile(sample_db, path)
    return path


def test_summaries_equal_the_direct_aggregates_after_ingest(sample_db):
    sizes = assert_summaries_exact(sample_db)
    # the bundled sample: every table has rows (a summary left empty would also "equal" an empty view)
    assert sizes["sum_metrics"] > 50 and sizes["sum_shortcomings"] > 20 and sizes["sum_terms"] > 1000
    for f in ({}, {"year_min": 2021, "year_max": 2021}, {"include_nonreports": True}):
        _keyword_views_match(sample_db, f)


def test_a_correction_shows_at_once_in_every_summary(db):
    rid, unit, year = duckdb.connect(str(db), read_only=True).execute(
        "SELECT r.report_id, r.unit, r.year FROM reports r JOIN metrics m USING (report_id) "
        "WHERE r.unit IS NOT NULL AND r.year IS NOT NULL GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()
    before = q.metric_totals.uncached({}, ("unit",), db=db)
    n_before = int(before.loc[before.unit == unit, "mentions"].sum())
    assert n_before > 0
    # a report's unit and year: its metrics, shortcomings and terms move to the new unit-year
    corrections.save_report(db, rid, {"unit": "更正后的单位", "year": str(year - 5)})
    sizes = assert_summaries_exact(db)
    after = q.metric_totals.uncached({}, ("unit",), db=db)
    moved = int(after.loc[after.unit == "更正后的单位", "mentions"].sum())
    assert moved > 0 and int(after.loc[after.unit == unit, "mentions"].sum()) == n_before - moved
    top = q.top_terms.uncached({"units": ["更正后的单位"]}, 5, db=db)
    assert len(top) == 5 and set(top["reports"]) == {1}
    _keyword_views_match(db, {"year_min": year - 5, "year_max": year - 5})
    # a metric marked wrong and one recategorised: the totals and the counts follow
    m = duckdb.connect(str(db), read_only=True).execute(
        "SELECT text FROM metrics WHERE report_id = ? ORDER BY char_start, metric_index LIMIT 2", [rid]).fetchall()
    corrections.save_items(db, "metric", rid, [{"text": m[0][0], "ordinal": 0, "changes": {"wrong": "true"}}])
    assert q.metric_count.uncached({"units": ["更正后的单位"]}, db=db) == moved - 1
    if len(m) > 1 and m[1][0] != m[0][0]:
        corrections.save_items(db, "metric", rid, [{"text": m[1][0], "ordinal": 0,
                                                    "changes": {"category": "理论学习"}}])
    assert_summaries_exact(db)
    # the report marked not a report: out of every default count, back with the switch
    corrections.save_report(db, rid, {"is_report": "false"})
    assert_summaries_exact(db)
    assert q.metric_count.uncached({"units": ["更正后的单位"]}, db=db) == 0
    assert q.metric_count.uncached({"units": ["更正后的单位"], "include_nonreports": True}, db=db) == moved - 1
    # undo the report's corrections: its rows go back to their extracted unit-year
    corrections.save_report(db, rid, {"unit": None, "year": None, "is_report": None})
    assert assert_summaries_exact(db)["sum_terms"] == sizes["sum_terms"]
    back = q.metric_totals.uncached({}, ("unit",), db=db)
    assert int(back.loc[back.unit == unit, "mentions"].sum()) == n_before - 1     # the one marked wrong


def test_capped_queries_give_the_first_rows_and_the_counts_say_how_many(sample_db):
    f = {}
    rows = q.metrics.uncached(f, db=sample_db)
    assert q.metric_count.uncached(f, db=sample_db) == len(rows) > 10
    pd.testing.assert_frame_equal(q.metrics.uncached(f, limit=10, db=sample_db), rows.head(10), check_dtype=False)
    cat = rows["category"].iloc[0]
    assert q.metric_count.uncached(f, category=cat, db=sample_db) == int((rows["category"] == cat).sum())
    one = rows[(rows["category"] == cat) & (rows["unit"].fillna("(未识别单位)") == rows["unit"].fillna("(未识别单位)").iloc[0])]
    got = q.metrics.uncached(f, category=cat, unit=rows["unit"].fillna("(未识别单位)").iloc[0], db=sample_db)
    assert len(got) == len(one)
    rep = q.metric_report_totals.uncached(f, db=sample_db)
    assert q.metric_report_count.uncached(f, db=sample_db) == len(rep)
    pd.testing.assert_frame_equal(q.metric_report_totals.uncached(f, None, 7, db=sample_db), rep.head(7),
                                  check_dtype=False)
    stm = q.statements.uncached(f, db=sample_db)
    assert q.statement_count.uncached(f, db=sample_db) == len(stm) > 10
    assert q.shortcoming_reports.uncached(f, db=sample_db) == q.shortcomings.uncached(f, db=sample_db).report_id.nunique()
    assert len(q.statements.uncached(f, None, None, True, 5, db=sample_db)) == 5


def test_an_old_file_without_summaries_reads_the_same(db):
    """A database published before the summaries existed: TEMP copies, same numbers."""
    want = q.metric_totals.uncached({}, ("year",), db=db)
    top = q.top_terms.uncached({}, 20, db=db)
    store.release_readers(db)         # this process writes the published file in place below
    con = duckdb.connect(str(db))
    for t in summaries.TABLES:
        con.execute(f"DROP TABLE {t}")
    con.close()
    pd.testing.assert_frame_equal(q.metric_totals.uncached({}, ("year",), db=db), want)
    pd.testing.assert_frame_equal(q.top_terms.uncached({}, 20, db=db), top)


def test_a_rebuild_in_parts_gives_the_same_rows(db, monkeypatch):
    """At 100,000 reports sum_terms is rebuilt in parts of whole year-units (one GROUP BY ran
    the 1 GB writer out of memory); parts of 3 reports give exactly the direct aggregates."""
    monkeypatch.setattr(summaries, "REBUILD_PART", 3)
    con = duckdb.connect(str(db))
    reports = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert reports > 6                       # so there is more than one part
    summaries.refresh_terms(con, full=True)
    con.close()
    assert_summaries_exact(db)


def test_a_failed_summary_refresh_is_said_and_leaves_no_wrong_numbers(db, monkeypatch):
    """A summary refresh that fails (the writer out of memory at 100,000 reports) used to be
    swallowed and published empty tables: 活动指标 said there were no metrics. Now the note
    says so in Chinese, the tables are dropped and readers compute the same numbers from rows."""
    from pipeline import store

    want = q.metric_totals.uncached({}, ("year",), db=db)
    top = q.top_terms.uncached({}, 20, db=db)
    store.release_readers(db)         # this process writes the published file in place below
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM sum_metrics")         # stale content a failed refresh must not keep
    con.close()

    def out_of_memory(con, full=False):
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
    monkeypatch.setattr(summaries, "refresh_terms", out_of_memory)
    notes: list[str] = []
    with store.writer(db, note=notes.append) as con:
        con.execute("SELECT 1")
    assert any(n.startswith("汇总表未能更新(写入进程内存不足)") for n in notes), notes
    monkeypatch.undo()
    con = duckdb.connect(str(db), read_only=True)
    assert summaries.missing(con)
    con.close()
    pd.testing.assert_frame_equal(q.metric_totals.uncached({}, ("year",), db=db), want)
    pd.testing.assert_frame_equal(q.top_terms.uncached({}, 20, db=db), top)
    with store.writer(db) as con:                   # the next write rebuilds them
        pass
    assert_summaries_exact(db)
