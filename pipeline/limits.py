"""Per-file limits, and the worker-process side of enforcing them.

One hostile or broken file must not take down a batch or the machine: a .docx that
unpacks to gigabytes, a 40 MB one-line text, a file that makes a stage loop. Each limit
is a setting (pipeline/settings.py; read when used, so a test or a run can change it):

  ZONGJIE_MAX_UNPACKED_MB   a .docx's document.xml, unpacked (checked before reading)   64
  ZONGJIE_MAX_FILE_CHARS    characters of decoded text per file                    5000000
  ZONGJIE_MAX_REPORT_CHARS  characters per report after splitting                  1000000
  ZONGJIE_FILE_TIMEOUT      seconds per file in a worker (CPU time is capped too)      120
  ZONGJIE_WORKER_MEM_MB     address space of a worker process (RLIMIT_AS)             4096
  ZONGJIE_LOCK_WAIT         seconds a writer waits for another ingest's lock           600

Time and memory are enforced in worker processes only (`ingest --workers 1` runs in
process, for debugging, without them); the size limits apply everywhere.
"""
from __future__ import annotations

import contextlib
import os
from typing import Iterator

from pipeline import settings


def max_unpacked_bytes() -> int:
    return settings.get("ZONGJIE_MAX_UNPACKED_MB") * 1024 * 1024


def max_file_chars() -> int:
    return settings.get("ZONGJIE_MAX_FILE_CHARS")


def max_report_chars() -> int:
    return settings.get("ZONGJIE_MAX_REPORT_CHARS")


def file_timeout() -> float:
    return settings.get("ZONGJIE_FILE_TIMEOUT")


def worker_mem_mb() -> int:
    return settings.get("ZONGJIE_WORKER_MEM_MB")


def lock_wait() -> float:
    return settings.get("ZONGJIE_LOCK_WAIT")


class FileTimeout(Exception):
    """Raised inside a worker when one file has run past `file_timeout()`."""


_IN_WORKER = False


# ---------------------------------------------------------------- what a worker shares with its ingest
# Workers are forked from a fork server, which keeps the environment and the caches it
# started with. A setting changed later in the same process (the dashboard's server, a test)
# or an edited rules file would otherwise reach the workers stale - measured: after an
# ingest with ZONGJIE_RULES_DIR pointing at a folder since removed, every worker of the next
# ingest in that process died. So each pool hands its workers the ingest's settings and the
# rules files' stamps, and a worker whose fork server saw others drops its cached rules.
_WARMED: dict[str, str] | None = None      # the state the fork server warmed its caches with


def worker_state() -> dict[str, str]:
    """This process's ZONGJIE_* variables and the stamps (mtime, size) of the rules files."""
    from pipeline.rules import rules_dir

    state = {k: v for k, v in os.environ.items() if k.startswith("ZONGJIE_")}
    try:
        files = sorted(rules_dir().iterdir())
        state["__rules__"] = ";".join(f"{f.name}:{f.stat().st_mtime_ns}:{f.stat().st_size}" for f in files)
    except OSError:
        state["__rules__"] = ""
    return state


def mark_warm() -> None:
    """Called by `pipeline.warm` in the fork server once its caches are loaded."""
    global _WARMED
    _WARMED = worker_state()


def adopt(state: dict[str, str]) -> None:
    """Take on the ingest's settings; drop cached rules when the fork server warmed under others."""
    for k in [k for k in os.environ if k.startswith("ZONGJIE_")]:
        del os.environ[k]
    os.environ.update({k: v for k, v in state.items() if k.startswith("ZONGJIE_")})
    if _WARMED is not None and _WARMED != state:
        _clear_caches()


def _clear_caches() -> None:
    """Every `functools` cache in the pipeline's modules (rules and what is derived from them)."""
    import sys

    for name, mod in list(sys.modules.items()):
        if name == "pipeline" or name.startswith("pipeline."):
            for value in list(vars(mod).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def worker_init(parent: int, state: dict[str, str] | None = None) -> None:
    """Run first in every worker process: the ingest's settings (`adopt`), die with the
    ingest, and cap memory.

    The worker asks the kernel for SIGKILL when its parent (the fork server, which itself
    exits when the ingest does) dies, and also watches the ingest's pid: a `kill -9` of
    the ingest leaves no process behind.
    """
    import resource
    import signal
    import threading
    import time

    global _IN_WORKER
    _IN_WORKER = True
    if state is not None:
        adopt(state)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)          # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    ppid = os.getppid()

    def watch() -> None:
        while True:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass
            if os.getppid() != ppid:
                os._exit(1)
            time.sleep(0.5)

    if not _alive(parent) or os.getppid() != ppid:
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="zongjie-parent-watch").start()
    limit = worker_mem_mb() * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))   # a worker killed by a limit leaves no core file
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass

    def on_alarm(signum, frame):
        raise FileTimeout()

    signal.signal(signal.SIGALRM, on_alarm)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


@contextlib.contextmanager
def file_budget() -> Iterator[None]:
    """Time-box one file in a worker: SIGALRM raises FileTimeout between Python steps;
    a CPU-time cap kills the worker if a C routine never returns (the batch then retries
    the file alone and rejects it)."""
    if not _IN_WORKER:
        yield
        return
    import resource
    import signal

    timeout = file_timeout()
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = used.ru_utime + used.ru_stime
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(cpu + 2 * timeout + 5)
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ValueError, OSError):
        pass
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
