"""Which reports may hold a word: a bigram filter over the simplified texts, kept in the
reader's in-memory database (pipeline/store/readers.py), so a search for a rare word reads
the few texts that may hold it instead of all of them.

Why: `contains` over every text costs 350-570 ms at 100,000 reports for a word that is rare
or missing (the first byte of a Han character in UTF-8 is every third byte, so the search
stops everywhere), and a supervisor types such words into 上下文. Each report gets a
4,096-bit signature: one bit per pair of neighbouring characters (hashed). A report holding
the word holds each of its pairs, so it has all their bits: the filter never drops a report
that holds the word, it only keeps some that do not (the texts are then searched as before).
A word of one character has no pair and is searched in every text.

Where: the signatures are computed from the attached file's texts when a search first asks
for them, in a background thread on a cursor of its own (3.3 s at 100,000 reports with the
compiled loop of pipeline/text/compiled.py, ~12 s through numpy without numba; 50 MB),
into a table of the in-memory database the reader keeps for that file version
(pipeline/store/readers.py). A new publish (a new reader database) starts afresh and a
search never sees another version's filter. Until the table is there the search reads
every text, as it did before: the filter changes how fast, never what is found.

Measured at 100,000 reports (BENCHMARKS "Session 8"): a phrase no report holds went from
570 to 155 ms in 上下文 (6% of the reports pass its filter), and a common word is not
slowed (the filter check costs ~5 ms).
"""
from __future__ import annotations

import threading
import time

import duckdb
import numpy as np

from pipeline import store
from pipeline.text import compiled

WORDS = compiled.GRAM_WORDS     # 64 words of 64 bits: 4,096 bits per report
BITS = WORDS * 64
CHUNK = 5_000                   # reports hashed at once (~60 MB of working memory)
TABLE = "memory.main.text_grams"
CLAIM = "memory.main.text_grams_claim"   # created by the one thread that builds TABLE
BUILD_IN_BACKGROUND = True      # tests build synchronously with `build`


def _bits(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The bit (0..BITS-1) of each pair of code points (a[i], b[i]): the arithmetic of
    compiled._gram_bit, whose constants these are."""
    with np.errstate(over="ignore"):
        h = a.astype(np.uint64) * compiled.GRAM_K1 ^ b.astype(np.uint64) * compiled.GRAM_K2
        h ^= h >> compiled.GRAM_SHIFT
        h *= compiled.GRAM_K1
    return (h >> compiled.GRAM_TOP).astype(np.int64)


def signatures(texts: list[str]) -> np.ndarray:
    """(len(texts), WORDS) uint64: each text's bigram bits (bit 64 w + t is bit t of word w)."""
    n = len(texts)
    if not n:
        return np.zeros((0, WORDS), dtype=np.uint64)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
    codes = np.frombuffer("\x00".join(texts).encode("utf-32-le"), dtype="<u4")
    owner = np.repeat(np.arange(n), lengths + 1)[:-1]      # the text each position belongs to
    a, b = codes[:-1], codes[1:]
    keep = (a != 0) & (b != 0)                              # no pair across the separator
    bits = np.zeros((n, BITS), dtype=bool)
    bits[owner[:-1][keep], _bits(a[keep], b[keep])] = True
    return np.packbits(bits, axis=1, bitorder="little").view("<u8")


def masks(term: str) -> dict[int, int]:
    """word -> the bits a text holding `term` has set in it (empty: a word of one character)."""
    codes = np.frombuffer(term.encode("utf-32-le"), dtype="<u4")
    a, b = codes[:-1], codes[1:]
    keep = (a != 0) & (b != 0)
    out: dict[int, int] = {}
    for bit in _bits(a[keep], b[keep]).tolist():
        out[bit >> 6] = out.get(bit >> 6, 0) | (1 << (bit & 63))
    return out


def _claim(con) -> bool:
    """Create CLAIM: True for the one caller that may build TABLE. False when another has
    claimed it, or when `con` is not a reader's cursor (no in-memory database to keep it in)."""
    try:
        con.execute(f"CREATE TABLE {CLAIM} (x INTEGER)").fetchall()
        return True
    except duckdb.Error:
        return False


def chunk_signatures(con, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """(rowids, signatures) of the stored reports with lo <= rowid < hi: compiled, from the
    texts' UTF-8 bytes (no Python string is made); without numba, through Python strings.

    The bytes come as BLOBs into memory Python owns, not as DuckDB's Arrow buffers: those
    are released through the connection, and one released by the garbage collector while
    the reader ran a later query aborted the process (DuckDB 2.0)."""
    fast = compiled.loops()
    if fast is None:
        got = con.execute("SELECT rowid, coalesce(text_simplified, '') FROM reports "
                          "WHERE rowid >= ? AND rowid < ? ORDER BY rowid", [lo, hi]).fetchall()
        return np.array([r for r, _ in got], dtype=np.int64), signatures([t for _, t in got])
    got = con.execute("SELECT rowid, encode(coalesce(text_simplified, '')) FROM reports "
                      "WHERE rowid >= ? AND rowid < ? ORDER BY rowid", [lo, hi]).fetchall()
    blobs = [b for _, b in got]
    offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)), out=offsets[1:])
    data = np.frombuffer(b"".join(blobs) or b"\0", dtype=np.uint8)
    out = np.zeros((len(blobs), WORDS), dtype=np.uint64)
    fast.grams(data, offsets, out)
    return np.array([r for r, _ in got], dtype=np.int64), out


def _fill(con) -> None:
    import pyarrow as pa

    last = con.execute("SELECT max(rowid) FROM reports").fetchall()[0][0]
    parts = [chunk_signatures(con, lo, lo + CHUNK) for lo in range(0, (last if last is not None else -1) + 1, CHUNK)]
    rids = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    sig = np.concatenate([p[1] for p in parts]) if parts else np.zeros((0, WORDS), dtype=np.uint64)
    table = pa.table({"rid": pa.array(rids, type=pa.int64()),
                      **{f"w{w}": pa.array(np.ascontiguousarray(sig[:, w])) for w in range(WORDS)}})
    con.register("_grams", table)
    try:
        con.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM _grams")
    finally:
        con.unregister("_grams")


def build(con) -> bool:
    """Compute the signatures of every stored report into TABLE, now; False when another
    thread builds or has built it. `con`: a cursor of a reader database."""
    if not _claim(con):
        return False
    _fill(con)
    return True


_building: set[str] = set()         # files a thread is building the filter for
_threads: list[threading.Thread] = []
_building_lock = threading.Lock()


def _build_latest(path: str) -> None:
    """In a thread: the filter for the published file's current version, on a cursor of its
    own from the readers' pool (pipeline/store/readers.py). Not a cursor made from the
    query's: closing the query's connection would have to close it too, mid-build (DuckDB
    refuses, and the process aborted)."""
    try:
        con = store.read_connection(path)
        try:
            build(con)
        finally:
            con.close()
    except Exception:           # the search reads every text, as without the filter
        pass
    finally:
        with _building_lock:
            _building.discard(path)


def _ready(con) -> bool:
    """Is TABLE there? If not, and no thread is building it, start one."""
    try:
        con.execute(f"SELECT 1 FROM {TABLE} LIMIT 0").fetchall()
        return True
    except duckdb.Error:
        pass
    if not BUILD_IN_BACKGROUND:
        return False
    got = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    path = got[0][0] if got else None
    if not path:                # not a reader of a file
        return False
    with _building_lock:
        if path in _building:
            return False
        _building.add(path)
    t = threading.Thread(target=_build_latest, args=(path,), daemon=True, name="zongjie-text-grams")
    with _building_lock:            # a server publishes many versions: keep only live builds
        _threads[:] = [x for x in _threads if x.is_alive()] + [t]
    t.start()
    return False


def wait(timeout: float = 120.0) -> None:
    """Until the filters being built are there (bench.dashboard times the steady state)."""
    deadline = time.monotonic() + timeout
    for t in list(_threads):
        t.join(max(0.0, deadline - time.monotonic()))
    _threads[:] = [t for t in _threads if t.is_alive()]


def candidates(con, term: str) -> np.ndarray | None:
    """The sorted rowids of the stored reports that may hold `term` (every one that does is
    among them), or None: no filter yet (it is then started) or a one-character word."""
    want = masks(term)
    if not want or not _ready(con):
        return None
    cond = " AND ".join(f"(w{w} & {m}::UBIGINT) = {m}::UBIGINT" for w, m in sorted(want.items()))
    got = con.execute(f"SELECT rid FROM {TABLE} WHERE {cond}").fetchnumpy()["rid"]
    return np.sort(np.asarray(got, dtype=np.int64))
