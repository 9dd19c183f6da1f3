"""Run the per-file chain over many files and store the results.

Files are hashed first: an unchanged file (same path, same content, same pipeline version)
is skipped, the same content under a second name is recorded without re-processing, a
changed file replaces its reports. The per-file stages run in worker processes; only the
parent writes to DuckDB, one transaction per file. A file that fails is recorded in
`rejects` with its reason and the batch goes on.
"""
from __future__ import annotations

import csv
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import store
from .config import MAX_FILE_BYTES, pipeline_version
from .process import FileResult, content_hash, process_bytes
from .read import Rejected

SKIP_NAMES = ("readme", "license", "manifest")   # notes that travel with a folder of reports


@dataclass
class Summary:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    reports: int = 0

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


def read_manifest(path: str | Path | None) -> dict[str, dict]:
    """`file,unit,year,unit_type,region,period` (any column optional), keyed by file name
    and by path as written."""
    if not path:
        return {}
    rows: dict[str, dict] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            f = row.pop("file", "")
            if f:
                rows[f] = row
                rows[Path(f).name] = row
    return rows


def _work(item: tuple[str, bytes, dict | None]) -> FileResult | tuple[str, str]:
    path, data, manifest = item
    try:
        return process_bytes(data, Path(path).name, path, manifest)
    except Rejected as exc:
        return path, str(exc)
    except Exception as exc:  # a bug must not stop the batch; the message names it
        return path, f"处理出错({type(exc).__name__}: {exc})"


def _progress_bar(done: int, total: int, name: str) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def ingest_paths(paths: Iterable[str | Path], db: str | Path | None = None, manifest: str | Path | None = None,
                 workers: int | None = None, rebuild: bool = False,
                 progress: Callable[[int, int, str], None] | None = None) -> Summary:
    files = expand_paths(paths)
    man = read_manifest(manifest)
    version = pipeline_version()
    summary = Summary()
    with store.writer(db) as con:
        if rebuild:
            store.drop_all(con)
        total = len(files)
        done = 0

        def tick(name: str) -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, total, name)

        todo: list[tuple[str, bytes, dict | None]] = []
        for f in files:
            key = str(f)
            try:
                if not f.is_file():
                    raise Rejected("文件不存在")
                size = f.stat().st_size
                if size > MAX_FILE_BYTES:
                    raise Rejected(f"文件过大({size / 1048576:.0f} MB),上限 {MAX_FILE_BYTES // 1048576} MB")
                data = f.read_bytes()
            except (Rejected, OSError) as exc:
                store.record_reject(con, key, str(exc) if isinstance(exc, Rejected) else f"无法读取:{exc}")
                summary.rejected.append((key, str(exc)))
                tick(f.name)
                continue
            fid = content_hash(data)
            stored = store.known_path(con, key)
            if stored == (fid, version):
                summary.unchanged.append(key)
                tick(f.name)
                continue
            if store.known_content(con, fid) == version:   # same content under another name
                store.record_path(con, key, fid)
                summary.unchanged.append(key)
                tick(f.name)
                continue
            todo.append((key, data, man.get(key) or man.get(f.name)))
        for result in _run(todo, workers):
            if isinstance(result, tuple):
                path, reason = result
                store.record_reject(con, path, reason)
                summary.rejected.append((path, reason))
                tick(Path(path).name)
                continue
            summary.reports += store.write_file(con, result, version)
            summary.ingested.append(result.path)
            tick(Path(result.path).name)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('pipeline_version', ?)", [version])
    return summary


def _run(todo: list, workers: int | None) -> Iterator[FileResult | tuple[str, str]]:
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(todo) < 4:
        yield from map(_work, todo)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_work, todo, chunksize=4)
