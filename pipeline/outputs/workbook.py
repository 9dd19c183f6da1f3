"""The workbook of a whole filter: one sheet per table (报告, 覆盖情况, 活动指标, 存在问题 …),
Chinese headers, typed columns - what the 考核 team opens in Excel. The dashboard's sidebar
and `python -m pipeline workbook` both call `workbook_bytes`."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from pipeline.queries import query as q
from pipeline.queries.labels import PERIODS, SCRIPTS, describe, year_label, zh
from pipeline.outputs.sheets import reader_link, xlsx_bytes

TOP_TERMS = 500


def coverage_matrix(cov: pd.DataFrame) -> pd.DataFrame:
    """(unit, year, reports) -> one row per unit, one column per year (0 where none), 合计."""
    if cov.empty:
        return pd.DataFrame(columns=["单位", "合计"])
    cov = cov.assign(unit=cov["unit"].fillna("(未识别单位)"), 年度=cov["year"].map(year_label))
    known = cov["year"].dropna()
    cols = [str(y) for y in range(int(known.min()), int(known.max()) + 1)] if len(known) else []
    if cov["year"].isna().any():
        cols.append("年份不详")
    m = cov.pivot_table(index="unit", columns="年度", values="reports", aggfunc="sum").reindex(columns=cols)
    m = m.fillna(0).astype(int)
    m["合计"] = m.sum(axis=1)
    return m.sort_values("合计", ascending=False).reset_index().rename(columns={"unit": "单位"})


def tables(filters: dict | None, db=None, base: str | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the filter, Chinese headers, in sheet order."""
    reps = q.reports.uncached(filters, db=db)
    reps = reps.assign(
        link=[reader_link(r, base) for r in reps["report_id"]],
        period=reps["period"].map(lambda p: PERIODS.get(p, p)),
        script=reps["script"].map(lambda s: SCRIPTS.get(s, s)))
    reps = reps[["link", *[c for c in reps.columns if c not in ("link", "report_id")], "report_id"]]
    mets = q.metrics.uncached(filters, db=db)
    mets.insert(0, "link", [reader_link(r, base) for r in mets["report_id"]])
    shorts = q.shortcomings.uncached(filters, db=db)
    shorts.insert(0, "link", [reader_link(r, base) for r in shorts["report_id"]])
    out = {
        "报告": reps,
        "覆盖情况": coverage_matrix(q.coverage.uncached(filters, db=db)),
        "活动指标合计": q.metric_totals.uncached(filters, ("year",), None, db=db)
            .assign(year=lambda d: d["year"].map(year_label)),
        "活动指标明细": mets.drop(columns="report_id"),
        "存在问题按年度": q.shortcoming_freq.uncached(filters, db=db)
            .assign(year=lambda d: d["year"].map(year_label)),
        "存在问题表述": shorts.drop(columns="report_id"),
        "同一单位多年出现": q.recurring.uncached(filters, 2, db=db).rename(columns={"years": "出现年份"}),
        "多数单位共有": q.shared_categories.uncached(filters, db=db),
        f"高频词前{TOP_TERMS}": q.top_terms.uncached(filters, TOP_TERMS, db=db),
        "数据质量": q.quality.uncached(filters, db=db).drop(columns="check"),
    }
    return {name: df if name == "覆盖情况" else zh(df) for name, df in out.items()}


def workbook_bytes(filters: dict | None, db=None, base: str | None = None) -> bytes:
    notes = [("筛选", describe(filters, full=True)),
             ("生成时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
             ("说明", "每个工作表一张表;“查看报告”链接在看板的报告浏览页打开原文。")]
    return xlsx_bytes(tables(filters, db, base), base, notes=notes)


def write_workbook(filters: dict | None, out: str | Path, db=None, base: str | None = None) -> Path:
    out = Path(out)
    out.write_bytes(workbook_bytes(filters, db, base))
    return out
