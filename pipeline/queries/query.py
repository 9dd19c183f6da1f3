"""The dashboard's one query layer: every SQL statement the pages need lives here.

Rules:
  * every value a user can influence goes in as a `?` parameter; the only text spliced into
    SQL is fixed code (column names picked from the whitelists below, `?` placeholders);
  * one helper, `where()`, turns the shared filter dict into a condition on `reports r`;
  * connections are short-lived and read-only (`store.read_connection`);
  * results may be cached by the caller: every call goes through one function keyed on
    `store.data_version()` (inode, mtime, size of the DB file), and the dashboard wraps it
    in `st.cache_data` (`use_cache`, called by `dashboard/cache.py`), so a re-ingest - from
    the CLI or the 数据导入 page - invalidates every cache at once, in every session,
    without a restart. This module itself never imports Streamlit.

Public functions take the filter dict first (keys: year_min, year_max, units, unit_types,
regions - any may be missing) and `db=` last, and return pandas DataFrames with English
column names; the UI renames them for display (`pipeline.queries.labels.LABELS`).

Keyword statistics come from `pipeline.queries.keywords` (top_terms, term_trend,
distinctive_terms, kwic); the filter itself from `pipeline.queries.filters`.
"""
from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any, Callable

import duckdb
import pandas as pd

from pipeline.store import effective, summaries
from pipeline.queries import keywords, textscan
from pipeline import store
from pipeline.text.script import to_simplified
from pipeline.config import db_path
from pipeline.queries.filters import LIST_FILTERS, known, where


# Grouping columns a caller may ask for, mapped to fixed SQL expressions (never user text).
_GROUPS = {"year": "r.year", "unit": "r.unit", "unit_type": "r.unit_type", "region": "r.region",
           "report": "r.report_id"}


# ---------------------------------------------------------------- filters
def normalize_filters(filters: dict | None) -> dict:
    """The shared filter, cleaned; unknown keys (stale URL parameters) are dropped here."""
    return known(filters)


# ---------------------------------------------------------------- connection + cache
def resolve_db(db: str | Path | None = None) -> str:
    return str(Path(db or db_path()).resolve())


def data_version(db: str | Path | None = None) -> tuple:
    return tuple(store.data_version(resolve_db(db)))


def _df(con, sql: str, params: list | tuple = ()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


_QUERIES: dict[str, Callable] = {}


def _run_keyed(name: str, db: str, version: tuple, fkey: str, args: tuple, kwargs: tuple):
    """One query by plain, hashable arguments: what a cache keys on (`version` is unused
    here; it is in the key so a new database version misses the cache)."""
    return _run(name, db, json.loads(fkey), args, dict(kwargs))


_runner: Callable = _run_keyed       # no cache unless the caller installs one


def use_cache(decorate: Callable[[Callable], Callable]) -> None:
    """Cache every query with `decorate` (the dashboard passes `st.cache_data(...)`)."""
    global _runner
    _runner = decorate(_run_keyed)


def _run(name: str, db: str, filters: dict, args: tuple, kwargs: dict):
    con = store.read_connection(db)
    try:
        try:
            return _QUERIES[name](con, filters, *args, **kwargs)
        except duckdb.CatalogException:
            # a file published before the effective views or the summaries existed: TEMP
            # copies, then again (checking first would cost every query a catalog look-up)
            effective.install(con)
            summaries.install_temp(con)
            return _QUERIES[name](con, filters, *args, **kwargs)
    finally:
        con.close()


def cached(fn: Callable) -> Callable:
    """`fn(con, filters, *args)` -> public `fn(filters=None, *args, db=None)`, cached on the
    data version. Arguments must be hashable plain values (str, int, tuple)."""
    _QUERIES[fn.__name__] = fn

    @functools.wraps(fn)
    def wrapper(filters: dict | None = None, *args, db: str | Path | None = None, **kwargs):
        path = resolve_db(db)
        fkey = json.dumps(normalize_filters(filters), ensure_ascii=False, sort_keys=True)
        return _runner(fn.__name__, path, data_version(path), fkey, tuple(args),
                       tuple(sorted(kwargs.items())))

    wrapper.uncached = lambda filters=None, *args, db=None, **kw: _run(  # type: ignore[attr-defined]
        fn.__name__, resolve_db(db), normalize_filters(filters), tuple(args), kw)
    return wrapper


# ---------------------------------------------------------------- options, overview
@cached
def filter_options(con, _filters) -> dict[str, list]:
    """Every value the sidebar can offer (not filtered)."""
    def col(sql):
        return [r[0] for r in con.execute(sql).fetchall()]
    # corrected values, and the roster's units, types and regions even where nothing was reported
    return {"years": col("SELECT DISTINCT year FROM reports_eff WHERE year IS NOT NULL ORDER BY 1"),
            **{lf.key: col(lf.options_sql()) for lf in LIST_FILTERS}}     # pipeline/queries/filters.py


@cached
def categories(con, _filters) -> dict[str, list[str]]:
    """Every category of metrics and of shortcomings, database-wide (for the one color map)."""
    return {t: [r[0] for r in con.execute(          # summaries.py: one row per report and category
                f"SELECT DISTINCT category FROM sum_{t} WHERE category IS NOT NULL ORDER BY 1").fetchall()]
            for t in ("metrics", "shortcomings")}


@cached
def overview(con, filters) -> pd.DataFrame:
    cond, params = where(filters)
    return _df(con, f"""
        SELECT count(*) AS reports, count(DISTINCT r.unit) AS units, count(DISTINCT r.year) AS years,
               count(DISTINCT r.file_id) AS files, coalesce(sum(r.n_chars), 0) AS chars,
               min(r.year) AS year_first, max(r.year) AS year_last
        FROM reports_eff r WHERE {cond}""", params)


@cached
def coverage(con, filters) -> pd.DataFrame:
    """(unit, year, reports): how many reports each unit has each year (NULLs kept)."""
    cond, params = where(filters)
    return _df(con, f"""
        SELECT r.unit, r.year, count(*) AS reports
        FROM reports_eff r WHERE {cond} GROUP BY ALL ORDER BY r.unit NULLS LAST, r.year NULLS LAST""", params)


@cached
def reports_by_year_type(con, filters) -> pd.DataFrame:
    cond, params = where(filters)
    return _df(con, f"""
        SELECT r.year, coalesce(r.unit_type, '未识别') AS unit_type, count(*) AS reports
        FROM reports_eff r WHERE {cond} GROUP BY ALL ORDER BY r.year NULLS LAST, unit_type""", params)


@cached
def quality(con, filters) -> pd.DataFrame:
    """Data-quality counts for the current filter; rejected files are counted globally."""
    cond, params = where(filters)
    rep = con.execute(f"""
        SELECT count(*) FILTER (WHERE r.unit IS NULL),
               count(*) FILTER (WHERE r.unit IS NOT NULL AND NOT coalesce(r.unit_explicit, FALSE)),
               count(*) FILTER (WHERE r.year IS NULL)
        FROM reports_eff r WHERE {cond}""", params).fetchone()
    # non-reports are counted whether or not the filter includes them
    cond_all, params_all = where(dict(normalize_filters(filters), include_nonreports=True))
    rep = (*rep, con.execute(f"SELECT count(*) FILTER (WHERE NOT coalesce(r.is_report, TRUE)) FROM reports_eff r "
                             f"WHERE {cond_all}", params_all).fetchone()[0])
    met = con.execute(f"""
        SELECT coalesce(sum(n_placeholder), 0), coalesce(sum(n_approx), 0), coalesce(sum(mentions), 0)
        FROM sum_metrics r WHERE {cond}""", params).fetchone()
    rejects = con.execute("SELECT count(*) FROM rejects").fetchone()[0]
    rows = [
        ("no_unit", "没有识别出单位的报告", rep[0]),
        ("unit_implicit", "单位仅从正文推断(非明确署名)的报告", rep[1]),
        ("no_year", "没有识别出年份的报告", rep[2]),
        ("not_report", "疑似非工作总结(如心得、范文;默认不计入统计)", rep[3]),
        ("placeholders", "占位数值(如“X次”)的指标条数", met[0]),
        ("approx", "约数(如“20余次”)的指标条数", met[1]),
        ("metrics", "指标总条数", met[2]),
        ("rejects", "拒收文件(全库,不受筛选影响)", rejects),
    ]
    return pd.DataFrame(rows, columns=["check", "item", "count"])


@cached
def rejects(con, _filters) -> pd.DataFrame:
    return _df(con, "SELECT path, reason, rejected_at FROM rejects ORDER BY rejected_at DESC, path")


# ---------------------------------------------------------------- reports
_REPORT_COLS = """r.report_id, r.title, r.unit, r.unit_explicit, r.unit_type, r.region, r.year, r.period,
                  r.is_report, r.script, r.n_chars, r.source, r.report_index, r.publish_date, r.sources,
                  r.corrected, r.roster_name, r.match_kind"""
# the extracted values next to the corrected ones (the reader, the CSV of reports)
_ORIGINAL_COLS = """r.unit_original, r.unit_type_original, r.region_original, r.year_original, r.period_original,
                    r.is_report_original, r.match_score, r.file_id"""


def _report_search(filters, search: str) -> tuple[str, list]:
    cond, params = where(filters)
    search = (search or "").strip()
    if search:
        # The text is searched in its simplified copy with the term simplified the same way, so
        # 學習 finds 学习 too; the original text is scanned as well only for a term that t2s
        # changes (at 100,000 reports the texts are 750 MB: one scan, not two)
        simple = to_simplified(search)
        cond += """ AND (contains(coalesce(r.title, ''), ?) OR contains(coalesce(r.unit, ''), ?)
                   OR contains(r.source, ?) OR contains(coalesce(r.text_simplified, ''), ?)"""
        params = [*params, search, search, search, simple]
        if simple != search:
            cond += " OR contains(coalesce(r.text, ''), ?)"
            params.append(search)
        cond += ")"
    return cond, params


@cached
def reports(con, filters, search: str = "", limit: int | None = None) -> pd.DataFrame:
    """Report metadata (no text) for the filter; `search` matches title, unit, source or text
    (original or simplified), as a plain substring; `limit`: the first rows only (the list a
    page shows; `report_count` says of how many)."""
    cond, params = _report_search(filters, search)
    return _df(con, f"SELECT {_REPORT_COLS} FROM reports_eff r WHERE {cond} "
                    "ORDER BY r.year DESC NULLS LAST, r.unit NULLS LAST, r.source, r.report_index" + _limit(limit),
               params)


@cached
def report_count(con, filters, search: str = "") -> int:
    cond, params = _report_search(filters, search)
    return int(con.execute(f"SELECT count(*) FROM reports_eff r WHERE {cond}", params).fetchone()[0])


@cached
def report(con, _filters, report_id: str) -> pd.DataFrame:
    """One report with its text (not filtered: a link always opens its report)."""
    return _df(con, f"SELECT {_REPORT_COLS}, {_ORIGINAL_COLS}, r.text, r.text_simplified FROM reports_eff r "
                    "WHERE r.report_id = ?", [report_id])


@cached
def report_metrics(con, _filters, report_id: str) -> pd.DataFrame:
    return _df(con, """
        SELECT metric_index, section_kind, category, phrase, value, measure, base_value, base_measure,
               approx, placeholder, text,
               sentence, char_start, char_end, counted, duplicate, wrong, corrected, category_original,
               row_number() OVER (PARTITION BY text ORDER BY char_start, metric_index) - 1 AS item_ordinal
        FROM metrics_all_eff WHERE report_id = ? ORDER BY char_start NULLS LAST, metric_index""", [report_id])


@cached
def report_shortcomings(con, _filters, report_id: str) -> pd.DataFrame:
    return _df(con, """
        SELECT item_index, category, categories, triggers, text, char_start, char_end, wrong, corrected,
               category_original,
               row_number() OVER (PARTITION BY text ORDER BY char_start, item_index) - 1 AS item_ordinal
        FROM shortcomings_all_eff WHERE report_id = ? ORDER BY char_start NULLS LAST, item_index""", [report_id])


@cached
def report_sections(con, _filters, report_id: str) -> pd.DataFrame:
    return _df(con, """
        SELECT section_index, kind, heading, char_start, char_end
        FROM sections WHERE report_id = ? ORDER BY char_start, section_index""", [report_id])


@cached
def reports_by_source(con, _filters, paths: tuple) -> pd.DataFrame:
    if not paths:
        return pd.DataFrame({"source": [], "reports": []})
    return _df(con, f"""SELECT source, count(*) AS reports FROM reports
                        WHERE source IN ({', '.join('?' * len(paths))}) GROUP BY source""", list(paths))


# ---------------------------------------------------------------- metrics
# Every sum and every grouping by measure uses the BASE form of a count (`base_value` in
# `base_measure`: 3.2 万人次 is 32000 人次, 5.2 万元 is 52000 元; `pipeline.extract.metrics.normalise`),
# so 元 and 万元 add up and one measure is one choice. `value`/`measure` stay as written for
# the per-metric tables and the export. `measure` arguments below are base measures.
# Totals add only `counted` metrics (effective.py): a category of the taxonomy, not a restatement
# of a figure already counted in the same report. The rest stay visible: metrics outside the
# taxonomy as the category 其他(不计入) (their sum in `uncounted_sum`), restatements in `duplicates`.
# The sums themselves are computed once per report at publish: `pipeline.store.summaries.METRIC_SUMS`.


@cached
def metric_measures(con, filters) -> pd.DataFrame:
    """(measure, mentions): the base counting units (次, 篇, 人次, 元 …) in the filter, most used
    first; 万元 counts are mentions of 元."""
    cond, params = where(filters)
    return _df(con, f"""
        SELECT r.measure, sum(r.mentions)::BIGINT AS mentions
        FROM sum_metrics r WHERE {cond}
        GROUP BY ALL ORDER BY mentions DESC, measure""", params)


# The same sums over `sum_metrics` (summaries.py: already summed per report, category and
# base measure, with the report's corrected attributes): sums of sums.
_SUMMED = """
    sum(r.exact_sum) AS exact_sum, sum(r.approx_sum) AS approx_sum, sum(r.placeholders)::BIGINT AS placeholders,
    sum(r.mentions)::BIGINT AS mentions, sum(r.duplicates)::BIGINT AS duplicates,
    sum(r.uncounted_sum) AS uncounted_sum"""


def _limit(limit: int | None) -> str:
    """A LIMIT for tables a page shows capped (the CSV asks again without it)."""
    return f" LIMIT {int(limit)}" if limit is not None else ""


def _summed_measure(measure: str | None) -> tuple[str, list]:
    return ("r.measure = ?", [measure]) if measure is not None else ("TRUE", [])


def _measure_cond(measure: str | None) -> tuple[str, list]:
    return ("coalesce(m.base_measure, '') = ?", [measure]) if measure is not None else ("TRUE", [])


@cached
def metric_totals(con, filters, by: tuple = ("year",), measure: str | None = None) -> pd.DataFrame:
    """Per category and `by` (any of year/unit/unit_type/region/report): exact and approximate
    sums (in the base measure) kept apart, placeholders counted, never summed. `measure`
    restricts to one base counting unit so 次 and 本 are not added up (元 and 万元 are)."""
    cols = [_GROUPS[b] for b in by]           # KeyError for anything not whitelisted
    names = ", ".join(f"{c} AS {b}" for c, b in zip(cols, by))
    cond, params = where(filters)
    mcond, mparams = _summed_measure(measure)
    return _df(con, f"""
        SELECT {names}, coalesce(r.category, '未分类') AS category, {_SUMMED}
        FROM sum_metrics r
        WHERE {cond} AND {mcond}
        GROUP BY ALL ORDER BY ALL""", [*params, *mparams])


@cached
def metric_report_totals(con, filters, measure: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Per report and category, with the report's metadata (the per-report table); `limit`:
    the first rows only (the page shows a capped table)."""
    cond, params = where(filters)
    mcond, mparams = _summed_measure(measure)
    return _df(con, f"""
        SELECT r.report_id, r.unit, r.year, r.title, coalesce(r.category, '未分类') AS category,
               r.measure, {_SUMMED}
        FROM sum_metrics r
        WHERE {cond} AND {mcond}
        GROUP BY ALL ORDER BY r.year NULLS LAST, r.unit NULLS LAST, r.report_id, category, r.measure"""
               + _limit(limit), [*params, *mparams])


@cached
def metric_report_count(con, filters, measure: str | None = None) -> int:
    """How many rows `metric_report_totals` returns without a limit."""
    cond, params = where(filters)
    mcond, mparams = _summed_measure(measure)
    return int(con.execute(f"SELECT count(*) FROM sum_metrics r WHERE {cond} AND {mcond}",
                           [*params, *mparams]).fetchone()[0])


def _bar_cond(category, unit, year, alias: str) -> tuple[str, list]:
    """One bar of a chart: a category (or several: a tuple), a unit, a year label; the blanks
    as the charts label them ('未分类', '(未识别单位)', '年份不详')."""
    sql, params = "", []
    if category is not None:
        cats = [category] if isinstance(category, str) else list(category)
        sql += f" AND list_contains(?::VARCHAR[], coalesce({alias}.category, '未分类'))"
        params.append(cats)
    if unit is not None:
        sql += " AND coalesce(r.unit, '(未识别单位)') = ?"
        params.append(str(unit))
    if year is not None:
        sql += " AND coalesce(CAST(r.year AS VARCHAR), '年份不详') = ?"
        params.append(str(year))
    return sql, params


@cached
def metric_count(con, filters, measure: str | None = None, category: str | tuple | None = None,
                 unit: str | None = None, year: str | None = None) -> int:
    """How many metric mentions `metrics` returns for the same arguments (a capped table says
    of how many)."""
    cond, params = where(filters)
    mcond, mparams = _summed_measure(measure)
    extra, eparams = _bar_cond(category, unit, year, "r")
    mcond, mparams = mcond + extra, [*mparams, *eparams]
    return int(con.execute(f"SELECT coalesce(sum(r.mentions), 0) FROM sum_metrics r WHERE {cond} AND {mcond}",
                           [*params, *mparams]).fetchone()[0])


@cached
def metrics(con, filters, measure: str | None = None, category: str | tuple | None = None,
            unit: str | None = None, year: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Every metric mention with its report's unit/year (the raw extract): the count as written
    (value, measure) and in its base measure (base_value, base_measure). `category`, `unit`,
    `year` narrow to one bar of a chart (`_bar_cond`; a tuple of categories picks several);
    `limit`: the first rows only (a capped table; its CSV asks again without it)."""
    cond, params = where(filters)
    mcond, mparams = _measure_cond(measure)
    extra, eparams = _bar_cond(category, unit, year, "m")
    mcond, mparams = mcond + extra, [*mparams, *eparams]
    return _df(con, f"""
        SELECT m.report_id, r.unit, r.year, r.title, m.category, m.phrase, m.value, m.measure,
               m.base_value, m.base_measure, m.approx, m.placeholder, m.counted, m.duplicate,
               m.section_kind, m.text AS clause, m.sentence
        FROM metrics_eff m JOIN reports_eff r USING (report_id)
        WHERE {cond} AND {mcond}
        ORDER BY r.year NULLS LAST, r.unit NULLS LAST, m.report_id, m.metric_index""" + _limit(limit),
               [*params, *mparams])


# ---------------------------------------------------------------- shortcomings
@cached
def shortcomings(con, filters, limit: int | None = None) -> pd.DataFrame:
    cond, params = where(filters)
    return _df(con, f"""
        SELECT s.report_id, r.unit, r.year, r.title, coalesce(s.category, '未分类') AS category,
               array_to_string(s.categories, '、') AS categories, array_to_string(s.triggers, '、') AS triggers,
               s.text AS statement
        FROM shortcomings_eff s JOIN reports_eff r USING (report_id)
        WHERE {cond} ORDER BY r.year NULLS LAST, r.unit NULLS LAST, s.report_id, s.item_index""" + _limit(limit),
               params)


# The aggregates below read `sum_shortcomings` (summaries.py: statements per report and
# corrected category, with the report's corrected attributes).
@cached
def shortcoming_freq(con, filters) -> pd.DataFrame:
    """(year, category, statements, reports) - by primary category."""
    cond, params = where(filters)
    return _df(con, f"""
        SELECT r.year, coalesce(r.category, '未分类') AS category, sum(r.statements)::BIGINT AS statements,
               count(DISTINCT r.report_id) AS reports
        FROM sum_shortcomings r
        WHERE {cond} GROUP BY ALL ORDER BY r.year NULLS LAST, statements DESC, category""", params)


@cached
def shortcoming_reports(con, filters) -> int:
    """How many reports state at least one shortcoming (the 涉及报告 figure)."""
    cond, params = where(filters)
    return int(con.execute(f"SELECT count(DISTINCT r.report_id) FROM sum_shortcomings r WHERE {cond}",
                           params).fetchone()[0])


@cached
def statements(con, filters, category: str | None = None, year: int | None = None,
               any_year: bool = True, limit: int | None = None) -> pd.DataFrame:
    """The statements behind one bar: category (None = all), year (None + any_year=False = no year)."""
    cond, params = where(filters)
    extra = []
    if category is not None:
        extra.append("coalesce(s.category, '未分类') = ?")
        params = [*params, category]
    if year is not None:
        extra.append("r.year = ?")
        params = [*params, int(year)]
    elif not any_year:
        extra.append("r.year IS NULL")
    cond = " AND ".join([cond, *extra])
    return _df(con, f"""
        SELECT r.unit, r.year, coalesce(s.category, '未分类') AS category, s.text AS statement,
               array_to_string(s.triggers, '、') AS triggers, r.title, s.report_id
        FROM shortcomings_eff s JOIN reports_eff r USING (report_id)
        WHERE {cond} ORDER BY r.year NULLS LAST, r.unit NULLS LAST, s.report_id, s.item_index""" + _limit(limit),
               params)


@cached
def statement_count(con, filters, category: str | None = None, year: int | None = None,
                    any_year: bool = True) -> int:
    """How many rows `statements` returns without a limit."""
    cond, params = where(filters)
    if category is not None:
        cond += " AND coalesce(r.category, '未分类') = ?"
        params = [*params, category]
    if year is not None:
        cond += " AND r.year = ?"
        params = [*params, int(year)]
    elif not any_year:
        cond += " AND r.year IS NULL"
    return int(con.execute(f"SELECT coalesce(sum(r.statements), 0) FROM sum_shortcomings r WHERE {cond}",
                           params).fetchone()[0])


@cached
def recurring(con, filters, min_years: int = 2) -> pd.DataFrame:
    """Categories a unit reports in `min_years` or more different years."""
    cond, params = where(filters)
    return _df(con, f"""
        SELECT r.unit, coalesce(r.category, '未分类') AS category, count(DISTINCT r.year) AS n_years,
               string_agg(DISTINCT CAST(r.year AS VARCHAR), '、' ORDER BY CAST(r.year AS VARCHAR)) AS years,
               sum(r.statements)::BIGINT AS statements
        FROM sum_shortcomings r
        WHERE {cond} AND r.unit IS NOT NULL AND r.year IS NOT NULL
        GROUP BY ALL HAVING count(DISTINCT r.year) >= ?
        ORDER BY n_years DESC, statements DESC, r.unit, category""", [*params, int(min_years)])


@cached
def shared_categories(con, filters) -> pd.DataFrame:
    """Categories by how many units report them."""
    cond, params = where(filters)
    return _df(con, f"""
        SELECT coalesce(r.category, '未分类') AS category, count(DISTINCT r.unit) AS n_units,
               sum(r.statements)::BIGINT AS statements, count(DISTINCT r.report_id) AS reports,
               string_agg(DISTINCT r.unit, '、' ORDER BY r.unit) AS unit_list
        FROM sum_shortcomings r
        WHERE {cond} GROUP BY ALL ORDER BY n_units DESC, statements DESC, category""", params)


# ---------------------------------------------------------------- terms
@cached
def term_counts(con, filters) -> pd.DataFrame:
    cond, params = where(filters)
    return _df(con, f"""
        SELECT t.report_id, r.unit, r.year, t.term, t.n
        FROM term_counts t JOIN reports_eff r USING (report_id)
        WHERE {cond} ORDER BY r.year NULLS LAST, r.unit NULLS LAST, t.report_id, t.n DESC, t.term""", params)


@cached
def top_terms(con, filters, limit: int = 50) -> pd.DataFrame:
    return keywords.top_terms(con, filters, limit, summed=True)


@cached
def term_trend(con, filters, terms: tuple = ()) -> pd.DataFrame:
    if not terms:
        return pd.DataFrame({"year": [], "term": [], "n": [], "per_10k_chars": []})
    return keywords.term_trend(con, list(terms), filters, summed=True)


@cached
def distinctive_terms(con, filters, group_col: str = "unit", group_value: Any = None,
                      limit: int = 30) -> pd.DataFrame:
    """Ranked by Dunning G2 (`keywords.distinctive_terms`); the column is called `score` here."""
    return keywords.distinctive_terms(con, group_col, group_value, filters, limit, summed=True).rename(columns={"llr": "score"})


@cached
def kwic(con, filters, term: str = "", width: int = 20, limit: int = 200) -> pd.DataFrame:
    return keywords.kwic(con, term, filters, width=width, limit=limit)


# ---------------------------------------------------------------- roster, 待核查, corrections
@cached
def roster(con, _filters) -> pd.DataFrame:
    return _df(con, "SELECT name, unit_type, region, array_to_string(aliases, ';') AS aliases FROM roster ORDER BY name")


@cached
def coverage_roster(con, filters) -> pd.DataFrame:
    """(unit, year, reports, in_roster): every roster unit that fits the filter's units, types
    and regions, and every unit that reported, crossed with every year of the filter's range
    (of the data's years without a year filter) - a unit × year that did not report is a row
    with 0, so 未报送 cells are counted whatever the filter hides. Reports without a year
    keep their own row (year NULL)."""
    f = normalize_filters(filters)
    cond, params = where(filters)
    counts = _df(con, f"SELECT r.unit, r.year, count(*) AS reports FROM reports_eff r WHERE {cond} GROUP BY ALL",
                 params)
    lo, hi = con.execute("SELECT min(year), max(year) FROM reports_eff").fetchone()
    lo, hi = f.get("year_min", lo), f.get("year_max", hi)
    years = list(range(int(lo), int(hi) + 1)) if lo is not None and hi is not None and hi - lo < 200 else []
    rcond, rparams = ["TRUE"], []
    for key, col in (("units", "name"), ("unit_types", "unit_type"), ("regions", "region")):
        if key in f:
            rcond.append(f"list_contains(?::VARCHAR[], {col})")
            rparams.append(f[key])
    names = [n for (n,) in con.execute(f"SELECT name FROM roster WHERE {' AND '.join(rcond)} ORDER BY name",
                                       rparams).fetchall()]
    everyone = set(con.execute("SELECT name FROM roster").fetchall())
    units = list(dict.fromkeys([*names, *counts["unit"].tolist()]))
    grid = pd.DataFrame([(u, y) for u in units for y in years], columns=["unit", "year"])
    grid["year"] = grid["year"].astype("Int64")
    counts["year"] = counts["year"].astype("Int64")
    out = grid.merge(counts, on=["unit", "year"], how="outer")
    out["reports"] = out["reports"].fillna(0).astype(int)
    out["in_roster"] = out["unit"].map(lambda u: (u,) in everyone)
    return out.sort_values(["unit", "year"], na_position="last").reset_index(drop=True)


_REVIEW = """
    SELECT r.report_id, r.unit, r.year, r.title, r.unit_type, r.source,
           list_filter([
             CASE WHEN NOT coalesce(r.is_report, TRUE) THEN '疑似非工作报告' END,
             CASE WHEN r.unit IS NULL THEN '没有识别出单位'
                  WHEN NOT r.unit_explicit THEN '单位非明确署名' END,
             CASE WHEN ? AND r.roster_name IS NULL AND NOT r.unit_corrected THEN '未匹配名单' END,
             CASE WHEN r.match_kind = 'fuzzy' THEN '名单为模糊匹配' END,
             CASE WHEN r.year IS NULL THEN '没有年份' END,
             CASE WHEN NOT r.year_corrected AND r.year IS NOT NULL
                       AND coalesce(json_extract_string(r.sources, '$.year'), '') NOT IN ('title', 'manifest', 'path')
                  THEN '年份非取自标题' END,
             CASE WHEN NOT r.unit_corrected AND coalesce(json_extract_string(r.sources, '$.unit_type'), '')
                       IN ('keywords', 'none') THEN '单位类型为推测' END
           ], lambda x: x IS NOT NULL) AS reasons
    FROM reports_eff r WHERE {cond}"""


@cached
def review(con, filters) -> pd.DataFrame:
    """待核查: reports that need a look, each with its reasons - essays and non-reports always
    (whatever the switch), no explicit unit, no roster match (when there is a roster), a fuzzy
    match, no year, a year or unit type that is a guess. A corrected field clears its reasons."""
    f = dict(normalize_filters(filters), include_nonreports=True)
    cond, params = where(f)
    has_roster = bool(con.execute("SELECT count(*) FROM roster").fetchone()[0])
    df = _df(con, f"SELECT * FROM ({_REVIEW.format(cond=cond)}) WHERE len(reasons) > 0 "
                  "ORDER BY len(reasons) DESC, year NULLS FIRST, unit NULLS FIRST, report_id",
             [has_roster, *params])
    df["reasons"] = df["reasons"].map(lambda v: "、".join(v))
    return df


@cached
def report_corrections(con, _filters, report_id: str) -> pd.DataFrame:
    from pipeline.store import corrections

    return pd.DataFrame(corrections.for_report(con, report_id),
                        columns=["target", "item_text", "item_ordinal", "field", "value", "original", "who", "at"])
@cached
def lost_corrections(con, _filters, path: str | None = None) -> pd.DataFrame:
    """Corrections that could not be carried over to an edited file's new version
    (pipeline/store/corrections.py `carry_over`): all, or one file's."""
    from pipeline.store import corrections

    return pd.DataFrame(corrections.lost(con, path),
                        columns=["path", "target", "item_text", "field", "value", "original", "who", "at", "note"])


KWIC_EXACT_REPORTS = 5000   # up to this many reports under the filter, kwic_total counts every text
KWIC_SAMPLE_MIN_HITS = 100  # a sample with fewer reports holding the term is too thin to scale


@cached
def kwic_total(con, filters, term: str = "", exact: bool = False) -> dict:
    """How many times `term` occurs (non-overlapping, as `kwic` walks them) and in how many
    reports, for the filter: the 上下文 list is capped, its caption says of how many.

    Up to KWIC_EXACT_REPORTS reports under the filter, or when asked `exact`, every text is
    counted. Over more, a fixed random sample of that many is (pipeline/queries/textscan.py)
    and both figures are scaled to the filter: `exact` False, with `sample` and the 95%
    margin of the reports' figure (`margin`); the page writes 约 and offers the exact count.
    At 100,000 reports counting every text took 170-480 ms, the sample ~50 ms. A sample
    with fewer than KWIC_SAMPLE_MIN_HITS reports holding the term is too thin to scale (a
    rare word): then every text is counted after all."""
    if not term:
        return {"occurrences": 0, "reports": 0, "exact": True}
    cond, params = where(filters)
    ids = textscan.rowids(con, cond, params)
    n, size = len(ids), KWIC_EXACT_REPORTS
    if not exact and n > size:
        hits, occ = textscan.count(con, textscan.sample(ids, size), term)
        if hits >= KWIC_SAMPLE_MIN_HITS:
            share = hits / size
            margin = 1.96 * math.sqrt(share * (1 - share) / size * (1 - size / n)) * n
            return {"occurrences": round(occ * n / size), "reports": round(hits * n / size),
                    "exact": False, "sample": size, "margin": round(margin)}
    # every text the filter keeps (on the corrected values, as `kwic` lists them)
    reps, occ = textscan.count_filtered(con, cond, params, ids, term)
    return {"occurrences": occ, "reports": reps, "exact": True}


def kwic_counted(lines: pd.DataFrame, limit: int) -> dict | None:
    """The totals of a 上下文 list that was not cut at `limit`: it holds every occurrence, so
    they are counted from it, exactly and for free (a rare word would otherwise be looked
    for in every text a second time). None when the list was cut: ask `kwic_total`."""
    if len(lines) >= limit:
        return None
    return {"occurrences": len(lines), "reports": int(lines["report_id"].nunique()), "exact": True}


# ---------------------------------------------------------------- raw extracts (downloads)
RAW_EXTRACTS = {
    "reports": "报告",
    "metrics": "活动指标",
    "shortcomings": "存在问题",
    "term_counts": "词频",
}


def raw_extract(kind: str, filters: dict | None, db: str | Path | None = None) -> pd.DataFrame:
    """One raw table for the filter, uncached (built only when someone downloads it)."""
    if kind == "reports":
        cond, params = where(filters)
        con = store.read_connection(resolve_db(db))
        try:
            effective.ensure(con)
            return _df(con, f"SELECT {_REPORT_COLS}, {_ORIGINAL_COLS}, r.text FROM reports_eff r WHERE {cond} "
                            "ORDER BY r.year NULLS LAST, r.unit NULLS LAST, r.source, r.report_index", params)
        finally:
            con.close()
    fn = {"metrics": metrics, "shortcomings": shortcomings, "term_counts": term_counts}[kind]
    return fn.uncached(filters, db=db)


# ---------------------------------------------------------------- 查重 (tables from pipeline/store/copies.py)
def _flag_labels(df: pd.DataFrame, col: str = "flags") -> pd.DataFrame:
    from pipeline.store.copies import FLAGS

    df[col] = df[col].map(lambda v: "、".join(FLAGS.get(x, x) for x in v.split(",")) if isinstance(v, str) and v
                          else "")
    return df


def _kind_labels(df: pd.DataFrame, col: str = "kind") -> pd.DataFrame:
    from pipeline.store.copies import KINDS

    df[col] = df[col].map(lambda v: KINDS.get(v, v) if isinstance(v, str) else "")
    return df


@cached
def copy_stats(con, filters, high: float) -> dict:
    """The 查重 headline figures for the filter: reports compared, how many at or above `high`,
    how many carry a red flag, the mean copied share (aggregated here, not over the ranking)."""
    cond, params = where(filters)
    n, n_high, n_flagged, mean = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE s.share >= ?),
               count(*) FILTER (WHERE r.report_id IN (SELECT report_id FROM copy_flags)), avg(s.share)
        FROM reports r JOIN copy_summary s USING (report_id) WHERE {cond}""", [high, *params]).fetchone()
    return dict(reports=int(n), high=int(n_high), flagged=int(n_flagged), mean=float(mean or 0.0))


@cached
def copy_ranking(con, filters, limit: int | None = None) -> pd.DataFrame:
    """Reports by copied share (总复制比), with the largest single source and the red flags;
    `limit`: the first rows only (the table and the pair picker; `copy_stats` counts them all)."""
    cond, params = where(filters)
    # the order and the cut first (a flag's presence is all the order needs), then the sources'
    # titles and the flags of the rows kept: at 100,000 reports the flags of every report were
    # aggregated and sorted for a table that shows 2,000
    df = _df(con, f"""
        WITH top AS (
            SELECT r.report_id, r.unit, r.year, r.title, s.share, s.source_share, s.source_kind AS kind,
                   s.source_report_id, s.n_sources,
                   fl.report_id IS NOT NULL AS flagged
            FROM reports r JOIN copy_summary s USING (report_id)
            LEFT JOIN (SELECT DISTINCT report_id FROM copy_flags) fl ON fl.report_id = r.report_id
            WHERE {cond}
            ORDER BY s.share DESC, NOT flagged, r.year NULLS LAST, r.unit NULLS LAST, r.report_id{_limit(limit)})
        SELECT t.report_id, t.unit, t.year, t.title, t.share, t.source_share, t.kind,
               src.unit AS source_unit, src.year AS source_year, src.title AS source_title,
               t.source_report_id, t.n_sources, f.flags
        FROM top t
        LEFT JOIN reports src ON src.report_id = t.source_report_id
        LEFT JOIN (SELECT report_id, string_agg(flag, ',' ORDER BY flag) AS flags FROM copy_flags
                   WHERE report_id IN (SELECT report_id FROM top WHERE flagged) GROUP BY report_id) f
               ON f.report_id = t.report_id
        ORDER BY t.share DESC, NOT t.flagged, t.year NULLS LAST, t.unit NULLS LAST, t.report_id""", params)
    return _kind_labels(_flag_labels(df))


@cached
def copy_sources(con, _filters, report_id: str) -> pd.DataFrame:
    """Every source of one report (share of the report found in it), largest first."""
    df = _df(con, """
        SELECT m.source_report_id, src.unit AS source_unit, src.year AS source_year, src.title AS source_title,
               m.share, m.kind
        FROM copy_matches m JOIN reports src ON src.report_id = m.source_report_id
        WHERE m.report_id = ? ORDER BY m.share DESC, m.source_report_id""", [report_id])
    return _kind_labels(df)


@cached
def copy_pair(con, _filters, report_a: str, report_b: str) -> dict:
    """Both texts with the passages each shares with the other (offsets in each text)."""
    from pipeline.store.copies import shared_passages

    rows = dict((r[0], r[1:]) for r in con.execute(
        "SELECT report_id, text_simplified, unit, year, title FROM reports WHERE report_id IN (?, ?)",
        [report_a, report_b]).fetchall())
    if report_a not in rows or report_b not in rows:
        return {}
    ta, tb = rows[report_a][0] or "", rows[report_b][0] or ""
    sa, sb, share = shared_passages(ta, tb)
    return dict(text_a=ta, text_b=tb, spans_a=sa, spans_b=sb, share=share,
                meta_a=rows[report_a][1:], meta_b=rows[report_b][1:])


@cached
def copy_years(con, filters) -> list[int]:
    cond, params = where(filters)
    return [y for (y,) in con.execute(f"""
        SELECT DISTINCT r.year FROM copy_matches m JOIN reports r USING (report_id)
        WHERE {cond} AND r.year IS NOT NULL ORDER BY 1 DESC""", params).fetchall()]


@cached
def copy_heatmap(con, filters, year: int | None = None) -> pd.DataFrame:
    """(unit, source_unit, share): the largest share of a unit's report found in another
    unit's report of the same year (pairs MinHash did not bring together count as 0)."""
    cond, params = where(filters)
    return _df(con, f"""
        SELECT r.unit, src.unit AS source_unit, max(m.share) AS share
        FROM copy_matches m JOIN reports r USING (report_id) JOIN reports src ON src.report_id = m.source_report_id
        WHERE {cond} AND r.year = ? AND src.year = ? AND r.unit IS NOT NULL AND src.unit IS NOT NULL
          AND r.unit <> src.unit
        GROUP BY ALL ORDER BY share DESC, r.unit, source_unit""", [*params, year, year])


@cached
def copy_flag_list(con, filters, flag: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """The red flags under the filter, one row each; `flag`: one kind only (its code);
    `limit`: the first rows (the table; `copy_flag_counts` says how many of each)."""
    cond, params = where(filters)
    if flag:
        cond, params = cond + " AND f.flag = ?", [*params, flag]
    df = _df(con, f"""
        SELECT f.report_id, r.unit, r.year, r.title, f.flag, f.flag AS flags, f.detail
        FROM copy_flags f JOIN reports r USING (report_id)
        WHERE {cond} ORDER BY f.flag, r.year NULLS LAST, r.unit NULLS LAST, f.report_id""" + _limit(limit), params)
    return _flag_labels(df)


@cached
def copy_flag_counts(con, filters) -> pd.DataFrame:
    """How many red flags of each kind under the filter: flag (code), label, n - in the order
    the flag list has them."""
    from pipeline.store.copies import FLAGS

    cond, params = where(filters)
    df = _df(con, f"""SELECT f.flag, count(*) AS n FROM copy_flags f JOIN reports r USING (report_id)
                      WHERE {cond} GROUP BY f.flag ORDER BY f.flag""", params)
    df.insert(1, "label", [FLAGS.get(x, x) for x in df["flag"]])
    return df


@cached
def copy_info(con, _filters, report_id: str) -> dict:
    """One report's copied share, main source and flags (for the reader); {} when not computed."""
    row = con.execute("""
        SELECT s.share, s.source_share, s.source_kind, s.source_report_id, src.unit, src.year, src.title
        FROM copy_summary s LEFT JOIN reports src ON src.report_id = s.source_report_id
        WHERE s.report_id = ?""", [report_id]).fetchone()
    if row is None:
        return {}
    from pipeline.store.copies import FLAGS, KINDS

    flags = [(FLAGS.get(f, f), d) for f, d in con.execute(
        "SELECT flag, detail FROM copy_flags WHERE report_id = ? ORDER BY flag", [report_id]).fetchall()]
    return dict(share=row[0], source_share=row[1], kind=KINDS.get(row[2], row[2]), source_report_id=row[3],
                source_unit=row[4], source_year=row[5], source_title=row[6], flags=flags)
