"""Readers of the published file: one in-memory DuckDB per database file and version, with
the file ATTACHed read-only, handing out a cursor per query.

Why a pool: opening the file costs ~25 ms and starts with a cold cache, which was the larger
part of most queries at 100,000 reports (`metrics` 230-300 ms per call, ~130 ms from a kept
database; BENCHMARKS "Session 7"). A cursor costs ~0.5 ms and shares the database's cache.

Why ATTACH to an in-memory database, not `duckdb.connect(path)`: DuckDB keeps one instance
per path while any connection to it is open, so a connect() after a publish, with another
thread's query still reading, was handed the *old* file (tests/test_reliability_concurrency).

Versions: the writer publishes by renaming a new file over the path (`store.writer`), which
changes `store.data_version`. The next `cursor` sees the new version and attaches the new
file; the old database is dropped from the pool but lives on, on the old inode, until the
last cursor still reading it is closed (a cursor keeps its database alive: it is never
closed under a running query).

In-process writes to the published path itself (only tests do this: every writer works on a
copy) must `release` it first: DuckDB refuses a read-write open of a file attached
read-only in the same process.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import duckdb

KEPT_FILES = 4          # databases kept open at once (a test run opens hundreds of files)

_lock = threading.Lock()
_pool: "OrderedDict[str, tuple[tuple, duckdb.DuckDBPyConnection]]" = OrderedDict()


def _attach(path: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH '" + path.replace("'", "''") + "' AS zongjie (READ_ONLY)")
    except BaseException:
        con.close()
        raise
    return con


def cursor(path: Path, version: tuple) -> duckdb.DuckDBPyConnection:
    """A connection reading `path` as of `version` (or newer); the caller closes it."""
    key = str(path)
    with _lock:
        kept = _pool.get(key)
        if kept is None or kept[0] != version:
            _pool.pop(key, None)          # cursors still reading the old file keep it alive
            _pool[key] = kept = (version, _attach(key))
            while len(_pool) > KEPT_FILES:
                _pool.popitem(last=False)
        else:
            _pool.move_to_end(key)
        cur = kept[1].cursor()
    try:
        cur.execute("USE zongjie")
    except BaseException:
        cur.close()
        raise
    return cur


def release(path: str | Path | None = None) -> None:
    """Forget the kept database of `path` (every path when None); open cursors finish first."""
    with _lock:
        if path is None:
            _pool.clear()
        else:
            _pool.pop(str(Path(path)), None)
