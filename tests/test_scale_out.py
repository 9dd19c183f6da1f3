"""The scale-out interface: per-file stages to Parquet (`map`), then one `load` - the same
rows as a direct ingest, whichever machine or engine ran the map."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from pipeline.engines import load_parquet_dir, map_to_parquet
from pipeline.ingest import ingest_paths

from .conftest import ROOT, SAMPLE

TABLES = ("files", "file_paths", "reports", "sections", "metrics", "shortcomings", "term_counts")


def _dump(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "reports": con.execute("SELECT report_id, unit, year, period, char_start, char_end, text FROM reports "
                                   "ORDER BY 1").fetchall(),
            "metrics": con.execute("SELECT report_id, metric_index, value, measure, text FROM metrics ORDER BY 1, 2").fetchall(),
            "terms": con.execute("SELECT report_id, term, n FROM term_counts ORDER BY 1, 2").fetchall(),
            "counts": [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES],
        }
    finally:
        con.close()


def test_map_in_parts_then_load_equals_direct_ingest(tmp_path):
    direct = tmp_path / "direct.duckdb"
    ingest_paths([SAMPLE], db=direct, workers=1)
    parts = tmp_path / "parts"
    files = sorted(p for p in SAMPLE.iterdir() if p.suffix == ".txt")
    # two "machines", each mapping half the files into the same folder
    map_to_parquet(files[:2], parts, workers=1)
    map_to_parquet(files[2:], parts, workers=1)
    # hive layout: DIR/<table>/year=Y/part-<uuid>.parquet, one uuid per batch written
    written = list((parts / "reports").rglob("*.parquet"))
    assert {p.parent.name for p in written} == {"year=2018", "year=2020", "year=2021",
                                                 "year=__HIVE_DEFAULT_PARTITION__"}
    assert len({p.name for p in written}) == 2
    loaded = tmp_path / "loaded.duckdb"
    assert load_parquet_dir(parts, db=loaded) == 14
    assert _dump(loaded) == _dump(direct)
    # loading the same parts again replaces, never duplicates
    load_parquet_dir(parts, db=loaded)
    assert _dump(loaded)["counts"] == _dump(direct)["counts"]


def test_map_and_load_cli_with_a_rejected_file(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "good.txt").write_bytes((SAMPLE / "003_cd905f0156f91441.txt").read_bytes())
    (inbox / "empty.txt").write_bytes(b"")
    run = [sys.executable, "-m", "pipeline"]
    out = subprocess.run([*run, "map", str(inbox), "--out", str(tmp_path / "p"), "--workers", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "处理 1 个文件" in out.stdout and "拒收 1 个" in out.stdout
    out = subprocess.run([*run, "load", str(tmp_path / "p"), "--db", str(tmp_path / "z.duckdb")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "载入 1 篇报告" in out.stdout, out.stdout + out.stderr
    con = duckdb.connect(str(tmp_path / "z.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM rejects WHERE path LIKE '%empty.txt'").fetchone()[0] == 1
    finally:
        con.close()


def test_overlapping_maps_into_one_folder_load_each_file_once(tmp_path):
    """Two map runs that both took 002 (a re-run, overlapping inputs): its rows are loaded
    once, from one part - not a primary-key error, not twice."""
    direct = tmp_path / "direct.duckdb"
    ingest_paths([SAMPLE], db=direct, workers=1)
    parts = tmp_path / "parts"
    files = sorted(p for p in SAMPLE.iterdir() if p.suffix == ".txt")
    map_to_parquet(files[:3], parts, workers=1)
    map_to_parquet(files[2:], parts, workers=1)
    loaded = tmp_path / "loaded.duckdb"
    assert load_parquet_dir(parts, db=loaded) == 14
    assert _dump(loaded) == _dump(direct)
