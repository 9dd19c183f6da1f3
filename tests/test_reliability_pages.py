"""The served pages after faults (issue 16): messages, never tracebacks, and the import
runs outside the server process."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.test_app_pages import NEW_REPORT, PAGES, _zip, run_page, script  # noqa: F401


def _upload(at, files, manifest=None):
    at.get("file_uploader")[0].set_value(files)
    if manifest:
        at.get("file_uploader")[1].set_value(manifest)
    return at.button[0].click().run()


def _no_traceback(at):
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(str(getattr(e, "value", "")) for e in (*at.error, *at.info, *at.warning, *at.markdown, *at.caption))
    assert "Traceback" not in text and "File \"" not in text


def test_import_runs_outside_the_server_process(monkeypatch, sample_db, tmp_path):
    import pipeline.ingest

    def in_server(*a, **k):
        raise AssertionError("ingest ran inside the Streamlit server")

    monkeypatch.setattr(pipeline.ingest, "ingest_paths", in_server)
    db = tmp_path / "up.duckdb"
    shutil.copyfile(sample_db, db)
    monkeypatch.setenv("ZONGJIE_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = run_page(monkeypatch, db, "upload")
    _upload(at, [("a.txt", NEW_REPORT.encode("utf-8"), "text/plain")])
    _no_traceback(at)
    assert not at.error, [e.value for e in at.error]
    got = dict(zip(at.dataframe[0].value["上传文件"], at.dataframe[0].value["结果"]))
    assert got == {"a.txt": "已导入"}


@pytest.mark.parametrize("manifest", [
    b"file,unit\na.txt,x,extra,fields,here\n",
    b"file,unit\na.txt," + b"x" * 300_000 + b"\n",
    b"\x00\x01PK\x03\x04\xff\xfe binary",
])
def test_malformed_manifest_on_the_import_page(monkeypatch, sample_db, tmp_path, manifest):
    db = tmp_path / "up.duckdb"
    shutil.copyfile(sample_db, db)
    monkeypatch.setenv("ZONGJIE_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = run_page(monkeypatch, db, "upload")
    _upload(at, [("a.txt", NEW_REPORT.encode("utf-8"), "text/plain")], [("m.csv", manifest, "text/csv")])
    _no_traceback(at)
    assert not at.error, [e.value for e in at.error]
    got = dict(zip(at.dataframe[0].value["上传文件"], at.dataframe[0].value["结果"]))
    assert got == {"a.txt": "已导入"}                  # the files are ingested all the same


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_upload_folder(monkeypatch, sample_db, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    monkeypatch.setenv("ZONGJIE_UPLOAD_DIR", str(ro))
    try:
        at = run_page(monkeypatch, sample_db, "upload")
        _upload(at, [("a.txt", NEW_REPORT.encode("utf-8"), "text/plain")])
    finally:
        ro.chmod(0o755)
    _no_traceback(at)
    assert "无法在上传文件夹" in at.error[0].value


def test_upload_folder_that_is_a_file(monkeypatch, sample_db, tmp_path):
    """(The read-only case as root can test it: the folder cannot be created.)"""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("ZONGJIE_UPLOAD_DIR", str(blocker / "uploads"))
    at = run_page(monkeypatch, sample_db, "upload")
    _upload(at, [("a.txt", NEW_REPORT.encode("utf-8"), "text/plain")])
    _no_traceback(at)
    assert "无法在上传文件夹" in at.error[0].value


@pytest.mark.parametrize("page", list(PAGES))
def test_corrupt_database_is_named_on_every_page(monkeypatch, tmp_path, page):
    db = tmp_path / "bad.duckdb"
    db.write_bytes(b"garbage, not a database" * 200)
    at = run_page(monkeypatch, db, page)
    _no_traceback(at)
    errors = " ".join(e.value for e in at.error)
    assert "已损坏" in errors and "可能正在导入" not in errors


def test_table_less_database_is_named(monkeypatch, tmp_path):
    import duckdb

    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    at = run_page(monkeypatch, db, "reports")
    _no_traceback(at)
    assert "没有报告数据表" in " ".join(e.value for e in at.error)


def test_deleted_database_is_said_not_silently_empty(monkeypatch, sample_db, tmp_path):
    db = tmp_path / "gone.duckdb"
    at = run_page(monkeypatch, db)
    _no_traceback(at)
    assert "还没有数据库文件" in at.warning[0].value


def test_import_into_a_corrupt_database_is_a_message(monkeypatch, tmp_path):
    db = tmp_path / "bad.duckdb"
    db.write_bytes(b"garbage, not a database" * 200)
    monkeypatch.setenv("ZONGJIE_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = run_page(monkeypatch, db, "upload")
    _upload(at, [("a.txt", NEW_REPORT.encode("utf-8"), "text/plain")])
    _no_traceback(at)
    assert any("导入失败" in e.value and "已损坏" in e.value for e in at.error)
