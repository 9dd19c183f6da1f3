"""The map on a real engine: a Dask LocalCluster (2 worker processes, 1 thread each) runs the
per-file stages, `pipeline load` brings the parts in - and the export equals a direct
ingest's row for row: rejects with their Chinese reasons, a twin, 查重, corrections kept.

Every map runs as a CLI subprocess with a timeout, and the cluster is closed in a fixture,
so a stuck worker fails the test instead of hanging `make test`."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.store import corrections
from pipeline.outputs.export import iter_reports
from pipeline.ingest import ingest_paths
from pipeline.store import read_connection

from .conftest import ROOT, SAMPLE, db_rows

distributed = pytest.importorskip("distributed", reason="the `scale` extra (pip install -e '.[scale]'; make test installs it)")

pytestmark = [pytest.mark.dask, pytest.mark.slow]
REAL = Path(__file__).resolve().parent / "fixtures" / "real_openings"
TIMEOUT = 300


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes, one thread each, torn down however the test ends."""
    lc = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  timeout="60s")
    try:
        yield lc
    finally:
        lc.close(timeout=30)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    """The bundled sample and eight real pages, plus an empty file, a twin (the same
    content under a second name) and an edited copy (for 查重)."""
    box = tmp_path_factory.mktemp("inbox")
    shutil.copytree(SAMPLE, box / "sample")
    (box / "real").mkdir()
    for p in sorted(REAL.glob("r*.txt"))[:8]:
        shutil.copy(p, box / "real" / p.name)
    (box / "real" / "empty.txt").write_bytes(b"")
    shutil.copy(SAMPLE / "003_cd905f0156f91441.txt", box / "sample" / "zz_copy_of_003.txt")
    (box / "sample" / "zz_edited_002.txt").write_bytes(
        (SAMPLE / "002_0d1cd47ed3852840.txt").read_bytes() + "\n补充说明:全年共组织集中学习12次。\n".encode())
    return box


def _export(db: Path) -> list[dict]:
    con = read_connection(db)
    try:
        return list(iter_reports(con))
    finally:
        con.close()


def _cli(*args: str) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=TIMEOUT)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


def _paths_and_rejects(db: Path) -> tuple[list, list]:
    return (db_rows(db, "SELECT path, file_id FROM file_paths ORDER BY 1"),
            db_rows(db, "SELECT path, reason FROM rejects ORDER BY 1"))


def test_dask_map_then_load_equals_direct_ingest(cluster, inbox, tmp_path):
    direct = tmp_path / "direct.duckdb"
    summary = ingest_paths([inbox], db=direct, workers=1)
    assert summary.rejected == [(str(inbox / "real" / "empty.txt"), "空文件(0 字节)")]
    want = _export(direct)
    assert len(want) == 23                  # 14 in the sample, 8 real pages, the edited copy
    assert sorted(r["copy"]["share"] for r in want if r["copy"]["share"])[-1] == 1.0    # 查重 found the copy

    parts = tmp_path / "parts"
    out = _cli("map", str(inbox), "--out", str(parts), "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert "拒收 1 个" in out.stdout and "空文件(0 字节)" in out.stdout
    # parts partitioned by year, hive style, and the workers wrote them (not the driver)
    years = {p.parent.name for p in (parts / "reports").rglob("*.parquet")}
    assert years == {"year=2018", "year=2020", "year=2021", "year=2024", "year=2025",
                     "year=__HIVE_DEFAULT_PARTITION__"}
    assert len(list(parts.glob("twins-*.csv"))) == 1

    loaded = tmp_path / "loaded.duckdb"
    out = _cli("load", str(parts), "--db", str(loaded))
    assert f"载入 {len(want)} 篇报告" in out.stdout
    got = _export(loaded)
    assert [r["source"] for r in got] == [r["source"] for r in want]
    assert got == want                               # every field, 查重 shares and flags included
    assert _paths_and_rejects(loaded) == _paths_and_rejects(direct)
    version = "SELECT value FROM meta WHERE key = 'pipeline_version'"
    assert db_rows(loaded, version) == db_rows(direct, version)
    # the same folder ingested afterwards finds nothing to do: same paths, contents, version
    again = ingest_paths([inbox], db=loaded, workers=1)
    assert again.ingested == [] and len(again.unchanged) == len(list(inbox.rglob("*.txt"))) - 1

    # a supervisor's correction survives loading the parts over it, as it survives a re-ingest
    rid = db_rows(direct, "SELECT report_id FROM reports WHERE source LIKE '%003_cd905f0156f91441.txt' "
                          "ORDER BY report_index LIMIT 1")[0][0]
    corrections.save_report(direct, rid, {"unit": "示例县委宣传部"}, who="test")
    corrected = tmp_path / "corrected.duckdb"
    shutil.copy(direct, corrected)
    _cli("load", str(parts), "--db", str(corrected))
    fixed = _export(corrected)
    assert fixed == _export(direct)
    assert [r["unit"] for r in fixed if r["corrections"]] == ["示例县委宣传部"]


def test_dask_without_scheduler_starts_its_own_cluster(inbox, tmp_path):
    """No --scheduler: a LocalCluster on this machine, closed when the map ends."""
    parts = tmp_path / "parts"
    out = _cli("map", str(inbox / "sample"), "--out", str(parts), "--engine", "dask", "--workers", "1")
    # the sample's 5 files (14 reports) and the edited copy; the twin is not processed again
    assert "处理 6 个文件(15 篇报告)" in out.stdout, out.stdout
    db = tmp_path / "z.duckdb"
    _cli("load", str(parts), "--db", str(db))
    assert db_rows(db, "SELECT count(*) FROM reports") == [(15,)]
    assert db_rows(db, "SELECT count(*) FROM file_paths") == [(7,)]


def test_load_refuses_parts_of_another_pipeline_version(inbox, tmp_path):
    """Parts made by other code or rules are not mixed in: a Chinese message, nothing written."""
    import pyarrow.parquet as pq

    parts = tmp_path / "parts"
    _cli("map", str(inbox / "sample" / "000_5fe2496659bc15d4.txt"), "--out", str(parts), "--workers", "1")
    for f in (parts / "files").rglob("*.parquet"):
        t = pq.read_table(f)
        pq.write_table(t.set_column(t.column_names.index("pipeline_version"), "pipeline_version",
                                    [["0123456789abcdef"] * t.num_rows]), f)
    db = tmp_path / "z.duckdb"
    out = subprocess.run([sys.executable, "-m", "pipeline", "load", str(parts), "--db", str(db)], cwd=ROOT,
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert out.returncode == 2 and "另一版本" in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert not db.exists()                     # the writer was never opened


def test_unknown_scheduler_is_a_chinese_message(inbox, tmp_path):
    import os

    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"}
    out = subprocess.run([sys.executable, "-m", "pipeline", "map", str(inbox / "sample"), "--out", str(tmp_path / "p"),
                          "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"], cwd=ROOT,
                         capture_output=True, text=True, timeout=TIMEOUT, env=env)
    assert out.returncode == 2 and "无法连接 Dask 调度器" in out.stderr and "Traceback" not in out.stderr, out.stderr


def test_a_file_that_kills_its_dask_worker_costs_only_that_file(tmp_path):
    """The worker dies (as under the OOM killer): the chunk is retried file by file, the file
    that kills again is rejected with a Chinese reason, the others are mapped."""
    import os

    folder = tmp_path / "in"
    shutil.copytree(SAMPLE, folder)
    (folder / "zz_killer.txt").write_bytes(b"KILL-THE-WORKER\n" + (SAMPLE / "000_5fe2496659bc15d4.txt").read_bytes())
    hook = tmp_path / "hook"            # the trap reaches the spawned workers through a site hook
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import os\n"
        "def _trap():\n"
        "    import pipeline.extract.process as p\n"
        "    real = p.decode_with_offsets\n"
        "    def trap(doc):\n"
        "        if b'KILL-THE-WORKER' in doc.data:\n"
        "            os.kill(os.getpid(), 9)\n"
        "        return real(doc)\n"
        "    p.decode_with_offsets = trap\n"
        "try:\n    _trap()\nexcept Exception:\n    pass\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": f"{hook}{os.pathsep}{ROOT}",
           "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}     # give up on a task at its first killed worker
    out = subprocess.run([sys.executable, "-m", "pipeline", "map", str(folder), "--out", str(tmp_path / "p"),
                          "--engine", "dask", "--workers", "2"], cwd=ROOT, capture_output=True, text=True,
                         timeout=TIMEOUT, env=env)
    assert out.returncode == 0 and "Traceback" not in out.stdout, out.stdout + out.stderr[-3000:]
    assert "处理 5 个文件(14 篇报告)" in out.stdout and "拒收 1 个" in out.stdout, out.stdout
    assert "zz_killer.txt: 处理该文件时 Dask 工作节点意外终止" in out.stdout
