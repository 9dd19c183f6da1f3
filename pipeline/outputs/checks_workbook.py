"""The 考核 views as one .xlsx: 考核矩阵, 得分与扣分, 全部结论, one unit's 考核表, 整改跟踪 and
重复问题, written through `pipeline/outputs/sheets.py` like every other download (typed
cells, frozen header, formula-safe text), with a 说明 sheet naming the filter and the rules.
The page's “考核工作簿” button and `python -m pipeline checks --out X.xlsx` call it."""
from __future__ import annotations

from datetime import date

import pandas as pd

from pipeline.outputs import sheets
from pipeline.queries import checks, followup
from pipeline.queries.checks import VIEW_LABELS
from pipeline.queries.checks import with_labels as _zh
from pipeline.queries.filters import describe


def workbook_sheets(v: pd.DataFrame, data: dict, promises: pd.DataFrame | None = None,
                    recurring: pd.DataFrame | None = None, unit: tuple[str, int] | None = None) -> dict:
    """The 考核 views as sheets (Chinese headers): 考核矩阵, 得分与扣分, 全部结论, one unit's
    考核表 (`unit` = (name, year)), and 整改跟踪 / 重复问题 when given."""
    sc = checks.scores(v, data["full_score"])
    out = {"考核矩阵": _zh(checks.matrix(v, sc, data), VIEW_LABELS), "得分与扣分": _zh(sc, VIEW_LABELS),
           "全部结论": _zh(v[["unit", "unit_type", "year", "rule", "verdict", "value", "required", "points",
                             "deducted", "evidence"]], VIEW_LABELS)}
    if unit is not None:
        mine = v[(v["unit"] == unit[0]) & (v["year"].astype(int) == int(unit[1]))]
        out[f"考核表-{unit[0]}-{int(unit[1])}"] = _zh(
            mine[["rule", "verdict", "value", "required", "points", "deducted", "evidence"]], VIEW_LABELS)
    if promises is not None and recurring is not None:
        p, r = followup.csv_frames(promises, recurring)
        out["整改跟踪"], out["重复问题"] = p, r
    return out


def workbook_bytes(filters: dict | None = None, data: dict | None = None, *, followups: bool = True,
                   unit: tuple[str, int] | None = None, base: str | None = None, db=None) -> bytes:
    """The 考核 views of a filter as one .xlsx (pipeline/outputs/sheets.py: typed cells, frozen
    headers, formula-safe text), with a 说明 sheet naming the filter and the rules file."""
    rules_note = "当前规则(调用方给出)" if data else str(checks.rules_path())
    data = data or checks.load_rules()
    v = checks.verdicts(filters, data, db=db)
    p = followup.followup_promises(filters, db=db) if followups else None
    r = followup.followup_recurring(filters, db=db) if followups else None
    notes = [("筛选", describe(filters) or "全部"), ("生成日期", date.today().isoformat()),
             ("考核规则", rules_note),
             ("说明", "未提及:报告对此只字未提,不等于没有做;未见落实:次年报告未提及该承诺,不等于没有落实。")]
    return sheets.xlsx_bytes(workbook_sheets(v, data, p, r, unit), base, notes=notes)
