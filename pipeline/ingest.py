"""Run the per-file chain over many files and store the results.

Plan, then write. The plan reads the published database (never blocking the dashboard)
and hashes every file: an unchanged file (same path, content and pipeline version) is
skipped, the same content under a second name is recorded without re-processing, a
changed file is re-processed and replaces its reports. When nothing needs writing, the
database is not touched at all. Otherwise the per-file stages run in worker processes
(a bounded number of files in flight, so memory stays flat however large the corpus),
and the parent writes their results through `store.writer` in batches: one transaction
holds whole files only. A file that fails is recorded in `rejects` with its reason and
the batch goes on.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import rules, settings, store
from .config import MAX_FILE_BYTES, pipeline_version
from .document import SKIP_NAMES  # noqa: F401  (shared with the upload page)
from .manifest import ManifestError, read_manifest  # noqa: F401  (parsed in one place for the CLI and the 数据导入 page)
from .process import FileResult, process_path
from .read import Rejected

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
    copy_seconds: float = 0.0          # time spent bringing the 查重 tables up to date
    copy_stats: dict = field(default_factory=dict)   # reports signed / compared by that step

    def line(self) -> str:
        return (f"导入 {len(self.ingested)} 个文件({self.reports} 篇报告),未变 {len(self.unchanged)} 个,"
                f"拒收 {len(self.rejected)} 个")


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files, and folders walked recursively, in a stable order; hidden files and notes skipped."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith(".") and not f.lower().startswith(SKIP_NAMES):
                        out.append(Path(root) / f)
        else:
            out.append(p)
    return out


def _manifest_applied(stored: list[tuple], row: dict | None) -> bool:
    """Whether the stored reports already carry what the manifest row says (so a manifest
    given or edited after a first ingest still reaches files whose content did not change)."""
    from .attribute import manifest_values

    want = manifest_values(row)
    if not want:
        return True
    for unit, year, unit_type, region, period, sources in stored:
        have = dict(unit=unit, year=year, unit_type=unit_type, region=region, period=period)
        src = json.loads(sources or "{}")
        if any(have[k] != v or src.get(k) != "manifest" for k, v in want.items()):
            return False
    return True


def _work(item: tuple[str, dict | None]) -> FileResult | tuple[str, str]:
    path, manifest = item
    try:
        return process_path(path, manifest)
    except Rejected as exc:
        return path, str(exc)
    except OSError as exc:
        return path, f"无法读取:{exc.strerror or exc}"
    except Exception as exc:  # a bug must not stop the batch; the message names it
        return path, f"处理出错({type(exc).__name__}: {exc})"


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
    """Decide per file what to do, reading only the published database."""
    con = store.read_connection(db)
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
        key = str(f)
        try:
            if not f.is_file():
                raise Rejected("文件不存在")
            size = f.stat().st_size
            if size > MAX_FILE_BYTES:
                raise Rejected(f"文件过大({size / 1048576:.0f} MB),上限 {MAX_FILE_BYTES // 1048576} MB")
            if size == 0:
                raise Rejected("空文件(0 字节)")
            fid = file_hash(f)
        except Rejected as exc:
            out.reject.append((key, str(exc)))
            continue
        except OSError as exc:
            out.reject.append((key, f"无法读取:{exc.strerror or exc}"))
            continue
        row = manifest.get(key) or manifest.get(f.name)
        applied = _manifest_applied(stored.get(fid, []), row) if row else True
        if paths.get(key) == (fid, version) and applied:
            out.unchanged.append(key)
        elif contents.get(fid) == version and applied:
            out.alias.append((key, fid))           # same content as a stored file
        elif fid in queued:
            out.twin.append((key, fid, queued[fid]))   # same content twice in this batch: process once
        else:
            queued[fid] = key
            out.process.append((key, row))
    return out


def _copies_pending(db) -> bool:
    """Whether some stored report's 查重 rows are missing or stale (an ingest killed before
    its last step, edited 查重 code): then even an ingest with nothing new opens the writer."""
    from . import copies

    con = store.read_connection(db)
    try:
        return bool(copies.stale(con))
    except Exception:
        return False
    finally:
        con.close()


def _update_copies(con, summary: Summary, templates: list[str] | None = None) -> None:
    """The 查重 step, last in every write: only new, changed or affected reports are compared."""
    import time

    from . import copies

    t0 = time.perf_counter()
    with store.transaction(con):
        if templates:
            copies.mark_templates(con, templates)
        summary.copy_stats = copies.update(con)
    summary.copy_seconds += time.perf_counter() - t0


def ingest_paths(paths: Iterable[str | Path], db: str | Path | None = None, manifest: str | Path | None = None,
                 workers: int | None = None, rebuild: bool = False,
                 progress: Callable[[int, int, str], None] | None = None, template: bool = False) -> Summary:
    """`template`: the files are known 范文 (templates), sources in 查重 for reports of any year."""
    rules.check_all()                      # a broken rules file stops here: nothing opened, nothing written
    files = expand_paths(paths)
    version = pipeline_version()
    todo = plan(files, db, read_manifest(manifest), version, rebuild)
    summary = Summary(unchanged=list(todo.unchanged))
    total, done = len(files), len(todo.unchanged)

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
    with store.writer(db) as con:
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

        def flush() -> None:
            nonlocal batch, terms
            if batch:
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
        _update_copies(con, summary, [str(f) for f in files] if template else None)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('pipeline_version', ?)", [version])
    return summary


def map_to_parquet(paths: Iterable[str | Path], out_dir: str | Path, manifest: str | Path | None = None,
                   workers: int | None = None, progress: Callable[[int, int, str], None] | None = None) -> Summary:
    """The per-file stages with no database: results go to Parquet parts under `out_dir`
    (`store.write_parquet`), rejects to `out_dir/rejects.csv`. Run it on as many machines
    (or Ray/Spark tasks) as you like over disjoint inputs, then `load_parquet` once."""
    rules.check_all()
    files = expand_paths(paths)
    man = read_manifest(manifest)
    summary = Summary()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    batch: list[FileResult] = []
    version = pipeline_version()

    def flush() -> None:
        nonlocal batch
        if batch:
            store.write_parquet(store.arrow_tables(batch, version), out)
            summary.ingested.extend(r.path for r in batch)
            summary.reports += sum(len(r.reports) for r in batch)
            batch = []

    todo = [(str(f), man.get(str(f)) or man.get(f.name)) for f in files]
    for k, result in enumerate(_run(todo, workers), 1):
        if isinstance(result, tuple):
            summary.rejected.append(result)
        else:
            batch.append(result)
            if len(batch) >= BATCH_FILES:
                flush()
        if progress:
            progress(k, len(todo), Path(todo[k - 1][0]).name)
    flush()
    if summary.rejected:
        with open(out / f"rejects-{os.getpid()}.csv", "a", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(summary.rejected)
    return summary


def load_parquet_dir(src: str | Path, db: str | Path | None = None) -> int:
    """Bring a `map_to_parquet` folder into the database (one writer, one transaction)."""
    with store.writer(db) as con:
        n = store.load_parquet(con, src)
        for f in sorted(Path(src).glob("rejects-*.csv")):
            with open(f, encoding="utf-8", newline="") as fh:
                for path, reason in csv.reader(fh):
                    store.record_reject(con, path, reason)
        _update_copies(con, Summary())
    return n


def _work_chunk(items: list[tuple[str, dict | None]]) -> list[FileResult | tuple[str, str]]:
    return [_work(item) for item in items]


# Files per task sent to a worker: fewer, larger messages cut the parent's per-file
# bookkeeping (futures, queue wake-ups, pickling), which competes with the workers for CPU.
TASK_FILES = 4


def _run(todo: list, workers: int | None) -> Iterator[FileResult | tuple[str, str]]:
    """Results in input order, with a bounded number of files in flight (flat memory).

    The window is two write batches deep: while the parent commits one batch, the workers
    keep going on the next instead of idling (measured: a window of 32 files left them
    waiting during each commit, ~10% of the wall time at 2,500 files).
    """
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(todo) < 4:
        yield from map(_work, todo)
        return
    window = max(workers * 16, 2 * BATCH_FILES) // TASK_FILES
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        for k in range(0, len(todo), TASK_FILES):
            pending.append(pool.submit(_work_chunk, todo[k:k + TASK_FILES]))
            if len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
