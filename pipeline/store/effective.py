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

The views are stored in the database by every writer (`store.init_schema` -> `create_views`),
so readers use them at no cost; `ensure(con)` adds TEMP copies to an older file. The restated-
figure flags are a write-time table, `metric_duplicates` (`refresh_duplicates`, run by every
writer after corrections and ingests alike).
"""
from __future__ import annotations

from pipeline import rules, store

OTHER_BUCKET = "其他(不计入)"
# two phrases "say the same" when their character sets overlap this much (or one holds the other)
SAME_PHRASE_JACCARD = 0.5


def activity_categories() -> dict[str, str]:
    """name -> one-line description, in taxonomy order (data/activity_taxonomy.toml)."""
    return {c["name"]: c.get("description", "") for c in rules.load("activity_taxonomy.toml").get("category", [])}


def shortcoming_categories() -> dict[str, str]:
    return {c["name"]: c.get("description", "") for c in rules.load("shortcoming_taxonomy.toml").get("category", [])}


def _missing_tables(con) -> list[str]:
    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return [t for t in ("roster", "corrections", "report_roster_match", "metric_duplicates") if t not in have]


def _sql_list(names) -> str:
    """Category names from our own data file as an SQL list literal (quotes doubled)."""
    return "(" + ", ".join("'" + n.replace("'", "''") + "'" for n in names) + ")" if names else "(NULL)"


def views_sql(temp: bool = False) -> str:
    return (VIEWS.replace("{TEMP}", "TEMP " if temp else "")
            .replace("{CATEGORIES}", _sql_list(activity_categories())).replace("{OTHER}", OTHER_BUCKET))


def create_views(con) -> None:
    """The views, stored in the database (every writer calls this through store.init_schema),
    so a reader pays nothing to use them."""
    con.execute(views_sql())


def ensure(con) -> None:
    """Make the views usable on this connection: they are in any database a writer of this
    version published; an older file gets TEMP copies (allowed on a read-only connection),
    with empty stand-ins for the supervisor's tables it lacks."""
    if con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'reports_eff'").fetchone()[0]:
        return
    install(con)


def install(con) -> None:
    missing = _missing_tables(con)
    if missing:
        for stmt in store.SUPERVISOR_SCHEMA.split(";"):
            for t in missing:
                if f"EXISTS {t} (" in stmt:
                    con.execute(stmt.replace("CREATE TABLE IF NOT EXISTS", "CREATE TEMP TABLE IF NOT EXISTS")
                                .replace(",\n    PRIMARY KEY (target, file_id, report_index, item_text, item_ordinal, field)",
                                         ""))
    con.execute(views_sql(temp=True))


def refresh_duplicates(con) -> int:
    """Store which metrics restate a figure already counted in the same report (same
    category after corrections, same value and measure, similar phrase). A write-time table
    (store.writer refreshes it after every write, corrections included): the self-join is
    too dear to repeat in every dashboard query."""
    with store.transaction(con):
        con.execute("DELETE FROM metric_duplicates")
        con.execute(DUPLICATES.replace("{JACCARD}", str(SAME_PHRASE_JACCARD)))
    return con.execute("SELECT count(*) FROM metric_duplicates").fetchone()[0]


DUPLICATES = """
INSERT INTO metric_duplicates
SELECT DISTINCT a.report_id, a.metric_index
FROM _metrics_fixed a JOIN _metrics_fixed b
  ON a.report_id = b.report_id AND a.category = b.category AND a.base_value = b.base_value
 AND a.base_measure IS NOT DISTINCT FROM b.base_measure
 AND NOT a.wrong AND NOT b.wrong AND NOT coalesce(a.placeholder, FALSE) AND NOT coalesce(b.placeholder, FALSE)
 AND (b.char_start < a.char_start OR (b.char_start = a.char_start AND b.metric_index < a.metric_index))
 AND length(a.phrase) > 0 AND length(b.phrase) > 0
 -- (jaccard refuses an empty string, so each side has its own stand-in)
 AND (jaccard(coalesce(nullif(a.phrase, ''), '∅甲'), coalesce(nullif(b.phrase, ''), '∅乙')) >= {JACCARD}
      OR strpos(a.phrase, b.phrase) > 0 OR strpos(b.phrase, a.phrase) > 0)
"""

# Item corrections are keyed by (text, ordinal among the report's items with that text); the
# ordinal is computed only for reports that have item corrections (a window over every
# metric would cost every query), and by the reader for the one report it shows.
VIEWS = """
CREATE OR REPLACE {TEMP}VIEW report_fixes AS
SELECT file_id, report_index,
       max(value) FILTER (WHERE field = 'unit') AS unit,
       max(value) FILTER (WHERE field = 'unit_type') AS unit_type,
       max(value) FILTER (WHERE field = 'region') AS region,
       max(value) FILTER (WHERE field = 'year') AS year,
       max(value) FILTER (WHERE field = 'period') AS period,
       max(value) FILTER (WHERE field = 'is_report') AS is_report
FROM corrections WHERE target = 'report' GROUP BY file_id, report_index;

CREATE OR REPLACE {TEMP}VIEW reports_eff AS
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

CREATE OR REPLACE {TEMP}VIEW _item_fixes AS
SELECT target, file_id, report_index, item_text, item_ordinal,
       max(value) FILTER (WHERE field = 'category') AS category,
       coalesce(bool_or(field = 'wrong' AND value = 'true'), FALSE) AS wrong
FROM corrections WHERE target IN ('metric', 'shortcoming') GROUP BY ALL;

CREATE OR REPLACE {TEMP}VIEW _metric_keys AS
SELECT m.report_id, m.metric_index, r.report_index,
       row_number() OVER (PARTITION BY m.report_id, m.text ORDER BY m.char_start, m.metric_index) - 1 AS item_ordinal
FROM metrics m JOIN reports r USING (report_id)
WHERE (r.file_id, r.report_index) IN (SELECT (file_id, report_index) FROM corrections WHERE target = 'metric');

CREATE OR REPLACE {TEMP}VIEW _metrics_fixed AS
SELECT m.* REPLACE (coalesce(f.category, m.category) AS category),
       m.category AS category_original, coalesce(f.wrong, FALSE) AS wrong, (f.file_id IS NOT NULL) AS corrected
FROM metrics m
LEFT JOIN _metric_keys k USING (report_id, metric_index)
LEFT JOIN _item_fixes f ON f.target = 'metric' AND f.file_id = m.file_id AND f.report_index = k.report_index
     AND f.item_text = m.text AND f.item_ordinal = k.item_ordinal;

CREATE OR REPLACE {TEMP}VIEW metrics_all_eff AS
SELECT k.* REPLACE (CASE WHEN k.category IN {CATEGORIES} THEN k.category ELSE '{OTHER}' END AS category),
       coalesce(k.category IN {CATEGORIES}, FALSE) AS in_taxonomy,
       (d.report_id IS NOT NULL) AS duplicate,
       (coalesce(k.category IN {CATEGORIES}, FALSE) AND d.report_id IS NULL) AS counted
FROM _metrics_fixed k
LEFT JOIN metric_duplicates d USING (report_id, metric_index);

CREATE OR REPLACE {TEMP}VIEW metrics_eff AS SELECT * FROM metrics_all_eff WHERE NOT wrong;

CREATE OR REPLACE {TEMP}VIEW _shortcoming_keys AS
SELECT s.report_id, s.item_index, r.report_index,
       row_number() OVER (PARTITION BY s.report_id, s.text ORDER BY s.char_start, s.item_index) - 1 AS item_ordinal
FROM shortcomings s JOIN reports r USING (report_id)
WHERE (r.file_id, r.report_index) IN (SELECT (file_id, report_index) FROM corrections WHERE target = 'shortcoming');

CREATE OR REPLACE {TEMP}VIEW shortcomings_all_eff AS
SELECT s.* REPLACE (coalesce(f.category, s.category) AS category),
       s.category AS category_original, coalesce(f.wrong, FALSE) AS wrong, (f.file_id IS NOT NULL) AS corrected
FROM shortcomings s
LEFT JOIN _shortcoming_keys k USING (report_id, item_index)
LEFT JOIN _item_fixes f ON f.target = 'shortcoming' AND f.file_id = s.file_id AND f.report_index = k.report_index
     AND f.item_text = s.text AND f.item_ordinal = k.item_ordinal;

CREATE OR REPLACE {TEMP}VIEW shortcomings_eff AS SELECT * FROM shortcomings_all_eff WHERE NOT wrong;
"""


store.on_schema(create_views)
store.on_publish(refresh_duplicates, label="重复指标标记")
