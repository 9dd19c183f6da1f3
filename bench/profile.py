"""Where a real ingest spends its time: py-spy samples of the CLI ingest, parent and workers.

    make profile                                 # installs py-spy (the `profile` extra), then:
    python -m bench.profile [--reports 2500] [--workers 2] [--rate 200]
    python -m bench.profile --cprofile [--reports 1000]     # no py-spy needed: CPU per step

`--cprofile` runs the ingest in this process (workers=1) under cProfile with CPU time (steady
on a shared machine) and prints the CPU of each per-file stage, the parent's writes and the
查重 step, summed over the run.

`bench.stages` times the stages in one process; this samples the real thing (worker
processes, the parent's writes, the hand-off between them), so it also shows cost that
lives between stages: pickling, queue waits, DuckDB commits. Prints samples per pipeline
module for the workers and per call path for the parent; the raw py-spy output is kept in
bench/out/profile_<n>.txt for a flame graph.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.common import OUT, ROOT, corpus

STAGE_MODULES = ("load/read", "load/decode", "text/clean", "extract/split", "extract/attribute",
                 "extract/attribution_base", "extract/places", "extract/units", "extract/years", "extract/segment",
                 "extract/metrics", "text/numerals", "extract/shortcomings", "extract/tokenize", "text/textmap",
                 "text/shingles")
IDLE = ("select", "wait", "Condition.wait", "_PollLikeSelector.select", "Queue._feed")


def summarise(raw: Path) -> tuple[Counter, Counter]:
    """Raw py-spy lines ('frame;frame;... count') -> (worker samples per stage, parent samples per path)."""
    worker, parent = Counter(), Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        frames = stack.split(";")
        names = [f.split(" (")[0] for f in frames]
        if any(x.startswith("_process_worker") for x in names):
            stage = next((m.rpartition("/")[2] for f in frames for m in STAGE_MODULES if f"(pipeline/{m}.py" in f), None)
            worker[stage or f"(hand-off) {names[-1]}"] += int(n)
        elif not names[-1].endswith(IDLE):
            parent[" > ".join(names[-3:])] += int(n)
    return worker, parent


# (label, module file, function) whose cumulative CPU `--cprofile` reports
STEPS = [("read", "load/read.py", "read_path"), ("decode", "load/decode.py", "decode_with_offsets"), ("clean", "text/clean.py", "clean"),
         ("split", "extract/split.py", "split_reports"), ("attribute", "extract/attribute.py", "attribute"),
         ("segment", "extract/segment.py", "segment"), ("metrics", "extract/metrics.py", "extract_metrics"),
         ("shortcomings", "extract/shortcomings.py", "extract_shortcomings"), ("tokenize", "extract/tokenize.py", "term_counts"),
         ("查重 signature (worker)", "text/shingles.py", "sign"), ("per-file chain, all", "extract/process.py", "process_document"),
         ("parent: Arrow tables", "store/__init__.py", "arrow_tables"), ("parent: DuckDB writes", "store/__init__.py", "write_tables"),
         ("查重 step (writer)", "store/copies.py", "update"), ("ingest, all", "ingest.py", "ingest_paths")]


def cprofile_steps(reports: int) -> list[tuple[str, float]]:
    """CPU seconds of each of STEPS over an in-process ingest of the synthetic corpus."""
    import cProfile
    import pstats
    import time

    from pipeline.ingest import ingest_paths

    root = corpus(reports, units=400 if reports >= 1000 else None)
    db = OUT / f"cprofile_{reports}.duckdb"
    for p in OUT.glob(db.name + "*"):
        p.unlink()
    prof = cProfile.Profile(time.process_time)
    prof.runcall(ingest_paths, [root], db=db, workers=1)
    stats = pstats.Stats(prof).stats
    out = []
    for label, file, func in STEPS:
        ct = sum(v[3] for (f, _, fn), v in stats.items() if fn == func and f.endswith("/" + file))
        out.append((label, ct))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cprofile", action="store_true", help="CPU per step in one process (no py-spy)")
    ap.add_argument("--reports", type=int, default=2500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rate", type=int, default=200, help="samples per second")
    a = ap.parse_args(argv)
    if a.cprofile:
        steps = cprofile_steps(a.reports)
        total = dict(steps)["ingest, all"] or 1
        print(f"\nCPU seconds, {a.reports} reports, one process (cProfile adds its own overhead):")
        for label, sec in steps:
            print(f"  {label:<26}{sec:8.2f} {sec / total:7.1%}")
        return 0
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("py-spy is not installed: run `make profile` (pip install -e '.[profile]')", file=sys.stderr)
        return 2
    root = corpus(a.reports, units=400 if a.reports >= 1000 else None)
    db, raw = OUT / f"profile_{a.reports}.duckdb", OUT / f"profile_{a.reports}.txt"
    for p in OUT.glob(db.name + "*"):
        p.unlink()
    subprocess.run([spy, "record", "--subprocesses", "--nonblocking", "-r", str(a.rate), "-f", "raw", "-o", str(raw),
                    "--", sys.executable, "-m", "pipeline", "ingest", str(root), "--db", str(db),
                    "--workers", str(a.workers)], cwd=ROOT, check=True)
    worker, parent = summarise(raw)
    tw = sum(worker.values()) or 1
    print(f"\nworkers: {tw} samples")
    for k, v in worker.most_common(20):
        print(f"  {v:6d} {v / tw:6.1%}  {k}")
    print(f"\nparent (busy, not waiting): {sum(parent.values())} samples = {sum(parent.values()) / tw:.2f} of the workers'")
    for k, v in parent.most_common(15):
        print(f"  {v:6d}  {k}")
    print(f"\nraw samples: {raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
