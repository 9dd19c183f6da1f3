"""CLI, a thin wrapper over the library:

    python -m pipeline ingest PATH... [--db FILE] [--manifest CSV] [--workers N] [--rebuild] [--template] [--json FILE]
    python -m pipeline export [--db FILE] --out FILE.jsonl
    python -m pipeline map PATH... --out PARQUET_DIR      # per-file stages only, no database
    python -m pipeline load PARQUET_DIR [--db FILE]        # bring map output into DuckDB
    python -m pipeline roster import FILE [--db FILE]      # replace the roster (名单), CSV or .xlsx
    python -m pipeline roster export [--out FILE.csv]      # the roster as CSV (stdout without --out)
    python -m pipeline workbook [FILTERS] [--db FILE] --out FILE.xlsx   # one sheet per table
    python -m pipeline brief [FILTERS] [--db FILE] --out FILE.docx|FILE.pdf
        FILTERS: --unit U (repeatable) --unit-type T --region R --year-min Y --year-max Y
    python -m pipeline checks [FILTERS] [--db FILE] [--rules FILE] --out FILE.csv   # 考核 verdicts
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.config import db_path
from pipeline.rules import RulesError


def _filter_arguments(p) -> None:
    """The report filter as options (workbook, brief, checks): the same keys as the sidebar."""
    p.add_argument("--unit", action="append", default=[], help="a unit (repeat for several)")
    p.add_argument("--unit-type", action="append", default=[], help="a unit type (repeat for several)")
    p.add_argument("--region", action="append", default=[], help="a region (repeat for several)")
    p.add_argument("--year-min", type=int, default=None)
    p.add_argument("--year-max", type=int, default=None)


def _filters(args) -> dict:
    return {"units": args.unit, "unit_types": args.unit_type, "regions": args.region,
            "year_min": args.year_min, "year_max": args.year_max}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline", description="总结看板 ingestion pipeline")
    sub = ap.add_subparsers(dest="cmd", required=True)
    ing = sub.add_parser("ingest", help="ingest report files or folders (recursive) into DuckDB")
    ing.add_argument("paths", nargs="+")
    ing.add_argument("--db", default=None, help="DuckDB file (default: $ZONGJIE_DB or data/zongjie.duckdb)")
    ing.add_argument("--manifest", help="CSV: file,unit,year,unit_type,region,period (any column optional)")
    ing.add_argument("--workers", type=int, default=None, help="worker processes (default: CPU count)")
    ing.add_argument("--rebuild", action="store_true", help="drop everything stored and ingest afresh")
    ing.add_argument("--template", action="store_true",
                     help="these files are known 范文 (templates): 查重 counts text copied from them")
    ing.add_argument("--json", metavar="FILE", help="write progress lines and the summary as JSON lines to FILE "
                                                   "(the 数据导入 page runs the ingest this way, outside the server)")
    mp = sub.add_parser("map", help="run the per-file stages only, writing Parquet parts (no database)")
    mp.add_argument("paths", nargs="+")
    mp.add_argument("--out", required=True, help="folder for the Parquet parts")
    mp.add_argument("--manifest")
    mp.add_argument("--workers", type=int, default=None)
    ld = sub.add_parser("load", help="load a folder of Parquet parts written by `map` into DuckDB")
    ld.add_argument("src")
    ld.add_argument("--db", default=None)
    exp = sub.add_parser("export", help="write one JSON object per report")
    exp.add_argument("--db", default=None)
    exp.add_argument("--out", required=True)
    ros = sub.add_parser("roster", help="the roster of units expected to report (名单)")
    ros_sub = ros.add_subparsers(dest="roster_cmd", required=True)
    ri = ros_sub.add_parser("import", help="replace the roster with a CSV or .xlsx file")
    ri.add_argument("file")
    ri.add_argument("--db", default=None)
    ro = ros_sub.add_parser("export", help="write the roster as CSV")
    ro.add_argument("--out", default=None)
    ro.add_argument("--db", default=None)
    for name, helptext in (("workbook", "write an .xlsx workbook of the filter (one sheet per table)"),
                           ("brief", "write a brief for the meeting (.docx or .pdf) for the filter")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--db", default=None)
        p.add_argument("--out", required=True)
        _filter_arguments(p)
    chk = sub.add_parser("checks", help="考核: unit x rule verdicts (达标/未达标/未提及) as CSV")
    chk.add_argument("--db", default=None)
    _filter_arguments(chk)
    chk.add_argument("--rules", default=None, help="rules file (default: the user copy, else the bundled one)")
    chk.add_argument("--out", required=True, help="CSV file (UTF-8 with BOM, Chinese headers)")
    args = ap.parse_args(argv)

    db = getattr(args, "db", None) or db_path()
    if args.cmd == "ingest":
        from pipeline.ingest import ManifestError, _progress_bar, ingest_paths
        from pipeline.store import StoreError

        progress = _progress_bar if sys.stderr.isatty() else None
        out = open(args.json, "w", encoding="utf-8", buffering=1) if args.json else None
        if out:
            progress = _json_progress(out)
        try:
            s = ingest_paths(args.paths, db=db, manifest=args.manifest, workers=args.workers,
                             rebuild=args.rebuild, progress=progress, template=args.template)
        except RulesError as exc:
            print(f"错误:{exc}。导入未开始,数据库未改动。", file=sys.stderr)
            if out:
                _json_line(out, {"error": f"{exc}。导入未开始,数据库未改动。"})
            return 2
        except (ManifestError, StoreError) as exc:
            print(f"错误:{exc}", file=sys.stderr)
            if out:
                _json_line(out, {"error": str(exc)})
            return 2 if isinstance(exc, ManifestError) else 3
        for note in s.notes:
            print(f"注意:{note}")
        print(s.line())
        for path, reason in s.rejected:
            print(f"  拒收 {path}: {reason}")
        if out:
            _json_line(out, {"summary": {"ingested": s.ingested, "unchanged": s.unchanged, "rejected": s.rejected,
                                         "reports": s.reports, "notes": s.notes, "copy_seconds": s.copy_seconds,
                                         "copy_stats": s.copy_stats}})
        return 0
    if args.cmd == "map":
        from pipeline.ingest import ManifestError, _progress_bar, map_to_parquet

        try:
            s = map_to_parquet(args.paths, args.out, manifest=args.manifest, workers=args.workers,
                               progress=_progress_bar if sys.stderr.isatty() else None)
        except RulesError as exc:
            print(f"错误:{exc}。未处理任何文件。", file=sys.stderr)
            return 2
        except ManifestError as exc:
            print(f"错误:{exc}", file=sys.stderr)
            return 2
        print(f"处理 {len(s.ingested)} 个文件({s.reports} 篇报告)-> {args.out},拒收 {len(s.rejected)} 个")
        for path, reason in s.rejected:
            print(f"  拒收 {path}: {reason}")
        return 0
    if args.cmd == "load":
        from pipeline.ingest import load_parquet_dir

        n = load_parquet_dir(args.src, db=db)
        print(f"载入 {n} 篇报告 -> {db}")
        return 0
    if args.cmd == "roster":
        from pipeline.store import roster

        if args.roster_cmd == "import":
            try:
                n = roster.import_file(args.file, db=db)
            except (roster.RosterError, OSError) as exc:
                problems = getattr(exc, "problems", None) or [str(exc)]
                print("名单未导入:", file=sys.stderr)
                for p in problems:
                    print(f"  {p}", file=sys.stderr)
                return 2
            print(f"名单已导入:{n} 个单位 -> {db}")
            return 0
        n = roster.export_roster(db, args.out or sys.stdout)
        if args.out:
            print(f"导出名单 {n} 个单位 -> {args.out}")
        return 0
    if args.cmd == "export":
        from pipeline.outputs.export import export_jsonl

        n = export_jsonl(db, args.out)
        print(f"导出 {n} 篇报告 -> {args.out}")
        return 0
    if args.cmd == "checks":
        from pipeline.queries import checks

        try:
            data = checks.load_rules(args.rules)
        except RulesError as exc:
            print(f"错误:{exc}", file=sys.stderr)
            return 2
        v = checks.verdicts(_filters(args), data, db=db)
        n = checks.write_csv(v, args.out)
        counts = v["verdict"].value_counts()
        print(f"{v[['unit', 'year']].drop_duplicates().shape[0]} 个单位年度、{n} 条结论 -> {args.out}("
              + "、".join(f"{k} {int(counts.get(k, 0))}" for k in checks.VERDICTS) + ")")
        return 0
    if args.cmd in ("workbook", "brief"):
        filters = _filters(args)
        if not Path(db).exists():
            print(f"错误:数据库文件不存在:{db}", file=sys.stderr)
            return 2
        if args.cmd == "workbook":
            from pipeline.outputs.workbook import write_workbook

            if not args.out.lower().endswith(".xlsx"):
                print("错误:输出文件须以 .xlsx 结尾", file=sys.stderr)
                return 2
            out = write_workbook(filters, args.out, db=db)
        else:
            from pipeline.outputs.brief import BriefError, write_brief

            try:
                out = write_brief(filters, args.out, db=db)
            except BriefError as exc:
                print(f"错误:{exc}", file=sys.stderr)
                return 2
        from pipeline.queries.labels import describe

        print(f"已写出 {out}(范围:{describe(filters, full=True)})")
        return 0
    return 2


def _json_line(fh, obj: dict) -> None:
    import json

    fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _json_progress(fh):
    def progress(done: int, total: int, name: str) -> None:
        _json_line(fh, {"done": done, "total": total, "name": name})
    return progress


if __name__ == "__main__":
    sys.exit(main())
