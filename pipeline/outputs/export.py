"""Export: one JSON object per report, the contract in the project's gold FORMAT.md.

Values are the effective ones (pipeline/store/effective.py): a supervisor's corrections applied
(unit, type, region, year, period, is_report; metrics and shortcomings marked wrong left out,
moved ones in their new category) and the roster's canonical unit names; each report lists
its `corrections` (field, value, original, who, when), and `roster_name`/`roster_match` say
how its unit matched the roster.

Which stored columns a report, a metric and a shortcoming carry, and under which key
(`measure` is the contract's `unit`), is read off the records (pipeline/records.py: EXPORT_*)."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline import records, store
from pipeline.store import effective
from pipeline.store.copies import FLAGS


def _number(v):
    """12.0 -> 12 (JSON reads as the report wrote it); None and 3.2 unchanged."""
    return int(v) if v is not None and float(v).is_integer() else v


def _columns(table: records.Table, names: tuple[str, ...]) -> tuple[str, list]:
    """The SELECT list and the columns (key, type) for the export's fields of `table`."""
    cols = [table.column(n) for n in names]
    return ", ".join(c.name for c in cols), cols


def _value(c: records.Column, v):
    """A stored value as the export writes it: numbers as written, lists as lists."""
    if c.sql == "DOUBLE":
        return _number(v)
    if c.sql.endswith("[]"):
        return list(v or [])
    return v


REPORT_SQL, REPORT_COLS = _columns(records.REPORTS, records.EXPORT_REPORT)
METRIC_SQL, METRIC_COLS = _columns(records.METRICS, records.EXPORT_METRIC)
SHORTCOMING_SQL, SHORTCOMING_COLS = _columns(records.SHORTCOMINGS, records.EXPORT_SHORTCOMING)


def iter_reports(con):
    effective.ensure(con)
    reports = con.execute(f"""
        SELECT report_id, {REPORT_SQL}, text, roster_name, match_kind
        FROM reports_eff ORDER BY source, report_index""").fetchall()
    fixes: dict[str, list] = {}
    for rid, target, item, ordinal, field, value, original, who, at in con.execute("""
            SELECT r.report_id, c.target, c.item_text, c.item_ordinal, c.field, c.value, c.original, c.who,
                   c.corrected_at
            FROM corrections c JOIN reports r ON c.file_id = r.file_id AND c.report_index = r.report_index
            ORDER BY r.report_id, c.target, c.item_text, c.field""").fetchall():
        fixes.setdefault(rid, []).append(dict(
            target=target, item_text=item or None, item_ordinal=None if ordinal < 0 else ordinal, field=field,
            value=value, original=original, who=who, at=at.isoformat(timespec="seconds") if at else None))
    metrics: dict[str, list] = {}
    # value/unit as written (3.2 万人次, the contract); base_* normalised (32000 人次), optional
    for rid, *m in con.execute(f"""
            SELECT report_id, {METRIC_SQL}
            FROM _metrics_fixed WHERE NOT wrong ORDER BY report_id, metric_index""").fetchall():  # taxonomy names as stored
        metrics.setdefault(rid, []).append({c.key: _value(c, v) for c, v in zip(METRIC_COLS, m)})
    shortcomings: dict[str, list] = {}
    for rid, *s in con.execute(f"""
            SELECT report_id, {SHORTCOMING_SQL} FROM shortcomings_eff
            ORDER BY report_id, item_index""").fetchall():
        shortcomings.setdefault(rid, []).append({c.key: _value(c, v) for c, v in zip(SHORTCOMING_COLS, s)})
    # 查重: the copied share (总复制比), the largest single source, the red flags
    copy = {rid: dict(share=share or 0.0, source_report=src, source_unit=su, source_year=sy)
            for rid, share, src, su, sy in con.execute("""
                SELECT s.report_id, s.share, s.source_report_id, r.unit, r.year
                FROM copy_summary s LEFT JOIN reports r ON r.report_id = s.source_report_id""").fetchall()}
    copy_flags: dict[str, list] = {}
    for rid, flag, detail in con.execute("SELECT report_id, flag, detail FROM copy_flags ORDER BY report_id, flag"
                                         ).fetchall():
        copy_flags.setdefault(rid, []).append(dict(flag=flag, label=FLAGS.get(flag, flag), detail=detail))
    no_copy = dict(share=None, source_report=None, source_unit=None, source_year=None)
    for rid, *row, text, roster_name, match_kind in reports:
        out = {c.key: _value(c, v) for c, v in zip(REPORT_COLS, row)}
        out["sources"] = json.loads(out["sources"] or "{}")
        out.update(
            metrics=metrics.get(rid, []), shortcomings=shortcomings.get(rid, []),
            copy=copy.get(rid, no_copy), copy_flags=copy_flags.get(rid, []),
            # the cleaned report text: finds the report again even where offsets cannot be
            # exact (a web page's markup around the visible text)
            text=text, roster_name=roster_name, roster_match=match_kind, corrections=fixes.get(rid, []))
        yield out


def export_jsonl(db: str | Path | None, out: str | Path) -> int:
    con = store.read_connection(db)
    n = 0
    try:
        with open(out, "w", encoding="utf-8") as fh:
            for row in iter_reports(con):
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
    finally:
        con.close()
    return n
