"""The values every count, chart and export uses: extracted rows with the supervisor's
corrections and the roster applied, as TEMP views on a read connection.

Why views at read time: corrections and the roster live in their own tables (store.py,
"roster and corrections") and must hold across re-ingest and re-extraction, so they are
never written into the extracted rows; every reader goes through these views instead.

    reports_eff       reports with corrected/roster unit, unit_type, region, year, period,
                      is_report; the extracted values as *_original; roster_name, match_kind,
                      match_score; `corrected` (any field corrected)
    metrics_all_eff   metrics with a corrected category, `wrong` (marked wrong), `in_taxonomy`
                      (category is one of data/activity_taxonomy.toml; others are shown as
                      OTHER_BUCKET), `duplicate` (the same figure restated earlier in the
                      report: same category, value and measure, similar phrase) and `counted`
                      (in_taxonomy and not duplicate: what totals add up)
    metrics_eff       metrics_all_eff without the ones marked wrong
    shortcomings_all_eff / shortcomings_eff   the same for shortcomings (no de-duplication)

`install(con)` creates them (idempotent, cheap); `pipeline.query` and `pipeline.export` call it
on every connection they open.
"""
from __future__ import annotations

import functools
import tomllib

from .config import data_file

OTHER_BUCKET = "其他(不计入)"
# two phrases "say the same" when their character sets overlap this much (or one holds the other)
SAME_PHRASE_JACCARD = 0.5


@functools.lru_cache(maxsize=1)
def activity_categories() -> dict[str, str]:
    """name -> one-line description, in taxonomy order (data/activity_taxonomy.toml)."""
    with open(data_file("activity_taxonomy.toml"), "rb") as fh:
        t = tomllib.load(fh)
    return {c["name"]: c.get("description", "") for c in t.get("category", [])}


@functools.lru_cache(maxsize=1)
def shortcoming_categories() -> dict[str, str]:
    with open(data_file("shortcoming_taxonomy.toml"), "rb") as fh:
        t = tomllib.load(fh)
    return {c["name"]: c.get("description", "") for c in t.get("category", [])}


def _missing_tables(con) -> list[str]:
    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return [t for t in ("roster", "corrections", "report_roster_match") if t not in have]


def ensure(con) -> None:
    """`install` unless this connection has the views already (library callers' own connections)."""
    if not con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'reports_eff'").fetchone()[0]:
        install(con)


def install(con) -> None:
    """Create the effective views on this connection (TEMP: allowed on a read-only one)."""
    from . import store

    missing = _missing_tables(con)
    if missing:    # a database written before the roster existed: empty stand-ins
        for stmt in store.SUPERVISOR_SCHEMA.split(";"):
            for t in missing:
                if f"EXISTS {t} (" in stmt:
                    con.execute(stmt.replace("CREATE TABLE IF NOT EXISTS", "CREATE TEMP TABLE IF NOT EXISTS")
                                .replace(f", PRIMARY KEY (target, file_id, report_index, item_text, item_ordinal, field)",
                                         ""))
    con.execute("CREATE OR REPLACE TEMP TABLE _activity_categories (name VARCHAR)")
    con.executemany("INSERT INTO _activity_categories VALUES (?)", [[n] for n in activity_categories()])
    con.execute(VIEWS.replace("{OTHER}", OTHER_BUCKET).replace("{JACCARD}", str(SAME_PHRASE_JACCARD)))


VIEWS = """
CREATE OR REPLACE TEMP VIEW report_fixes AS
SELECT file_id, report_index,
       max(value) FILTER (WHERE field = 'unit') AS unit,
       max(value) FILTER (WHERE field = 'unit_type') AS unit_type,
       max(value) FILTER (WHERE field = 'region') AS region,
       max(value) FILTER (WHERE field = 'year') AS year,
       max(value) FILTER (WHERE field = 'period') AS period,
       max(value) FILTER (WHERE field = 'is_report') AS is_report
FROM corrections WHERE target = 'report' GROUP BY file_id, report_index;

CREATE OR REPLACE TEMP VIEW reports_eff AS
SELECT r.* REPLACE (
         coalesce(c.unit, m.roster_name, r.unit) AS unit,
         coalesce(c.unit_type, ro.unit_type, r.unit_type) AS unit_type,
         coalesce(c.region, ro.region, r.region) AS region,
         coalesce(TRY_CAST(c.year AS INTEGER), r.year) AS year,
         coalesce(c.period, r.period) AS period,
         coalesce(TRY_CAST(c.is_report AS BOOLEAN), r.is_report) AS is_report,
         (c.unit IS NOT NULL OR coalesce(r.unit_explicit, FALSE)) AS unit_explicit),
       r.unit AS unit_original, r.unit_type AS unit_type_original, r.region AS region_original,
       r.year AS year_original, r.period AS period_original, r.is_report AS is_report_original,
       m.roster_name, m.kind AS match_kind, m.score AS match_score,
       (c.file_id IS NOT NULL) AS corrected,
       (c.unit IS NOT NULL) AS unit_corrected, (c.year IS NOT NULL) AS year_corrected,
       (c.is_report IS NOT NULL) AS is_report_corrected
FROM reports r
LEFT JOIN report_fixes c ON c.file_id = r.file_id AND c.report_index = r.report_index
LEFT JOIN report_roster_match m ON m.report_id = r.report_id
LEFT JOIN roster ro ON ro.name = m.roster_name;

CREATE OR REPLACE TEMP VIEW _item_fixes AS
SELECT target, file_id, report_index, item_text, item_ordinal,
       max(value) FILTER (WHERE field = 'category') AS category,
       coalesce(bool_or(field = 'wrong' AND value = 'true'), FALSE) AS wrong
FROM corrections WHERE target IN ('metric', 'shortcoming') GROUP BY ALL;

CREATE OR REPLACE TEMP VIEW _metrics_k AS
SELECT m.* REPLACE (coalesce(f.category, m.category) AS category),
       m.category AS category_original, coalesce(f.wrong, FALSE) AS wrong,
       (f.file_id IS NOT NULL) AS corrected, k.item_ordinal,
       coalesce(f.category, m.category) IN (SELECT name FROM _activity_categories) AS in_taxonomy
FROM metrics m
JOIN (SELECT report_id, metric_index,
             row_number() OVER (PARTITION BY report_id, text ORDER BY char_start, metric_index) - 1 AS item_ordinal
      FROM metrics) k USING (report_id, metric_index)
JOIN reports r USING (report_id)
LEFT JOIN _item_fixes f ON f.target = 'metric' AND f.file_id = r.file_id AND f.report_index = r.report_index
     AND f.item_text = m.text AND f.item_ordinal = k.item_ordinal;

CREATE OR REPLACE TEMP VIEW metrics_all_eff AS
SELECT k.* REPLACE (CASE WHEN k.in_taxonomy THEN k.category ELSE '{OTHER}' END AS category),
       coalesce(d.duplicate, FALSE) AS duplicate,
       (k.in_taxonomy AND NOT coalesce(d.duplicate, FALSE)) AS counted
FROM _metrics_k k
LEFT JOIN (
    SELECT a.report_id, a.metric_index, TRUE AS duplicate
    FROM _metrics_k a JOIN _metrics_k b
      ON a.report_id = b.report_id AND a.category = b.category AND a.base_value = b.base_value
     AND a.base_measure IS NOT DISTINCT FROM b.base_measure
     AND NOT a.wrong AND NOT b.wrong AND NOT coalesce(a.placeholder, FALSE) AND NOT coalesce(b.placeholder, FALSE)
     AND (b.char_start < a.char_start OR (b.char_start = a.char_start AND b.metric_index < a.metric_index))
     AND length(a.phrase) > 0 AND length(b.phrase) > 0
     -- (jaccard refuses an empty string, so each side has its own stand-in)
     AND (jaccard(coalesce(nullif(a.phrase, ''), '∅甲'), coalesce(nullif(b.phrase, ''), '∅乙')) >= {JACCARD}
          OR strpos(a.phrase, b.phrase) > 0 OR strpos(b.phrase, a.phrase) > 0)
    GROUP BY ALL) d USING (report_id, metric_index);

CREATE OR REPLACE TEMP VIEW metrics_eff AS SELECT * FROM metrics_all_eff WHERE NOT wrong;

CREATE OR REPLACE TEMP VIEW shortcomings_all_eff AS
SELECT s.* REPLACE (coalesce(f.category, s.category) AS category),
       s.category AS category_original, coalesce(f.wrong, FALSE) AS wrong,
       (f.file_id IS NOT NULL) AS corrected, k.item_ordinal
FROM shortcomings s
JOIN (SELECT report_id, item_index,
             row_number() OVER (PARTITION BY report_id, text ORDER BY char_start, item_index) - 1 AS item_ordinal
      FROM shortcomings) k USING (report_id, item_index)
JOIN reports r USING (report_id)
LEFT JOIN _item_fixes f ON f.target = 'shortcoming' AND f.file_id = r.file_id AND f.report_index = r.report_index
     AND f.item_text = s.text AND f.item_ordinal = k.item_ordinal;

CREATE OR REPLACE TEMP VIEW shortcomings_eff AS SELECT * FROM shortcomings_all_eff WHERE NOT wrong;
"""
