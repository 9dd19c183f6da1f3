"""The comparable form of a report for 查重 (pipeline/copies.py), and its MinHash signature.

Pure functions of a report's simplified text, so the ingest's worker processes sign each
report (`sign`) beside the other per-file stages and the writer only stores the rows:
signing in the writer after the last batch cost a serial second per thousand reports.
Signatures are datasketch MinHash values over character shingles (no word segmentation).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from pipeline.rules import load as load_rules
from pipeline.text import compiled, patterns
from pipeline.text.compiled import MIX as _MIX, POLY as _P     # the run hash's constants
_CACHE: dict = {}


def compare_rules() -> dict:
    """The [compare] table of copy_rules.toml (checked and re-read when edited by `pipeline.rules`)."""
    return load_rules("copy_rules.toml")["compare"]


def standard_re() -> re.Pattern:
    """One regex for every standard phrase (literal lines longest first, then `re:` lines),
    with a look-ahead on the characters a phrase can start with (`patterns.compile_fast`:
    same matches, a third of the time on a report)."""
    lines = load_rules("standard_phrases.txt")
    if _CACHE.get("phrases") is not lines:
        literal = sorted((re.escape(l) for l in lines if not l.startswith("re:")), key=len, reverse=True)
        regexes = [l[3:] for l in lines if l.startswith("re:")]
        _CACHE.update(phrases=lines, phrases_re=patterns.compile_fast("|".join([*regexes, *literal])))
    return _CACHE["phrases_re"]


@dataclass
class Seq:
    """The comparable characters of a text: standard phrases, punctuation and spaces taken
    out; `pos[i]` is where character i of `codes` sits in the text."""
    codes: np.ndarray      # uint64 code points
    pos: np.ndarray        # int32 offsets into the text

    def __len__(self) -> int:
        return len(self.codes)


def sequence(text: str | None, phrases: re.Pattern | None = None) -> Seq:
    """`phrases`: `standard_re()`, when the caller has it (a loop over many reports)."""
    text = text or ""
    if not text:
        return Seq(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32))
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    keep = (((cp >= 0x3400) & (cp <= 0x9FFF)) | ((cp >= 0xF900) & (cp <= 0xFAFF)) | ((cp >= 0x30) & (cp <= 0x39))
            | ((cp | 0x20) >= 0x61) & ((cp | 0x20) <= 0x7A) & (cp < 0x80))
    for m in (phrases or standard_re()).finditer(text):
        keep[m.start():m.end()] = False
    pos = np.flatnonzero(keep).astype(np.int32)
    return Seq(cp[pos].astype(np.uint64), pos)


def kgrams(codes: np.ndarray, k: int) -> np.ndarray:
    """Hash of every k-character run (uint64, polynomial, wraps around)."""
    n = len(codes) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _P + codes[j:j + n]
    return h


def runs(codes: np.ndarray, k: int) -> np.ndarray:
    """The k-character runs the 查重 comparison matches, as 32-bit hashes: half the memory of
    `kgrams`' 64-bit ones, so the sources kept between reports fit the cache at 10,000
    reports instead of being recomputed. The 64-bit hash is mixed (Fibonacci hashing) before
    its top half is kept - the polynomial's own top bits collide for CJK text (17 in a
    report of 1,400 runs); mixed, a false match needs two runs to collide in 2^32."""
    fast = compiled.loops()
    if fast is not None:                     # numba installed: the same hashes in one pass
        return fast.runs(np.asarray(codes, dtype=np.uint64), k)
    with np.errstate(over="ignore"):
        return ((kgrams(codes, k) * _MIX) >> np.uint64(32)).astype(np.uint32)



def _identity(x):
    return x


def permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of datasketch 2.0's `affine32` MinHash with seed 1, drawn here as its
    `MinHash._init_permutations` draws them, once per process.

    Why: `import datasketch` costs 0.5 s (it imports scipy), paid by every ingest worker at
    its first signed report and by every one-file upload; the compiled signer needs only these
    two arrays. tests/test_copies.py checks they equal datasketch's for the pinned version."""
    if _CACHE.get("perm_n") != num_perm:
        gen = np.random.RandomState(1)
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        _CACHE.update(perm_n=num_perm, perms=(a, b))
    return _CACHE["perms"]


def signature(seq: Seq, c: dict | None = None) -> np.ndarray:
    """datasketch MinHash of the report's character shingles (uint32[num_perm] as uint64).
    With numba installed, the compiled `minhash` computes the same values from datasketch's
    permutations, 12 times faster than `update_batch` (tests/test_copies.py checks they agree)."""
    c = c or compare_rules()
    a, b = permutations(c["num_perm"])
    fast = compiled.loops()
    if fast is not None:
        return fast.minhash(np.asarray(seq.codes, dtype=np.uint64), c["shingle_chars"], c["sample"], a, b)
    from datasketch import MinHash

    m = MinHash(num_perm=c["num_perm"], seed=1, hashfunc=_identity, permutations=np.array([a, b]), scheme="affine32")
    g = kgrams(seq.codes, c["shingle_chars"])
    # a fixed 1-in-`sample` subset of the shingles (chosen by their hash, so the same
    # shingle is kept in every report): the Jaccard estimate is unchanged in expectation,
    # the work is `sample` times smaller
    g = g[(g & np.uint64(c["sample"] - 1)) == 0] >> np.uint64(32)
    if len(g):
        m.update_batch(np.unique(g).tolist())     # Python ints: datasketch's per-value loop runs 30% faster
    return np.asarray(m.hashvalues, dtype=np.uint64)


def bands(sig: np.ndarray, c: dict | None = None) -> np.ndarray:
    """One int64 key per band of `rows` MinHash values (deterministic across processes)."""
    c = c or compare_rules()
    b, r = c["bands"], c["rows"]
    v = sig[:b * r].astype(np.uint64).reshape(b, r)
    key = np.zeros(b, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(r):
            key = key * np.uint64(0x9E3779B97F4A7C15) + v[:, j] + np.uint64(j + 1)
    return key.view(np.int64)


@dataclass
class Signed:
    """What the 查重 index needs of one report: its comparable length, and (when it is
    long enough to compare) its MinHash and band keys, which are stored, and its k-run
    hashes (`runs`), which are not: the writer's comparison uses them instead of cutting
    the text again (it would otherwise redo `sequence` for every report, twice for a
    source its two processes both need), and drops them after the ingest."""
    n_counted: int
    minhash: np.ndarray | None     # uint32[num_perm]
    bands: np.ndarray | None       # int64[bands]
    runs: np.ndarray | None = None  # uint32 `runs(codes, run_chars)`, in text order


def sign(text: str | None) -> Signed:
    c = compare_rules()
    s = sequence(text)
    if len(s) < c["min_chars"]:
        return Signed(len(s), None, None)
    sig = signature(s, c)
    return Signed(len(s), sig.astype(np.uint32), bands(sig, c), runs(s.codes, c["run_chars"]))
