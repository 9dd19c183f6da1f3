"""Readers keep answering while an ingest writes, and never see half a file."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline import store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    from bench.make_corpus import make_corpus

    out = tmp_path_factory.mktemp("corpus") / "c"
    make_corpus(out, reports=40, units=10, years=2, seed=11)
    return out


def _snapshot(db: Path) -> tuple[int, int]:
    """(reports, files) from one read-only connection, checking no file is half there."""
    con = store.read_connection(db)
    try:
        half = con.execute("""SELECT count(*) FROM files f
                              WHERE n_reports <> (SELECT count(*) FROM reports r WHERE r.file_id = f.file_id)""").fetchone()[0]
        assert half == 0
        return con.execute("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM files)").fetchone()
    finally:
        con.close()


def test_reader_loop_during_cli_ingest(corpus, tmp_path):
    db = tmp_path / "live.duckdb"
    # a first ingest so there is something to read, then a second batch while readers poll
    first = sorted(corpus.rglob("*.txt"))[:5]
    from pipeline.ingest import ingest_paths
    ingest_paths(first, db=db, workers=1)
    baseline = _snapshot(db)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(corpus), "--db", str(db), "--workers", "1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen, errors, reads = set(), [], 0
    while proc.poll() is None:
        try:
            seen.add(_snapshot(db))
            reads += 1
        except Exception as exc:  # "database is locked" or a half file would land here
            errors.append(repr(exc))
        time.sleep(0.05)
    assert proc.returncode == 0, proc.stderr.read().decode()
    assert not errors, errors[:3]
    assert reads > 5
    assert baseline in seen                     # readers saw the old data while the writer worked
    final = _snapshot(db)
    assert final[1] == 40 and final[0] == 40     # and the new data once it finished


def test_threads_reading_at_once(sample_db):
    """Several dashboard sessions = several threads, each with its own connection."""
    results, errors = [], []

    def work(year):
        try:
            for _ in range(20):
                con = store.read_connection(sample_db)
                try:
                    results.append(con.execute("SELECT count(*) FROM reports WHERE year = ?", [year]).fetchone()[0])
                finally:
                    con.close()
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(y,)) for y in (2018, 2020, 2021, 2021)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 80


def test_reader_before_any_ingest_gets_empty_tables(tmp_path):
    con = store.read_connection(tmp_path / "none.duckdb")
    try:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 0
    finally:
        con.close()
    assert not (tmp_path / "none.duckdb").exists()


def test_a_reader_opened_after_a_publish_reads_the_new_file(sample_db, tmp_path):
    """A query still reading the old file while a writer publishes must not make the next
    reader see the old file too: with `duckdb.connect` the new connection was handed the old
    instance (one per path while any connection is open), and the dashboard cached the old
    numbers under the new version until the next publish."""
    import shutil

    from pipeline.queries import query as q

    db = tmp_path / "live.duckdb"
    shutil.copyfile(sample_db, db)
    before = q.reports.uncached({}, db=db)
    in_flight = store.read_connection(db)           # another session's query, mid-way
    try:
        with store.writer(db) as w:                  # a publish: the sample's first report goes
            w.execute("DELETE FROM reports WHERE report_id = ?", [before.report_id.iloc[0]])
        after = q.reports.uncached({}, db=db)
        assert len(after) == len(before) - 1
        # the reader that was open still sees its own (old) file, whole
        assert in_flight.execute("SELECT count(*) FROM reports").fetchone()[0] >= len(before)
    finally:
        in_flight.close()


def test_readers_share_one_database_per_version_and_let_go_of_old_ones(sample_db, tmp_path, monkeypatch):
    """store.readers keeps one attached database per file and version: a second query does
    not open the file again (the ~25 ms open and the cold cache were most of a query at
    100,000 reports); a publish opens the new file once; a cursor on the old file keeps
    working until it is closed; release lets this process write the file again."""
    import shutil

    import duckdb

    from pipeline.store import readers

    db = tmp_path / "pool.duckdb"
    shutil.copyfile(sample_db, db)
    opened = []
    attach = readers._attach
    monkeypatch.setattr(readers, "_attach", lambda p: opened.append(p) or attach(p))

    def count():
        con = store.read_connection(db)
        try:
            return con.execute("SELECT count(*) FROM reports").fetchone()[0]
        finally:
            con.close()

    n = count()
    assert count() == n and len(opened) == 1            # the second reader reused the first's database
    old = store.read_connection(db)
    with store.writer(db) as w:
        w.execute("DELETE FROM reports WHERE report_id = (SELECT min(report_id) FROM reports)")
    assert count() == n - 1 and count() == n - 1 and len(opened) == 2   # new file, opened once
    assert old.execute("SELECT count(*) FROM reports").fetchone()[0] == n   # the old one still reads
    old.close()
    with pytest.raises(duckdb.Error):                    # kept: DuckDB refuses this process a write
        duckdb.connect(str(db)).close()
    store.release_readers(db)
    duckdb.connect(str(db)).close()
    assert count() == n - 1 and len(opened) == 3


def test_readers_keep_a_bounded_number_of_files(sample_db, tmp_path):
    import shutil

    from pipeline.store import readers

    for i in range(readers.KEPT_FILES + 3):
        db = tmp_path / f"f{i}.duckdb"
        shutil.copyfile(sample_db, db)
        store.read_connection(db).close()
    assert len(readers._pool) == readers.KEPT_FILES
