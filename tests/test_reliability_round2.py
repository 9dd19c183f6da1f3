"""Reliability, round two (issue 16): no hang after a crash, no stale working copy wins,
queued ingests plan from what the one before published, one file never stops a batch."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipeline import store
from pipeline.ingest import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
GOOD = "{unit}2021年意识形态工作总结\n今年以来,{unit}认真落实意识形态工作责任制,开展专题学习{n}次,覆盖干部{n}0人次。\n"


def _good(folder: Path, n: int, prefix: str = "r") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(n):
        p = folder / f"{prefix}{k:03d}_县{k}局.txt"
        p.write_text(GOOD.format(unit=f"县{k}局", n=k + 3) + f"文档编号{prefix}{k}。\n", encoding="utf-8")
        out.append(p)
    return out


def _cli(*args: str, env: dict | None = None, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    e = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=e, capture_output=True,
                          text=True, timeout=timeout, **kw)


def _counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("files", "reports", "rejects")}
    finally:
        con.close()


def _marked(marker: str) -> list[int]:
    """Pids of live processes whose environment carries `marker` (the ingest and its children)."""
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            env = (d / "environ").read_bytes()
            state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if f"ZONGJIE_TEST_MARK={marker}".encode() in env and state != "Z":
            pids.append(int(d.name))
    return pids


# ---------------------------------------------------------------- 1. kill -9 with default workers
@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    from bench.make_corpus import make_corpus

    out = tmp_path_factory.mktemp("corpus") / "c"
    make_corpus(out, reports=80, units=12, years=3, seed=5)
    return out


def test_sigkill_with_default_workers_leaves_no_process_and_next_ingest_runs(corpus, tmp_path):
    db = tmp_path / "k.duckdb"
    marker = f"kill-{os.getpid()}-{time.monotonic_ns()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ZONGJIE_BATCH_FILES": "5", "ZONGJIE_TEST_MARK": marker}
    # no --workers: the default worker pool, as `make ingest` and 数据导入 run it
    p = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(corpus), "--db", str(db)],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    building = tmp_path / "k.duckdb.building"
    while time.monotonic() < deadline and not (building.exists() and len(_marked(marker)) >= 3):
        time.sleep(0.1)                        # wait until the workers run and the copy is being written
    assert p.poll() is None, "ingest finished before the kill: make the corpus bigger"
    assert len(_marked(marker)) >= 3           # the ingest, the fork server, at least one worker
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _marked(marker)
    for pid in left:                           # never leave them behind for the rest of the suite
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes survived the ingest's kill -9: {left}"
    out = _cli("ingest", str(corpus), "--db", str(db), env={"ZONGJIE_LOCK_WAIT": "20"}, timeout=300)
    assert out.returncode == 0, out.stderr
    assert _counts(db)["files"] == 80 and _counts(db)["reports"] == 80


def test_writer_waits_with_a_timeout_and_names_the_holder(tmp_path):
    db = tmp_path / "w.duckdb"
    _good(tmp_path / "in", 1)
    with store.write_lock(db):
        t0 = time.monotonic()
        out = _cli("ingest", str(tmp_path / "in"), "--db", str(db), env={"ZONGJIE_LOCK_WAIT": "1"}, timeout=60)
        assert time.monotonic() - t0 < 30
    assert out.returncode == 3
    assert f"进程 {os.getpid()}" in out.stderr and "Traceback" not in out.stderr
    out = _cli("ingest", str(tmp_path / "in"), "--db", str(db), env={"ZONGJIE_LOCK_WAIT": "1"})
    assert out.returncode == 0 and "导入 1 个文件" in out.stdout


# ---------------------------------------------------------------- 2. stale working copy
def _leave_building(db: Path, files: list[Path]) -> None:
    """What a killed ingest leaves: a working copy holding `files`, never published."""
    script = ("import os, sys\n"
              "from pipeline import store\n"
              "from pipeline.extract.process import process_path\n"
              "with store.writer(sys.argv[1]) as con:\n"
              "    store.write_files(con, [process_path(f) for f in sys.argv[2:]])\n"
              "    os._exit(9)\n")
    e = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", script, str(db), *map(str, files)], cwd=ROOT, env=e, timeout=120)
    assert r.returncode == 9
    assert db.with_name(db.name + ".building").exists()


def test_stale_copy_is_not_resumed_over_a_restored_backup(tmp_path):
    db = tmp_path / "s.duckdb"
    old = _good(tmp_path / "old", 6, "o")
    ingest_paths(old[:2], db=db, workers=1)
    backup = tmp_path / "backup.duckdb"
    backup.write_bytes(db.read_bytes())
    ingest_paths(old, db=db, workers=1)                 # six files published
    _leave_building(db, _good(tmp_path / "mid", 2, "m"))
    os.replace(backup, db)                              # the operator restores the backup (2 files)
    assert _counts(db)["files"] == 2
    s = ingest_paths(_good(tmp_path / "new", 1, "n"), db=db, workers=1)
    assert _counts(db)["files"] == 3                    # the backup's two + the new one, not the stale copy's 8
    assert any("未续用" in n and "替换" in n for n in s.notes)
    assert not (tmp_path / "s.duckdb.building").exists()


def test_stale_copy_is_not_resumed_after_the_database_was_deleted(tmp_path):
    db = tmp_path / "d.duckdb"
    ingest_paths(_good(tmp_path / "old", 5, "o"), db=db, workers=1)
    _leave_building(db, _good(tmp_path / "mid", 1, "m"))
    db.unlink()                                         # the operator deletes the data on purpose
    s = ingest_paths(_good(tmp_path / "new", 1, "n"), db=db, workers=1)
    assert _counts(db)["files"] == 1                    # deleted data does not come back
    assert any("删除" in n for n in s.notes)


def test_interrupted_copy_still_resumes_when_nothing_changed(tmp_path):
    db = tmp_path / "r.duckdb"
    ingest_paths(_good(tmp_path / "old", 3, "o"), db=db, workers=1)
    _leave_building(db, _good(tmp_path / "mid", 2, "m"))
    s = ingest_paths(_good(tmp_path / "new", 1, "n"), db=db, workers=1)
    assert not s.notes
    assert _counts(db)["files"] == 6                    # 3 published + 2 resumed + 1 new


# ---------------------------------------------------------------- 8. concurrent ingests
def test_a_queued_ingest_plans_after_the_first_one_published(tmp_path):
    db = tmp_path / "c.duckdb"
    folder = tmp_path / "in"
    _good(folder, 30)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ZONGJIE_BATCH_FILES": "3"}
    first = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", str(db),
                              "--workers", "1"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    building = tmp_path / "c.duckdb.building"
    deadline = time.monotonic() + 60
    while not building.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.poll() is None and building.exists()
    second = _cli("ingest", str(folder), "--db", str(db), "--workers", "1")
    out1, _ = first.communicate(timeout=120)
    assert "导入 30 个文件" in out1
    assert second.returncode == 0
    assert "导入 0 个文件" in second.stdout and "未变 30 个" in second.stdout


# ---------------------------------------------------------------- 3. one file never stops the batch
def test_non_utf8_file_names_are_stored_and_shown_readably(tmp_path):
    folder = tmp_path / "gbk"
    folder.mkdir()
    good = GOOD.format(unit="城关镇", n=4).encode("utf-8")
    name = "城关镇2021年总结.txt".encode("gbk")
    with open(os.path.join(os.fsencode(folder), name), "wb") as fh:
        fh.write(good)
    with open(os.path.join(os.fsencode(folder), b"\xff\xfe-bad.txt"), "wb") as fh:
        fh.write(GOOD.format(unit="河西乡", n=5).encode("utf-8"))
    _good(folder, 2)
    db = tmp_path / "n.duckdb"
    s = ingest_paths([folder], db=db, workers=1)
    assert len(s.ingested) == 4 and not s.rejected
    shown = sorted(s.ingested)
    assert any(p.endswith("城关镇2021年总结.txt") for p in shown)
    assert any("\\xff\\xfe-bad.txt" in p for p in shown)
    again = ingest_paths([folder], db=db, workers=1)   # stable keys: nothing redone
    assert len(again.unchanged) == 4 and not again.ingested
    con = duckdb.connect(str(db), read_only=True)
    units = {u for (u,) in con.execute("SELECT unit FROM reports").fetchall()}
    con.close()
    assert "城关镇" in units
    out = _cli("map", str(folder), "--out", str(tmp_path / "pq"), "--workers", "1")
    assert out.returncode == 0 and "处理 4 个文件" in out.stdout, out.stderr
    from pipeline.ingest import display_name
    assert display_name("plain/名字.txt") == "plain/名字.txt"


def _killer_file(folder: Path) -> Path:
    """A file whose processing makes the worker die (as the OOM killer would do it)."""
    p = folder / "zz_killer.txt"
    p.write_text("KILL-THE-WORKER\n" + GOOD.format(unit="杀手局", n=9), encoding="utf-8")
    return p


def test_a_worker_that_dies_costs_only_its_file(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    _good(folder, 11)
    _killer_file(folder)
    db = tmp_path / "b.duckdb"
    # the fork server imports pipeline.extract.process afresh: the trap goes in through a site hook
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import os\n"
        "def _trap():\n"
        "    import pipeline.load.decode as d\n"
        "    real = d.decode_with_offsets\n"
        "    def trap(doc):\n"
        "        if b'KILL-THE-WORKER' in doc.data:\n"
        "            os.kill(os.getpid(), 9)\n"
        "        return real(doc)\n"
        "    d.decode_with_offsets = trap\n"
        "    import pipeline.extract.process as p\n"
        "    p.decode_with_offsets = trap\n"
        "try:\n    _trap()\nexcept Exception:\n    pass\n", encoding="utf-8")
    out = _cli("ingest", str(folder), "--db", str(db), "--workers", "2",
               env={"PYTHONPATH": f"{hook}{os.pathsep}{ROOT}"}, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert "导入 11 个文件" in out.stdout and "拒收 1 个" in out.stdout
    assert "zz_killer.txt: 处理该文件时工作进程意外终止" in out.stdout
    assert _counts(db)["reports"] == 11


def _docx(path: Path, body_xml: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", body_xml)
    return path


def _docx_xml(text: str, pad: int = 0) -> bytes:
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    paras = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in text.splitlines())
    filler = "<w:p><w:r><w:t></w:t></w:r></w:p>" * pad
    return f'<?xml version="1.0"?><w:document xmlns:w="{ns}"><w:body>{paras}{filler}</w:body></w:document>'.encode()


def test_limits_unpacked_docx_chars_per_file_and_report(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    _good(folder, 2)
    _docx(folder / "bomb.docx", _docx_xml(GOOD.format(unit="炸弹局", n=3), pad=200_000))   # ~7 MB unpacked
    (folder / "long.txt").write_text(GOOD.format(unit="长文局", n=3) + "工作" * 40_000, encoding="utf-8")
    monkeypatch.setenv("ZONGJIE_MAX_UNPACKED_MB", "2")
    monkeypatch.setenv("ZONGJIE_MAX_REPORT_CHARS", "50000")
    s = ingest_paths([folder], db=tmp_path / "l.duckdb", workers=1)
    why = {Path(p).name: r for p, r in s.rejected}
    assert set(why) == {"bomb.docx", "long.txt"} and len(s.ingested) == 2
    assert "解压后过大" in why["bomb.docx"] and "ZONGJIE_MAX_UNPACKED_MB" in why["bomb.docx"]
    assert "单篇报告过长" in why["long.txt"]
    monkeypatch.setenv("ZONGJIE_MAX_FILE_CHARS", "1000")
    s = ingest_paths([folder / "long.txt"], db=tmp_path / "l2.duckdb", workers=1)
    assert "文字过多" in s.rejected[0][1]


def test_per_file_time_limit_in_workers(tmp_path):
    folder = tmp_path / "in"
    _good(folder, 5)
    (folder / "slow.txt").write_text("SLOW-FILE\n" + GOOD.format(unit="慢局", n=3), encoding="utf-8")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import time\n"
        "def _trap():\n"
        "    import pipeline.extract.process as p\n"
        "    real = p.decode_with_offsets\n"
        "    def trap(doc):\n"
        "        if b'SLOW-FILE' in doc.data:\n"
        "            time.sleep(60)\n"
        "        return real(doc)\n"
        "    p.decode_with_offsets = trap\n"
        "try:\n    _trap()\nexcept Exception:\n    pass\n", encoding="utf-8")
    t0 = time.monotonic()
    out = _cli("ingest", str(folder), "--db", str(tmp_path / "t.duckdb"), "--workers", "2",
               env={"PYTHONPATH": f"{hook}{os.pathsep}{ROOT}", "ZONGJIE_FILE_TIMEOUT": "4"}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert time.monotonic() - t0 < 50
    assert "slow.txt: 处理超时" in out.stdout and "导入 5 个文件" in out.stdout


# ---------------------------------------------------------------- 4. links and special files
def test_links_out_of_the_folder_and_fifos_are_skipped_with_a_reason(tmp_path):
    folder = tmp_path / "in"
    _good(folder, 2)
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:秘密内容不应被导入" * 5, encoding="utf-8")
    (folder / "shadow.txt").symlink_to(outside)
    (folder / "etc.txt").symlink_to("/etc/hostname")
    (folder / "inside.txt").symlink_to(folder / "r000_县0局.txt")
    (folder / "dangling.txt").symlink_to(tmp_path / "nope.txt")
    (folder / "sub").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")
    db = tmp_path / "s.duckdb"
    s = ingest_paths([folder], db=db, workers=1)
    why = {Path(p).name: r for p, r in s.rejected}
    assert "导入文件夹之外" in why["shadow.txt"] and "导入文件夹之外" in why["etc.txt"]
    assert "管道" in why["pipe.txt"] and "不存在" in why["dangling.txt"] and "未跟随" in why["sub"]
    assert "inside.txt" not in why            # a link that stays inside is an ordinary duplicate
    con = duckdb.connect(str(db), read_only=True)
    leaked = con.execute("SELECT count(*) FROM reports WHERE text LIKE '%秘密%'").fetchone()[0]
    con.close()
    assert leaked == 0


# ---------------------------------------------------------------- 7. messages, not tracebacks
@pytest.mark.parametrize("content", [
    b"file,unit\na.txt,x,extra,fields\n",
    b"file,unit\na.txt," + b"x" * 300_000 + b"\n",
    b"\x00\x01\x02PK\x03\x04binary",
])
def test_malformed_manifest_is_a_message(tmp_path, content):
    _good(tmp_path / "in", 1)
    (tmp_path / "m.csv").write_bytes(content)
    out = _cli("ingest", str(tmp_path / "in"), "--db", str(tmp_path / "m.duckdb"), "--manifest", str(tmp_path / "m.csv"),
               "--workers", "1")
    assert "Traceback" not in out.stderr
    if out.returncode:
        assert out.returncode == 2 and "清单文件" in out.stderr
    else:
        assert "导入 1 个文件" in out.stdout


def test_corrupt_and_tableless_databases_are_diagnosed(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database at all" * 100)
    assert "已损坏" in store.diagnose(junk)
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert "没有报告数据表" in store.diagnose(empty)
    assert store.diagnose(tmp_path / "absent.duckdb") is None
    _good(tmp_path / "in", 1)
    out = _cli("ingest", str(tmp_path / "in"), "--db", str(junk), "--workers", "1")
    assert out.returncode == 3 and "已损坏" in out.stderr and "Traceback" not in out.stderr
    out = _cli("ingest", str(tmp_path / "in"), "--db", str(empty), "--workers", "1")
    assert out.returncode == 0 and store.diagnose(empty) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_database_folder_is_a_message(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    _good(tmp_path / "in", 1)
    ro.chmod(0o555)
    try:
        out = _cli("ingest", str(tmp_path / "in"), "--db", str(ro / "x.duckdb"), "--workers", "1")
    finally:
        ro.chmod(0o755)
    assert out.returncode == 3 and "无法写入数据库所在文件夹" in out.stderr and "Traceback" not in out.stderr


def test_full_disk_cleans_the_working_copy(tmp_path, monkeypatch):
    import errno

    db = tmp_path / "f.duckdb"
    ingest_paths(_good(tmp_path / "a", 2, "a"), db=db, workers=1)
    before = db.read_bytes()
    real = store.write_tables

    def full(con, tables):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "write_tables", full)
    with pytest.raises(store.StoreError, match="磁盘空间不足"):
        with store.writer(db) as con:
            store.write_tables(con, {})
    monkeypatch.setattr(store, "write_tables", real)
    assert db.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".building" in p.name]


def test_per_file_memory_limit_in_workers(tmp_path):
    folder = tmp_path / "in"
    _good(folder, 5)
    (folder / "greedy.txt").write_text("GREEDY-FILE\n" + GOOD.format(unit="贪吃局", n=3), encoding="utf-8")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "def _trap():\n"
        "    import pipeline.extract.process as p\n"
        "    real = p.decode_with_offsets\n"
        "    def trap(doc):\n"
        "        if b'GREEDY-FILE' in doc.data:\n"
        "            doc.hog = bytearray(3 * 2**30)   # lazily zeroed: harmless if no limit applied\n"
        "        return real(doc)\n"
        "    p.decode_with_offsets = trap\n"
        "try:\n    _trap()\nexcept Exception:\n    pass\n", encoding="utf-8")
    out = _cli("ingest", str(folder), "--db", str(tmp_path / "m.duckdb"), "--workers", "2",
               env={"PYTHONPATH": f"{hook}{os.pathsep}{ROOT}", "ZONGJIE_WORKER_MEM_MB": "1024"}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "greedy.txt: 处理该文件所需内存超过上限(1024 MB" in out.stdout and "导入 5 个文件" in out.stdout


def test_nothing_to_do_needs_no_writable_folder(tmp_path, monkeypatch):
    """A read-only deployment that re-runs its ingest: unchanged files need no lock."""
    folder = tmp_path / "in"
    _good(folder, 2)
    db = tmp_path / "ro.duckdb"
    ingest_paths([folder], db=db, workers=1)

    def read_only(*a, **k):
        raise store.ReadOnlyStore("无法写入数据库所在文件夹")

    monkeypatch.setattr(store, "write_lock", read_only)
    s = ingest_paths([folder], db=db, workers=1)
    assert len(s.unchanged) == 2 and not s.ingested
    _good(folder, 3)                                       # one new file: now it must say so
    with pytest.raises(store.ReadOnlyStore):
        ingest_paths([folder], db=db, workers=1)
