"""考核 benchmark: the verdict query with the stored candidate sentences against splitting
every report at query time, the write-time cost of the table, and the 考核 page.

    python -m bench.checks [--db bench/out/bench_10000.duckdb] [--reports 2000] [--repeat 5] [--no-record]

`--reports N` works on a copy of the database cut down to its first N reports
(bench/out/bench_checks_N.duckdb). The database is brought up to date by one writer
(which fills `check_sentences`; the time is reported as the write-time cost).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from bench.common import OUT, ROOT, record, table

TARGET_QUERY_MS, TARGET_PAGE_S = 300, 1.5


def cut(db: Path, n: int) -> Path:
    """A copy of `db` holding its first n reports (by report_id) and their rows."""
    out = OUT / f"bench_checks_{n}.duckdb"
    if out.exists():
        return out
    import duckdb

    tmp = out.with_suffix(".tmp")
    shutil.copyfile(db, tmp)
    con = duckdb.connect(str(tmp))
    con.execute(f"CREATE TEMP TABLE keep AS SELECT report_id FROM reports ORDER BY report_id LIMIT {int(n)}")
    for t in ("sections", "metrics", "shortcomings", "term_counts", "copy_signatures", "copy_bands", "copy_matches",
              "copy_summary", "copy_flags", "report_roster_match", "metric_duplicates", "reports"):
        try:
            con.execute(f"DELETE FROM {t} WHERE report_id NOT IN (SELECT report_id FROM keep)")
        except duckdb.Error:
            pass
    con.execute("CHECKPOINT")
    con.close()
    os.replace(tmp, out)
    return out


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times)


def run(db: Path, repeat: int) -> tuple[list[list], dict]:
    from pipeline import store
    from pipeline.queries import checks
    from pipeline.store import check_sentences
    from pipeline.queries import query as q

    # the write-time cost: one writer recomputing the candidate tables from nothing (its
    # word-list stamp dropped), against one with nothing to do (the writer's own copy and publish)
    t0 = time.perf_counter()
    with store.writer(db):
        pass
    idle_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with store.writer(db) as con:   # publishing refreshes the derived tables, check_sentences among them
        con.execute("DELETE FROM meta WHERE key = ?", [check_sentences.META_KEY])
    write_s = time.perf_counter() - t0
    con = store.read_connection(db)
    try:
        n_rep, n_sent = con.execute("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM check_sentences)"
                                    ).fetchone()
    finally:
        con.close()
    rj = checks.to_json(checks.load_rules(checks.rules.rules_dir() / checks.RULES_FILE))
    years = q.filter_options.uncached({}, db=db)["years"]
    last = {"year_min": years[-1], "year_max": years[-1]} if years else {}
    v = checks.check_verdicts.uncached({}, rj, "unit", db=db)
    unit, year = v.unit.iloc[0], int(v.year.iloc[0])
    one = {"units": [unit], "year_min": year, "year_max": year}
    rows = []
    calls = [("verdicts, all years", lambda: checks.check_verdicts.uncached({}, rj, "unit", db=db)),
             (f"verdicts, {years[-1] if years else '-'}", lambda: checks.check_verdicts.uncached(last, rj, "unit", db=db)),
             ("evidence, one unit-year", lambda: checks.check_evidence.uncached(one, rj, db=db)),
             ("peer categories", lambda: checks.check_peer_categories.uncached(
                 checks.peer_filters({}, v.unit_type.iloc[0], year), unit, year, "次", db=db))]
    real_ready = check_sentences.ready
    for name, fn in calls:
        fast = _median_ms(fn, repeat)
        check_sentences.ready = lambda con, cues: False
        try:
            slow = _median_ms(fn, max(1, repeat // 2)) if name != "peer categories" else fast
        finally:
            check_sentences.ready = real_ready
        rows.append([name, f"{fast:.0f}", f"{slow:.0f}", "met" if fast <= TARGET_QUERY_MS else "MISSED"])
    # 整改跟踪: the page asks for one unit; the CLI / workbook for the whole filter (once)
    from pipeline.queries import followup

    busiest = v.groupby("unit").size().idxmax()
    fu = _median_ms(lambda: followup.followup_promises.uncached({"units": [busiest]}, db=db), repeat)
    rows.append(["整改跟踪, one unit (page)", f"{fu:.0f}", "-", "met" if fu <= TARGET_QUERY_MS else "MISSED"])
    fr = _median_ms(lambda: followup.followup_recurring.uncached({"units": [busiest]}, db=db), repeat)
    rows.append(["重复问题, one unit (page)", f"{fr:.0f}", "-", "met" if fr <= TARGET_QUERY_MS else "MISSED"])
    fa = _median_ms(lambda: followup.followup_promises.uncached({}, db=db), 1)
    rows.append(["整改跟踪, every unit (CLI, workbook)", f"{fa:.0f}", "-", "(no target)"])
    return rows, {"reports": n_rep, "sentences": n_sent, "write_s": write_s, "idle_s": idle_s}


def page(db: Path) -> list[list]:
    """The page as a visitor meets it: the default tab (考核矩阵) cold, then warm; then each
    other tab's first visit (only the tab in view runs; the verdicts are cached by then)."""
    from streamlit.testing.v1 import AppTest

    os.environ["ZONGJIE_DB"] = str(db)

    def run(tab: str | None) -> float:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        if tab:
            at.session_state["kh_tab"] = tab
        at.switch_page("pages/7_考核.py")
        t0 = time.perf_counter()
        at.run()
        took = time.perf_counter() - t0
        if at.exception:
            raise RuntimeError(f"7_考核.py ({tab or '考核矩阵'}): {at.exception[0].value}")
        return took

    cold, warm = run(None), run(None)
    rows = [["考核矩阵 (default)", f"{cold:.2f}", f"{warm:.2f}", "met" if cold <= TARGET_PAGE_S else "MISSED"]]
    for tab in ("得分与扣分", "单位考核表", "对标", "整改跟踪", "考核规则"):
        first = run(tab)
        rows.append([tab, f"{first:.2f}", f"{run(tab):.2f}", "met" if first <= TARGET_PAGE_S else "MISSED"])
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=OUT / "bench_10000.duckdb")
    ap.add_argument("--reports", type=int, help="cut a copy down to this many reports")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-page", action="store_true")
    ap.add_argument("--no-record", action="store_true")
    a = ap.parse_args(argv)
    if not a.db.exists():
        sys.exit(f"{a.db} is missing: run `python -m bench.ingest tokenizer --reports 10000` first")
    db = cut(a.db, a.reports) if a.reports else a.db
    rows, info = run(db, a.repeat)
    body = (f"{info['reports']:,} reports, {info['sentences']:,} candidate sentences stored. Write time: a writer "
            f"recomputing the candidate tables from nothing took {info['write_s']:.1f} s, one with nothing new "
            f"{info['idle_s']:.1f} s (its copy and publish; the difference is the cost an ingest adds).\n\n")
    body += table("考核 queries (uncached, median ms)", ["call", "stored sentences", "split at query time",
                                                      f"target ≤ {TARGET_QUERY_MS} ms"], rows)
    if not a.no_page:
        body += "\n" + table("考核 page, full AppTest run per tab (default tab cold; others: first visit after it)",
                             ["tab", "first s", "again s", f"target ≤ {TARGET_PAGE_S} s"], page(db))
    cmd = f"python -m bench.checks --db {a.db.relative_to(ROOT) if a.db.is_relative_to(ROOT) else a.db}" + \
        (f" --reports {a.reports}" if a.reports else "")
    record("考核", body, cmd, not a.no_record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
