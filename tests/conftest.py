"""Shared fixtures and helpers: a database built once per test session from the bundled
sample, and the few ways tests look into a database file (`db_rows`, `table_counts`)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
GOLD = Path(__file__).resolve().parent / "fixtures" / "gold_seeds.jsonl"


STORE_TABLES = ("files", "file_paths", "rejects", "reports", "sections", "metrics", "shortcomings", "term_counts")


def db_rows(db: Path, sql: str, params=()) -> list[tuple]:
    """The rows of one query on a database file, through a short read-only connection."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def table_counts(db: Path, tables=STORE_TABLES) -> dict[str, int]:
    """Rows per table: what a test compares to prove a database was left alone."""
    return {t: db_rows(db, f"SELECT count(*) FROM {t}")[0][0] for t in tables}


def ingest_and_export(folder: Path, tmp: Path, workers: int = 1) -> list[dict]:
    """`folder` ingested into a fresh database under `tmp` (no file may be rejected) and
    exported: the export rows, as the accuracy tests score them."""
    from pipeline.outputs.export import export_jsonl
    from pipeline.ingest import ingest_paths

    summary = ingest_paths([folder], db=tmp / "set.duckdb", workers=workers)
    assert not summary.rejected, summary.rejected
    export_jsonl(tmp / "set.duckdb", tmp / "set.jsonl")
    return [json.loads(line) for line in (tmp / "set.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The bundled sample ingested into a fresh DuckDB file (single process, deterministic)."""
    from pipeline.ingest import ingest_paths

    db = tmp_path_factory.mktemp("db") / "sample.duckdb"
    summary = ingest_paths([SAMPLE], db=db, workers=1)
    assert not summary.rejected, summary.rejected
    return db


@pytest.fixture(scope="session")
def sample_export(sample_db, tmp_path_factory) -> list[dict]:
    from pipeline.outputs.export import export_jsonl

    out = tmp_path_factory.mktemp("export") / "out.jsonl"
    export_jsonl(sample_db, out)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def _no_env_db(monkeypatch):
    """Tests never touch the developer's data/zongjie.duckdb by accident."""
    if "ZONGJIE_DB" in os.environ and not os.environ["ZONGJIE_DB"].startswith(("/tmp", str(ROOT / "tests"))):
        monkeypatch.delenv("ZONGJIE_DB")


@pytest.fixture(autouse=True)
def _no_kept_readers():
    """Each test starts without the readers `store.read_connection` keeps open (they hold
    the files of earlier tests, and a kept reader blocks this process's read-write open)."""
    from pipeline import store

    store.release_readers()
    yield
    store.release_readers()


@pytest.fixture(autouse=True)
def _no_background_text_index(monkeypatch):
    """The search filter (pipeline/queries/textindex.py) is built only where a test builds it:
    a thread building it in the background holds a reader of the test's file past the test."""
    from pipeline.queries import textindex

    monkeypatch.setattr(textindex, "BUILD_IN_BACKGROUND", False)


@pytest.fixture(autouse=True)
def _fresh_login_counter():
    """The wrong-password lockout counts process-wide: each test starts from zero."""
    import sys

    guesses = getattr(sys.modules.get("dashboard.auth"), "GUESSES", None)
    if guesses is not None:
        guesses.reset()
    yield


def ingest_with_manifest(root: Path, reports: list[tuple[str, str, str, int, str]]) -> Path:
    """Texts written as `<name>.txt` beside a manifest naming each one's unit, year and type,
    ingested into `root/db.duckdb` (single process); fails on any rejected file.
    `reports`: (name, text, unit, year, unit_type)."""
    import csv
    import io

    from pipeline.ingest import ingest_paths

    d = root / "in"
    d.mkdir()
    rows = [["file", "unit", "year", "unit_type"]]
    for name, text, unit, year, unit_type in reports:
        (d / f"{name}.txt").write_text(text, encoding="utf-8")
        rows.append([f"{name}.txt", unit, str(year), unit_type])
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    man = root / "manifest.csv"
    man.write_text(buf.getvalue(), encoding="utf-8")
    db = root / "db.duckdb"
    summary = ingest_paths([d], db=db, manifest=man, workers=1)
    assert not summary.rejected, summary.rejected
    return db
