"""Where the per-file stages of `pipeline map` run, and the Parquet parts they leave.

Why a module of its own: the scale-out path has one contract whatever runs it - files in;
Parquet parts, rejects and twins out; `pipeline load DIR` brings them in through the same
writer as `ingest` - and the engines differ only in where `process_document` runs:

  process  this machine's worker processes (`ingest._run`: per-file time and memory limits,
           a crashed worker's files retried alone); the parent writes the parts.
  dask     a Dask distributed cluster (`--scheduler tcp://HOST:8786`; without it a LocalCluster
           on this machine). Each task processes a chunk of files AND writes its parts, so the
           inputs and DIR must be on storage every worker sees under the same path.

The driver plans exactly as a direct ingest does (`ingest.plan`): it hashes every file, so
content seen under two names is processed once (the second name goes to `twins-*.csv`), and
an empty, oversized or irregular file is rejected with the same Chinese reason. Parts are
laid out per table and partitioned by year, hive style:
`DIR/<table>/year=2021/part-<uuid>.parquet` (`year=__HIVE_DEFAULT_PARTITION__` when the year
is unknown); a report's rows go under its year, a file's under its first report's year.
Every part carries the pipeline version it was made with; `load` refuses parts from another
version (another code or rules folder) instead of mixing extractions.

This module is not imported by the per-file chain: editing it re-extracts nothing.
"""
from __future__ import annotations

import csv
import math
import os
import uuid
from pathlib import Path
from typing import Callable, Iterable

ENGINES = ("process", "dask")
NULL_YEAR = "__HIVE_DEFAULT_PARTITION__"       # the hive name for a missing partition value
NO_DB = Path("/nonexistent/zongjie-empty.duckdb")   # plan as if nothing were stored: map has no database


class EngineError(Exception):
    """The map cannot run or its parts cannot be loaded; the message is for the user (Chinese)."""


# ---------------------------------------------------------------- parts on disk

def _year_of_rows(name: str, tbl, report_year: dict, file_year: dict) -> list:
    cols = tbl.column_names
    if name == "reports":
        return tbl.column("year").to_pylist()
    if "report_id" in cols:
        return [report_year.get(r) for r in tbl.column("report_id").to_pylist()]
    if "file_id" in cols:
        return [file_year.get(f) for f in tbl.column("file_id").to_pylist()]
    return [None] * tbl.num_rows


def write_parts(tables: dict, out_dir: str | Path) -> int:
    """Arrow tables from `store.arrow_tables` -> `out_dir/<table>/year=Y/part-<uuid>.parquet`
    (one uuid per call: parallel writers never collide). Returns the number of files written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    reports = tables["reports"]
    report_year = dict(zip(reports.column("report_id").to_pylist(), reports.column("year").to_pylist()))
    file_year: dict = {}
    for fid, idx, year in zip(reports.column("file_id").to_pylist(), reports.column("report_index").to_pylist(),
                              reports.column("year").to_pylist()):
        if fid not in file_year or idx < file_year[fid][0]:
            file_year[fid] = (idx, year)
    file_year = {f: y for f, (_, y) in file_year.items()}
    part = f"part-{uuid.uuid4().hex}.parquet"
    written = 0
    for name, tbl in tables.items():
        if tbl.num_rows == 0:
            continue
        years = _year_of_rows(name, tbl, report_year, file_year)
        rows: dict = {}
        for i, y in enumerate(years):
            rows.setdefault(y, []).append(i)
        for y, idx in rows.items():
            d = Path(out_dir) / name / f"year={NULL_YEAR if y is None else y}"
            d.mkdir(parents=True, exist_ok=True)
            pq.write_table(tbl.take(pa.array(idx)), d / part)
            written += 1
    return written


def _csv_append(path: Path, rows: list[tuple]) -> None:
    if rows:
        with open(path, "a", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)


def _csv_rows(src: Path, pattern: str) -> list[list[str]]:
    out = []
    for f in sorted(src.glob(pattern)):
        with open(f, encoding="utf-8", newline="") as fh:
            out.extend(csv.reader(fh))
    return out


def _part_files(src: Path) -> dict[str, list[str]]:
    from pipeline import store

    names = sorted({*store.PARQUET_TABLES, *(d.name for d in src.iterdir() if d.is_dir())}) if src.is_dir() else []
    return {t: sorted(str(p) for p in (src / t).rglob("*.parquet")) for t in names}


def check_version(src: str | Path, version: str) -> None:
    """Refuse parts made by other extraction code or rules (before the writer is opened)."""
    import duckdb

    files = _part_files(Path(src)).get("files")
    if not files:
        return
    con = duckdb.connect(":memory:")
    try:
        found = [v for (v,) in con.execute("SELECT DISTINCT pipeline_version FROM read_parquet($f)",
                                           {"f": files}).fetchall()]
    finally:
        con.close()
    other = [v for v in found if v != version]
    if other:
        raise EngineError(f"分片由另一版本的处理代码或规则生成(分片版本 {'、'.join(sorted(map(str, other)))},"
                          f"本机版本 {version}):请让所有工作节点与本机使用同一版本的代码和同一份规则文件夹,"
                          f"再重新运行 map。数据库未改动。")


def read_parts(con, src: str | Path) -> dict:
    """The parts under `src` as Arrow tables, one per stored table (hive folders or the older
    flat `DIR/<table>/part-*.parquet`). Content mapped twice into one folder (two map runs over
    overlapping inputs) keeps the rows of one part: the one holding its first path."""
    from pipeline import store

    files = _part_files(Path(src))
    if not files.get("files"):
        return {}
    tables = {}
    for t in files:
        if files[t]:
            rel = con.sql("SELECT * FROM read_parquet($f, union_by_name = true, hive_partitioning = false, "
                          "filename = '_part')", params={"f": files[t]})
            tables[t] = rel.to_arrow_table()
        elif t in store.PARQUET_TABLES:       # no rows at all in this batch: an empty table of the right shape
            tables[t] = con.sql(f"SELECT *, ''::VARCHAR AS _part FROM {t} LIMIT 0").to_arrow_table()
    return _one_part_per_file(con, tables)


def _one_part_per_file(con, tables: dict) -> dict:
    """Drop the rows of a content's second mapping (the part not holding its first path),
    then the `_part` column; every path stays in `file_paths`, pointing at the content."""
    import pyarrow as pa

    for t, tbl in tables.items():
        names = [os.path.basename(p) for p in tbl.column("_part").to_pylist()]
        tables[t] = tbl.set_column(tbl.column_names.index("_part"), "_part", pa.array(names, pa.string()))
    con.register("_p", tables["file_paths"])
    try:
        chosen = dict(con.execute("SELECT file_id, arg_min(_part, path) FROM _p GROUP BY file_id "
                                  "HAVING count(DISTINCT _part) > 1").fetchall())
    finally:
        con.unregister("_p")
    if chosen:
        rep = tables["reports"]
        rid_file = dict(zip(rep.column("report_id").to_pylist(), rep.column("file_id").to_pylist()))
        for t, tbl in tables.items():
            if t == "file_paths":
                continue
            if "file_id" in tbl.column_names:
                fids = tbl.column("file_id").to_pylist()
            elif "report_id" in tbl.column_names:
                fids = [rid_file.get(r) for r in tbl.column("report_id").to_pylist()]
            else:
                continue
            parts = tbl.column("_part").to_pylist()
            tables[t] = tbl.filter(pa.array([chosen.get(f, p) == p for f, p in zip(fids, parts)]))
    seen: set = set()          # one path mapped twice: one row for it
    paths = tables["file_paths"].column("path").to_pylist()
    tables["file_paths"] = tables["file_paths"].filter(pa.array([not (p in seen or seen.add(p)) for p in paths]))
    return {t: tbl.drop_columns(["_part"]) for t, tbl in tables.items()}


def load_parquet_dir(src: str | Path, db: str | Path | None = None) -> int:
    """Bring a map folder into the database through the same writer as `ingest`: its rows
    (a file already stored is replaced), the twins' paths, the rejects, then the 查重 step
    and the pipeline version - what a direct ingest of the same files leaves. Returns reports."""
    from pipeline import store
    from pipeline.config import pipeline_version
    from pipeline.ingest import Summary, _update_copies

    src = Path(src)
    if not src.is_dir():
        raise EngineError(f"找不到分片文件夹 {src}")
    version = pipeline_version()
    check_version(src, version)
    with store.writer(db) as con:
        tables = read_parts(con, src)
        n, stored = 0, set()
        if tables:
            tables["file_paths"] = tables["file_paths"].select(["path", "file_id", "seen_at"])
            n = store.write_tables(con, tables)
            stored = set(tables["file_paths"].column("path").to_pylist())
        # a path rejected by one map run and stored by another (fixed, mapped again) stays stored
        rejects = [(p, r) for p, r in _csv_rows(src, "rejects-*.csv") if p not in stored]
        for path, reason in rejects:
            store.record_reject(con, path, reason)
        # a twin shares its content's fate: stored, or rejected with the same reason (as in ingest)
        why = dict((p, r) for p, r in rejects)
        twins = _csv_rows(src, "twins-*.csv")
        store.record_paths(con, [(key, fid) for key, fid, first in twins if first not in why])
        for key, fid, first in twins:
            if first in why:
                store.record_reject(con, key, why[first])
        _update_copies(con, Summary())
        if tables or rejects or twins:
            con.execute("INSERT OR REPLACE INTO meta VALUES ('pipeline_version', ?)", [version])
    return n


# ---------------------------------------------------------------- the map

def map_to_parquet(paths: Iterable[str | Path], out_dir: str | Path, manifest: str | Path | None = None,
                   workers: int | None = None, progress: Callable[[int, int, str], None] | None = None,
                   engine: str = "process", scheduler: str | None = None):
    """The per-file stages with no database: `paths` processed on `engine` ("process": this
    machine; "dask": the cluster at `scheduler`, else a local one), Parquet parts under `out_dir`
    for `load_parquet_dir`. Several runs (machines) may write into one folder."""
    from pipeline import rules
    from pipeline.config import pipeline_version
    from pipeline.ingest import Summary, display_name, expand, plan, read_manifest

    if engine not in ENGINES:
        raise EngineError(f"未知的引擎 {engine}:可选 {'、'.join(ENGINES)}")
    rules.check_all()
    files, skipped = expand(paths)
    man = read_manifest(manifest)
    version = pipeline_version()
    todo = plan(files, NO_DB, man, version, rebuild=True)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = Summary(rejected=[(display_name(p), why) for p, why in skipped] + todo.reject)
    run = _map_dask if engine == "dask" else _map_local
    run(todo.process, out, version, summary, workers, progress, scheduler)
    tag = uuid.uuid4().hex
    _csv_append(out / f"rejects-{tag}.csv", summary.rejected)
    _csv_append(out / f"twins-{tag}.csv", todo.twin)
    summary.unchanged.extend(key for key, _, _ in todo.twin)
    return summary


def _map_local(items, out, version, summary, workers, progress, scheduler=None) -> None:
    from pipeline import store
    from pipeline.ingest import BATCH_FILES, BATCH_TERMS, _run

    batch, terms = [], 0

    def flush() -> None:
        nonlocal batch, terms
        if batch:
            write_parts(store.arrow_tables(batch, version), out)
            summary.ingested.extend(r.path for r in batch)
            summary.reports += sum(len(r.reports) for r in batch)
            batch, terms = [], 0

    for k, result in enumerate(_run(items, workers), 1):
        if isinstance(result, tuple):
            summary.rejected.append(result)
        else:
            batch.append(result)
            terms += sum(len(r.terms) for r in result.reports)
            if len(batch) >= BATCH_FILES or terms >= BATCH_TERMS:
                flush()
        if progress:
            progress(k, len(items), Path(items[k - 1][2]).name)
    flush()


def map_chunk(items: list, out_dir: str, version: str) -> dict:
    """A Dask task: a chunk of files -> parts under `out_dir`; returns what happened to each
    file. A worker whose code or rules differ from the driver's refuses (its rows would differ)."""
    from pipeline import store
    from pipeline.ingest import _work

    mine = _worker_version()
    if mine != version:
        raise VersionMismatch(f"工作节点 {os.uname().nodename} 的处理版本 {mine} 与提交端 {version} 不同")
    done, rejected = [], []
    for item in items:
        r = _work(item)
        if isinstance(r, tuple):
            rejected.append(r)
        else:
            done.append(r)
    if done:
        write_parts(store.arrow_tables(done, version), out_dir)
    return {"ingested": [r.path for r in done], "reports": sum(len(r.reports) for r in done), "rejected": rejected}


class VersionMismatch(Exception):
    pass


_VERSION: str | None = None


def _worker_version() -> str:
    """This worker's pipeline version (code + rules folder), computed once per process."""
    global _VERSION
    if _VERSION is None:
        from pipeline.config import pipeline_version

        _VERSION = pipeline_version()
    return _VERSION


def _warm() -> str:
    """Run once on every worker before the map: load the dictionaries, report the version."""
    from pipeline import warm  # noqa: F401

    return _worker_version()


# Files per Dask task: large enough that the scheduler's per-task cost (a few ms) and the
# parts' file count stay small, small enough that every worker gets several tasks.
MAX_TASK_FILES = 200


def _chunks(items: list, workers: int) -> list[list]:
    size = max(1, min(MAX_TASK_FILES, math.ceil(len(items) / max(1, 4 * workers))))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _map_dask(items, out, version, summary, workers, progress, scheduler) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise EngineError("未安装 Dask:请先安装可选依赖 pip install -e '.[scale]'(dask[distributed]),"
                          "或改用默认引擎 --engine process") from None
    import contextlib

    if not items:
        return
    with contextlib.ExitStack() as stack:
        if scheduler:
            try:
                client = stack.enter_context(Client(scheduler))   # waits distributed.comm.timeouts.connect
            except (OSError, TimeoutError) as exc:
                raise EngineError(f"无法连接 Dask 调度器 {scheduler}:{exc}") from None
        else:
            n = max(1, min(workers or os.cpu_count() or 1, len(items)))
            cluster = stack.enter_context(LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                       dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        versions = client.run(_warm)
        if not versions:
            raise EngineError(f"Dask 集群 {scheduler or '(本机)'} 没有工作节点")
        other = {w: v for w, v in versions.items() if v != version}
        if other:
            raise EngineError("以下工作节点的处理代码或规则与本机不同(版本 " + version + "):"
                              + ";".join(f"{w} 版本 {v}" for w, v in sorted(other.items()))
                              + "。请在所有节点安装同一版本并使用同一份规则文件夹(ZONGJIE_RULES_DIR)。")
        nworkers = sum(1 for _ in versions)
        total, done = len(items), 0
        out_s = str(out)
        chunks = _chunks(items, nworkers)
        futures = client.map(map_chunk, chunks, out_dir=out_s, version=version, pure=False)
        chunk_of = {f.key: c for f, c in zip(futures, chunks)}
        retry: list = []
        for fut in as_completed(futures):
            chunk = chunk_of[fut.key]
            try:
                res = fut.result()
            except VersionMismatch as exc:
                raise EngineError(f"{exc}:请在所有节点安装同一版本并使用同一份规则文件夹。") from None
            except Exception as exc:
                if type(exc).__name__ == "KilledWorker":
                    retry.extend(chunk)         # a file killed its worker: find it, alone
                    continue
                raise EngineError(f"Dask 任务失败({type(exc).__name__}: {str(exc)[:300]}),"
                                  f"请检查工作节点能否读取输入文件、写入 {out_s}") from None
            _absorb(summary, res)
            done += len(chunk)
            if progress:
                progress(done, total, Path(chunk[-1][2]).name)
        for item in retry:
            fut = client.submit(map_chunk, [item], out_dir=out_s, version=version, pure=False)
            try:
                _absorb(summary, fut.result())
            except Exception as exc:
                if type(exc).__name__ != "KilledWorker":
                    raise EngineError(f"Dask 任务失败({type(exc).__name__}: {str(exc)[:300]})") from None
                summary.rejected.append((item[2], "处理该文件时 Dask 工作节点意外终止(可能超出 dask worker 的内存上限"
                                                  " --memory-limit),已跳过;其余文件照常处理"))
            done += 1
            if progress:
                progress(done, total, Path(item[2]).name)


def _absorb(summary, res: dict) -> None:
    summary.ingested.extend(res["ingested"])
    summary.reports += res["reports"]
    summary.rejected.extend(tuple(r) for r in res["rejected"])
