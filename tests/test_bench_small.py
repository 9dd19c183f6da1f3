"""Small runs of every benchmark so the benchmark code cannot rot. They assert that the
work was done (counts match), never how fast it was: timing belongs in BENCHMARKS.md."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _bench_out(tmp_path, monkeypatch):
    """Write corpora and databases to a temp folder, never to bench/out or BENCHMARKS.md."""
    import bench.common as common
    import bench.copies as copies
    import bench.engines as engines
    import bench.ingest as ingest
    import bench.profile as profile

    monkeypatch.setattr(common, "OUT", tmp_path)
    monkeypatch.setattr(ingest, "OUT", tmp_path)
    monkeypatch.setattr(copies, "OUT", tmp_path)
    monkeypatch.setattr(engines, "OUT", tmp_path)
    monkeypatch.setattr(profile, "OUT", tmp_path)
    monkeypatch.setattr(common, "BENCHMARKS", tmp_path / "BENCHMARKS.md")


def test_corpus_is_deterministic_and_mixed(tmp_path):
    from bench.make_corpus import make_corpus

    a = make_corpus(tmp_path / "a", reports=30, units=6, years=3, seed=1)
    b = make_corpus(tmp_path / "b", reports=30, units=6, years=3, seed=1)
    assert a == b and sum(a.values()) == 30
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
               for f in files_a if f.suffix == ".txt")
    assert "SYNTHETIC" in (tmp_path / "a" / "README_SYNTHETIC.md").read_text(encoding="utf-8")


def test_tokenizer_benchmark_small():
    from bench.ingest import bench_tokenizer

    r = bench_tokenizer(120, workers=2, write=False, repeat=1)
    assert r["reports"] == 120 and r["t_jieba"] > 0 and r["t_ingest"] > 0 and r["rss"] >= r["rss_anon"] > 0 and r["rss"] >= r["pss"] > 0
    assert [len(v) for v in r["runs"].values()] == [1, 1, 1]
    assert len(r["copy_seconds"]) == 1 and r["copy_seconds"][0] > 0


def test_incremental_benchmark_small():
    from bench.ingest import bench_incremental

    r = bench_incremental(100, workers=2, write=False)
    assert r["changed"] == 1 and r["t_same"] > 0


def test_growth_benchmark_small():
    from bench.ingest import bench_growth

    r = bench_growth([40, 80], workers=2, write=False)
    assert len(r["per_report"]) == 2


def test_growth_over_ten_years_small(tmp_path):
    """The 100,000-report run in small: 10 years, its own corpus and database, the summary
    tables built by the ingest (pipeline/store/summaries.py)."""
    import duckdb

    from bench.ingest import bench_growth

    bench_growth([40], workers=2, write=False, years=10)
    con = duckdb.connect(str(tmp_path / "growth_40_10y.duckdb"), read_only=True)
    try:
        # 10 units, a year every 10 reports: 40 reports cover 4 of the 10 years
        assert con.execute("SELECT count(*), count(DISTINCT year) FROM reports").fetchone() == (40, 4)
        assert con.execute("SELECT sum(mentions) FROM sum_metrics").fetchone()[0] == \
            con.execute("SELECT count(*) FROM metrics").fetchone()[0]
        assert con.execute("SELECT sum(n) FROM sum_terms").fetchone()[0] == \
            con.execute("SELECT sum(n) FROM term_counts").fetchone()[0]
    finally:
        con.close()


def test_dashboard_extracts_small(sample_db):
    from bench.dashboard import bench_extracts
    from pipeline.queries import query as q

    rows = bench_extracts(sample_db)
    assert [r[1] for r in rows] == [f"{len(q.metrics.uncached({}, db=sample_db)):,}",
                                    f"{len(q.metric_report_totals.uncached({}, db=sample_db)):,}",
                                    f"{len(q.shortcomings.uncached({}, db=sample_db)):,}",
                                    f"{len(q.reports.uncached({}, db=sample_db)):,}"]


def test_engines_benchmark_small():
    pytest.importorskip("distributed", reason="the `scale` extra (make test installs it)")
    from bench.engines import bench_engines

    r = bench_engines(40, workers=2, write=False, repeat=1)
    assert r["reports"] == 40 and set(r["loads"]) == {"process", "dask_own", "dask_running"}


def test_dashboard_benchmark_small(sample_db):
    from bench.dashboard import bench_pages, bench_queries, pages

    rows = bench_queries(sample_db, repeat=1)
    from pipeline.queries import query as q

    # 整改跟踪 is timed per unit in bench/checks.py, as the page asks for it
    assert {r[0].strip("`") for r in rows} == {n for n in q._QUERIES if n != "term_counts" and not n.startswith("_followup")}
    assert all(float(r[2]) >= 0 for r in rows)
    page_rows = bench_pages(sample_db)
    assert [r[0] for r in page_rows] == [p.name for p in pages()] and len(page_rows) == 8


def test_profile_summary_splits_workers_by_stage_and_skips_parent_waits(tmp_path):
    from bench.profile import summarise

    raw = tmp_path / "raw.txt"
    raw.write_text(
        'process 1:"python -m pipeline ingest";_process_worker (concurrent/futures/process.py:261);'
        "process_path (pipeline/extract/process.py:104);term_counts (pipeline/extract/tokenize.py:200);_cut_run (pipeline/extract/tokenize.py:130) 7\n"
        'process 1:"x";_process_worker (concurrent/futures/process.py:261);_sendback_result (p.py:1);'
        "Connection._send (multiprocessing/connection.py:373) 2\n"
        'process 1:"x";main (pipeline/__main__.py:44);flush (pipeline/ingest.py:238);transaction (pipeline/store.py:202) 5\n'
        'process 1:"x";_ExecutorManagerThread.run (p.py:1);wait (multiprocessing/connection.py:930);select (selectors.py:415) 9\n',
        encoding="utf-8")
    worker, parent = summarise(raw)
    assert worker == {"tokenize": 7, "(hand-off) Connection._send": 2}
    assert parent == {"main > flush > transaction": 5}


def test_cprofile_steps_small():
    """`bench.profile --cprofile` finds every step it reports in a real (small) ingest."""
    from bench.profile import STEPS, cprofile_steps

    steps = dict(cprofile_steps(40))
    assert list(steps) == [label for label, _, _ in STEPS]
    assert all(sec > 0 for sec in steps.values()), steps


def test_copies_benchmark_small():
    from bench.copies import bench_copies

    r = bench_copies(100, workers=2, write=False)
    assert r["reports"] >= 100 and r["changed"] == 1 and r["copy_first"] > 0 and r["t_page"] > 0
    # incremental: the changed report and its neighbours, not the corpus
    assert 0 < r["compared_again"] < r["reports"]
    assert r["sign_seconds"] > 0 and r["share_all_in"] > r["copy_first"] / r["t_first"]


def test_dashboard_benchmark_refuses_to_time_an_empty_page(sample_db, tmp_path):
    """A page that says 还没有… on a full database is fast for the wrong reason: the 100,000-report
    run of session 4 timed 活动指标 over empty summary tables. The page benchmark stops there."""
    import shutil

    import duckdb

    from bench.dashboard import bench_pages

    db = tmp_path / "empty_sums.duckdb"
    shutil.copyfile(sample_db, db)
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM sum_metrics")
    con.close()
    with pytest.raises(RuntimeError, match="1_活动指标.py shows an empty state"):
        bench_pages(db)
