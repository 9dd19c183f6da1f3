"""Query results reshaped for one chart or table (plain pandas, no Streamlit): what the pages
used to compute inline, here so that tests reach it without running a page."""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from pipeline.queries.checks import VIEW_LABELS
from pipeline.queries.labels import (FIELD_NAMES, LABELS, MATCH_KINDS, PERIODS, SCRIPTS, SOURCE_NAMES, fmt_num,
                                     shown_name, whole, year_label, zh)

NO_UNIT = "(未识别单位)"


# ---------------------------------------------------------------- 总览
NOT_REPORTED = "未报送"
NO_YEAR = "年份不详"


def coverage_grid(cov: pd.DataFrame) -> dict:
    """`query.coverage_roster` rows as the unit × year matrix: reports per cell, 合计, and for
    a roster unit the years it did not report (未报送年数, most first); with the figures the
    caption says (roster units that missed a year, such cells, empty cells in all)."""
    cov = cov.copy()
    cov["unit"] = cov["unit"].fillna(NO_UNIT)
    cov["年度"] = cov["year"].map(year_label)
    known = sorted(int(y) for y in cov["year"].dropna().unique())
    cols = [str(y) for y in known]
    if (cov["year"].isna() & (cov["reports"] > 0)).any():
        cols.append(NO_YEAR)
    roster_units = set(cov.loc[cov["in_roster"], "unit"])
    matrix = (cov.pivot_table(index="unit", columns="年度", values="reports", aggfunc="sum")
              .reindex(columns=cols).fillna(0).astype(int))
    year_cols = [c for c in cols if c != NO_YEAR]
    in_roster = matrix.index.isin(list(roster_units))
    gaps = (matrix[year_cols] == 0)
    missing_roster = gaps[in_roster]
    matrix["合计"] = matrix[cols].sum(axis=1)
    matrix["未报送年数"] = [int(gaps.loc[u].sum()) if u in roster_units else 0 for u in matrix.index]
    matrix = matrix.sort_values(["未报送年数", "合计"], ascending=[False, False])
    return {"matrix": matrix, "cols": cols, "roster_units": roster_units,
            "missing_units": int(missing_roster.any(axis=1).sum()),
            "missing_cells": int(missing_roster.to_numpy().sum()), "gaps": int(gaps.to_numpy().sum())}


def coverage_cells(matrix: pd.DataFrame, cols: list[str], roster_units: set) -> tuple[list, list]:
    """Heatmap values and texts of the matrix rows: a report count, or an empty year as -1
    未报送 (a roster unit) or 0 缺 (another unit; the 年份不详 column is never 未报送)."""
    z, text = [], []
    for unit, row in matrix[cols].iterrows():
        listed = unit in roster_units
        z.append([(-1 if listed and c != NO_YEAR else 0) if v == 0 else v for c, v in row.items()])
        text.append([(NOT_REPORTED if listed and c != NO_YEAR else "缺") if v == 0 else str(v)
                     for c, v in row.items()])
    return z, text


# ---------------------------------------------------------------- 活动指标
def value_label(measure: str | None) -> str:
    """The value axis of a metric chart: mentions without a measure, else the measure's sum."""
    return "提及条数" if measure is None else f"合计({measure})"


def metric_long_form(totals: pd.DataFrame, dims: list[str], measure: str | None) -> pd.DataFrame:
    """Metric totals -> one row per (dims, category, 性质), Chinese headers, for plotting:
    精确 and 约数 stay separate rows, placeholders are left out (they have no value)."""
    if measure is None:
        out = totals[[*dims, "category", "mentions"]].rename(columns={"mentions": "value"})
        out["性质"] = "条数"
    else:
        out = totals.melt(id_vars=[*dims, "category"], value_vars=["exact_sum", "approx_sum"], var_name="性质")
        out["性质"] = out["性质"].map({"exact_sum": "精确", "approx_sum": "约数"})
        out = out[out["value"].notna() & (out["value"] != 0)]
    return zh(out.rename(columns={"value": value_label(measure)}))


def top_units(by_unit: pd.DataFrame, measure: str | None, n: int) -> pd.Index:
    """The `n` units with the highest total (mentions, or the exact sum under a measure)."""
    key = "mentions" if measure is None else "exact_sum"
    return by_unit.groupby("unit")[key].sum().sort_values(ascending=False).head(n).index


def metric_heat(by_unit: pd.DataFrame, measure: str | None, n: int) -> tuple[pd.DataFrame, list[list[str]], pd.DataFrame]:
    """The unit × category heatmap of the top `n` units: the colour grid (mentions, or the
    exact sum), each cell's text (value, 约 approximate sum, 占位 placeholders) and the rows used."""
    zcol = "mentions" if measure is None else "exact_sum"
    units = top_units(by_unit, measure, n)
    sub = by_unit[by_unit["unit"].isin(units)]
    z = sub.pivot_table(index="unit", columns="category", values=zcol, aggfunc="sum").reindex(units)
    ap = sub.pivot_table(index="unit", columns="category", values="approx_sum", aggfunc="sum").reindex_like(z)
    ph = sub.pivot_table(index="unit", columns="category", values="placeholders", aggfunc="sum").reindex_like(z)

    def cell(v, a, p) -> str:
        parts = [] if pd.isna(v) or v == 0 else [fmt_num(v)]
        if measure and not pd.isna(a) and a:
            parts.append(f"约{fmt_num(a)}")
        if not pd.isna(p) and p:
            parts.append(f"占位{int(p)}")
        return " ".join(parts)

    text = [[cell(z.iat[i, j], ap.iat[i, j], ph.iat[i, j]) for j in range(z.shape[1])] for i in range(z.shape[0])]
    return z, text, sub


# ---------------------------------------------------------------- 存在问题
def categories_by_statements(freq: pd.DataFrame) -> list[str]:
    """Shortcoming categories, the most statements first (`query.shortcoming_freq` rows)."""
    return sorted(freq["category"].unique(), key=lambda c: -freq[freq.category == c].statements.sum())


def units_per_category(recurring: pd.DataFrame) -> pd.DataFrame:
    """How many units name a category in two or more years (`query.recurring` rows)."""
    return recurring.groupby("category").size().reset_index(name="units")


# ---------------------------------------------------------------- 关键词
def trend_by_year(trend: pd.DataFrame, coverage: pd.DataFrame, terms: tuple[str, ...]) -> pd.DataFrame:
    """Term trend rows for every (year, term) of the covered range, each year labelled with its
    report count (`2020(3 篇)`); a year without reports keeps empty values (a gap in the line,
    not a straight join from its neighbours)."""
    per_year = coverage.dropna(subset=["year"]).groupby("year")["reports"].sum()
    years = list(range(int(per_year.index.min()), int(per_year.index.max()) + 1)) if len(per_year) else []
    full = (trend.set_index(["year", "term"]).reindex(
        pd.MultiIndex.from_product([years, list(terms)], names=["year", "term"])).reset_index())
    full["reports"] = full["year"].map(per_year).fillna(0).astype(int)
    full["year"] = [f"{y}({r} 篇)" for y, r in zip(full["year"], full["reports"])]
    return full


def compare_groups(coverage: pd.DataFrame, by: str) -> list:
    """What 特色词 can compare: units (most reports first) or years (in order)."""
    if by == "unit":
        return list(coverage.dropna(subset=["unit"]).groupby("unit")["reports"].sum()
                    .sort_values(ascending=False).index)
    return sorted(int(y) for y in coverage["year"].dropna().unique())


# ---------------------------------------------------------------- 报告浏览
def report_label(row: Any) -> str:
    """A report in the picker: `2021 · 甲局 · 标题`."""
    return f"{year_label(row.year)} · {row.unit or NO_UNIT} · {row.title or '(无标题)'}"


def report_list(reports: pd.DataFrame) -> pd.DataFrame:
    """The report list as shown: no raw source JSON, years as integers, periods and scripts in
    Chinese, files by name."""
    return reports.drop(columns=["sources", "report_index", "publish_date"]).assign(
        year=reports["year"].map(lambda y: None if pd.isna(y) else int(y)),
        period=reports["period"].map(lambda p: PERIODS.get(p, p)),
        script=reports["script"].map(lambda s: SCRIPTS.get(s, s)), source=reports["source"].map(shown_name))


def report_sources(rep: pd.Series, fixed: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per metadata field of a report: its value, where it was found (and how the
    unit matched the roster), and the correction that changed it."""
    try:
        src = json.loads(rep.sources or "{}")
    except (TypeError, ValueError):
        src = {}
    rows = []
    for key, name in FIELD_NAMES.items():
        value = rep.get(key)
        if key == "year":
            value = year_label(value) if not pd.isna(value) else ""
        elif key == "period":
            value = PERIODS.get(value, value)
        value = "" if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)) \
            else str(value)
        how = src.get(key, "")
        how = SOURCE_NAMES.get(how, how) or "–"
        if key == "unit" and isinstance(rep.get("roster_name"), str) and key not in (fixed or {}):
            how += f";名单:{MATCH_KINDS.get(rep.match_kind, rep.match_kind)}"
        rows.append({"字段": name, "取值": value or "(空)", "来源": how, "更正": (fixed or {}).get(key, "")})
    if (fixed or {}).get("is_report"):
        rows.append({"字段": "是工作总结", "取值": "是" if rep.is_report else "否", "来源": "–",
                     "更正": fixed["is_report"]})
    return pd.DataFrame(rows)


def report_metric_rows(mets: pd.DataFrame) -> pd.DataFrame:
    """A report's metrics as its table shows them (offsets and ordinals left out)."""
    return mets.drop(columns=["char_start", "char_end", "metric_index", "item_ordinal"]).rename(
        columns={"text": "clause"})


def report_shortcoming_rows(shorts: pd.DataFrame) -> pd.DataFrame:
    """A report's shortcomings as its table shows them: lists joined with 、."""
    sh = shorts.drop(columns=["char_start", "char_end"]).rename(columns={"text": "statement"})
    for col in ("categories", "triggers"):
        sh[col] = sh[col].map(lambda v: "、".join(v) if v is not None and len(v) else "")
    return sh.drop(columns=["item_ordinal"])


# ---------------------------------------------------------------- 查重
COPY_LABELS = {
    **{k: LABELS[k] for k in ("report_id", "unit", "year", "title")},
    "share": "总复制比", "source_share": "最大来源占比", "kind": "来源类型", "source_unit": "来源单位",
    "source_year": "来源年度", "source_title": "来源标题", "source_report_id": "来源报告编号", "n_sources": "来源数",
    "flags": "红旗", "flag": "红旗代码", "detail": "依据", "link": "查看报告", "source_link": "查看来源",
    "in_source": "在该来源中找到的比例", "pair_share": "单位报告在来源单位报告中找到的比例",
    "start": "起始位置", "end": "结束位置", "passage": "共有片段", "side": "所在报告",
}
_SHARES = ("share", "source_share", "in_source", "pair_share")


def copy_table(df: pd.DataFrame) -> pd.DataFrame:
    """A 查重 table with Chinese headers; empty text cells blank and a missing source's share 0
    (not "None")."""
    df = df.copy()
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = df[col].fillna("")
        elif col in _SHARES:
            df[col] = df[col].fillna(0.0)
    return df.rename(columns={c: COPY_LABELS.get(c, c) for c in df.columns})


def copy_grid(heat: pd.DataFrame, n: int) -> tuple[pd.DataFrame, list[str]]:
    """The unit × source-unit grid of the `n` units with the highest shares (heat comes
    highest first): the largest share per pair, every unit on both axes."""
    top = list(dict.fromkeys(heat["unit"]))[:n]
    part = heat[heat["unit"].isin(top) & heat["source_unit"].isin(top)]
    units = sorted(set(part["unit"]) | set(part["source_unit"]))
    grid = part.pivot_table(index="unit", columns="source_unit", values="share", aggfunc="max") \
        .reindex(index=units, columns=units)
    return grid, units


def copy_passages(pair: dict) -> pd.DataFrame:
    """The passages two reports share (`query.copy_pair`), one row per passage and side."""
    rows = [{"side": side, "start": s, "end": e, "passage": text[s:e]}
            for side, text, spans in (("报告", pair["text_a"], pair["spans_a"]),
                                      ("来源", pair["text_b"], pair["spans_b"]))
            for s, e in spans]
    return pd.DataFrame(rows, columns=["side", "start", "end", "passage"])


# ---------------------------------------------------------------- 考核
CHECK_LABELS = {
    **VIEW_LABELS, "rule_id": "规则编号", "threshold": "阈值(每期)", "n_evidence": "依据条数", "report_ids": "报告编号",
    "kind": "依据类型", "text": "原文", "report_id": "报告编号", "link": "查看报告",
    "category": "活动类别", "peer_median": "同类中位数", "peer_q1": "同类下四分位", "peer_q3": "同类上四分位",
    "rank": "排名", "n_peers": "同类单位数", "prev_value": "上年", "change": "同比变化",
    "peer_pass_share": "同类达标比例", "prev_verdict": "上年结论",
    "next_year": "核对年度", "item_no": "序号", "item": "整改承诺", "share": "词语重合比例", "shared": "重合词语",
    "next_link": "次年依据原文"}


def check_table(df: pd.DataFrame) -> pd.DataFrame:
    """A 考核 table with the page's Chinese headers."""
    return df.rename(columns={c: CHECK_LABELS.get(c, c) for c in df.columns})


def unit_year(df: pd.DataFrame) -> pd.Series:
    """`甲局(2021年)`: how the 考核 page names a unit-year in its pickers."""
    return df["unit"] + "(" + df["year"].astype(int).astype(str) + "年)"


def check_sheet(verdicts: pd.DataFrame, unit: str, year: int) -> pd.DataFrame:
    """One unit-year's 考核表: each rule's verdict, value, requirement and points, whole
    numbers without .0."""
    mine = verdicts[(verdicts["unit"] == unit) & (verdicts["year"] == year)]
    sheet = mine[["rule", "verdict", "value", "required", "points", "deducted"]].copy()
    for col in ("value", "required", "points", "deducted"):
        sheet[col] = sheet[col].map(whole)
    return sheet

