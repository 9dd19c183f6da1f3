"""Pre-aggregated tables the dashboard reads instead of scanning metric and term rows.

Why: at 100,000 reports `term_counts` holds ~40 million rows and `metrics` ~1 million; every
chart grouped them again on each call (the 活动指标 page took 5.9 s). These tables hold the
same numbers summed per report (metrics, shortcomings) or per year-unit (terms), with the
report's *corrected* attributes (`reports_eff`: year, unit, unit_type, region, is_report)
copied in, so the shared filter (`filters.where`, alias `r`) applies to them directly, no join.

    sum_metrics       per report × corrected category × base measure: the sums of
                      query._METRIC_SUMS plus the counts `quality` shows
    sum_shortcomings  per report × corrected category: statements
    sum_terms         per (year, unit, unit_type, region, is_report) × term: n, reports
    sum_terms_members what sum_terms was built from (report, its attributes, its file's
                      ingest time), so a refresh recomputes only the year-units that changed

Correct at once after a correction: every writer - ingest, correction, roster - refreshes
them before it publishes (`store.on_publish`, registered after the roster's matches and the
restated-metric flags they read). Metrics and shortcomings are rebuilt whole (a few seconds at
1 million rows); terms incrementally. A database published before these tables existed gets
TEMP copies on first read (`install_temp`), the way effective.py handles old views.
The direct aggregates (`keywords.*`, the views) stay the definition; tests assert equality.
"""
from __future__ import annotations

from pipeline import store

SCHEMA = """
CREATE TABLE IF NOT EXISTS sum_metrics (
    report_id VARCHAR, year INTEGER, unit VARCHAR, unit_type VARCHAR, region VARCHAR, is_report BOOLEAN,
    title VARCHAR, category VARCHAR, measure VARCHAR, exact_sum DOUBLE, approx_sum DOUBLE, placeholders BIGINT,
    mentions BIGINT, duplicates BIGINT, uncounted_sum DOUBLE, n_placeholder BIGINT, n_approx BIGINT);
CREATE TABLE IF NOT EXISTS sum_shortcomings (
    report_id VARCHAR, year INTEGER, unit VARCHAR, unit_type VARCHAR, region VARCHAR, is_report BOOLEAN,
    category VARCHAR, statements BIGINT);
CREATE TABLE IF NOT EXISTS sum_terms (
    year INTEGER, unit VARCHAR, unit_type VARCHAR, region VARCHAR, is_report BOOLEAN, term VARCHAR,
    n BIGINT, reports BIGINT);
CREATE TABLE IF NOT EXISTS sum_terms_members (
    report_id VARCHAR, year INTEGER, unit VARCHAR, unit_type VARCHAR, region VARCHAR, is_report BOOLEAN,
    ingested_at TIMESTAMP);
"""
TABLES = ("sum_metrics", "sum_shortcomings", "sum_terms", "sum_terms_members")
GROUP = ("year", "unit", "unit_type", "region", "is_report")
REBUILD_PART = 10_000   # reports per part when sum_terms is rebuilt whole (bounds the writer's memory)

# The six sums every metric total shows (exact, approximate, placeholders, mentions,
# restatements, outside the taxonomy); `queries.query` sums the same columns.
METRIC_SUMS = """
    coalesce(sum(m.base_value) FILTER (WHERE m.counted AND NOT coalesce(m.approx, FALSE)
                                       AND NOT coalesce(m.placeholder, FALSE)), 0) AS exact_sum,
    coalesce(sum(m.base_value) FILTER (WHERE m.counted AND coalesce(m.approx, FALSE)
                                       AND NOT coalesce(m.placeholder, FALSE)), 0) AS approx_sum,
    count(*) FILTER (WHERE coalesce(m.placeholder, FALSE) OR m.base_value IS NULL) AS placeholders,
    count(*) AS mentions,
    count(*) FILTER (WHERE m.duplicate) AS duplicates,
    coalesce(sum(m.base_value) FILTER (WHERE NOT m.in_taxonomy AND NOT coalesce(m.placeholder, FALSE)), 0)
        AS uncounted_sum"""

METRICS = f"""
SELECT r.report_id, r.year, r.unit, r.unit_type, r.region, r.is_report, r.title,
       m.category, coalesce(m.base_measure, '') AS measure,
       {METRIC_SUMS},
       count(*) FILTER (WHERE m.placeholder) AS n_placeholder,
       count(*) FILTER (WHERE m.approx AND NOT m.placeholder) AS n_approx
FROM metrics_eff m JOIN reports_eff r USING (report_id)
GROUP BY ALL"""

SHORTCOMINGS = """
SELECT r.report_id, r.year, r.unit, r.unit_type, r.region, r.is_report, s.category, count(*) AS statements
FROM shortcomings_eff s JOIN reports_eff r USING (report_id)
GROUP BY ALL"""

# the reports as they stand now, with their file's ingest time (a re-extraction changes it)
MEMBERS = """
SELECT r.report_id, r.year, r.unit, r.unit_type, r.region, r.is_report, f.ingested_at
FROM reports_eff r LEFT JOIN files f USING (file_id)"""

_SAME_GROUP = " AND ".join(f"{{a}}.{c} IS NOT DISTINCT FROM {{b}}.{c}" for c in GROUP)


def create(con, temp: bool = False) -> None:
    sql = SCHEMA.replace("CREATE TABLE", "CREATE TEMP TABLE") if temp else SCHEMA
    con.execute(sql)


def refresh(con) -> None:
    """Bring every summary up to date with the rows, the roster and the corrections (run by
    the writer before it publishes, after the roster matches and the restated metrics).

    If it fails (the writer out of memory), the summaries are dropped rather than left stale:
    a stale or empty summary would show wrong numbers (at 100,000 reports an ingest once
    published empty ones and 活动指标 said there were no metrics); without them readers build
    TEMP copies from the rows (`install_temp`: slower, right), and the next write rebuilds."""
    create(con)
    try:
        with store.transaction(con):
            _refresh(con)
    except BaseException:
        drop(con)
        raise


def drop(con) -> None:
    for table in TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _refresh(con, full: bool = False) -> None:
    con.execute("DELETE FROM sum_metrics")
    con.execute(f"INSERT INTO sum_metrics {METRICS}")
    con.execute("DELETE FROM sum_shortcomings")
    con.execute(f"INSERT INTO sum_shortcomings {SHORTCOMINGS}")
    refresh_terms(con, full)


def refresh_terms(con, full: bool = False) -> int:
    """Recompute sum_terms for the year-unit groups whose reports changed (added, removed,
    re-extracted, or moved by a correction or the roster): both their old and new groups.
    Returns how many groups were recomputed."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _sum_now AS {MEMBERS}")
    cols = ", ".join(GROUP)
    if full:
        con.execute("DELETE FROM sum_terms_members")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _sum_groups AS
        SELECT DISTINCT {cols} FROM (
            (SELECT * FROM _sum_now EXCEPT SELECT * FROM sum_terms_members)
            UNION ALL
            (SELECT * FROM sum_terms_members EXCEPT SELECT * FROM _sum_now))""")
    n_groups = con.execute("SELECT count(*) FROM _sum_groups").fetchone()[0]
    if n_groups:
        total = con.execute(f"SELECT count(*) FROM (SELECT DISTINCT {cols} FROM _sum_now)").fetchone()[0]
        if full or n_groups >= total // 2:
            # most groups changed (a first ingest): rebuild whole, in parts of whole year-units
            # (one GROUP BY over 40 million term rows ran the 1 GB writer out of memory at
            # 100,000 reports), each part sorted by term so a look-up of a few terms (the trend
            # chart) skips most of it
            con.execute("DELETE FROM sum_terms")
            reports = con.execute("SELECT count(*) FROM _sum_now").fetchone()[0]
            parts = max(1, -(-reports // REBUILD_PART))
            for part in range(parts):
                con.execute(f"""
                    INSERT INTO sum_terms
                    SELECT {', '.join('r.' + c for c in GROUP)}, t.term, sum(t.n)::BIGINT, count(*)::BIGINT
                    FROM term_counts t
                    JOIN (SELECT * FROM _sum_now WHERE hash(year, unit) % {parts} = {part}) r USING (report_id)
                    GROUP BY ALL ORDER BY t.term""")
        else:
            con.execute(f"DELETE FROM sum_terms s USING _sum_groups g WHERE {_SAME_GROUP.format(a='s', b='g')}")
            con.execute(f"""
                INSERT INTO sum_terms
                SELECT {', '.join('r.' + c for c in GROUP)}, t.term, sum(t.n)::BIGINT, count(*)::BIGINT
                FROM term_counts t
                JOIN (SELECT r.* FROM _sum_now r SEMI JOIN _sum_groups g ON {_SAME_GROUP.format(a='r', b='g')}) r
                     USING (report_id)
                GROUP BY ALL""")
        con.execute("DELETE FROM sum_terms_members")
        con.execute("INSERT INTO sum_terms_members SELECT * FROM _sum_now")
    con.execute("DROP TABLE IF EXISTS _sum_now")
    con.execute("DROP TABLE IF EXISTS _sum_groups")
    return n_groups


def install_temp(con) -> None:
    """TEMP summaries for a database published before they existed (read-only connection):
    built from the views on this connection, so old files read correctly, only slower."""
    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()}
    if all(t in have for t in TABLES):
        return
    create(con, temp=True)
    _refresh(con, full=True)


def missing(con) -> bool:
    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return not all(t in have for t in TABLES)


store.on_publish(refresh, label="汇总表")
