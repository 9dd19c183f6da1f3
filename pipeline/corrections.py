"""Corrections a supervisor makes in the report reader, stored apart from extracted rows.

Why apart: extracted rows are replaced whenever a file is re-ingested or the pipeline
changes; a supervisor's word must survive that. So a correction is keyed by what does not
change - the file's content hash (`file_id`) and the report's index in the file; a metric or
a shortcoming additionally by its exact text and its ordinal among the report's items with
that same text - and applied at read time (`pipeline/effective.py`), never written into
`reports`/`metrics`/`shortcomings`. Each row says who (the login name, else 本机) and when.

Fields:
  report       unit, unit_type, region, year, period, is_report ('true'/'false')
  metric       category (moved to another category), wrong ('true': not a real count)
  shortcoming  category, wrong
A value of None deletes the correction (back to the extracted value).
"""
from __future__ import annotations

from datetime import datetime

REPORT_FIELDS = ("unit", "unit_type", "region", "year", "period", "is_report")
ITEM_FIELDS = ("category", "wrong")
TARGETS = ("report", "metric", "shortcoming")
PERIODS = ("full_year", "half_year", "quarter", "month")
LOCAL_USER = "本机"


class CorrectionError(ValueError):
    """A correction that cannot be stored (the message is Chinese, for the user)."""


def _check(field: str, value):
    if value is None:
        return None
    value = str(value).strip()
    if field == "year":
        if not value.isdigit() or not 1949 <= int(value) <= 2100:
            raise CorrectionError(f"年度应为 1949–2100 之间的整数,而不是“{value}”。")
        return str(int(value))
    if field == "period" and value not in PERIODS:
        raise CorrectionError(f"期间应为 {'、'.join(PERIODS)} 之一。")
    if field in ("is_report", "wrong"):
        if value.lower() not in ("true", "false"):
            raise CorrectionError("只能是 true 或 false。")
        return value.lower()
    if field in ("unit", "unit_type", "region", "category"):
        if not value:
            raise CorrectionError("更正后的值不能为空;要撤销更正请使用“撤销”。")
        if len(value) > 80:
            raise CorrectionError("更正后的值过长(最多 80 字)。")
    return value


def save(db, target: str, file_id: str, report_index: int, changes: dict, who: str | None = None,
         originals: dict | None = None, item_text: str = "", item_ordinal: int = -1) -> int:
    """Store (or, with value None, remove) corrections for one report or one item, in one
    transaction through the store's writer. Returns how many fields were written."""
    from . import store

    if target not in TARGETS:
        raise CorrectionError(f"未知的更正对象:{target}")
    allowed = REPORT_FIELDS if target == "report" else ITEM_FIELDS
    bad = [f for f in changes if f not in allowed]
    if bad:
        raise CorrectionError(f"不能更正的字段:{'、'.join(bad)}")
    checked = {f: _check(f, v) for f, v in changes.items()}
    if not checked:
        return 0
    who = (who or "").strip() or LOCAL_USER
    now = datetime.now()
    key = [target, file_id, int(report_index), item_text if target != "report" else "",
           int(item_ordinal) if target != "report" else -1]
    originals = originals or {}
    with store.writer(db, wait=30) as con, store.transaction(con):
        for field, value in checked.items():
            con.execute("DELETE FROM corrections WHERE target = ? AND file_id = ? AND report_index = ? "
                        "AND item_text = ? AND item_ordinal = ? AND field = ?", [*key, field])
            if value is not None:
                orig = originals.get(field)
                con.execute("INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [*key, field, value, None if orig is None else str(orig), who, now])
    return len(checked)


def save_report(db, report_id: str, changes: dict, who: str | None = None) -> int:
    """Correct a report's fields, looked up by its id (the original values are kept with
    the correction, so the reader and the export can show what was changed)."""
    from . import store

    con = store.read_connection(db)
    try:
        row = con.execute(f"SELECT file_id, report_index, {', '.join(REPORT_FIELDS)} FROM reports "
                          "WHERE report_id = ?", [report_id]).fetchone()
    finally:
        con.close()
    if row is None:
        raise CorrectionError("找不到这篇报告(可能已被重新导入),请刷新页面。")
    originals = dict(zip(REPORT_FIELDS, row[2:]))
    return save(db, "report", row[0], row[1], changes, who, originals)


def save_item(db, target: str, report_id: str, item_text: str, ordinal: int, changes: dict,
              who: str | None = None, original_category: str | None = None) -> int:
    from . import store

    con = store.read_connection(db)
    try:
        row = con.execute("SELECT file_id, report_index FROM reports WHERE report_id = ?", [report_id]).fetchone()
    finally:
        con.close()
    if row is None:
        raise CorrectionError("找不到这篇报告(可能已被重新导入),请刷新页面。")
    return save(db, target, row[0], row[1], changes, who, {"category": original_category},
                item_text=item_text, item_ordinal=ordinal)


def for_report(con, report_id: str) -> list[dict]:
    """Every correction of one report and its items (the reader and the export)."""
    rows = con.execute("""
        SELECT c.target, c.item_text, c.item_ordinal, c.field, c.value, c.original, c.who, c.corrected_at
        FROM corrections c JOIN reports r ON c.file_id = r.file_id AND c.report_index = r.report_index
        WHERE r.report_id = ? ORDER BY c.target, c.item_text, c.field""", [report_id]).fetchall()
    return [dict(target=t, item_text=it or None, item_ordinal=None if o < 0 else o, field=f, value=v,
                 original=orig, who=w, at=at.isoformat(timespec="seconds") if at else None)
            for t, it, o, f, v, orig, w, at in rows]
