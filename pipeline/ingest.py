"""Run the per-file chain over many files and store the results.

Take the write lock, plan, then write. The plan runs under the lock (a queued ingest sees
what the one before it published), reads the published database (never blocking the
dashboard) and hashes every file: an unchanged file (same path, content and pipeline version) is
skipped, the same content under a second name is recorded without re-processing, a
changed file is re-processed and replaces its reports. When nothing needs writing, the
database is not touched at all. Otherwise the per-file stages run in worker processes
(a bounded number of files in flight, so memory stays flat however large the corpus),
and the parent writes their results through `store.writer` in batches: one transaction
holds whole files only. A file that fails is recorded in `rejects` with its reason and
the batch goes on - also when the file kills its worker (see `_run`); the per-file limits
are in `limits.py`.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import duckdb

from pipeline.store import corrections, roster  # noqa: F401  (register the roster's and corrections' derived tables and carry-over with the writer)
from pipeline.store import check_sentences  # noqa: F401  (registers the 考核 candidate sentences with the writer)
from pipeline import limits, rules, settings, store
from pipeline.config import MAX_FILE_BYTES, pipeline_version
from pipeline.load.document import SKIP_NAMES  # noqa: F401  (shared with the upload page)
from pipeline.load.manifest import ManifestError, read_manifest  # noqa: F401  (parsed in one place for the CLI and the 数据导入 page)
from pipeline.extract.process import FileResult, process_document
from pipeline.load.read import Rejected, read_path

# Files per write transaction: each commit costs DuckDB tens of milliseconds, so batches are
# large (bench: 64 files/commit 2.6 ms/file, 160 files 1.3 ms/file); a crash loses at most
# one batch of work, never a half file.
BATCH_FILES = settings.get("ZONGJIE_BATCH_FILES")
BATCH_TERMS = 250_000     # ... or fewer, when their term rows add up to this (bounds memory)


@dataclass
class Summary:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    reports: int = 0
    notes: list[str] = field(default_factory=list)     # what the writer had to decide (a stale copy discarded)
    copy_seconds: float = 0.0          # time spent bringing the 查重 tables up to date
    copy_stats: dict = field(default_factory=dict)   # reports signed / compared by that step

    def line(self) -> str:
        return (f"导入 {len(self.ingested)} 个文件({self.reports} 篇报告),未变 {len(self.unchanged)} 个,"
                f"拒收 {len(self.rejected)} 个")


def display_name(path: str) -> str:
    """A path as text that can be stored and shown: names that are not UTF-8 (a zip made on
    Windows carries GBK) arrive as surrogate escapes; they are decoded as GB18030 when that
    reads, else their bad bytes are shown as \\xNN. The file itself is still opened by its
    real name."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        pass
    raw = os.fsencode(path)
    parts = []
    for part in raw.split(b"/"):
        try:
            parts.append(part.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                parts.append(part.decode("gb18030"))
            except UnicodeDecodeError:
                parts.append(part.decode("utf-8", "backslashreplace"))
    return "/".join(parts)


def expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to read, and (path, reason) for what was skipped.

    Folders are walked recursively in a stable order; hidden files and notes are passed
    over. Only regular files are read, and only when their real path stays inside the
    folder given: a link to /etc/shadow, a link out of the folder, a FIFO or a device is
    skipped with its reason (reading a FIFO would block the batch forever).
    """
    out: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            root = os.path.realpath(p)
            for dirpath, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for d in dirs:
                    if os.path.islink(os.path.join(dirpath, d)):
                        skipped.append((os.path.join(dirpath, d), "符号链接指向的文件夹,未跟随(已跳过)"))
                for f in sorted(files):
                    if f.startswith(".") or f.lower().startswith(SKIP_NAMES):
                        continue
                    full = os.path.join(dirpath, f)
                    why = _unsafe(full, root)
                    if why:
                        skipped.append((full, why))
                    else:
                        out.append(Path(full))
        else:
            out.append(p)
    return out, skipped


def _unsafe(path: str, root: str) -> str | None:
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "符号链接循环(已跳过)"
        return "符号链接指向的文件不存在(已跳过)" if os.path.islink(path) else "文件无法访问(已跳过)"
    real = os.path.realpath(path)
    if os.path.islink(path) and os.path.commonpath([real, root]) != root:
        return "符号链接指向导入文件夹之外,为安全起见已跳过"
    if not stat.S_ISREG(st.st_mode):
        kind = "管道(FIFO)" if stat.S_ISFIFO(st.st_mode) else "设备或套接字" if not stat.S_ISDIR(st.st_mode) else "文件夹"
        return f"不是普通文件({kind}),已跳过"
    return None


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The files `expand` would read."""
    return expand(paths)[0]


def _manifest_applied(stored: list[tuple], row: dict | None) -> bool:
    """Whether the stored reports already carry what the manifest row says (so a manifest
    given or edited after a first ingest still reaches files whose content did not change)."""
    from pipeline.extract.attribute import manifest_values

    want = manifest_values(row)
    if not want:
        return True
    for unit, year, unit_type, region, period, sources in stored:
        have = dict(unit=unit, year=year, unit_type=unit_type, region=region, period=period)
        src = json.loads(sources or "{}")
        if any(have[k] != v or src.get(k) != "manifest" for k, v in want.items()):
            return False
    return True


def _work(item: tuple[str, dict | None, str]) -> FileResult | tuple[str, str]:
    """One file -> its result, or (display path, reason): never raises, so one file cannot
    stop the batch. `item` is (real path, manifest row, path as stored and shown)."""
    path, manifest, shown = item
    try:
        with limits.file_budget():
            # the name as shown: a GBK-named file's unit and year can come from its name
            return process_document(read_path(path), manifest, display_path=shown)
    except Rejected as exc:
        return shown, str(exc)
    except limits.FileTimeout:
        return shown, f"处理超时(超过 {limits.file_timeout():.0f} 秒,ZONGJIE_FILE_TIMEOUT),已跳过"
    except MemoryError:
        return shown, f"处理该文件所需内存超过上限({limits.worker_mem_mb()} MB,ZONGJIE_WORKER_MEM_MB),已跳过"
    except OSError as exc:
        return shown, f"无法读取:{exc.strerror or exc}"
    except Exception as exc:  # a bug must not stop the batch; the message names it
        return shown, f"处理出错({type(exc).__name__}: {display_name(str(exc))[:300]})"


def _progress_bar(done: int, total: int, name: str) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Plan:
    process: list[tuple[str, dict | None]] = field(default_factory=list)
    alias: list[tuple[str, str]] = field(default_factory=list)      # (path, file_id) of content stored before
    twin: list[tuple[str, str, str]] = field(default_factory=list)  # (path, file_id, the path processed for it)
    reject: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def plan(files: list[Path], db, manifest: dict[str, dict], version: str, rebuild: bool) -> Plan:
    """Decide per file what to do, reading only the published database (under the write
    lock: a queued ingest plans from what the one before it published)."""
    problem = store.check_writable(db)
    con = store.read_connection(db if not problem else Path("/nonexistent/zongjie-empty.duckdb"))  # table-less: plan as if empty
    stored: dict[str, list[tuple]] = {}
    try:
        paths, contents = ({}, {}) if rebuild else store.index(con)
        if manifest and not rebuild:
            for fid, *values in con.execute(
                    "SELECT file_id, unit, year, unit_type, region, period, sources FROM reports").fetchall():
                stored.setdefault(fid, []).append(tuple(values))
    finally:
        con.close()
    out, queued = Plan(), {}
    for f in files:
        real = str(f)
        key = display_name(real)
        try:
            st = f.stat()
            if not stat.S_ISREG(st.st_mode):
                raise Rejected("不是普通文件(文件夹、管道或设备),已跳过")
            size = st.st_size
            if size > MAX_FILE_BYTES:
                raise Rejected(f"文件过大({size / 1048576:.0f} MB),上限 {MAX_FILE_BYTES // 1048576} MB")
            if size == 0:
                raise Rejected("空文件(0 字节)")
            fid = file_hash(f)
        except FileNotFoundError:
            out.reject.append((key, "文件不存在"))
            continue
        except Rejected as exc:
            out.reject.append((key, str(exc)))
            continue
        except OSError as exc:
            out.reject.append((key, f"无法读取:{exc.strerror or exc}"))
            continue
        row = manifest.get(key) or manifest.get(real) or manifest.get(f.name) or manifest.get(display_name(f.name))
        applied = _manifest_applied(stored.get(fid, []), row) if row else True
        if paths.get(key) == (fid, version) and applied:
            out.unchanged.append(key)
        elif contents.get(fid) == version and applied:
            out.alias.append((key, fid))           # same content as a stored file
        elif fid in queued:
            out.twin.append((key, fid, queued[fid]))   # same content twice in this batch: process once
        else:
            queued[fid] = key
            out.process.append((real, row, key))
    return out


def _copies_pending(db) -> bool:
    """Whether some stored report's 查重 rows are missing or stale (an ingest killed before
    its last step, edited 查重 code): then even an ingest with nothing new opens the writer."""
    from pipeline.store import copies

    con = store.read_connection(db)
    try:
        return bool(copies.stale(con))
    except Exception:
        return False
    finally:
        con.close()


def _update_copies(con, summary: Summary, templates: list[str] | None = None, presigned: dict | None = None) -> None:
    """The 查重 step, last in every write: only new, changed or affected reports are compared."""
    import time

    from pipeline.store import copies

    t0 = time.perf_counter()
    try:
        with store.transaction(con):
            if templates:
                copies.mark_templates(con, templates)
            summary.copy_stats = copies.update(con, presigned)
    except duckdb.OutOfMemoryException:
        # The reports are written; only this step's rows are rolled back. Its reports stay
        # unsigned, so the next ingest compares them again.
        summary.notes.append(f"查重未完成:写入进程内存不足(上限 {settings.get('ZONGJIE_WRITER_MEM_MB')} MB),"
                             "报告已全部导入,查重结果暂未更新;可调大 ZONGJIE_WRITER_MEM_MB 后再次导入同一批文件。")
    except (OSError, BrokenProcessPool) as exc:
        # the same for its temporary files (texts and k-runs for the comparison processes)
        # finding no room, or a comparison process killed (by the system, for memory)
        why = "临时目录空间不足" if isinstance(exc, OSError) and exc.errno == errno.ENOSPC else \
            ("比对进程意外终止(可能内存不足)" if isinstance(exc, BrokenProcessPool) else f"系统错误:{exc.strerror or exc}")
        summary.notes.append(f"查重未完成:{why},报告已全部导入,查重结果暂未更新;再次导入同一批文件即可补做查重。")
    summary.copy_seconds += time.perf_counter() - t0


def ingest_paths(paths: Iterable[str | Path], db: str | Path | None = None, manifest: str | Path | None = None,
                 workers: int | None = None, rebuild: bool = False,
                 progress: Callable[[int, int, str], None] | None = None, template: bool = False) -> Summary:
    """`template`: the files are known 范文 (templates), sources in 查重 for reports of any year."""
    rules.check_all()                      # a broken rules file stops here: nothing opened, nothing written
    files, skipped = expand(paths)
    man = read_manifest(manifest)
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(store.write_lock(db))
        except store.ReadOnlyStore:
            # a read-only deployment re-running its ingest: fine as long as there is nothing to write
            todo = plan(files, db, man, pipeline_version(), rebuild)
            if skipped or todo.process or todo.alias or todo.twin or todo.reject or rebuild or template \
                    or _copies_pending(db):
                raise
            return Summary(unchanged=list(todo.unchanged))
        return _ingest_locked(files, skipped, db, man, workers, rebuild, progress, template)


def _ingest_locked(files, skipped, db, man, workers, rebuild, progress, template) -> Summary:
    version = pipeline_version()
    todo = plan(files, db, man, version, rebuild)
    todo.reject[:0] = [(display_name(p), why) for p, why in skipped]
    summary = Summary(unchanged=list(todo.unchanged))
    total, done = len(files) + len(skipped), len(todo.unchanged)

    def tick(name: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, name)

    if progress and done:
        progress(done, total, "")
    if not (todo.process or todo.alias or todo.twin or todo.reject or rebuild or template) \
            and not _copies_pending(db):
        return summary                     # nothing to write: the database is left alone
    with store.writer(db, note=summary.notes.append, locked=True) as con:
        if rebuild:
            store.drop_all(con)
        # Paths that now hold content stored before go first, all in one step: a change
        # elsewhere in this run (a.txt edited, its old text now in c.txt; two files swapped)
        # must not find that content unreferenced and delete it before they point at it.
        if todo.alias:
            store.record_paths(con, todo.alias)
            for key, _ in todo.alias:
                summary.unchanged.append(key)
                tick(Path(key).name)
        for key, reason in todo.reject:
            store.record_reject(con, key, reason)
            summary.rejected.append((key, reason))
            tick(Path(key).name)
        batch: list[FileResult] = []
        terms = 0
        from pipeline.store import copies

        presigned = copies.Presigned()     # report_id -> 查重 signature from the workers

        def flush() -> None:
            nonlocal batch, terms
            if batch:
                for res in batch:
                    for r in res.reports:
                        if r.copy_sig is not None:
                            presigned.add(store.report_id(res.file_id, r.report_index), r.copy_sig)
                summary.reports += store.write_files(con, batch, version)
                summary.ingested.extend(r.path for r in batch)
                batch, terms = [], 0

        for result in _run(todo.process, workers):
            if isinstance(result, tuple):
                path, reason = result
                store.record_reject(con, path, reason)
                summary.rejected.append((path, reason))
                tick(Path(path).name)
                continue
            batch.append(result)
            terms += sum(len(r.terms) for r in result.reports)
            tick(Path(result.path).name)
            if len(batch) >= BATCH_FILES or terms >= BATCH_TERMS:
                flush()
        # the workers are gone: the writer's last steps (the last batch, 查重, the derived
        # tables, the checkpoint) get every core (10,000 reports: sum_terms 2.3 -> 1.5 s)
        store.use_all_cores(con)
        flush()
        # a twin shares its content's fate: stored by now, or rejected with the same reason
        why = dict(summary.rejected)
        store.record_paths(con, [(key, fid) for key, fid, first in todo.twin if first not in why])
        for key, fid, first in todo.twin:
            if first in why:
                store.record_reject(con, key, why[first])
                summary.rejected.append((key, why[first]))
            else:
                summary.unchanged.append(key)
            tick(Path(key).name)
        _update_copies(con, summary, [display_name(str(f)) for f in files] if template else None, presigned)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('pipeline_version', ?)", [version])
    return summary


def _work_chunk(items: list[tuple[str, dict | None, str]]) -> list[FileResult | tuple[str, str]]:
    return [_work(item) for item in items]


# Files per task sent to a worker: fewer, larger messages cut the parent's per-file
# bookkeeping (futures, queue wake-ups, pickling), which competes with the workers for CPU.
TASK_FILES = 4


def _pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes started from a fork server, never forked from the writer: they
    inherit none of its descriptors (the write lock above all), die with the ingest
    (`limits.worker_init`) and run each file under the time and memory limits."""
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["pipeline.warm"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=limits.worker_init,
                               initargs=(os.getpid(), limits.worker_state()))


def _crashed(item) -> tuple[str, str]:
    return item[2], (f"处理该文件时工作进程意外终止(可能超出内存上限 {limits.worker_mem_mb()} MB"
                     f"或处理时间上限 {limits.file_timeout():.0f} 秒),已跳过;其余文件照常导入")


def _alone(item) -> FileResult | tuple[str, str]:
    """One file in a fresh one-worker pool: if the worker dies again, this file did it."""
    pool = _pool(1)
    try:
        return pool.submit(_work, item).result()
    except BrokenProcessPool:
        return _crashed(item)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run(todo: list, workers: int | None) -> Iterator[FileResult | tuple[str, str]]:
    """Results in input order, with a bounded number of files in flight (flat memory).

    The window is two write batches deep: while the parent commits one batch, the workers
    keep going on the next instead of idling (measured: a window of 32 files left them
    waiting during each commit, ~10% of the wall time at 2,500 files).

    A worker that dies (the OOM killer, a CPU-time cap, a crash in a C library) breaks the
    pool: the files then in flight are retried one by one in fresh pools, the one that
    kills its worker again is rejected with a reason, and the batch goes on.
    `workers=1` runs in this process (debugging, tests): no time or memory limits then.
    """
    if workers == 1:
        yield from map(_work, todo)
        return
    if not todo:
        return
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    window = max(workers * 16, 2 * BATCH_FILES) // TASK_FILES
    k = 0                                    # next file to submit
    while True:
        pool = _pool(workers)
        pending: deque = deque()            # (first file index, future)
        broken = False
        try:
            while k < len(todo) or pending:
                while k < len(todo) and len(pending) < window:
                    pending.append((k, pool.submit(_work_chunk, todo[k:k + TASK_FILES])))
                    k += TASK_FILES
                try:
                    chunk = pending[0][1].result()
                except BrokenProcessPool:
                    broken = True
                    break
                pending.popleft()
                yield from chunk
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if not broken:
            return
        for item in todo[pending[0][0]:min(k, len(todo))]:
            yield _alone(item)
        if k >= len(todo):
            return
