"""考核: the supervisor's checks of the 意识形态工作责任制, scored per unit and year.

Why: a supervising office checks reports against the rules (专题研究 at least twice a year,
中心组学习 four times …) and scores units on a 100-point sheet with deductions, each
verdict backed by a sentence. The rules are data (`pipeline/data/check_rules.toml`, or an
installation's edited copy, see `rules_path`); the verdicts are one DuckDB query over the
stored metrics, sections and report text (no Python loop over reports).

Three verdicts, never two:
  达标    the evidence reaches the threshold;
  未达标  there is evidence (a count, a mention, or a matching sentence in 存在问题) but
          below the threshold;
  未提及  the report says nothing about it - not the same as not done.
A unit's score is `full_score` minus the points of its 未达标 rules and, when
`deduct_unmentioned` (the shipped default), of its 未提及 rules.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from pipeline import rules
from pipeline.queries import query
from pipeline.queries.filters import known, where
from pipeline.queries.labels import whole
from pipeline.store import check_evidence as evidence_store
# the rules in force and their loader live with the evidence SQL (a writer keeps its sums)
from pipeline.store.check_evidence import RULES_FILE, load_rules, normalise, rules_path, user_path  # noqa: F401

NARROW_REPORTS = 500         # up to this many reports, a units filter binds their ids into the scans
VERDICTS = ("达标", "未达标", "未提及")
EVIDENCE_KINDS = {"metric": "指标", "mention": "提及", "problem": "存在问题"}
PERIODS = {"year": "每年", "half_year": "每半年"}
KINDS = {"count": "次数", "yes_no": "是否"}
_RULE_KEYS = ("id", "name", "kind", "categories", "measures", "cue", "cue_not", "op", "threshold", "period",
              "applies_to", "points", "source")


# ---------------------------------------------------------------- the rules
def to_json(data: dict) -> str:
    """A stable string of the rules: what the cached queries key on."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(int(v)) if float(v).is_integer() else repr(float(v))
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=False)     # a JSON string is a TOML basic string


def dumps(data: dict) -> str:
    """The rules as TOML (the editor's user copy; comments of the shipped file are not kept)."""
    lines = ["# 考核规则(本机副本,由“考核”页面的规则编辑器保存;格式见 pipeline/data/check_rules.toml)", ""]
    for k in ("full_score", "deduct_unmentioned", "skip_sections", "problem_sections"):
        lines.append(f"{k} = {_toml_value(data[k])}")
    for r in data["rule"]:
        lines += ["", "[[rule]]"] + [f"{k} = {_toml_value(r[k])}" for k in _RULE_KEYS if k in r]
    return "\n".join(lines) + "\n"


def save_user_rules(data: dict, path: str | Path | None = None) -> Path:
    """Check `data` as the loader would, then write it atomically as the user copy."""
    path = Path(path) if path else user_path()
    text = dumps(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".check_rules.", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        load_rules(tmp)                        # a broken edit never replaces a working copy
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def rules_frame(data: dict) -> pd.DataFrame:
    """One row per rule, for the editor and the rules table (lists as 、-joined text)."""
    rows = [{**r, "categories": "、".join(r["categories"]), "measures": "、".join(r["measures"]),
             "applies_to": "、".join(r["applies_to"])} for r in data["rule"]]
    return pd.DataFrame(rows, columns=list(_RULE_KEYS))


def _split(v) -> list[str]:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return []
    return [x for x in re.split(r"[、,,;;\s]+", str(v)) if x]


def from_frame(data: dict, df: pd.DataFrame) -> dict:
    """`data` with threshold, points and applies_to (and name) taken from the edited table,
    matched by rule id. Raises ValueError (Chinese) for a value that cannot be used."""
    edits = {r["id"]: r for r in df.to_dict("records")}
    out = {**data, "rule": []}
    for r in data["rule"]:
        e = edits.get(r["id"], {})
        new = dict(r)
        for k in ("threshold", "points"):
            if k in e:
                try:
                    new[k] = float(e[k])
                except (TypeError, ValueError):
                    raise ValueError(f"规则“{r['name']}”的{'阈值' if k == 'threshold' else '分值'}应为数字") from None
                if pd.isna(new[k]) or new[k] < 0:
                    raise ValueError(f"规则“{r['name']}”的{'阈值' if k == 'threshold' else '分值'}应为不小于 0 的数字")
        if "applies_to" in e:
            new["applies_to"] = _split(e["applies_to"])
        out["rule"].append(new)
    return out


# ---------------------------------------------------------------- the query
def _evidence_sql(con, filters: dict, data: dict, by: str) -> tuple[str, list]:
    """`check_evidence.evidence_sql` for a filter: CTEs `rules`, `rep`, `grp` and `ev`."""
    cond, fparams = where(filters)
    # a filter naming units holds few reports: their ids, bound as a list, are pushed into the
    # scans of the metrics and sentences (a join would read every row of those first)
    few: list[str] | None = None
    if known(filters).get("units"):
        few = [i for (i,) in con.execute(f"SELECT r.report_id FROM reports_eff r WHERE {cond}", fparams).fetchall()]
        few = few if len(few) <= NARROW_REPORTS else None
    return evidence_store.evidence_sql(con, cond, fparams, few, data, by)


def _check_verdicts(con, filters, rules_json: str, by: str = "unit", with_evidence: bool = True) -> pd.DataFrame:
    """(unit, year[, report_id], rule) verdicts with value, required, points deducted and
    the evidence in one text cell. Rules that do not apply to a unit's type give no row.

    `with_evidence=False`: the evidence cell is left empty (the count stays). The cell is most
    of the result (75 MB for 4,000 unit-years at 100,000 reports, 9 of every 10 ms): views that
    only show verdicts ask without it, and a unit-year's evidence comes from `check_evidence`."""
    data = json.loads(rules_json)
    if not data["rule"]:
        return pd.DataFrame(columns=["unit", "unit_type", "year", "report_id", "ord", "rule_id", "rule", "verdict",
                                     "value", "threshold", "required", "points", "deducted", "evidence",
                                     "n_evidence", "report_ids"])
    # the evidence summed per unit-year (or report) and rule first, then joined to the grid of
    # units × rules on equalities only (a list test or a GROUP BY over the grid would cost more)
    keys = "e.unit, e.year" if by == "unit" else "e.report_id"
    on = "a.unit = g.unit AND a.year = g.year" if by == "unit" else "a.report_id = g.report_id"
    rid = "NULL::VARCHAR" if by == "unit" else "g.report_id"
    if not with_evidence and evidence_store.sums_ready(con, data):
        # the sums per report and rule the last write kept (check_evidence.refresh): the same
        # figures without finding every piece of evidence again (tests/test_checks.py)
        cond, fparams = where(filters)
        units, params = evidence_store.units_sql(data, cond, fparams, by)
        sql = f"""WITH {units},
    agg AS (
        SELECT {keys}, s.rule_id, sum(s.metric_value) AS metric_value, sum(s.n_mentions)::BIGINT AS n_mentions,
               sum(s.n_evidence)::BIGINT AS n_evidence, NULL::VARCHAR AS evidence
        FROM check_evidence_sums s JOIN rep e USING (report_id)
        GROUP BY {keys}, s.rule_id)"""
    else:
        sql, params = _evidence_sql(con, filters, data, by)
        evidence = """string_agg(CASE e.ev_kind WHEN 'metric' THEN '指标' WHEN 'mention' THEN '提及' ELSE '存在问题' END
                              || ':' || e.text || '(' || e.report_id || ')', ';'
                              ORDER BY e.report_id, e.char_start)""" if with_evidence else "NULL::VARCHAR"
        sql += f""",
    agg AS (
        SELECT {keys}, e.rule_id,
               sum(e.value) FILTER (WHERE e.ev_kind = 'metric') AS metric_value,
               count(*) FILTER (WHERE e.ev_kind = 'mention') AS n_mentions,
               count(*) AS n_evidence,
               {evidence} AS evidence
        FROM (SELECT ev.*, rep.unit, rep.year FROM ev JOIN rep USING (report_id)) e
        GROUP BY {keys}, e.rule_id)"""
    sql += f""",
    judged AS (
        SELECT g.unit_ AS unit, g.unit_type, g.year_ AS year, {rid} AS report_id, ru.ord, ru.rule_id, ru.rule,
               ru.kind, ru.threshold, ru.points,
               ru.threshold * CASE WHEN ru.period = 'half_year' AND g.full_year THEN 2 ELSE 1 END AS required,
               -- the counts when there are any, else one occasion per mention sentence
               coalesce(a.metric_value, a.n_mentions, 0) AS value,
               coalesce(a.n_evidence, 0) AS n_evidence, a.evidence,
               array_to_string(g.report_ids, ';') AS report_ids
        FROM grp g JOIN rules ru ON len(ru.applies_to) = 0 OR list_contains(ru.applies_to, g.unit_type)
        LEFT JOIN agg a ON a.rule_id = ru.rule_id AND {on})
    SELECT unit, unit_type, year, report_id, ord, rule_id, rule,
           CASE WHEN value >= required THEN '达标' WHEN n_evidence > 0 THEN '未达标' ELSE '未提及' END AS verdict,
           value, threshold, required, points,
           CASE WHEN value >= required THEN 0 WHEN n_evidence > 0 OR ? THEN points ELSE 0 END AS deducted,
           coalesce(evidence, '') AS evidence, n_evidence, report_ids
    FROM judged ORDER BY unit, year, report_id, ord"""
    return con.execute(sql, [*params, bool(data["deduct_unmentioned"])]).df()


def _check_evidence(con, filters, rules_json: str) -> pd.DataFrame:
    """Every piece of evidence behind the unit-year verdicts: kind, text, value, report, offsets."""
    data = json.loads(rules_json)
    if not data["rule"]:
        return pd.DataFrame(columns=["unit", "year", "rule_id", "rule", "kind", "text", "value", "report_id",
                                     "char_start", "char_end", "text_original"])
    sql, params = _evidence_sql(con, filters, data, "unit")
    sql += """
    SELECT rep.unit, rep.year, ev.rule_id, ru.rule,
           CASE ev.ev_kind WHEN 'metric' THEN '指标' WHEN 'mention' THEN '提及' ELSE '存在问题' END AS kind,
           ev.text, ev.value, ev.report_id, ev.char_start, ev.char_end
    FROM ev JOIN rep USING (report_id) JOIN rules ru USING (rule_id)
    ORDER BY rep.unit, rep.year, ru.ord, ev.report_id, ev.char_start"""
    df = con.execute(sql, params).df()
    # The evidence as written (traditional script stays traditional): what the reader searches
    # for. Cut from the texts of the reports it names, fetched by a list (a join to `reports`
    # read every report's text: 110 of 160 ms for one unit-year at 100,000 reports).
    ids = sorted(set(df["report_id"]))
    texts = dict(con.execute("SELECT report_id, text FROM reports WHERE list_contains(?::VARCHAR[], report_id)",
                             [ids]).fetchall()) if ids else {}
    df["text_original"] = [(texts.get(r) or "")[int(a):int(b)].strip(" ")
                           for r, a, b in zip(df["report_id"], df["char_start"], df["char_end"])]
    return df


# registered with the query layer: cached on the data version and the rules text
check_verdicts = query.cached(_check_verdicts)
check_evidence = query.cached(_check_evidence)


def verdicts(filters: dict | None = None, data: dict | None = None, by: str = "unit", db=None) -> pd.DataFrame:
    """Verdicts for the filter under `data` (default: the rules in force)."""
    return check_verdicts(filters, to_json(data or load_rules()), by, db=db)


def evidence(filters: dict | None = None, data: dict | None = None, db=None) -> pd.DataFrame:
    return check_evidence(filters, to_json(data or load_rules()), db=db)


# ---------------------------------------------------------------- scores
def scores(v: pd.DataFrame, full_score: float = 100) -> pd.DataFrame:
    """Per unit and year: score = full_score − points deducted, the deductions itemised,
    counts of each verdict; lowest score first (the units to follow up first)."""
    cols = ["unit", "unit_type", "year", "score", "deducted", "n_pass", "n_fail", "n_silent", "deductions"]
    if v.empty:
        return pd.DataFrame(columns=cols)
    # vectorised (a lambda per group cost 1.8 s on 2,000 unit-years)
    d = pd.DataFrame({"unit": v["unit"], "year": v["year"], "unit_type": v["unit_type"], "deducted": v["deducted"],
                      "n_pass": v["verdict"].eq("达标").astype(int), "n_fail": v["verdict"].eq("未达标").astype(int),
                      "n_silent": v["verdict"].eq("未提及").astype(int)})
    out = d.groupby(["unit", "year"], sort=False).agg(
        unit_type=("unit_type", "first"), deducted=("deducted", "sum"), n_pass=("n_pass", "sum"),
        n_fail=("n_fail", "sum"), n_silent=("n_silent", "sum"))
    hit = v[v["deducted"] > 0]
    items = (hit["rule"] + "(" + hit["verdict"] + " −" + hit["deducted"].map(lambda x: f"{x:g}") + ")")
    out["deductions"] = items.groupby([hit["unit"], hit["year"]], sort=False).agg(";".join)
    out = out.reset_index()
    out["deductions"] = out["deductions"].fillna("")
    out["score"] = full_score - out["deducted"]
    return out[cols].sort_values(["score", "n_fail", "unit", "year"], ascending=[True, False, True, True],
                                 ignore_index=True)


# ---------------------------------------------------------------- the views (page, workbook)
def matrix(v: pd.DataFrame, sc: pd.DataFrame, data: dict) -> pd.DataFrame:
    """Unit-year × rule verdicts (不适用 where a rule is not for the unit's type) and the
    score, lowest score first: the 考核矩阵 of the page and the workbook."""
    names = [r["name"] for r in data["rule"]]
    if v.empty:
        return pd.DataFrame(columns=["unit", "year", *names, "score"])
    grid = v.pivot_table(index=["unit", "year"], columns="rule", values="verdict", aggfunc="first") \
        .reindex(columns=[n for n in names if n in set(v["rule"])]).fillna("不适用").reset_index()
    grid = grid.merge(sc[["unit", "year", "score"]], on=["unit", "year"]).sort_values(["score", "unit", "year"])
    grid.columns.name = None
    return grid.reset_index(drop=True)


VIEW_LABELS = {"unit": "单位", "unit_type": "单位类型", "year": "年度", "rule": "规则", "verdict": "结论",
               "value": "实际值", "required": "应达到", "points": "分值", "deducted": "扣分", "evidence": "依据",
               "score": "得分", "n_pass": "达标", "n_fail": "未达标", "n_silent": "未提及", "deductions": "扣分明细"}


def with_labels(df: pd.DataFrame, labels: dict = VIEW_LABELS) -> pd.DataFrame:
    """`df` with Chinese column headers (VIEW_LABELS by default)."""
    return df.rename(columns={c: labels.get(c, c) for c in df.columns})


# ---------------------------------------------------------------- CSV
CSV_LABELS = {"unit": "单位", "year": "年度", "rule": "规则", "verdict": "结论", "value": "实际值",
              "required": "阈值", "points": "分值", "evidence": "依据"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(v):
    """A text cell that a spreadsheet would run as a formula gets a leading '.

    >>> safe_cell("=1+1"), safe_cell("--社区"), safe_cell(3)
    ("'=1+1", "'--社区", 3)
    """
    return "'" + v if isinstance(v, str) and v.startswith(_FORMULA) else v


def csv_frame(v: pd.DataFrame) -> pd.DataFrame:
    """The verdicts as the CLI writes them: Chinese headers, whole numbers without .0, the
    threshold as required for the year (a half-year rule doubled), formula-safe cells."""
    out = v[list(CSV_LABELS)].astype(object).rename(columns=CSV_LABELS)
    return out.apply(lambda col: col.map(lambda x: safe_cell(whole(x))))


def write_csv(v: pd.DataFrame, out: str | Path) -> int:
    csv_frame(v).to_csv(out, index=False, encoding="utf-8-sig")
    return len(v)


# ---------------------------------------------------------------- 对标 (a unit against its peers)
def peer_filters(filters: dict | None, unit_type: str, year: int, region: str | None = None) -> dict:
    """The peers of a unit: same type, the year and the one before, optionally the same
    region; the unit filter of the page is dropped (peers are other units)."""
    f = {"unit_types": [unit_type], "year_min": int(year) - 1, "year_max": int(year)}
    if region:
        f["regions"] = [region]
    return f


def peer_verdicts_from(v: pd.DataFrame, filters: dict | None, unit_type: str, year: int) -> pd.DataFrame | None:
    """The peers' verdicts cut from `v` (the verdicts under `filters`) when `filters` holds
    every peer report - no filter but the years, and those cover the year and the one
    before - else None (then ask `check_verdicts` under `peer_filters`). Saves the 对标 tab
    a second verdict query on a large database."""
    f = known(filters)
    if any(f.get(k) for k in f if k not in ("year_min", "year_max")):
        return None
    if f.get("year_min", -10**6) > int(year) - 1 or f.get("year_max", 10**6) < int(year):
        return None
    years = v["year"].astype(int)
    return v[(v["unit_type"] == unit_type) & years.between(int(year) - 1, int(year))].reset_index(drop=True)


def _check_peer_categories(con, filters, unit: str, year: int, measure: str = "次") -> pd.DataFrame:
    """Per activity category: the unit's total (in `measure`) in `year`, the median and
    quartiles of its peers (every unit in `filters` that year, the unit included, a unit
    without that category counting 0), its rank among them, last year's total and the change."""
    cond, params = where(filters)
    return con.execute(f"""
        WITH u AS (SELECT DISTINCT r.unit, r.year FROM reports_eff r
                   WHERE {cond} AND r.unit IS NOT NULL AND r.year IS NOT NULL AND coalesce(r.is_report, TRUE)),
        tot AS (SELECT r.unit, r.year, coalesce(m.category, '未分类') AS category, sum(m.base_value) AS v
                FROM metrics_eff m JOIN reports_eff r USING (report_id)
                WHERE {cond} AND coalesce(r.is_report, TRUE) AND coalesce(m.base_measure, '') = ?
                  AND NOT coalesce(m.duplicate, FALSE)
                  AND NOT coalesce(m.placeholder, FALSE) AND m.base_value IS NOT NULL
                GROUP BY ALL),
        cats AS (SELECT DISTINCT category FROM tot),
        grid AS (SELECT u.unit, u.year, c.category, coalesce(t.v, 0) AS v
                 FROM u CROSS JOIN cats c LEFT JOIN tot t USING (unit, year, category)),
        cur AS (SELECT *, rank() OVER (PARTITION BY category ORDER BY v DESC) AS rk,
                       median(v) OVER (PARTITION BY category) AS med,
                       quantile_cont(v, 0.25) OVER (PARTITION BY category) AS q1,
                       quantile_cont(v, 0.75) OVER (PARTITION BY category) AS q3,
                       count(*) OVER (PARTITION BY category) AS n_peers
                FROM grid WHERE year = ?)
        SELECT c.category, c.v AS value, c.med AS peer_median, c.q1 AS peer_q1, c.q3 AS peer_q3,
               c.rk AS rank, c.n_peers, p.v AS prev_value, c.v - p.v AS change
        FROM cur c LEFT JOIN grid p ON p.unit = c.unit AND p.category = c.category AND p.year = c.year - 1
        WHERE c.unit = ?
        ORDER BY c.v DESC, c.category""", [*params, *params, measure, int(year), unit]).df()


check_peer_categories = query.cached(_check_peer_categories)


def peer_rules(v: pd.DataFrame, unit: str, year: int) -> pd.DataFrame:
    """Per rule, from the peers' verdicts (`verdicts` under `peer_filters`): the unit's
    value and verdict, the peers' median value and share 达标, its rank by value, and its
    verdict the year before."""
    cols = ["rule", "verdict", "value", "peer_median", "peer_pass_share", "rank", "n_peers", "prev_verdict"]
    cur = v[v["year"] == year]
    if cur.empty or not (cur["unit"] == unit).any():
        return pd.DataFrame(columns=cols)
    g = cur.groupby("rule_id")
    stats = pd.DataFrame({"peer_median": g["value"].median(),
                          "peer_pass_share": g["verdict"].apply(lambda s: float((s == "达标").mean())),
                          "n_peers": g["unit"].nunique()})
    ranks = cur.assign(rank=g["value"].rank(method="min", ascending=False))
    mine = ranks[ranks["unit"] == unit].set_index("rule_id")
    prev = v[(v["year"] == year - 1) & (v["unit"] == unit)].set_index("rule_id")["verdict"]
    out = mine[["ord", "rule", "verdict", "value", "rank"]].join(stats).join(prev.rename("prev_verdict"))
    out["prev_verdict"] = out["prev_verdict"].fillna("(无上年报告)")
    return out.sort_values("ord")[cols].reset_index(drop=True)
