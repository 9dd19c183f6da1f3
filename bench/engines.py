"""Map engines: the per-file stages on a Dask LocalCluster against the process pool.

    python -m bench.engines [--reports 2000] [--workers 2] [--repeat 2] [--no-record]

On the synthetic corpus, each run as a user runs it (`python -m pipeline map ... --out DIR`):
  process        --engine process --workers N (the default engine)
  dask, own      --engine dask --workers N: starts and closes its LocalCluster (what one command costs)
  dask, running  --engine dask --scheduler ADDR: a LocalCluster (N processes, 1 thread each)
                 started beforehand, as a real cluster would be
then `pipeline load DIR` once per engine (the count is checked), and a direct `pipeline ingest`
for reference. Runs are interleaved (the machine's load drifts), the best of --repeat counts;
`uptime`'s load average is recorded before and after each run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import OUT, ROOT, corpus, record, table


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _cli(*args: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=3600)
    dt = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"pipeline {args[0]} failed: {out.stderr[-2000:]}")
    return dt, out.stdout


def _reports(db: Path) -> int:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM reports").fetchone()[0]
    finally:
        con.close()


def bench_engines(n: int, workers: int, write: bool, repeat: int = 2) -> dict:
    from distributed import LocalCluster

    root = corpus(n, units=400 if n >= 1000 else None)
    work = OUT / f"engines_{n}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    runs: dict[str, list[tuple[float, str, str]]] = {k: [] for k in ("ingest", "process", "dask_own", "dask_running")}
    loads: dict[str, float] = {}
    try:
        for k in range(repeat):
            for name in runs:
                out = work / f"{name}_{k}"
                before = _load()
                if name == "ingest":
                    dt, _ = _cli("ingest", str(root), "--db", str(out.with_suffix(".duckdb")), "--workers", str(workers))
                else:
                    extra = {"process": ["--engine", "process", "--workers", str(workers)],
                             "dask_own": ["--engine", "dask", "--workers", str(workers)],
                             "dask_running": ["--engine", "dask", "--scheduler", cluster.scheduler_address]}[name]
                    dt, _ = _cli("map", str(root), "--out", str(out), *extra)
                runs[name].append((dt, before, _load()))
        for name in ("process", "dask_own", "dask_running"):
            db = work / f"{name}.duckdb"
            t_load, _ = _cli("load", str(work / f"{name}_0"), "--db", str(db))
            loads[name] = t_load
            assert _reports(db) == _reports(work / "ingest_0.duckdb"), name
    finally:
        cluster.close(timeout=30)
    reports = _reports(work / "ingest_0.duckdb")
    best = {name: min(r, key=lambda x: x[0]) for name, r in runs.items()}
    label = {"ingest": "direct `ingest` (reference)", "process": "map, process pool (default)",
             "dask_own": "map, Dask, own LocalCluster", "dask_running": "map, Dask, running LocalCluster"}
    base = best["process"][0]
    rows = []
    for name, (dt, before, after) in best.items():
        rows.append([label[name], f"{dt:.1f}", f"{reports / dt:.0f}", f"{dt / base:.2f}",
                     f"{loads[name]:.1f}" if name in loads else "—", f"{before} → {after}",
                     ", ".join(f"{x[0]:.1f}" for x in runs[name])])
    body = table(f"Map engines: {reports:,} reports, {workers} worker processes",
                 ["run", "best s", "reports/s", "× process pool", "load s", "uptime load (1/5/15 min) before → after",
                  "all runs s"], rows)
    record("Map engines (process pool vs Dask LocalCluster)", body,
           f"python -m bench.engines --reports {n} --workers {workers} --repeat {repeat}", write)
    return dict(reports=reports, best={k: v[0] for k, v in best.items()}, loads=loads)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-record", action="store_true", help="print only; do not append to BENCHMARKS.md")
    a = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    bench_engines(a.reports, a.workers, not a.no_record, a.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
