"""SIGKILL the ingest at several points: the database opens, holds only whole files, and a
rerun converges to exactly the counts of an uninterrupted run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipeline import store

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("files", "file_paths", "reports", "sections", "metrics", "shortcomings", "term_counts")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    from bench.make_corpus import make_corpus

    out = tmp_path_factory.mktemp("corpus") / "c"
    make_corpus(out, reports=60, units=12, years=3, seed=7)
    return out


def _ingest(corpus: Path, db: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ZONGJIE_BATCH_FILES": "5"}  # many small transactions
    return subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(corpus), "--db", str(db), "--workers", "1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def _whole_files_only(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        bad = con.execute("""
            SELECT f.file_id, f.n_reports, count(r.report_id) AS n
            FROM files f LEFT JOIN reports r USING (file_id)
            GROUP BY ALL HAVING f.n_reports <> count(r.report_id)""").fetchall()
        orphans = con.execute("SELECT count(*) FROM reports WHERE file_id NOT IN (SELECT file_id FROM files)").fetchone()[0]
    finally:
        con.close()
    assert not bad and orphans == 0


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> tuple[dict[str, int], float]:
    """Counts of an uninterrupted run, and how long it took (to place the kills)."""
    times = []
    for k in range(2):   # the second run is warm, like the runs we kill
        db = tmp_path_factory.mktemp("ref") / f"ref{k}.duckdb"
        t0 = time.monotonic()
        p = _ingest(corpus, db)
        assert p.wait(timeout=300) == 0, p.stderr.read().decode()
        times.append(time.monotonic() - t0)
    return _counts(db), min(times)


@pytest.mark.parametrize("fraction", [0.02, 0.3, 0.5, 0.7])
def test_sigkill_then_rerun_converges(corpus, reference, tmp_path, fraction):
    counts, duration = reference
    db = tmp_path / "z.duckdb"
    building = tmp_path / "z.duckdb.building"
    delay = duration * fraction
    for _ in range(4):    # the machine is shared: a run can be faster than the reference; aim earlier then
        p = _ingest(corpus, db)
        time.sleep(delay)
        if p.poll() is None:
            break
        for f in tmp_path.glob("z.duckdb*"):
            f.unlink()
        delay *= 0.6
    assert p.poll() is None, "ingest finished before the kill: make the corpus bigger"
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=60)
    if fraction in (0.3, 0.5):
        assert building.exists(), "the kill should land mid-ingest, with a working copy in place"
    if db.exists():                       # the published file is always whole
        _whole_files_only(db)
    p = _ingest(corpus, db)               # resumes from the working copy
    assert p.wait(timeout=300) == 0, p.stderr.read().decode()
    _whole_files_only(db)
    assert _counts(db) == counts
    assert not building.exists()


def test_killed_writer_leaves_published_db_untouched(corpus, tmp_path):
    db = tmp_path / "z.duckdb"
    p = _ingest(corpus, db)
    assert p.wait(timeout=300) == 0
    before = _counts(db)
    (corpus / "9999_新增.txt").write_text("新增单位2021年意识形态工作总结\n今年以来，新增局认真落实意识形态工作责任制。", encoding="utf-8")
    try:
        p = _ingest(corpus, db)
        time.sleep(0.3)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        assert _counts(db) == before      # nothing published by the killed writer
        _whole_files_only(db)
    finally:
        (corpus / "9999_新增.txt").unlink()


def test_writer_lock_serialises_writers(tmp_path):
    db = tmp_path / "w.duckdb"
    with store.writer(db):
        with pytest.raises(store.WriterBusy):
            with store.writer(db, wait=0.3):
                pass
    with store.writer(db, wait=0.3):
        pass
