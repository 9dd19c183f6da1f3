"""Export: one JSON object per report, the contract in the project's gold FORMAT.md.

Values are the effective ones (pipeline/store/effective.py): a supervisor's corrections applied
(unit, type, region, year, period, is_report; metrics and shortcomings marked wrong left out,
moved ones in their new category) and the roster's canonical unit names; each report lists
its `corrections` (field, value, original, who, when), and `roster_name`/`roster_match` say
how its unit matched the roster."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.store import effective
from pipeline import store
from pipeline.store.copies import FLAGS


def _number(v):
    """12.0 -> 12 (JSON reads as the report wrote it); None and 3.2 unchanged."""
    return int(v) if v is not None and float(v).is_integer() else v


def iter_reports(con):
    effective.ensure(con)
    reports = con.execute("""
        SELECT report_id, source, char_start, char_end, report_index, title, unit, unit_explicit,
               unit_type, region, year, period, is_report, script, sources, text, roster_name, match_kind
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
    for rid, *m in con.execute("""
            SELECT report_id, phrase, category, value, measure, approx, placeholder, text, section_kind,
                   base_value, base_measure
            FROM _metrics_fixed WHERE NOT wrong ORDER BY report_id, metric_index""").fetchall():  # taxonomy names as stored
        phrase, category, value, measure, approx, placeholder, text, kind, base_value, base_measure = m
        # value/unit as written (3.2 万人次, the contract); base_* normalised (32000 人次), optional
        metrics.setdefault(rid, []).append(dict(
            phrase=phrase, category=category, value=_number(value), unit=measure, approx=approx,
            placeholder=placeholder, text=text, section_kind=kind,
            base_value=_number(base_value), base_unit=base_measure))
    shortcomings: dict[str, list] = {}
    for rid, text, category, cats in con.execute("""
            SELECT report_id, text, category, categories FROM shortcomings_eff
            ORDER BY report_id, item_index""").fetchall():
        shortcomings.setdefault(rid, []).append(dict(text=text, category=category, categories=list(cats or [])))
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
    for (rid, source, cs, ce, idx, title, unit, explicit, utype, region, year, period, is_report,
         script, sources, text, roster_name, match_kind) in reports:
        yield dict(
            source=source, char_start=cs, char_end=ce, report_index=idx, title=title, unit=unit,
            unit_explicit=explicit, unit_type=utype, region=region, year=year, period=period,
            is_report=is_report, script=script, sources=json.loads(sources or "{}"),
            metrics=metrics.get(rid, []), shortcomings=shortcomings.get(rid, []),
            copy=copy.get(rid, no_copy), copy_flags=copy_flags.get(rid, []),
            # the cleaned report text: finds the report again even where offsets cannot be
            # exact (a web page's markup around the visible text)
            text=text, roster_name=roster_name, roster_match=match_kind, corrections=fixes.get(rid, []))


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
