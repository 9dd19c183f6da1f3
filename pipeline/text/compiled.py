"""查重's inner loops, and the search filter's, compiled with numba when it is installed (the
`fast` extra, which `make run` and `make test` install): signing (`minhash`, `runs`, used by
`text/shingles.py`), comparing (`cover_sources`, used by `store/copies.py`) and the bigram
signatures 上下文 searches through (`grams`, `queries/textindex.py`: the filter of 100,000
texts built from their UTF-8 bytes in 3.3 s, where numpy through Python strings took 12 s). Without
numba those modules run their numpy / datasketch code; the results are the same either way
(tests/test_copies.py and tests/test_textindex.py run both paths and compare).

Why: signing called datasketch's `update_batch` with a Python list per report (0.23 ms; 0.02
compiled). Comparing marks which characters of a report lie in an 8-character run one of its
≤12 sources also has - 75,000 pairs of ~2,600 runs at 10,000 reports; numpy needs a binary
search and a dozen calls per pair, the compiled loop one merge per pair and one call per
report: 7.3 -> 3.5 s of CPU for the whole comparison (BENCHMARKS "Session 7").

Loaded on first use (`loops()`): numba costs ~0.3 s to import and ~160 MB of RSS (LLVM,
mostly a shared library), which a process that never signs or compares does not pay: the
dashboard's server loads it only when a search first builds its filter, in the background.
Compiled once per machine (numba's cache, next to this file or in the user's cache folder)
and loaded by the ingest's fork server (`pipeline.warm`), so no worker compiles or loads it
again.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np


def _mark_hits(sg, order, b, hit):
    """hit[p] = True where the k-run starting at p is in `b` (`sg`: the report's k-runs
    sorted, `order[i]`: where sg[i] starts; `b`: the source's, sorted). A branch-free merge:
    equal runs advance the report's side only, so repeated runs on either side all match."""
    m = sg.shape[0]
    nb = b.shape[0]
    i = 0
    j = 0
    while i < m and j < nb:
        x = sg[i]
        y = b[j]
        hit[order[i]] |= x == y
        i += x <= y
        j += y < x


def _covered_count(hit, n, k):
    """How many of the n characters lie in a k-run marked in `hit`."""
    m = hit.shape[0]
    last = -k - 1                           # the latest marked run starting at or before p
    c = 0
    for p in range(n):
        if p < m and hit[p]:
            last = p
        c += p - last < k
    return c


# The run hash's constants, defined here once: shingles' numpy code imports them (it imports
# this module; the compiled loops read module globals, so they cannot import shingles).
POLY = np.uint64(1_000_003)           # polynomial base of the k-gram rolling hash
MIX = np.uint64(0x9E3779B97F4A7C15)   # Fibonacci hashing of a run's hash before its top half is kept
_MASK = np.uint64(0xFFFFFFFF)
# datasketch's 32-bit finalizer (MurmurHash3 fmix32: datasketch.minhash._FMIX_CONSTANTS[32])
_F1, _F2 = np.uint64(0x85EBCA6B), np.uint64(0xC2B2AE35)
_S16, _S13, _SH32 = np.uint64(16), np.uint64(13), np.uint64(32)


def _poly(codes, i, k):
    """= shingles.kgrams at one position: the k characters from i as one polynomial hash."""
    h = np.uint64(0)
    for j in range(k):
        h = h * POLY + codes[i + j]
    return h


def _minhash(codes, k, sample, a, b):
    """datasketch's MinHash (scheme affine32, identity hash) of the report's k-character
    shingles whose polynomial hash is 0 modulo `sample`, each hashed to its top 32 bits;
    `a`, `b`: the template MinHash's permutations. The same values as
    `MinHash.update_batch` (`shingles.signature`'s numpy path; tests/test_copies.py),
    without its per-value Python list: 32-bit arithmetic done in 64 bits and masked."""
    num_perm = a.shape[0]
    out = np.full(num_perm, _MASK, np.uint64)
    n = codes.shape[0] - k + 1
    keep = np.uint64(sample - 1)
    for i in range(n):
        h = poly(codes, i, k)
        if h & keep != 0:
            continue
        x = h >> _SH32
        x = x ^ (x >> _S16)
        x = (x * _F1) & _MASK
        x = x ^ (x >> _S13)
        x = (x * _F2) & _MASK
        x = x ^ (x >> _S16)
        for p in range(num_perm):
            v = (x * np.uint64(a[p]) + np.uint64(b[p])) & _MASK
            if v < out[p]:
                out[p] = v
    return out


def _runs(codes, k):
    """= shingles.runs: every k-character run's polynomial hash, mixed, top 32 bits."""
    n = codes.shape[0] - k + 1
    out = np.empty(max(n, 0), np.uint32)
    for i in range(n):
        out[i] = np.uint32((poly(codes, i, k) * MIX) >> _SH32)
    return out


def _cover_sources(sg, order, n, k, concat, offsets, min_share):
    """One report against all its sources (source s: concat[offsets[s]:offsets[s+1]], its
    sorted k-runs): the characters each covers, and how many the sources holding at least
    `min_share` of the report cover together (its 总复制比). One call per report instead of
    a dozen numpy calls per source."""
    m = sg.shape[0]
    count = np.zeros(offsets.shape[0] - 1, np.int64)
    union = np.zeros(m, np.bool_)           # runs shared with a source that counts
    hit = np.empty(m, np.bool_)
    for s in range(offsets.shape[0] - 1):
        hit[:] = False
        mark_hits(sg, order, concat[offsets[s]:offsets[s + 1]], hit)
        c = covered_count(hit, n, k)
        count[s] = c
        if c / n >= min_share:
            union |= hit
    return count, covered_count(union, n, k)


# The search filter's hash of a pair of neighbouring characters (pipeline/queries/textindex.py
# runs the same arithmetic in numpy and imports these): its top GRAM_BITS bits pick the bit.
GRAM_BITS = 12                        # 2 ** 12 = 4,096 bits per report (64 words of 64)
GRAM_WORDS = (1 << GRAM_BITS) // 64
GRAM_K1 = np.uint64(0x9E3779B97F4A7C15)
GRAM_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
GRAM_SHIFT = np.uint64(31)
GRAM_TOP = np.uint64(64 - GRAM_BITS)
_U6, _U12, _U18 = np.uint64(6), np.uint64(12), np.uint64(18)
_M3F, _M1F, _M0F, _M07, _B63, _ONE = (np.uint64(0x3F), np.uint64(0x1F), np.uint64(0x0F), np.uint64(0x07),
                                      np.uint64(63), np.uint64(1))


def _gram_bit(a, b):
    h = (a * GRAM_K1) ^ (b * GRAM_K2)
    h = h ^ (h >> GRAM_SHIFT)
    h = h * GRAM_K1
    return h >> GRAM_TOP


def _grams(data, offsets, out):
    """= textindex.signatures, read from UTF-8 (text r: data[offsets[r]:offsets[r+1]], valid
    UTF-8 as DuckDB stores it): decode each character, set the bit of each pair of neighbours
    (none with a NUL) in out[r]. No Python string is made."""
    for r in range(offsets.shape[0] - 1):
        i = offsets[r]
        end = offsets[r + 1]
        prev = np.uint64(0)
        while i < end:
            c = np.uint64(data[i])
            if c < np.uint64(0x80):
                cp = c
                i += 1
            elif c < np.uint64(0xE0):
                cp = ((c & _M1F) << _U6) | (np.uint64(data[i + 1]) & _M3F)
                i += 2
            elif c < np.uint64(0xF0):
                cp = (((c & _M0F) << _U12) | ((np.uint64(data[i + 1]) & _M3F) << _U6)
                      | (np.uint64(data[i + 2]) & _M3F))
                i += 3
            else:
                cp = (((c & _M07) << _U18) | ((np.uint64(data[i + 1]) & _M3F) << _U12)
                      | ((np.uint64(data[i + 2]) & _M3F) << _U6) | (np.uint64(data[i + 3]) & _M3F))
                i += 4
            if prev != np.uint64(0) and cp != np.uint64(0):
                bit = gram_bit(prev, cp)
                w = np.int64(bit >> _U6)
                out[r, w] |= _ONE << (bit & _B63)
            prev = cp


_LOADED: list = []
poly = mark_hits = covered_count = gram_bit = None     # compiled helpers the loops call, once `loops()` ran


def loops() -> SimpleNamespace | None:
    """The compiled loops (minhash, runs, cover_sources, grams), or None when numba is not
    installed: callers then run numpy."""
    if not _LOADED:
        _LOADED.append(_compile())
    return _LOADED[0]


def _compile() -> SimpleNamespace | None:
    global poly, mark_hits, covered_count, gram_bit      # called by name from compiled code
    try:
        import numba
    except ImportError:            # the `fast` extra is not installed
        return None
    jit = numba.njit(cache=True, nogil=True)
    poly, mark_hits, covered_count, gram_bit = jit(_poly), jit(_mark_hits), jit(_covered_count), jit(_gram_bit)
    return SimpleNamespace(minhash=jit(_minhash), runs=jit(_runs), cover_sources=jit(_cover_sources),
                           grams=jit(_grams))


def warm() -> None:
    """Compile (or load from numba's cache) before any worker is started from this process."""
    fast = loops()
    if fast is None:
        return
    sg, order, b = np.arange(3, dtype=np.uint32), np.arange(3, dtype=np.int64), np.arange(2, dtype=np.uint32)
    fast.cover_sources(sg, order, 10, 8, b, np.array([0, 2], dtype=np.int64), 0.05)
    codes = np.arange(20, dtype=np.uint64)
    fast.minhash(codes, 5, 4, np.ones(4, dtype=np.uint32), np.zeros(4, dtype=np.uint32))
    fast.runs(codes, 8)
    # compiled here too, so a dashboard's first search loads the search filter's loop from
    # numba's cache instead of compiling it (seconds of CPU, holding the GIL) in the server
    text = np.frombuffer("意识形态".encode("utf-8"), dtype=np.uint8)
    fast.grams(text, np.array([0, len(text)], dtype=np.int64), np.zeros((1, GRAM_WORDS), dtype=np.uint64))
