"""Shared benchmark plumbing: machine description, corpus cache, timing, BENCHMARKS.md."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BENCHMARKS = ROOT / "BENCHMARKS.md"


def machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1048576:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def corpus(n: int, units: int | None = None, years: int = 5) -> Path:
    """The synthetic corpus of n reports, generated once and cached under bench/out/."""
    from bench.make_corpus import make_corpus

    path = OUT / (f"corpus_{n}" if years == 5 else f"corpus_{n}_{years}y")
    stamp = path / ".complete"
    if not stamp.exists():
        make_corpus(path, reports=n, units=units or max(10, n // 25), years=years)
        stamp.write_text("ok")
    return path


def table(title: str, header: list[str], rows: list[list]) -> str:
    lines = [f"| {' | '.join(header)} |", f"|{'|'.join('---' for _ in header)}|"]
    lines += [f"| {' | '.join(str(c) for c in row)} |" for row in rows]
    return f"### {title}\n\n" + "\n".join(lines) + "\n"


def record(title: str, body: str, command: str, write: bool = True) -> None:
    """Print the result and append it, with the machine and the command, to BENCHMARKS.md."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    text = (f"\n## {title} — {datetime.now():%Y-%m-%d %H:%M}\n\nMachine: {machine()}; load average at the end {load}  \n"
            f"Command: `{command}`\n\n{body}\n")
    print(text)
    if write:
        with open(BENCHMARKS, "a", encoding="utf-8") as fh:
            fh.write(text)


class RssSampler:
    """Peak resident memory of a process and all its children (workers), sampled from /proc.

    It runs beside the benchmark it measures, on the same cores, so it keeps its own cost
    down: the process tree is re-read once a second (ingest's workers live for the whole
    run), only their status files every 0.1 s.

    `peak` sums VmRSS, which counts a file page mapped by two processes twice (the 查重
    comparison maps its texts file in both); `peak_anon` sums only their anonymous memory
    (RssAnon + RssShmem): what the processes hold that the system cannot drop - but a worker
    forked from the fork server still counts every page it shares with it copy-on-write.
    `peak_pss` sums the proportional set size (`smaps_rollup`): a page shared by n processes
    counts 1/n in each, so the sum is the memory the whole ingest occupies, counted once."""

    def __init__(self, pid: int, interval: float = 0.1, tree_every: int = 10):
        self.pid, self.interval, self.tree_every, self.peak, self.peak_anon = pid, interval, tree_every, 0, 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _tree(self) -> list[int]:
        kids: dict[int, list[int]] = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    ppid = int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                kids.setdefault(ppid, []).append(int(d))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo += kids.get(p, [])
        return out

    def _rss(self, pids: list[int]) -> tuple[int, int, int]:
        total = anon = pss = 0
        for p in pids:
            try:
                for line in open(f"/proc/{p}/status"):
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                    elif line.startswith(("RssAnon:", "RssShmem:")):
                        anon += int(line.split()[1]) * 1024
                for line in open(f"/proc/{p}/smaps_rollup"):
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
            except OSError:
                pass
        return total, anon, pss

    def _run(self):
        k, pids = 0, []
        while not self._stop.is_set():
            if k % self.tree_every == 0:
                pids = self._tree()
            k += 1
            total, anon, pss = self._rss(pids)
            self.peak, self.peak_anon = max(self.peak, total), max(self.peak_anon, anon)
            self.peak_pss = max(self.peak_pss, pss)
            time.sleep(self.interval)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


class Peak(int):
    """Peak RSS bytes (an int, as before) that also carries `anon`, the anonymous peak, and
    `pss`, the proportional peak (shared pages counted once: what the target is judged on)."""
    anon: int = 0
    pss: int = 0


def run_ingest(paths: list[Path], db: Path, workers: int, extra: list[str] | None = None) -> tuple[float, Peak, str]:
    """Time `python -m pipeline ingest` as a user runs it; return (seconds, peak RSS bytes, stdout)."""
    cmd = [sys.executable, "-m", "pipeline", "ingest", *map(str, paths), "--db", str(db), "--workers", str(workers),
           *(extra or [])]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with RssSampler(proc.pid) as rss:
        out, err = proc.communicate()
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"ingest failed: {err[-2000:]}")
    peak = Peak(rss.peak)
    peak.anon = rss.peak_anon
    peak.pss = rss.peak_pss
    return dt, peak, out.strip()
