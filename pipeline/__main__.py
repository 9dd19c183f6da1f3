"""CLI: `python -m pipeline ingest PATH...` and `python -m pipeline export --out FILE.jsonl`."""
from __future__ import annotations

import argparse
import sys

from .config import db_path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline", description="总结看板 ingestion pipeline")
    sub = ap.add_subparsers(dest="cmd", required=True)
    ing = sub.add_parser("ingest", help="ingest report files or folders (recursive) into DuckDB")
    ing.add_argument("paths", nargs="+")
    ing.add_argument("--db", default=None, help="DuckDB file (default: $ZONGJIE_DB or data/zongjie.duckdb)")
    ing.add_argument("--manifest", help="CSV: file,unit,year,unit_type,region,period (any column optional)")
    ing.add_argument("--workers", type=int, default=None, help="worker processes (default: CPU count)")
    ing.add_argument("--rebuild", action="store_true", help="drop everything stored and ingest afresh")
    exp = sub.add_parser("export", help="write one JSON object per report")
    exp.add_argument("--db", default=None)
    exp.add_argument("--out", required=True)
    args = ap.parse_args(argv)

    db = args.db or db_path()
    if args.cmd == "ingest":
        from .ingest import ManifestError, _progress_bar, ingest_paths

        progress = _progress_bar if sys.stderr.isatty() else None
        try:
            s = ingest_paths(args.paths, db=db, manifest=args.manifest, workers=args.workers,
                             rebuild=args.rebuild, progress=progress)
        except ManifestError as exc:
            print(f"错误:{exc}", file=sys.stderr)
            return 2
        print(s.line())
        for path, reason in s.rejected:
            print(f"  拒收 {path}: {reason}")
        return 0
    if args.cmd == "export":
        from .export import export_jsonl

        n = export_jsonl(db, args.out)
        print(f"导出 {n} 篇报告 -> {args.out}")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
