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

When a file's content changes (the supervisor re-imports an edited file), its content hash
changes and the key above points nowhere. So each correction also keeps the file's path and
its evidence: the sentence the corrected value stands on (the sentence naming the extracted
unit or year, else the report's title or opening sentence; for a metric or a shortcoming its
own text), with whitespace removed. After every write (`carry_over`, a store.on_publish hook)
a correction whose report is gone - or no longer holds its evidence - moves to the report of
the same file (same content, same path, or the same file name: a folder moved and the
database rebuilt) whose text still holds that sentence; one that
finds none is kept with status `lost` and a Chinese note, and the reader and the import page
say so (`lost`). It is never applied to a report it was not made on.
"""
from __future__ import annotations

import re
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
                con.execute("INSERT INTO corrections (target, file_id, report_index, item_text, item_ordinal, "
                            "field, value, original, who, corrected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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


# ---------------------------------------------------------------- carried over to a file's new version
# Added to the corrections table (store.SUPERVISOR_SCHEMA) by this module: where the
# correction was made and the sentence it stands on, and whether it still applies.
EVIDENCE_SCHEMA = """
ALTER TABLE corrections ADD COLUMN IF NOT EXISTS path VARCHAR;
ALTER TABLE corrections ADD COLUMN IF NOT EXISTS evidence VARCHAR;
ALTER TABLE corrections ADD COLUMN IF NOT EXISTS status VARCHAR;       -- NULL: applies; 'lost'
ALTER TABLE corrections ADD COLUMN IF NOT EXISTS status_note VARCHAR;
"""
LOST = "lost"
_KEY = "target = ? AND file_id = ? AND report_index = ? AND item_text = ? AND item_ordinal = ? AND field = ?"
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
EVIDENCE_MAX = 120          # characters of a sentence kept: enough to be unique in a report


def _flat(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def evidence_for(target: str, field: str, original, item_text: str | None, title: str | None,
                 text: str | None) -> str | None:
    """The sentence (whitespace removed, at most EVIDENCE_MAX characters) a correction stands on:
    an item's own text; for a report field the sentence holding the extracted value (the unit's
    name, `2021年`), else the title when the body holds it, else the opening sentence."""
    if target != "report":
        return _flat(item_text)[:EVIDENCE_MAX] or None
    body = text or ""
    needles = []
    if original not in (None, ""):
        o = str(original)
        needles = [f"{o}年", o] if field == "year" else ([o] if field in ("unit", "region") else [])
    sentences = [m.group() for m in _SENTENCE.finditer(body) if len(_flat(m.group())) >= 6]
    for needle in needles:
        for sent in sentences:
            if needle in sent:
                return _flat(sent)[:EVIDENCE_MAX]
    if title and _flat(title) and _flat(title) in _flat(body):
        return _flat(title)[:EVIDENCE_MAX]
    return _flat(sentences[0])[:EVIDENCE_MAX] if sentences else None


@store.on_schema
def _evidence_columns(con) -> None:
    con.execute(EVIDENCE_SCHEMA)


def _items_with_text(con, target: str, report_id: str, text: str) -> int:
    table = "metrics" if target == "metric" else "shortcomings"
    return con.execute(f"SELECT count(*) FROM {table} WHERE report_id = ? AND text = ?", [report_id, text]).fetchone()[0]


def carry_over(con) -> dict[str, int]:
    """Keep every correction on the report it was made on, across a change of the file's
    content or of how the file is split. Runs before the other publish hooks (roster matches
    and restated metrics read corrections). Returns {"evidence": rows given their evidence,
    "moved": carried to a new version, "lost": could not be carried}."""
    out = {"evidence": 0, "moved": 0, "lost": 0}
    # 1. the path and evidence of corrections that apply and have none yet (just saved, or
    #    saved before evidence was kept)
    for key in con.execute("""
            SELECT c.target, c.file_id, c.report_index, c.item_text, c.item_ordinal, c.field, c.original,
                   r.source, r.title, r.text_simplified
            FROM corrections c JOIN reports r ON c.file_id = r.file_id AND c.report_index = r.report_index
            WHERE c.evidence IS NULL""").fetchall():
        *pk, original, source, title, text = key
        ev = evidence_for(pk[0], pk[5], original, pk[3], title, text)
        con.execute(f"UPDATE corrections SET path = ?, evidence = ? WHERE {_KEY}", [source, ev, *pk])
        out["evidence"] += 1
    # 2. corrections whose report is gone or no longer holds their evidence
    misplaced = con.execute("""
        SELECT c.target, c.file_id, c.report_index, c.item_text, c.item_ordinal, c.field, c.path, c.evidence,
               c.status
        FROM corrections c
        LEFT JOIN reports r ON c.file_id = r.file_id AND c.report_index = r.report_index
        WHERE c.evidence IS NOT NULL
          AND (r.report_id IS NULL
               OR strpos(regexp_replace(r.text_simplified, '\\s+', '', 'g'), c.evidence) = 0
               OR c.status IS NOT NULL)""").fetchall()
    for target, file_id, index, item_text, ordinal, field, path, evidence, status in misplaced:
        pk = [target, file_id, index, item_text, ordinal, field]
        # the same content, the same path, or the same file name (a folder moved and the
        # database rebuilt) - and the evidence in the text
        cands = con.execute("""
            SELECT report_id, file_id, report_index FROM reports
            WHERE (file_id = ? OR source = ? OR regexp_extract(source, '[^/\\\\]+$') = regexp_extract(?, '[^/\\\\]+$'))
              AND strpos(regexp_replace(text_simplified, '\\s+', '', 'g'), ?) > 0
            ORDER BY file_id = ? DESC, source = ? DESC, report_index = ? DESC, report_index""",
                            [file_id, path, path or "", evidence, file_id, path, index]).fetchall()
        dest = None
        for rid, fid, idx in cands:
            if target == "report":
                dest = (fid, idx, ordinal)
            else:
                n = _items_with_text(con, target, rid, item_text)
                if n:
                    dest = (fid, idx, ordinal if ordinal < n else 0)
            if dest:
                break
        if dest and tuple(dest) == (file_id, index, ordinal):
            if status is not None:      # its content is back
                con.execute(f"UPDATE corrections SET status = NULL, status_note = NULL WHERE {_KEY}", pk)
            continue
        if dest:
            taken = con.execute(f"SELECT count(*) FROM corrections WHERE {_KEY}",
                                [target, dest[0], dest[1], item_text, dest[2], field]).fetchone()[0]
            if taken:       # a correction made on the new version wins
                con.execute(f"DELETE FROM corrections WHERE {_KEY}", pk)
            else:
                con.execute(f"UPDATE corrections SET file_id = ?, report_index = ?, item_ordinal = ?, "
                            f"status = NULL, status_note = NULL WHERE {_KEY}", [*dest, *pk])
            out["moved"] += 1
            continue
        reportless = not con.execute("SELECT count(*) FROM reports WHERE file_id = ? AND report_index = ?",
                                     [file_id, index]).fetchone()[0]
        if status is None and reportless:
            note = (f"文件内容已改变,新版本中找不到这条更正所依据的原文“{evidence[:40]}"
                    f"{'…' if len(evidence) > 40 else ''}”,更正未沿用,请在新版本中重新核对。")
            con.execute(f"UPDATE corrections SET status = ?, status_note = ? WHERE {_KEY}", [LOST, note, *pk])
            out["lost"] += 1
    return out


store.on_publish(carry_over, first=True, label="人工更正")


def lost(con, path: str | None = None) -> list[dict]:
    """Corrections that could not be carried over to a file's new version (all, or one path's),
    newest first: path, what was corrected, the value, who, when and why."""
    rows = con.execute(f"""
        SELECT path, target, item_text, field, value, original, who, corrected_at, status_note
        FROM corrections WHERE status = ? {"AND path = ?" if path else ""}
        ORDER BY corrected_at DESC, path, field""", [LOST, path] if path else [LOST]).fetchall()
    return [dict(path=p, target=t, item_text=it or None, field=f, value=v, original=o, who=w,
                 at=at.isoformat(timespec="seconds") if at else None, note=n)
            for p, t, it, f, v, o, w, at, n in rows]


def discard_lost(db, path: str | None = None) -> int:
    """Delete the corrections that could not be carried over (all, or one path's)."""
    with store.writer(db, wait=30) as con, store.transaction(con):
        n = con.execute(f"SELECT count(*) FROM corrections WHERE status = ? {'AND path = ?' if path else ''}",
                        [LOST, path] if path else [LOST]).fetchone()[0]
        con.execute(f"DELETE FROM corrections WHERE status = ? {'AND path = ?' if path else ''}",
                    [LOST, path] if path else [LOST])
    return n
