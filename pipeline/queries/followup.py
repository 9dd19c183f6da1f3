"""整改跟踪: what a unit promised in year N's 下一步 section, against its year N+1 report;
and the shortcoming categories it reports again the year after.

Why: a supervisor asks "did they do what they said they would?". Each sentence of the
下一步 section of a unit's year-N report is a promise; the year-N+1 report of the same unit
(corrections and the roster applied: `reports_eff`) is read sentence by sentence outside its
存在问题 and 下一步 sections. A promise is 已落实 when one sentence shares enough of its
two-character terms (thresholds and the generic words left out in
`pipeline/data/followup_rules.toml`), with that sentence and the shared terms as evidence; else
未见落实 (the later report does not mention it - not proof it was not done); 无次年报告 when
there is no year-N+1 report. All in one DuckDB query per call (no loop over reports).
"""
from __future__ import annotations

import re

import pandas as pd

from pipeline import rules
from pipeline.queries import query
from pipeline.queries.checks import safe_cell
from pipeline.queries.filters import where

RULES_FILE = "followup_rules.toml"
VERDICTS = ("已落实", "未见落实", "无次年报告")
PROMISE_COLUMNS = ["unit", "year", "next_year", "item_no", "item", "verdict", "share", "n_shared", "shared",
                   "evidence", "report_id", "item_start", "next_report_id", "evidence_start"]
RECURRING_COLUMNS = ["unit", "category", "year", "next_year", "n_years", "years", "text", "next_text",
                     "report_id", "next_report_id"]


_REPORTS = """
    rep0 AS (
        SELECT r.report_id, r.unit, r.year, coalesce(r.period, 'full_year') AS period, r.text_simplified AS txt
        FROM reports_eff r
        WHERE {cond} AND coalesce(r.is_report, TRUE) AND r.unit IS NOT NULL AND r.year IS NOT NULL),
    -- one report per unit and year: the full-year one (the longest when there are several)
    rep AS (SELECT * FROM rep0 QUALIFY row_number() OVER (
                PARTITION BY unit, year ORDER BY period = 'full_year' DESC, length(txt) DESC, report_id) = 1),
    pairs AS (SELECT a.unit, a.year, a.report_id, b.year AS next_year, b.report_id AS next_report_id
              FROM rep a LEFT JOIN rep b ON b.unit = a.unit AND b.year = a.year + 1)"""


def _followup_promises(con, filters) -> pd.DataFrame:
    """One row per promise (PROMISE_COLUMNS): the unit, year N, the promise as written (its
    opening marker dropped), the verdict, the share of its terms found in the best sentence
    of the year-N+1 report, the shared terms, that sentence, and offsets for the reader."""
    cfg = rules.load(RULES_FILE)
    cond, fparams = where(filters)
    sql = f"""
    WITH {_REPORTS.format(cond=cond)},
    nxt AS (SELECT s.report_id, s.char_start AS base,
                   substr(r.txt, s.char_start + 1, s.char_end - s.char_start) AS body
            FROM sections s JOIN rep r USING (report_id) WHERE s.kind = '下一步'),
    it0 AS (SELECT report_id, base, unnest(p) AS s, unnest(range(len(p))) AS i
            FROM (SELECT report_id, base, string_split_regex(body, ?) AS p FROM nxt)),
    it1 AS (SELECT report_id, trim(s) AS s, i,
                   base + sum(length(s) + 1) OVER (PARTITION BY report_id, base ORDER BY i) - length(s) - 1
                   + length(s) - length(ltrim(s)) AS a
            FROM it0),
    items AS (SELECT it1.report_id, a AS item_start, regexp_replace(s, ?, '') AS item,
                     -- what is compared: the generic words and the unit's own name taken out
                     regexp_replace(replace(regexp_replace(s, ?, ''), r.unit, '|'), ?, '|', 'g') AS core,
                     row_number() OVER (PARTITION BY it1.report_id ORDER BY a) AS item_no
              FROM it1 JOIN rep r USING (report_id)
              WHERE length(s) >= ? AND NOT regexp_matches(s, ?) AND s <> r.unit),
    -- the promise's terms: adjacent Chinese characters of what is left
    ib AS (SELECT DISTINCT report_id, item_no, g FROM (
               SELECT report_id, item_no, substr(core, k, 2) AS g
               FROM (SELECT report_id, item_no, core, unnest(range(1, length(core))) AS k FROM items))
           WHERE regexp_matches(g, '^\\p{{Han}}{{2}}$')),
    nterms AS (SELECT report_id, item_no, count(*) AS n_terms FROM ib GROUP BY ALL),
    -- the year-N+1 reports' sentences outside the skipped sections
    later AS (SELECT DISTINCT next_report_id AS report_id FROM pairs WHERE next_report_id IS NOT NULL),
    sp AS (SELECT r.report_id, string_split_regex(r.txt, '[。！？；!?;\\n]') AS p
           FROM rep r WHERE r.report_id IN (SELECT report_id FROM later)),
    s0 AS (SELECT report_id, unnest(p) AS s, unnest(range(len(p))) AS i FROM sp),
    s1 AS (SELECT report_id, s, (sum(length(s) + 1) OVER (PARTITION BY report_id ORDER BY i) - length(s) - 1) AS a
           FROM s0),
    s2 AS (SELECT x.*, sec.kind AS section_kind FROM s1 x LEFT JOIN sections sec
                ON sec.report_id = x.report_id AND x.a >= sec.char_start AND x.a < sec.char_end
           QUALIFY row_number() OVER (PARTITION BY x.report_id, x.a ORDER BY sec.char_start DESC NULLS LAST) = 1),
    sents AS (SELECT report_id, a, trim(s) AS s FROM s2
              WHERE length(trim(s)) > 0 AND NOT list_contains(?::VARCHAR[], coalesce(section_kind, ''))),
    sb AS (SELECT DISTINCT report_id, a, substr(s, k, 2) AS g
           FROM (SELECT report_id, a, s, unnest(range(1, length(s))) AS k FROM sents)),
    -- shared terms per promise and later sentence; the best sentence per promise
    shared AS (SELECT p.report_id, ib.item_no, sb.report_id AS next_report_id, sb.a,
                      count(*) AS n_shared, string_agg(ib.g, '、' ORDER BY ib.g) AS shared
               FROM ib JOIN pairs p USING (report_id)
                    JOIN sb ON sb.report_id = p.next_report_id AND sb.g = ib.g
               GROUP BY ALL),
    best AS (SELECT sh.*, sh.n_shared / nt.n_terms AS share FROM shared sh JOIN nterms nt USING (report_id, item_no)
             QUALIFY row_number() OVER (PARTITION BY sh.report_id, sh.item_no
                                        ORDER BY share DESC, sh.n_shared DESC, sh.a) = 1)
    SELECT p.unit, p.year, p.next_year, i.item_no, i.item,
           CASE WHEN p.next_report_id IS NULL THEN '无次年报告'
                WHEN coalesce(b.n_shared, 0) >= ? AND coalesce(b.share, 0) >= ? THEN '已落实'
                ELSE '未见落实' END AS verdict,
           coalesce(b.share, 0.0) AS share, coalesce(b.n_shared, 0) AS n_shared, coalesce(b.shared, '') AS shared,
           coalesce(se.s, '') AS evidence, i.report_id, i.item_start, p.next_report_id, b.a AS evidence_start
    FROM items i JOIN pairs p USING (report_id)
    LEFT JOIN best b ON b.report_id = i.report_id AND b.item_no = i.item_no
    LEFT JOIN sents se ON se.report_id = b.next_report_id AND se.a = b.a
    ORDER BY p.unit, p.year, i.item_no"""
    generic = "|".join(re.escape(w) for w in sorted(cfg["generic"], key=len, reverse=True))
    params = [*fparams, cfg["item_delimiters"], cfg["marker"], cfg["marker"], generic, int(cfg["min_item_chars"]),
              cfg["not_item"], cfg["skip_sections"], float(cfg["min_shared"]), float(cfg["min_share"])]
    df = con.execute(sql, params).df()
    # a promise only counts as kept with evidence above the bar: below it the best sentence is not shown
    weak = df["verdict"] != "已落实"
    df.loc[weak, ["evidence", "shared"]] = ""
    df.loc[weak, "evidence_start"] = None
    return df[PROMISE_COLUMNS]


def _followup_recurring(con, filters) -> pd.DataFrame:
    """Shortcoming categories a unit reports in year N and again in N+1 (RECURRING_COLUMNS):
    the texts of both years, and in how many of its years the category appears at all."""
    cond, fparams = where(filters)
    sql = f"""
    WITH {_REPORTS.format(cond=cond)},
    sc AS (SELECT r.unit, r.year, r.report_id, s.category, s.text, s.char_start
           FROM shortcomings_eff s JOIN rep r USING (report_id)
           WHERE s.category IS NOT NULL AND s.category <> '其他'),
    per AS (SELECT unit, year, category, any_value(report_id) AS report_id,
                   string_agg(text, ';' ORDER BY char_start) AS text
            FROM sc GROUP BY ALL),
    span AS (SELECT unit, category, count(*) AS n_years, string_agg(year::VARCHAR, '、' ORDER BY year) AS years
             FROM per GROUP BY ALL)
    SELECT a.unit, a.category, a.year, b.year AS next_year, s.n_years, s.years, a.text, b.text AS next_text,
           a.report_id, b.report_id AS next_report_id
    FROM per a JOIN per b ON b.unit = a.unit AND b.category = a.category AND b.year = a.year + 1
    JOIN span s ON s.unit = a.unit AND s.category = a.category
    ORDER BY s.n_years DESC, a.unit, a.category, a.year"""
    return con.execute(sql, fparams).df()[RECURRING_COLUMNS]


followup_promises = query.cached(_followup_promises)
followup_recurring = query.cached(_followup_recurring)


def summary(promises: pd.DataFrame) -> pd.DataFrame:
    """Per unit and year: promises, how many kept / not seen / without a next report, and
    the share kept among those that have a next report."""
    cols = ["unit", "year", "n_items", "n_kept", "n_unseen", "n_no_next", "kept_share"]
    if promises.empty:
        return pd.DataFrame(columns=cols)
    d = pd.DataFrame({"unit": promises["unit"], "year": promises["year"],
                      "n_kept": promises["verdict"].eq("已落实").astype(int),
                      "n_unseen": promises["verdict"].eq("未见落实").astype(int),
                      "n_no_next": promises["verdict"].eq("无次年报告").astype(int)})
    out = d.groupby(["unit", "year"], sort=False).agg(
        n_items=("n_kept", "size"), n_kept=("n_kept", "sum"), n_unseen=("n_unseen", "sum"),
        n_no_next=("n_no_next", "sum")).reset_index()
    judged = out["n_kept"] + out["n_unseen"]
    out["kept_share"] = (out["n_kept"] / judged.where(judged > 0)).round(3)
    return out[cols]


# ---------------------------------------------------------------- CSV / CLI
PROMISE_LABELS = {"unit": "单位", "year": "承诺年度", "next_year": "核对年度", "item_no": "序号", "item": "整改承诺",
                  "verdict": "结论", "share": "词语重合比例", "shared": "重合词语", "evidence": "次年报告依据"}
RECURRING_LABELS = {"unit": "单位", "category": "问题类别", "year": "年度", "next_year": "次年", "n_years": "出现年数",
                    "years": "出现年份", "text": "当年表述", "next_text": "次年表述"}


def csv_frames(promises: pd.DataFrame, recurring: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables with Chinese headers, formula-safe cells (what the CLI writes)."""
    p = promises[list(PROMISE_LABELS)].assign(share=promises["share"].round(2)).rename(columns=PROMISE_LABELS)
    r = recurring[list(RECURRING_LABELS)].rename(columns=RECURRING_LABELS)
    return (p.astype(object).apply(lambda c: c.map(safe_cell)), r.astype(object).apply(lambda c: c.map(safe_cell)))
