"""Stage 9 - store: the one DuckDB schema, and the only place that opens connections.

The extracted tables' columns (name, type, order) are declared with the records they come
from, in pipeline/records.py; `SCHEMA` and the writer's Arrow tables are made from them.

Tables (see README "Data model"):
  meta          key/value (schema and pipeline versions)
  files         one row per distinct file content (file_id = sha256 of the bytes)
  file_paths    every path seen -> its content; two names, one content = one `files` row
  rejects       files that could not be ingested, with the reason shown to the user
  reports       one row per report: attribution, offsets, cleaned + simplified text
  sections      headed parts of a report and their kind (工作开展/存在问题/下一步/其他)
  metrics       activity counts (value NULL for placeholders) as written (3.2 万人次) and in their
                base measure for sums (32000 人次), with their sentence
  shortcomings  one row per shortcoming statement, with category and trigger words
  term_counts   (report, term, n): keyword frequencies as plain rows; the biggest table by far,
                so it carries no file_id (20% smaller database, cheaper commits): its rows go
                with their report (see `_delete_files`)

Every file's rows are written in one transaction, so a reader never sees half a file.

The package also holds the tables kept beside the extracted rows, one module each:
`effective` (the corrected views every reader uses), `corrections` (a supervisor's fixes),
`roster` (the units expected to report), `copies` (查重 signatures and matches).
"""
from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from pipeline import records
from pipeline.config import db_path, pipeline_version
from pipeline.store import readers

SCHEMA_VERSION = "3"

# The extracted tables' columns are declared once, with the records they come from
# (pipeline/records.py); the statements here only bring older databases up to date.
SCHEMA = "\n".join([
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);",
    *(t.ddl() for t in records.TABLES.values()),
    "-- databases created before schema 2 (their rows are re-extracted by the next ingest: new pipeline version)",
    "ALTER TABLE metrics ADD COLUMN IF NOT EXISTS base_value DOUBLE;",
    "ALTER TABLE metrics ADD COLUMN IF NOT EXISTS base_measure VARCHAR;",
    "-- schema 3 dropped term_counts.file_id",
    "ALTER TABLE term_counts DROP COLUMN IF EXISTS file_id;",
])

# ---------------------------------------------------------------- roster and corrections
# The supervisor's own data, kept apart from extracted rows: a re-ingest, a re-extraction or
# `--rebuild` (drop_all) never touches these tables. Corrections are keyed by what survives
# re-extraction - the file's content hash and the report's index in it; a metric or a
# shortcoming also by its exact text and its ordinal among items with that text - and are
# applied at read time through views stored with the schema (pipeline/store/effective.py).
# report_roster_match and metric_duplicates are derived: every writer recomputes them before
# publishing (roster.refresh_matches, effective.refresh_duplicates), so a new roster or a
# correction applies without re-ingest.
SUPERVISOR_SCHEMA = """
CREATE TABLE IF NOT EXISTS roster (
    name VARCHAR PRIMARY KEY, unit_type VARCHAR, region VARCHAR, aliases VARCHAR[], updated_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS corrections (
    target VARCHAR,               -- report | metric | shortcoming
    file_id VARCHAR, report_index INTEGER,
    item_text VARCHAR, item_ordinal INTEGER,   -- '' and -1 for a report
    field VARCHAR,                -- report: unit unit_type region year period is_report, item: category wrong
    value VARCHAR, original VARCHAR, who VARCHAR, corrected_at TIMESTAMP,
    PRIMARY KEY (target, file_id, report_index, item_text, item_ordinal, field));
CREATE TABLE IF NOT EXISTS report_roster_match (
    report_id VARCHAR PRIMARY KEY, roster_name VARCHAR, kind VARCHAR, score DOUBLE);
CREATE TABLE IF NOT EXISTS metric_duplicates (report_id VARCHAR, metric_index INTEGER);
"""
SUPERVISOR_TABLES = ("roster", "corrections", "report_roster_match", "metric_duplicates")
# ---------------------------------------------------------------- 查重 tables (pipeline/store/copies.py)
# Derived from `reports` by `copies.update` at the end of every write; keyed by report_id
# (a report's rows go when `copies.update` finds the report gone).
#   copy_templates   files marked as 范文 (`ingest --template`)
#   copy_signatures  MinHash signature per report (n_counted: comparable characters; fingerprint:
#                    what its rows were computed from - a change recomputes them)
#   copy_bands       (report_id, band, hash): candidate pairs are a self-join on (band, hash)
#   copy_matches     share of the report found in one source (containment), kind of source
#   copy_summary     总复制比 (share found in any source) and the largest single source
#   copy_flags       red flags (placeholder, other_unit, other_place, outdated_congress, ...)
COPY_SCHEMA = """
CREATE TABLE IF NOT EXISTS copy_templates (file_id VARCHAR PRIMARY KEY, marked_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS copy_signatures (
    report_id VARCHAR PRIMARY KEY, n_counted INTEGER, minhash UINTEGER[], fingerprint VARCHAR);
CREATE TABLE IF NOT EXISTS copy_bands (report_id VARCHAR, band SMALLINT, hash BIGINT);
CREATE TABLE IF NOT EXISTS copy_matches (
    report_id VARCHAR, source_report_id VARCHAR, share DOUBLE, kind VARCHAR, n_chars INTEGER);
CREATE TABLE IF NOT EXISTS copy_summary (
    report_id VARCHAR PRIMARY KEY, share DOUBLE, n_counted INTEGER, source_report_id VARCHAR,
    source_share DOUBLE, source_kind VARCHAR, n_sources INTEGER);
CREATE TABLE IF NOT EXISTS copy_flags (report_id VARCHAR, flag VARCHAR, detail VARCHAR);
"""
COPY_TABLES = ("copy_templates", "copy_signatures", "copy_bands", "copy_matches", "copy_summary", "copy_flags")
# ---------------------------------------------------------------- end of 查重 tables

CHILD_TABLES = ("sections", "metrics", "shortcomings", "term_counts")
TABLES = ("reports", *CHILD_TABLES)


def data_version(db: str | Path | None = None) -> tuple:
    """Changes whenever a writer publishes: key dashboard caches on it."""
    try:
        st = Path(db or db_path()).stat()
    except FileNotFoundError:
        return (0, 0, 0)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def read_connection(db: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection for one query or page run; close it when done.

    Readers never see a half-ingested file: writers work on a copy and publish it with an
    atomic rename (see `writer`), so whatever file a reader opens is complete. The connection
    is a cursor on a database kept per file and version (`readers`: the file ATTACHed to an
    in-memory DuckDB), so a query pays neither the ~25 ms open nor a cold cache.
    """
    path = Path(db or db_path())
    version = data_version(path)
    if version == (0, 0, 0):   # nothing published yet (maybe a first ingest is running): empty tables
        con = duckdb.connect(":memory:")
        init_schema(con)
        return con
    return readers.cursor(path, version)


def release_readers(db: str | Path | None = None) -> None:
    """Let go of the kept reader of `db` (all when None): before opening the published file
    for writing in this process (`connect`), and in tests that replace files by hand."""
    readers.release(db)


def connect(db: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database (creating it and its schema when writing)."""
    path = Path(db or db_path())
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    readers.release(path)         # DuckDB refuses to write a file this process reads
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    init_schema(con)
    return con


class StoreError(RuntimeError):
    """The database cannot be written or read; the message (Chinese) says what to do."""


class WriterBusy(StoreError):
    """Another ingest holds the write lock."""


class ReadOnlyStore(StoreError):
    """The database's folder cannot be written (permissions, a read-only mount)."""


def _lock_holder(lock_path: Path) -> str:
    """Who holds the lock, as the pid the holder wrote into the lock file (and whether it lives)."""
    import os

    try:
        pid = int(lock_path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return "未知进程"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return f"进程 {pid}(已退出,锁由它留下的子进程持有)"
    except PermissionError:
        pass
    return f"进程 {pid}"


def _no_space(exc: BaseException) -> bool:
    import errno

    return (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left" in str(exc)


def _cant_write(path: Path, exc: OSError) -> StoreError:
    return ReadOnlyStore(f"无法写入数据库所在文件夹 {path.parent}({exc.strerror or exc}):"
                      f"请检查该文件夹的权限(需可写)或用 --db 指定其他位置。")


@contextlib.contextmanager
def write_lock(db: str | Path | None = None, wait: float | None = None) -> Iterator[None]:
    """Hold `<db>.lock` exclusively: ingests queue up, one at a time.

    The descriptor is close-on-exec and worker processes are started from a fork server
    (see `ingest._pool`), so no worker ever holds it: a killed ingest frees the lock at
    once. The holder writes its pid into the file, so a waiter can say who it waits for.
    `wait`: seconds to wait (None: the `ZONGJIE_LOCK_WAIT` setting); raises WriterBusy after.
    """
    import fcntl
    import os
    import time

    from pipeline.limits import lock_wait

    path = Path(db or db_path())
    lock_path = path.with_name(path.name + ".lock")
    wait = lock_wait() if wait is None else wait
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise _cant_write(path, exc) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WriterBusy(
                        f"另一个导入任务({_lock_holder(lock_path)})正在写入 {path.name},已等待 {wait:.0f} 秒;"
                        f"请等它结束后再试(等待时长见 ZONGJIE_LOCK_WAIT)。") from None
                time.sleep(0.2)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass          # the pid is a courtesy for waiters; the lock itself is held
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _identity(path: Path) -> str:
    """What a working copy was copied from: the published file's inode, size and mtime."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return "absent"
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def _stale(building: Path, published: Path) -> str | None:
    """Why a leftover working copy must not be resumed, or None when it may be."""
    src = building.with_name(building.name + ".src")
    try:
        recorded = src.read_text().strip()
    except OSError:
        return "来源未记录"
    if recorded != _identity(published):
        return ("已发布的数据库在中断之后被删除" if not published.exists()
                else "已发布的数据库在中断之后被替换(例如恢复了备份)")
    try:
        duckdb.connect(str(building)).close()
    except Exception:
        return "工作副本已损坏"
    return None


def _leftovers(building: Path) -> list[Path]:
    return [building.with_name(building.name + s) for s in ("", ".wal", ".partial", ".src")]


def _discard(building: Path) -> None:
    for p in _leftovers(building):
        p.unlink(missing_ok=True)


@contextlib.contextmanager
def writer(db: str | Path | None = None, wait: float | None = None, note: Callable[[str], None] | None = None,
           locked: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one way to write: a connection to a working copy, published atomically.

    DuckDB allows one writing process or many reading ones, never both. So a writer
    (1) takes an exclusive lock file `<db>.lock` (`write_lock`; `locked=True`: the caller
        holds it already) - ingests queue up, one at a time;
    (2) works on `<db>.building`, a copy of the database, one transaction per file;
    (3) on exit checkpoints and renames the copy over `<db>` (atomic on POSIX).
    Readers keep reading the old file meanwhile and see the new one on their next
    connection. If the process is killed, `<db>` is untouched and the working copy holds
    only whole files; the next writer resumes from it, so a rerun converges - but only if
    the published file is still the one the copy was made from (`<db>.building.src`
    records its identity): a restored backup or a deleted database is never overwritten
    by an old copy; the copy is discarded and `note` is told why.
    A full disk removes the working copy (so the disk is not left full) and raises
    StoreError; the published file is untouched either way.
    """
    if not locked:
        with write_lock(db, wait):
            with writer(db, note=note, locked=True) as con:
                yield con
        return
    import os
    import shutil

    path = Path(db or db_path())
    building = path.with_name(path.name + ".building")
    check_writable(path)          # a table-less file gets the schema below
    con = None
    try:
        try:
            if building.exists():
                why = _stale(building, path)
                if why:
                    _discard(building)
                    if note:
                        note(f"上次中断留下的工作副本未续用({why}),已删除;本次从当前数据库开始。")
            if not building.exists():
                partial = building.with_name(building.name + ".partial")
                building.with_name(building.name + ".src").write_text(_identity(path))
                if path.exists():
                    shutil.copyfile(path, partial)      # a kill mid-copy leaves only .partial behind
                    os.replace(partial, building)
            # one DuckDB thread: the CPUs belong to the worker processes during an ingest;
            # a memory limit: by default DuckDB keeps up to 80% of RAM of pages cached
            from pipeline import settings

            con = duckdb.connect(str(building), config={
                "threads": 1, "memory_limit": f"{settings.get('ZONGJIE_WRITER_MEM_MB')}MB"})
            init_schema(con)
        except (OSError, duckdb.Error) as exc:
            if con is not None:
                con.close()
                con = None
            if _no_space(exc):
                _discard(building)
                raise StoreError(f"磁盘空间不足,无法写入 {path.parent}:已删除未完成的工作副本,已发布的数据库未受影响;"
                                 f"请释放空间后重新导入。") from None
            if isinstance(exc, PermissionError):
                raise _cant_write(path, exc) from None
            raise
        try:
            yield con
        except BaseException as exc:
            if _no_space(exc):         # free the disk: a leftover copy would keep it full
                con.close()
                con = None
                _discard(building)
                raise StoreError(f"磁盘空间不足,导入中断:已删除未完成的工作副本,已发布的数据库未受影响;"
                                 f"请释放 {path.parent} 所在磁盘的空间后重新导入。") from None
            if isinstance(exc, duckdb.Error):
                raise  # the database itself failed: keep the copy aside, publish nothing
            _refresh_derived(con, note)
            _publish(con, building, path)  # committed files are whole: keep what landed
            con = None
            raise
        try:
            _refresh_derived(con, note)
            _publish(con, building, path)
        except (OSError, duckdb.Error) as exc:
            con = None
            if _no_space(exc):
                _discard(building)
                raise StoreError("磁盘空间不足,无法完成发布:已删除工作副本,已发布的数据库未受影响;"
                                 "请释放空间后重新导入。") from None
            raise
        con = None
    finally:
        if con is not None:
            con.close()


def use_all_cores(con) -> None:
    """Let a writer's connection use every core: from when an ingest's worker processes
    have finished (the writer starts on one thread so as not to compete with them)."""
    import os

    con.execute(f"SET threads = {os.cpu_count() or 1}")


# Derived tables and views over the supervisor's tables are refreshed by the modules that own
# them (pipeline/store/roster.py, pipeline/store/effective.py), which register here when imported, so the
# store (and with it the extraction version) does not depend on them.
_ON_SCHEMA: list[Callable] = []      # fn(con) after the schema is created: views
_ON_PUBLISH: list[Callable] = []     # fn(con) before a writer publishes: derived tables
_LABELS: dict[Callable, str] = {}    # what each publish hook keeps, for a failure note


def on_schema(fn: Callable) -> Callable:
    if fn not in _ON_SCHEMA:
        _ON_SCHEMA.append(fn)
    return fn


def on_publish(fn: Callable, first: bool = False, label: str | None = None) -> Callable:
    """Run `fn(con)` before every publish; `first`: before the hooks already registered (a
    hook others read from, such as corrections.carry_over); `label`: what it keeps, in the
    words a failure note uses."""
    if fn not in _ON_PUBLISH:
        _ON_PUBLISH.insert(0, fn) if first else _ON_PUBLISH.append(fn)
    _LABELS[fn] = label or fn.__name__
    return fn


def _refresh_derived(con, note: Callable[[str], None] | None = None) -> None:
    """Derived tables every write keeps current before publishing (roster matches, restated
    metrics, summaries): they depend on extracted rows, the roster and corrections alike.
    A failing one does not stop the publish (the rows are whole; the next write retries) but
    is never silent: `note` is told which and why."""
    for refresh in _ON_PUBLISH:
        try:
            refresh(con)
        except duckdb.Error as exc:
            if note:
                why = "写入进程内存不足" if isinstance(exc, duckdb.OutOfMemoryException) else \
                    str(exc).splitlines()[0][:120]
                note(f"{_LABELS.get(refresh, refresh.__name__)}未能更新({why}):导入的报告已保存,"
                     f"下次导入时重试。")


def _publish(con, building: Path, path: Path) -> None:
    import os

    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(building, path)
    building.with_name(building.name + ".src").unlink(missing_ok=True)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def diagnose(db: str | Path | None = None) -> str | None:
    """What is wrong with the published database, in words for the user, or None when it
    reads fine. A missing file is not an error here (nothing imported yet)."""
    problem = _diagnose(Path(db or db_path()))
    return problem[1] if problem else None


def check_writable(db: str | Path | None = None) -> str | None:
    """Raise StoreError when the published database cannot be used at all (corrupt, not a
    file, unreadable); return the message when it merely lacks our tables (the writer
    creates them), else None."""
    problem = _diagnose(Path(db or db_path()))
    if problem and problem[0] != "tableless":
        raise StoreError(problem[1])
    return problem[1] if problem else None


def _diagnose(path: Path) -> tuple[str, str] | None:
    if not path.exists():
        return None
    if not path.is_file():
        return "notfile", f"数据库路径 {path} 不是文件:请检查 ZONGJIE_DB 设置。"
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            return None
        if "permission" in str(exc).lower():
            return "unreadable", f"无法读取数据库文件 {path}(权限不足):请检查文件权限。"
        return "corrupt", (f"数据库文件 {path.name} 已损坏或不是 DuckDB 数据库,无法打开:请把它改名备份,"
                           f"然后重新导入报告(python -m pipeline ingest 文件夹,或在数据导入页上传)。")
    except OSError as exc:
        return "unreadable", f"无法读取数据库文件 {path}({exc.strerror or exc}):请检查文件权限。"
    try:
        have = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    except duckdb.Error:
        return "corrupt", f"数据库文件 {path.name} 已损坏,无法读取表结构:请把它改名备份,然后重新导入报告。"
    finally:
        con.close()
    missing = [t for t in ("files", "reports") if t not in have]
    if missing:
        return "tableless", (f"数据库文件 {path.name} 中没有报告数据表({'、'.join(missing)}):它不是本看板的数据库"
                             f"或尚未导入完成;请重新导入报告,或检查 ZONGJIE_DB 设置。")
    return None


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)
    con.execute(SUPERVISOR_SCHEMA)
    con.execute(COPY_SCHEMA)
    for hook in _ON_SCHEMA:
        hook(con)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])


def drop_all(con: duckdb.DuckDBPyConnection) -> None:
    for t in (*TABLES, *COPY_TABLES, "files", "file_paths", "rejects", "meta"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    init_schema(con)


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


# ---------------------------------------------------------------- reads used by ingest
def index(con) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Everything ingest needs to plan, in two queries: {path: (file_id, version)}, {file_id: version}."""
    paths = {p: (f, v) for p, f, v in con.execute(
        "SELECT p.path, p.file_id, f.pipeline_version FROM file_paths p JOIN files f USING (file_id)").fetchall()}
    contents = dict(con.execute("SELECT file_id, pipeline_version FROM files").fetchall())
    return paths, contents


# ---------------------------------------------------------------- writes
def _delete_files(con, file_ids: str, params: list | None = None) -> None:
    """Remove stored content: `file_ids` is SQL naming the file_ids (a `?` or a sub-query).
    term_counts rows are found through their reports, so they go first."""
    con.execute(f"DELETE FROM term_counts WHERE report_id IN "
                f"(SELECT report_id FROM reports WHERE file_id IN ({file_ids}))", params or [])
    for t in (*TABLES, "files"):
        if t != "term_counts":
            con.execute(f"DELETE FROM {t} WHERE file_id IN ({file_ids})", params or [])


def _repoint(con, paths: list[str], change: Callable[[], None]) -> None:
    """Run `change` (which re-points or removes `paths` in file_paths), then tidy up after it,
    looking only at what those paths held before, so the cost follows the batch, not the
    database (a whole-table check per batch made a first ingest quadratic):
    - a content no path points at any more (a changed file's old version) is removed;
    - a report whose `source` was one of these paths, and whose content that path no longer
      holds, names a path that still holds it (a.txt and b.txt were twins, a.txt changed:
      the old reports now come from b.txt)."""
    old = [f for (f,) in con.execute(
        "SELECT DISTINCT file_id FROM file_paths WHERE path IN (SELECT unnest(?::VARCHAR[]))", [paths]).fetchall()]
    change()
    orphans = [f for (f,) in con.execute("SELECT f FROM unnest(?::VARCHAR[]) t(f) "
                                         "WHERE f NOT IN (SELECT file_id FROM file_paths)", [old]).fetchall()]
    if orphans:     # (each DELETE scans its table, so none are run for nothing)
        _delete_files(con, "SELECT unnest(?::VARCHAR[])", [orphans])
    con.execute("""
        UPDATE reports SET source = (SELECT min(p.path) FROM file_paths p WHERE p.file_id = reports.file_id)
        WHERE source IN (SELECT unnest(?::VARCHAR[]))
          AND NOT EXISTS (SELECT 1 FROM file_paths p WHERE p.file_id = reports.file_id AND p.path = reports.source)""",
                [paths])


def record_paths(con, pairs: list[tuple[str, str]]) -> None:
    """Point each path at already-stored content (an unchanged file, a duplicate under a new
    name, a rename), all in one transaction: re-pointing them one by one could orphan - and
    delete - a content that a later pair still needs (two files that swapped names)."""
    if not pairs:
        return
    now = datetime.now()

    def change() -> None:
        con.executemany("INSERT OR REPLACE INTO file_paths VALUES (?, ?, ?)", [[p, f, now] for p, f in pairs])

    with transaction(con):
        _repoint(con, [p for p, _ in pairs], change)
        con.execute("DELETE FROM rejects WHERE path IN (SELECT unnest(?::VARCHAR[]))", [[p for p, _ in pairs]])




def record_reject(con, path: str, reason: str) -> None:
    """A path that now holds a broken file no longer holds its old reports: the database
    mirrors what the files say today, and `rejects` says why this one is missing."""
    with transaction(con):
        con.execute("INSERT OR REPLACE INTO rejects VALUES (?, ?, ?)", [path, reason, datetime.now()])
        _repoint(con, [path], lambda: con.execute("DELETE FROM file_paths WHERE path = ?", [path]))


def report_id(file_id: str, index: int) -> str:
    return f"{file_id[:16]}-{index}"


_COLUMNS = {t: records.TABLES[t].names for t in TABLES}


def _columns(results: list) -> dict[str, dict[str, list]]:
    """Processed files -> one dict of column lists per table (cheap to hand to Arrow).

    Each row is the record's stored fields (`records.Table.getter`, one C call for plain
    fields) beside the keys the writer supplies (report_id, file_id, metric_index)."""
    out = {t: {c: [] for c in cols} for t, cols in _COLUMNS.items()}
    plan = {}
    for t in ("reports", "sections", "metrics", "shortcomings"):
        spec = records.TABLES[t]
        plan[t] = (spec.getter(), [out[t][c.name] for c in spec.fields()])
    (rep_get, rep_cols), (sec_get, sec_cols), (met_get, met_cols), (sho_get, sho_cols) = (
        plan[t] for t in ("reports", "sections", "metrics", "shortcomings"))
    rep, sec, met, sho, ter = (out[t] for t in ("reports", "sections", "metrics", "shortcomings", "term_counts"))
    for res in results:
        fid = res.file_id
        for r in res.reports:
            rid = report_id(fid, r.report_index)
            rep["report_id"].append(rid)
            rep["file_id"].append(fid)
            rep["source"].append(res.path)
            for col, v in zip(rep_cols, rep_get(r)):
                col.append(v)
            _rows(sec, sec_cols, sec_get, r.sections, rid, fid)
            _rows(met, met_cols, met_get, r.metrics, rid, fid)
            met["metric_index"].extend(range(len(r.metrics)))
            _rows(sho, sho_cols, sho_get, r.shortcomings, rid, fid)
            n = len(r.terms)
            ter["report_id"].extend([rid] * n)
            ter["term"].extend(r.terms.keys())
            ter["n"].extend(r.terms.values())
    return out


def _rows(table: dict, cols: list, get, items: list, rid: str, fid: str) -> None:
    """One report's `items` (sections, metrics or shortcomings) appended to `table`'s columns."""
    n = len(items)
    table["report_id"].extend([rid] * n)
    table["file_id"].extend([fid] * n)
    for item in items:
        for col, v in zip(cols, get(item)):
            col.append(v)


def arrow_tables(results: list, version: str | None = None) -> dict:
    """Processed files -> one Arrow table per stored table (files, file_paths, reports, …).

    This columnar form is the hand-off between the per-file stages and the store: the
    local ingest writes it to DuckDB (`write_tables`), a distributed run writes it as
    Parquet (`engines.write_parts`) and `pipeline load` brings it in later - same rows either way.
    """
    import pyarrow as pa

    version = version or pipeline_version()
    now = datetime.now()
    cols = _columns(results)
    files = records.FILES
    rows = list(map(files.getter(), results))
    cols["files"] = {c.name: [row[k] for row in rows] for k, c in enumerate(files.fields())}
    cols["files"].update(pipeline_version=[version] * len(results), ingested_at=[now] * len(results))
    cols["file_paths"] = {"path": [r.path for r in results], "file_id": [r.file_id for r in results],
                          "seen_at": [now] * len(results)}
    return {t: pa.table({c.name: cols[t][c.name] for c in records.TABLES[t].columns},
                        schema=records.arrow_schema(records.TABLES[t])) for t in cols}


def write_tables(con, tables: dict) -> int:
    """Store Arrow tables from `arrow_tables` in ONE transaction: each file replaces whatever
    was stored for its content and path; a transaction holds whole files only (batching
    keeps DuckDB's per-commit cost off the hot path). Returns the number of reports."""
    if not tables or tables["files"].num_rows == 0:
        return 0
    with transaction(con):
        con.register("_files", tables["files"])
        con.register("_paths", tables["file_paths"])
        try:
            # only contents stored before need clearing (a re-run after a crash, a new pipeline version)
            if con.execute("SELECT count(*) FROM files WHERE file_id IN (SELECT file_id FROM _files)").fetchall()[0][0]:
                _delete_files(con, "SELECT file_id FROM _files")
            for t in ("files", *TABLES):
                _insert_arrow(con, t, tables[t])

            def swap() -> None:
                con.execute("DELETE FROM file_paths WHERE path IN (SELECT path FROM _paths)")
                con.execute("INSERT INTO file_paths SELECT path, file_id, seen_at FROM _paths")

            _repoint(con, tables["file_paths"].column("path").to_pylist(), swap)
            con.execute("DELETE FROM rejects WHERE path IN (SELECT path FROM _paths)")
        finally:
            con.unregister("_files")
            con.unregister("_paths")
    return tables["reports"].num_rows


def _insert_arrow(con, table: str, tbl) -> None:
    if tbl.num_rows == 0:
        return
    names = ", ".join(tbl.column_names)
    con.register("_rows", tbl)
    try:
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _rows")
    finally:
        con.unregister("_rows")


def write_files(con, results: list, version: str | None = None) -> int:
    """Store several processed files in one transaction."""
    return write_tables(con, arrow_tables(results, version)) if results else 0


PARQUET_TABLES = ("files", "file_paths", *TABLES)     # what a map writes (pipeline/engines.py)


def counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("files", "file_paths", "rejects", *TABLES)}
