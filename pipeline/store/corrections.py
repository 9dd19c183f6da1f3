"""Corrections a supervisor makes in the report reader, stored apart from extracted rows.

Why apart: extracted rows are replaced whenever a file is re-ingested or the pipeline
changes; a supervisor's word must survive that. So a correction is keyed by what does not
change - the file's content hash (`file_id`) and the report's index in the file; a metric or
a shortcoming additionally by its exact text and its ordinal among the report's items with
that same text - and applied at read time (`pipeline/store/effective.py`), never written into
`reports`/`metrics`/`shortcomings`. Each row says who (the login name, else 本机) and when.

Fields:
  report       unit, unit_type, region, year, period, is_report ('true'/'false')
  metric       category (moved to another category), wrong ('true': not a real count)
  shortcoming  category, wrong
A value of None deletes the correction (back to the extracted value).
"""
from __future__ import annotations

from datetime import datetime

from pipeline.store import roster
from pipeline import store   # roster: its derived tables refresh with every write (store.on_publish)

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


def _write(db, rows: list[tuple[list, str, str | None, object]], who: str | None) -> int:
    """Store (value) or remove (None) corrections, all in one transaction through the writer.
    rows: ([target, file_id, report_index, item_text, item_ordinal], field, value, original)."""
    if not rows:
        return 0
    who = (who or "").strip() or LOCAL_USER
    now = datetime.now()
    with store.writer(db, wait=30) as con, store.transaction(con):
        for key, field, value, orig in rows:
            con.execute("DELETE FROM corrections WHERE target = ? AND file_id = ? AND report_index = ? "
                        "AND item_text = ? AND item_ordinal = ? AND field = ?", [*key, field])
            if value is not None:
                con.execute("INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [*key, field, value, None if orig is None else str(orig), who, now])
    return len(rows)


def _checked(target: str, changes: dict) -> dict:
    if target not in TARGETS:
        raise CorrectionError(f"未知的更正对象:{target}")
    allowed = REPORT_FIELDS if target == "report" else ITEM_FIELDS
    bad = [f for f in changes if f not in allowed]
    if bad:
        raise CorrectionError(f"不能更正的字段:{'、'.join(bad)}")
    return {f: _check(f, v) for f, v in changes.items()}


def _report_key(db, report_id: str) -> tuple:
    con = store.read_connection(db)
    try:
        row = con.execute(f"SELECT file_id, report_index, {', '.join(REPORT_FIELDS)} FROM reports "
                          "WHERE report_id = ?", [report_id]).fetchone()
    finally:
        con.close()
    if row is None:
        raise CorrectionError("找不到这篇报告(可能已被重新导入),请刷新页面。")
    return row


def save_report(db, report_id: str, changes: dict, who: str | None = None) -> int:
    """Correct a report's fields (value None: back to the extracted value). The extracted
    value is kept with the correction, so the reader and the export show what changed."""
    checked = _checked("report", changes)
    row = _report_key(db, report_id)
    originals = dict(zip(REPORT_FIELDS, row[2:]))
    key = ["report", row[0], int(row[1]), "", -1]
    return _write(db, [(key, f, v, originals.get(f)) for f, v in checked.items()], who)


def save_items(db, target: str, report_id: str, items: list[dict], who: str | None = None) -> int:
    """Correct metrics or shortcomings of one report in one write. Each item: text, ordinal
    (among the report's items with that same text), changes {category|wrong: value or None},
    and optionally original_category."""
    row = _report_key(db, report_id)
    rows = []
    for it in items:
        checked = _checked(target, it["changes"])
        key = [target, row[0], int(row[1]), str(it["text"]), int(it["ordinal"])]
        rows += [(key, f, v, it.get("original_category") if f == "category" else None) for f, v in checked.items()]
    return _write(db, rows, who)


def for_report(con, report_id: str) -> list[dict]:
    """Every correction of one report and its items (the reader and the export)."""
    rows = con.execute("""
        SELECT c.target, c.item_text, c.item_ordinal, c.field, c.value, c.original, c.who, c.corrected_at
        FROM corrections c JOIN reports r ON c.file_id = r.file_id AND c.report_index = r.report_index
        WHERE r.report_id = ? ORDER BY c.target, c.item_text, c.field""", [report_id]).fetchall()
    return [dict(target=t, item_text=it or None, item_ordinal=None if o < 0 else o, field=f, value=v,
                 original=orig, who=w, at=at.isoformat(timespec="seconds") if at else None)
            for t, it, o, f, v, orig, w, at in rows]
