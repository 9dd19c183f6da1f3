"""Keyword queries for the dashboard: top terms, trends, distinctive terms, keyword in context.

Why it looks like this: every function is one parameterized SQL query over `term_counts`
joined to `reports`, so the numbers come from DuckDB and no value a user typed or picked
is ever pasted into SQL. The report filters are the shared dict of `pipeline.queries.filters`,
turned into a WHERE clause with `?` placeholders by `filters.where()`.

Terms are the words `tokenize.py` counted in the simplified text, so `kwic` and any term a
user types should be simplified too.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pipeline.queries import textscan
from pipeline.store.effective import ensure as ensure_views
from pipeline.queries.filters import FILTER_KEYS, where  # noqa: F401  (the shared filter; re-exported for callers)

GROUP_COLUMNS = {"unit": "unit", "year": "year"}   # distinctive_terms: allowed group columns


def _source(summed: bool) -> str:
    """Term rows with the report's (corrected) attributes as `r`: n and reports per row.
    `summed`: the per-year-unit table `sum_terms` (summaries.py; what the dashboard reads, the
    same numbers from ~5x fewer rows), else term_counts per report (the definition)."""
    if summed:
        return "sum_terms r"
    return "(SELECT t.term, t.n, 1 AS reports, r.* FROM term_counts t JOIN reports_eff r USING (report_id)) r"


def top_terms(con, filters: Mapping | None = None, limit: int = 50, summed: bool = False) -> pd.DataFrame:
    """The most frequent terms: term, n (occurrences), reports (how many reports use it).

    term_counts holds one row per (report, term), so COUNT(*) is the number of reports;
    COUNT(DISTINCT report_id) gave the same number 10x slower (400 ms at 10,000 reports)."""
    ensure_views(con)
    cond, params = where(filters)
    return con.execute(f"""
        SELECT r.term, SUM(r.n)::BIGINT AS n, SUM(r.reports)::BIGINT AS reports
        FROM {_source(summed)}
        WHERE {cond}
        GROUP BY r.term
        ORDER BY n DESC, reports DESC, r.term
        LIMIT ?""", [*params, int(limit)]).df()


def term_trend(con, terms: list[str], filters: Mapping | None = None, summed: bool = False) -> pd.DataFrame:
    """Per year and term: n, and per_10k_chars = n per 10,000 characters of that year's
    (filtered) reports, so a year with more or longer reports does not look busier.

    Every requested term gets a row for every year that has reports (n = 0 when absent).
    """
    terms = list(dict.fromkeys(str(t) for t in terms or []))
    ensure_views(con)
    cond, params = where(filters)
    return con.execute(f"""
        WITH sel AS (
            SELECT r.report_id, r.year, r.n_chars FROM reports_eff r
            WHERE r.year IS NOT NULL AND {cond}),
        years AS (SELECT year, SUM(n_chars) AS chars FROM sel GROUP BY year),
        wanted AS (SELECT unnest(?::VARCHAR[]) AS term),
        hits AS (
            SELECT r.year, r.term, SUM(r.n) AS n
            FROM {_source(summed)}
            WHERE r.term IN (SELECT term FROM wanted) AND r.year IS NOT NULL AND {cond}
            GROUP BY r.year, r.term)
        SELECT y.year, w.term, COALESCE(h.n, 0)::BIGINT AS n,
               10000.0 * COALESCE(h.n, 0) / NULLIF(y.chars, 0) AS per_10k_chars
        FROM years y CROSS JOIN wanted w
        LEFT JOIN hits h ON h.year = y.year AND h.term = w.term
        ORDER BY y.year, w.term""", [*params, terms, *params]).df()


def distinctive_terms(con, group_col: str, group_value, filters: Mapping | None = None,
                      limit: int = 30, min_n: int = 2, summed: bool = False) -> pd.DataFrame:
    """Terms over-used by one unit (or year) against the rest of the filtered reports.

    Ranked by Dunning's log-likelihood G2 = 2 * sum(O * ln(O / E)) over the group and the
    rest, which, unlike a ratio of shares, does not blow up for rare words. Only terms used
    relatively more in the group than in the rest, and at least `min_n` times in it, are
    returned: term, n_group, n_rest, llr. Empty when the filters leave no rest to compare.
    `group_value` None selects the reports whose unit (or year) is unknown.
    """
    if group_col not in GROUP_COLUMNS:
        raise ValueError(f"group_col must be one of {sorted(GROUP_COLUMNS)}, not {group_col!r}")
    col = GROUP_COLUMNS[group_col]
    if group_col == "year" and group_value is not None:
        group_value = int(group_value)
    ensure_views(con)
    cond, params = where(filters)
    return con.execute(f"""
        WITH counts AS (
            SELECT r.term,
                   COALESCE(SUM(r.n) FILTER (WHERE r.{col} IS NOT DISTINCT FROM ?), 0)::DOUBLE AS a,
                   COALESCE(SUM(r.n) FILTER (WHERE r.{col} IS DISTINCT FROM ?), 0)::DOUBLE AS b
            FROM {_source(summed)}
            WHERE {cond}
            GROUP BY r.term),
        totals AS (SELECT SUM(a) AS c, SUM(b) AS d FROM counts),
        expected AS (
            SELECT term, a, b, c, d, c * (a + b) / (c + d) AS e1, d * (a + b) / (c + d) AS e2
            FROM counts, totals)
        SELECT term, a::BIGINT AS n_group, b::BIGINT AS n_rest,
               2 * (a * ln(a / e1) + CASE WHEN b > 0 THEN b * ln(b / e2) ELSE 0 END) AS llr
        FROM expected
        WHERE a >= ? AND a * d > b * c
        ORDER BY llr DESC, n_group DESC, term
        LIMIT ?""", [group_value, group_value, *params, max(int(min_n), 1), int(limit)]).df()


KWIC_COLUMNS = ["report_id", "unit", "year", "left", "term", "right"]


def kwic(con, term: str, filters: Mapping | None = None, width: int = 20, limit: int = 200) -> pd.DataFrame:
    """Keyword in context: up to `limit` occurrences of `term` in the simplified report
    texts, each with `width` characters either side (line breaks shown as spaces).

    A plain substring match (`contains`, so no LIKE wildcards: 意识 also hits inside
    意识形态, and a phrase counted under one spelling, 不忘初心、牢记使命, is found only where
    the text spells it so). Reports in year, unit order; SQL fetches only the texts
    containing the term, in chunks, until `limit` lines are found.
    """
    if not term:
        return pd.DataFrame(columns=KWIC_COLUMNS)
    ensure_views(con)
    cond, params = where(filters)
    out: list[tuple] = []
    step = len(term)
    # the texts are read in display order, a chunk at a time, until `limit` lines are found
    # (pipeline/queries/textscan.py): a common word reads a few hundred texts, not all
    for rid, unit, year, text in textscan.in_order(con, cond, params, term):
        i = text.find(term)
        while i >= 0 and len(out) < limit:
            j = i + step
            out.append((rid, unit, year, _flat(text[max(0, i - width):i]), term, _flat(text[j:j + width])))
            i = text.find(term, j)
        if len(out) >= limit:
            break
    return pd.DataFrame(out, columns=KWIC_COLUMNS)


_FLAT = str.maketrans("\r\n\t", "   ")


def _flat(s: str) -> str:
    return s.translate(_FLAT)
