"""查重: copied and templated reports, computed at ingest and stored in DuckDB.

Three questions, answered for every report:
  * which stored reports does it share text with (candidates): MinHash signatures
    (datasketch) over character shingles, cut into bands stored as rows in `copy_bands`,
    so candidates are one DuckDB self-join on (band, hash) - no word segmentation, and a
    new report is compared with the stored ones without recomputing anything else;
  * how much of it is found in each candidate (containment, CNKI-style): a character is
    copied when it lies in a run of `run_chars` characters that the source also has;
    `copy_matches.share` per source, `copy_summary.share` (总复制比) for all sources together.
    Standard phrases (slogans, document titles, quotations: data/standard_phrases.txt)
    are cut out first, so the genre's shared boilerplate does not count as copying;
  * cheap red flags (`copy_flags`, rules in data/copy_rules.toml): placeholders left in,
    another unit's or place's name, an outdated congress named as current, every count
    identical to the unit's previous year.

A source must not be later than the report (a 2021 report cannot copy a 2022 one), except
a template (a file ingested with `--template`, or a text the pipeline judged not to be a
report, e.g. a 范文/心得 essay), which is a source for any year.
"""
from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from pipeline import limits
from pipeline.config import data_file
from pipeline.text.patterns import compile_fast
from pipeline.text.shingles import Seq, Signed, bands, kgrams, runs, sequence, sign, signature, standard_re  # noqa: F401  (also this module's API)
from pipeline.text.shingles import compiled   # the compiled loops the signing uses (pipeline/text/compiled.py)

# ---------------------------------------------------------------- tables (schema: store.COPY_SCHEMA)
TABLES = ("copy_signatures", "copy_bands", "copy_matches", "copy_summary", "copy_flags")

KINDS = {"own_previous": "本单位往年", "same_year_other": "同年其他单位", "template": "范文模板", "other": "其他报告"}
FLAGS = {"high_share": "复制比高", "placeholder": "模板占位符未替换", "other_unit": "出现其他单位名称",
         "other_place": "出现其他地区名称", "outdated_congress": "会议提法过时", "identical_counts": "数字与上年完全相同"}

# ---------------------------------------------------------------- rules
_COMPILED: dict = {}


def rules() -> dict:
    """copy_rules.toml (through `pipeline.rules`: checked, re-read when edited), regexes compiled."""
    from pipeline import rules as _rules

    raw = _rules.load("copy_rules.toml")
    if _COMPILED.get("raw") is not raw:
        r = copy.deepcopy(raw)
        f = r["flag"]
        f["_placeholders"] = compile_fast("|".join(f"(?:{p})" for p in f["placeholders"]))
        f["_specific"] = re.compile(f["specific_unit"])
        for c in f.get("congress", []):
            c["_re"] = re.compile(c["pattern"])
        _COMPILED.update(raw=raw, rules=r)
    return _COMPILED["rules"]


# ---------------------------------------------------------------- containment
def covered(a: Seq, b_grams: np.ndarray, k: int, ga: np.ndarray | None = None) -> np.ndarray:
    """Bool per character of `a`: lies in a k-run that `b` also has (b_grams: sorted; `ga`:
    a's own k-run hashes, when the caller has them already)."""
    ga = runs(a.codes, k) if ga is None else ga
    n = len(a)
    if not len(ga) or not len(b_grams):
        return np.zeros(n, dtype=bool)
    i = np.searchsorted(b_grams, ga)
    i[i == len(b_grams)] = 0
    hit = np.flatnonzero(b_grams[i] == ga)
    if not len(hit):
        return np.zeros(n, dtype=bool)
    d = np.bincount(hit, minlength=n + k + 1).astype(np.int32)
    d -= np.bincount(hit + k, minlength=n + k + 1).astype(np.int32)
    return np.cumsum(d)[:n] > 0


def spans(seq: Seq, mask: np.ndarray, text: str, gap: int = 3) -> list[tuple[int, int]]:
    """Covered characters -> (start, end) spans of `text`, bridging punctuation/phrases up to `gap`."""
    out: list[list[int]] = []
    for i in np.flatnonzero(mask):
        p = int(seq.pos[i])
        if out and p - out[-1][1] <= gap:
            out[-1][1] = p + 1
        else:
            out.append([p, p + 1])
    return [(s, e) for s, e in out if e <= len(text)]


def shared_passages(text_a: str, text_b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]], float]:
    """The passages of A found in B and of B found in A (offsets in each text), and the share of A in B."""
    k = rules()["compare"]["run_chars"]
    a, b = sequence(text_a), sequence(text_b)
    ca = covered(a, np.sort(runs(b.codes, k)), k)
    cb = covered(b, np.sort(runs(a.codes, k)), k)
    return spans(a, ca, text_a), spans(b, cb, text_b), (float(ca.mean()) if len(a) else 0.0)


# ---------------------------------------------------------------- incremental update
def _kind(a: dict, b: dict) -> str | None:
    """How source `b` relates to report `a`; None when b cannot be a's source (later)."""
    if b["template"]:
        return "template"
    ya, yb = a["year"], b["year"]
    if ya is not None and yb is not None and yb > ya:
        return None
    if a["unit"] and a["unit"] == b["unit"] and (not a["region"] or not b["region"] or a["region"] == b["region"]):
        return "own_previous" if ya is None or yb is None or yb <= ya else None
    if ya is not None and ya == yb:
        return "same_year_other"
    return "other"


def _ids_table(con, name: str, ids: Iterable[str]) -> None:
    import pyarrow as pa

    # no PRIMARY KEY: the ids are distinct already, and the index cost 55 ms per 10,000 (read by IN only)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (report_id VARCHAR)")
    ids = sorted(set(ids))
    if ids:
        con.register("_ids_arrow", pa.table({"report_id": ids}))
        try:
            con.execute(f"INSERT INTO {name} SELECT report_id FROM _ids_arrow")
        finally:
            con.unregister("_ids_arrow")


# What a report's 查重 rows depend on besides its content (report_id names the content):
# attribution, template status, the extraction version and the 查重 rules.
FINGERPRINT = """concat_ws('|', coalesce(r.unit, ''), coalesce(CAST(r.year AS VARCHAR), ''), coalesce(r.region, ''),
    CAST(coalesce(r.is_report, TRUE) AS VARCHAR), CAST(r.file_id IN (SELECT file_id FROM copy_templates) AS VARCHAR),
    coalesce(f.pipeline_version, ''), ?)"""


def rules_version() -> str:
    """Hash of this module and its rules files: editing them recomputes every report's 查重."""
    import hashlib

    h = hashlib.sha256()
    # this module, text/shingles.py (where `sign` lives) and the two rules files
    for path in (__file__, sign.__code__.co_filename, data_file("copy_rules.toml"), data_file("standard_phrases.txt")):
        with open(path, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:16]


def stale(con) -> int:
    """How many reports' 查重 rows are missing or out of date (see `update`)."""
    return con.execute(f"""
        SELECT count(*) FROM reports r JOIN files f USING (file_id) LEFT JOIN copy_signatures s USING (report_id)
        WHERE s.fingerprint IS DISTINCT FROM {FINGERPRINT}""", [rules_version()]).fetchone()[0]


def mark_templates(con, paths: Iterable[str]) -> int:
    """Mark the files now at `paths` as templates (范文); their reports and their neighbours
    are compared again on the next `update`."""
    paths = list(paths)
    con.execute("""INSERT OR IGNORE INTO copy_templates
                   SELECT DISTINCT file_id, now() FROM file_paths WHERE path IN (SELECT unnest(?::VARCHAR[]))""",
                [paths])
    return con.execute("SELECT count(*) FROM copy_templates").fetchone()[0]


def _signatures(con, ids: list[str], presigned: dict[str, Signed]) -> dict[str, Signed]:
    """Each report's `sign`: from the workers when they gave it, else from its stored text
    (read in slices, so a re-sign of a large corpus never holds every text at once)."""
    out = {r: presigned[r] for r in ids if r in presigned}
    todo = [r for r in ids if r not in out]
    for i in range(0, len(todo), 2000):
        _ids_table(con, "_copy_sign", todo[i:i + 2000])
        for rid, text in con.execute("""SELECT report_id, text_simplified FROM reports
                                        WHERE report_id IN (SELECT report_id FROM _copy_sign)""").fetchall():
            out[rid] = sign(text)
    return out


def _insert_signatures(con, pending: list[tuple[str, str]], signed: dict[str, Signed]) -> None:
    """Signature and band rows in two Arrow inserts (columns built from numpy, not per row)."""
    import pyarrow as pa

    ids = [rid for rid, _ in pending]
    sigs = [signed[rid] for rid in ids]
    sig_tbl = pa.table({
        "report_id": pa.array(ids, pa.string()),
        "n_counted": pa.array([s.n_counted for s in sigs], pa.int32()),
        "minhash": pa.array([s.minhash for s in sigs], pa.list_(pa.uint32())),
        "fingerprint": pa.array([fp for _, fp in pending], pa.string())})
    banded = [(rid, s.bands) for rid, s in zip(ids, sigs) if s.bands is not None]
    tables = [("copy_signatures", sig_tbl)]
    if banded:
        nb = len(banded[0][1])
        tables.append(("copy_bands", pa.table({
            "report_id": pa.array(np.repeat(np.array([r for r, _ in banded], dtype=object), nb), pa.string()),
            "band": pa.array(np.tile(np.arange(nb, dtype=np.int16), len(banded))),
            "hash": pa.array(np.concatenate([b for _, b in banded]))})))
    for table, tbl in tables:
        con.register("_copy_rows", tbl)
        try:
            con.execute(f"INSERT INTO {table} ({', '.join(tbl.column_names)}) SELECT * FROM _copy_rows")
        finally:
            con.unregister("_copy_rows")


def update(con, presigned: dict[str, Signed] | None = None) -> dict[str, int]:
    """Bring the 查重 tables up to date with `reports`, touching only what changed:
    reports gone -> their rows go and the reports that cited them are recomputed; reports
    without a signature (new or changed) get one, and they and their band neighbours are
    recomputed. Run by the writer at the end of every ingest (and safe to run any time:
    an interrupted run is finished by the next). `presigned`: report_id -> `sign(text)`,
    computed by the ingest's workers (a report missing from it is signed here)."""
    c = rules()["compare"]
    dirty: set[str] = set()
    gone = [r for (r,) in con.execute("""SELECT report_id FROM copy_signatures
                                         WHERE report_id NOT IN (SELECT report_id FROM reports)""").fetchall()]
    gone += [r for (r,) in con.execute("""SELECT DISTINCT report_id FROM copy_summary
                                          WHERE report_id NOT IN (SELECT report_id FROM reports)""").fetchall()]
    if gone:
        _ids_table(con, "_copy_gone", gone)
        dirty |= {r for (r,) in con.execute("""SELECT DISTINCT report_id FROM copy_matches
                  WHERE source_report_id IN (SELECT report_id FROM _copy_gone)""").fetchall()}
        for t in TABLES:
            con.execute(f"DELETE FROM {t} WHERE report_id IN (SELECT report_id FROM _copy_gone)")
        con.execute("DELETE FROM copy_matches WHERE source_report_id IN (SELECT report_id FROM _copy_gone)")
        dirty -= set(gone)
    con.execute("DELETE FROM copy_templates WHERE file_id NOT IN (SELECT file_id FROM files)")

    # new reports, and stored ones whose inputs changed: re-extracted by a new pipeline
    # version (same content, same report_id), a manifest that changed unit or year, a file
    # marked as a template, or edited 查重 rules
    pending = con.execute(f"""
        SELECT r.report_id, {FINGERPRINT} AS fp FROM reports r JOIN files f USING (file_id)
        LEFT JOIN copy_signatures s USING (report_id)
        WHERE s.fingerprint IS DISTINCT FROM {FINGERPRINT}""", [rules_version(), rules_version()]).fetchall()
    if not pending and not gone:
        return {"signed": 0, "compared": 0}
    if pending:
        ids = [rid for rid, _ in pending]
        signed = _signatures(con, ids, presigned or {})
        _ids_table(con, "_copy_new", ids)
        con.execute("DELETE FROM copy_bands WHERE report_id IN (SELECT report_id FROM _copy_new)")
        con.execute("DELETE FROM copy_signatures WHERE report_id IN (SELECT report_id FROM _copy_new)")
        _insert_signatures(con, pending, signed)
        dirty |= set(ids)
        # the nearest neighbours of each new report that it can be a source for (not later
        # than them, or a template): their share may now include it. Only the
        # `max_candidates` sharing most bands - a report compares with that many at most,
        # and in a genre full of shared boilerplate "any band in common" is most of the corpus.
        # (skipped when every stored report is new: a first ingest compares them all anyway,
        # and this band self-join is one of the step's two largest queries)
        if len(dirty) < con.execute("SELECT count(*) FROM reports").fetchone()[0]:
            dirty |= {r for (r,) in con.execute("""
                SELECT b.report_id
                FROM copy_bands a JOIN copy_bands b ON a.band = b.band AND a.hash = b.hash
                JOIN reports ra ON ra.report_id = a.report_id JOIN reports rb ON rb.report_id = b.report_id
                WHERE a.report_id IN (SELECT report_id FROM _copy_new)
                  AND b.report_id NOT IN (SELECT report_id FROM _copy_new)
                  AND (ra.year IS NULL OR rb.year IS NULL OR ra.year <= rb.year OR NOT coalesce(ra.is_report, TRUE)
                       OR ra.file_id IN (SELECT file_id FROM copy_templates))
                GROUP BY a.report_id, b.report_id
                QUALIFY row_number() OVER (PARTITION BY a.report_id ORDER BY count(*) DESC, b.report_id) <= ?""",
                                                 [c["max_candidates"]]).fetchall()}
        # the same unit's next-year report (its "counts identical to last year" flag)
        dirty |= {r for (r,) in con.execute("""
            SELECT DISTINCT n.report_id FROM reports r JOIN reports n
              ON n.unit = r.unit AND n.year = r.year + 1
            WHERE r.report_id IN (SELECT report_id FROM _copy_new)""").fetchall()}
    if not dirty:
        return {"signed": len(pending), "compared": 0}
    _compare(con, dirty, {rid: (s.n_counted, s.runs) for rid, s in signed.items() if s.runs is not None}
             if pending else {})
    return {"signed": len(pending), "compared": len(dirty)}


CANDIDATE_PART = 2000      # reports whose band collisions one query gathers (see `_compare`)
# The workers' k-run hashes kept for the writer's comparison, up to this many bytes (a first
# ingest of ~28,000 reports); beyond it the step cuts the texts again, as for a re-ingest's
# stored neighbours.
RUNS_KEPT_BYTES = 256 * 1024 * 1024


class Presigned(dict):
    """report_id -> the workers' `Signed` for this ingest (what `update` takes), keeping their
    k-run hashes only up to RUNS_KEPT_BYTES (read when the first is added)."""

    def __init__(self):
        super().__init__()
        self.held, self.budget = 0, None

    def add(self, rid: str, sig: Signed) -> None:
        if self.budget is None:
            self.budget = RUNS_KEPT_BYTES
        if sig.runs is not None:
            if self.held + sig.runs.nbytes > self.budget:
                sig.runs = None
            else:
                self.held += sig.runs.nbytes
        self[rid] = sig


def _compare(con, dirty: set[str], known: dict[str, tuple[int, np.ndarray]] | None = None) -> None:
    """Recompute the matches, summaries and flags of `dirty`. `known`: report_id ->
    (comparable length, `runs`) of the reports signed in this step (the others' runs are
    cut from their stored text). From PARALLEL_MIN reports the comparison runs in two
    processes, started first: their start overlaps the candidate queries."""
    import tempfile

    procs = min(os.cpu_count() or 1, MAX_PROCS)
    # the writer runs on one DuckDB thread while the ingest's workers have the CPUs; they are
    # done by now, so the candidate queries get them (10,000 reports: ~0.9 -> 0.5 s)
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute(f"SET threads = {max(int(threads), os.cpu_count() or 1)}")
    try:
        if procs < 2 or len(dirty) < PARALLEL_MIN:
            return _compare_in(con, dirty, known, None, 1, None)
        with tempfile.TemporaryDirectory(prefix="zongjie-copies-") as tmp, _pool(procs) as pool:
            for _ in range(procs):
                pool.submit(_warm)
            _compare_in(con, dirty, known, pool, procs, tmp)
    finally:
        con.execute(f"SET threads = {int(threads)}")


def _compare_in(con, dirty: set[str], known: dict | None, pool, procs: int, tmp: str | None) -> None:
    """`tmp`: a folder for the files the comparison processes read (with `pool`)."""
    import pyarrow as pa

    c, fr = rules()["compare"], rules()["flag"]
    _ids_table(con, "_copy_dirty", dirty)
    cand: dict[str, list[str]] = {}
    # In parts of CANDIDATE_PART reports: each report's candidates depend on its own band
    # collisions only, so the parts give the same rows as one query, and the pairs held at
    # once stay bounded (one query over 100,000 new reports ran the writer out of memory).
    # The join runs on integer stand-ins for the 64-character report ids (numbered in id
    # order, so ties break as before): 2.6 times faster, the same pairs. Each report's
    # candidates come most bands in common first (the source named among equal shares).
    # Only the buckets the dirty reports fall in are numbered: a 1% re-ingest reads a few
    # buckets, not every band row of the corpus (4.2 million at 100,000 reports).
    con.execute("""CREATE OR REPLACE TEMP TABLE _copy_bk AS
                   SELECT b.band, b.hash, b.report_id FROM copy_bands b
                   SEMI JOIN (SELECT DISTINCT band, hash FROM copy_bands
                              WHERE report_id IN (SELECT report_id FROM _copy_dirty)) d USING (band, hash)""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _copy_ix AS
                   SELECT report_id, (row_number() OVER (ORDER BY report_id))::INTEGER AS ix
                   FROM (SELECT DISTINCT report_id FROM _copy_bk)""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _copy_bi AS
                   SELECT b.band, b.hash, i.ix FROM _copy_bk b JOIN _copy_ix i USING (report_id)""")
    con.execute("DROP TABLE _copy_bk")
    ordered = sorted(dirty)
    name = [None, *(r for (r,) in con.execute("SELECT report_id FROM _copy_ix ORDER BY ix").fetchall())]
    for i in range(0, len(ordered), CANDIDATE_PART):
        _ids_table(con, "_copy_part", ordered[i:i + CANDIDATE_PART])
        got = con.execute("""
                SELECT a.ix AS a, b.ix AS b
                FROM _copy_bi a JOIN _copy_bi b ON a.band = b.band AND a.hash = b.hash
                WHERE a.ix IN (SELECT ix FROM _copy_ix WHERE report_id IN (SELECT report_id FROM _copy_part))
                  AND b.ix <> a.ix
                GROUP BY a.ix, b.ix
                QUALIFY row_number() OVER (PARTITION BY a.ix ORDER BY count(*) DESC, b.ix) <= ?
                ORDER BY a.ix, count(*) DESC, b.ix""", [c["max_candidates"]]).fetchnumpy()
        for a, b in zip(got["a"].tolist(), got["b"].tolist()):      # the ids back from their numbers
            cand.setdefault(name[a], []).append(name[b])
    con.execute("DROP TABLE _copy_bi")
    con.execute("DROP TABLE _copy_ix")
    tsig = {r: np.asarray(m, dtype=np.uint32) for r, m in con.execute("""
        SELECT r.report_id, s.minhash FROM reports r JOIN copy_signatures s USING (report_id)
        WHERE s.minhash IS NOT NULL AND (r.file_id IN (SELECT file_id FROM copy_templates)
                                         OR NOT coalesce(r.is_report, TRUE))""").fetchall()}
    templates = _template_candidates(con, tsig, c["template_min_equal"])
    need = set(dirty) | {b for bs in cand.values() for b in bs} | set(tsig)
    _ids_table(con, "_copy_need", need)
    known = {r: v for r, v in (known or {}).items() if r in need}
    _ids_table(con, "_copy_known", known)
    meta: dict[str, dict] = {}
    texts = _Texts(os.path.join(tmp, "texts.bin") if tmp else None)
    # the text of a source whose runs are known is not read: only flags and `sequence` need it
    cur = con.execute("""
            SELECT r.report_id, r.unit, r.region, r.year, r.is_report,
                   r.file_id IN (SELECT file_id FROM copy_templates), r.title,
                   CASE WHEN r.report_id IN (SELECT report_id FROM _copy_dirty)
                          OR r.report_id NOT IN (SELECT report_id FROM _copy_known) THEN r.text_simplified END
            FROM reports r WHERE r.report_id IN (SELECT report_id FROM _copy_need)""")
    while rows := cur.fetchmany(2000):
        for rid, unit, region, year, is_report, tmpl, title, text in rows:
            meta[rid] = dict(unit=unit, region=region, year=year, template=bool(tmpl) or is_report is False,
                             title=title)
            if text is not None:
                texts.put(rid, text)
    texts.close()
    counts = _counts(con)
    roster = _roster_re(con, fr)
    state = dict(meta=meta, texts=texts, cand=cand, templates=templates, counts=counts, roster=roster, known=known)
    # earliest year first: a source is mostly an earlier report, whose sorted k-runs are then
    # kept from its own turn instead of being computed again
    ids = sorted((r for r in dirty if r in meta), key=lambda r: (meta[r]["year"] or 0, r))
    parts = _compare_parallel(pool, procs, tmp, state, ids) if pool is not None else [_compare_with(state, ids)]
    match_rows, summ_rows, flag_rows = ({col: [v for part in parts for v in part[j][col]] for col in parts[0][j]}
                                        for j in range(3))
    for t in ("copy_matches", "copy_summary", "copy_flags"):
        con.execute(f"DELETE FROM {t} WHERE report_id IN (SELECT report_id FROM _copy_dirty)")
    for t, rows in (("copy_matches", match_rows), ("copy_summary", summ_rows), ("copy_flags", flag_rows)):
        if rows["report_id"]:
            con.register("_copy_rows", pa.table(rows))
            try:
                con.execute(f"INSERT INTO {t} ({', '.join(rows)}) SELECT {', '.join(rows)} FROM _copy_rows")
            finally:
                con.unregister("_copy_rows")


_STATE: dict = {}        # what `_compare_ids` reads (set by `_compare_with`)
PARALLEL_MIN = 2000      # reports to compare before a second process pays (a first ingest of a large corpus)
MAX_PROCS = 2


def _compare_with(state: dict, ids: list[str]) -> tuple[dict, dict, dict]:
    _STATE.clear()
    _STATE.update(_unpack(state, ids) if "packed" in state else state)
    try:
        return _compare_ids(ids)
    finally:
        _STATE.clear()


def _pool(procs: int):
    """Comparison processes started from the ingest's fork server (small, warm). Not forked
    from the writer: a forked child counts all the writer's pages as its own (session 3's
    peak of 2.7 GB at 10,000 reports was the writer and two such children)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["pipeline.warm"])
    return ProcessPoolExecutor(max_workers=procs, mp_context=ctx, initializer=limits.adopt,
                               initargs=(limits.worker_state(),))


def _warm() -> None:
    """A comparison process's first task: this module imported, its rules compiled."""
    rules()
    standard_re()


def _compare_parallel(pool, procs: int, tmp: str, state: dict, ids: list[str]) -> list[tuple[dict, dict, dict]]:
    """The comparisons split over the pool's processes. The texts and k-runs go through two
    files the processes map (`_Texts`, `_pack`), not through the pipe: pickling 166 MB per
    process cost the writer a serial second at 10,000 reports, and each process held every
    text (at 100,000 reports the step's peak memory)."""
    chunks = [ids[i::procs] for i in range(procs)]
    packed = _pack(state, tmp)
    futures = []
    for chunk in chunks:
        part = dict(packed, gram_budget=GRAM_CACHE_BYTES // procs,     # the same memory in all as in one
                    cand={r: state["cand"][r] for r in chunk if r in state["cand"]},
                    templates={r: state["templates"][r] for r in chunk if r in state["templates"]})
        futures.append(pool.submit(_compare_with, part, chunk))
    return [f.result() for f in futures]


class _Texts:
    """Report texts for the comparison: in memory, or - for the comparison processes - in one
    UTF-8 file written as the rows are read (the writer never holds them all: 750 MB at
    100,000 reports) and mapped by each process, a text decoded only when asked for."""

    def __init__(self, path: str | None = None):
        self.path, self.at, self.mem, self.pos = path, {}, {}, 0
        self._fh = open(path, "wb") if path else None
        self._map = None

    def put(self, rid: str, text: str) -> None:
        if self._fh is None:
            self.mem[rid] = text
            return
        b = text.encode("utf-8")
        self._fh.write(b)
        self.at[rid] = (self.pos, self.pos + len(b))
        self.pos += len(b)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def get(self, rid: str, default: str | None = None) -> str | None:
        if self.path is None:
            return self.mem.get(rid, default)
        span = self.at.get(rid)
        if span is None:
            return default
        if self._map is None:
            import mmap

            with open(self.path, "rb") as fh:
                self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if self.pos else b""
        return self._map[span[0]:span[1]].decode("utf-8")

    def __getstate__(self) -> dict:          # what a comparison process is sent: where, not what
        return {"path": self.path, "at": self.at, "mem": self.mem, "pos": self.pos}

    def __setstate__(self, d: dict) -> None:
        self.__dict__.update(d, _fh=None, _map=None)


def _pack(state: dict, folder: str) -> dict:
    """`state` with its k-runs written to one file in `folder` (uint32, one block) and
    replaced by where each report's slice lies; its texts are a file already (`_Texts`)."""
    from pathlib import Path

    runs_at, at = {}, 0
    with open(Path(folder, "runs.bin"), "wb") as fh:        # written piece by piece: no second copy
        for r, (n, g) in state["known"].items():
            fh.write(np.ascontiguousarray(g, dtype=np.uint32).data)
            runs_at[r] = (n, at, at + len(g))
            at += len(g)
    return dict(state, known=None, packed=folder, runs_at=runs_at)


def _unpack(state: dict, ids: list[str]) -> dict:
    """The k-runs of a packed state's reports `ids` and their sources back, as views of
    one mapped block."""
    from pathlib import Path

    need = set(ids)
    for rid in ids:
        need.update(state["cand"].get(rid, ()))
        need.update(state["templates"].get(rid, ()))
    path = Path(state["packed"], "runs.bin")
    block = np.memmap(path, dtype=np.uint32, mode="r") if path.stat().st_size else np.zeros(0, np.uint32)
    known = {r: (v[0], block[v[1]:v[2]]) for r in need if (v := state["runs_at"].get(r)) is not None}
    return dict(state, known=known)


GRAM_CACHE_BYTES = 256 * 1024 * 1024   # sorted k-runs of sources kept between reports (sources recur)


@dataclass
class _Prepared:
    """A report ready to be compared: its comparable length, its k-run hashes sorted
    (`sg`) with where each came from (`order`), and the run length `k`."""
    n: int
    sg: np.ndarray
    order: np.ndarray
    k: int


def _prepare(n: int, g: np.ndarray, k: int) -> _Prepared:
    """`n` comparable characters whose k-runs hash to `g` (`runs`)."""
    # sorted with their positions as one 64-bit key: np.sort of the keys is cheaper than
    # argsort and a gather (any order of equal runs gives the same mask)
    key = np.sort((np.asarray(g, dtype=np.uint64) << np.uint64(32)) | np.arange(len(g), dtype=np.uint64))
    return _Prepared(n, (key >> np.uint64(32)).astype(np.uint32), (key & np.uint64(0xFFFFFFFF)).astype(np.int64), k)


def _covered_fast(a: _Prepared, b_sorted: np.ndarray) -> np.ndarray:
    """`covered` for a prepared report, in numpy (where numba is not installed; otherwise
    `compiled.cover_sources` does all of a report's sources at once): the same mask, about
    three times faster (the queries are searched in sorted order, and one cumulative sum
    marks the covered characters instead of two bincounts)."""
    m = len(a.sg)
    if not m or not len(b_sorted):
        return np.zeros(a.n, dtype=bool)
    i = np.searchsorted(b_sorted, a.sg)
    i[i == len(b_sorted)] = 0
    h = np.empty(m, dtype=bool)
    h[a.order] = b_sorted[i] == a.sg
    c = np.empty(m + 1, dtype=np.int32)
    c[0] = 0
    np.cumsum(h, out=c[1:])
    # character j is covered when a run starting in [j-k+1, j] is shared: c[hi] > c[lo] with
    # lo = max(j-k+1, 0), hi = min(j+1, m) - three slices (head, middle, tail), no gathers
    k, n = a.k, a.n
    if m != n - k + 1 or m < k:
        j = np.arange(n)
        return c[np.minimum(j + 1, m)] > c[np.clip(j - k + 1, 0, m)]
    out = np.empty(n, dtype=bool)
    np.greater(c[1:k], 0, out=out[:k - 1])
    np.greater(c[k:m + 1], c[:m - k + 1], out=out[k - 1:m])
    np.greater(c[m], c[m - k + 1:m], out=out[m:])
    return out


def _cover_sources(a: _Prepared, sources: list[np.ndarray], min_share: float) -> tuple[list[int], int]:
    """How many characters of `a` each source covers (sorted k-runs), and how many the
    sources covering at least `min_share` of it cover together."""
    if not sources:
        return [], 0
    fast = compiled.loops()
    if fast is not None and len(a.sg):     # numba: one call per report
        offsets = np.zeros(len(sources) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in sources], out=offsets[1:])
        count, n_union = fast.cover_sources(np.asarray(a.sg), np.asarray(a.order), a.n, a.k,
                                                np.concatenate(sources).astype(np.uint32, copy=False), offsets,
                                                float(min_share))
        return count.tolist(), int(n_union)
    union = np.zeros(a.n, dtype=bool)
    count = []
    for b in sources:
        cov = _covered_fast(a, b)
        count.append(int(np.count_nonzero(cov)))
        if count[-1] / a.n >= min_share:
            union |= cov
    return count, int(np.count_nonzero(union))


def _compare_ids(ids: list[str]) -> tuple[dict, dict, dict]:
    """Matches, summary and flags of the reports `ids` (rows as column lists)."""
    c, fr = rules()["compare"], rules()["flag"]
    k = c["run_chars"]
    phrases = standard_re()
    meta, texts, cand, templates = _STATE["meta"], _STATE["texts"], _STATE["cand"], _STATE["templates"]
    known = _STATE.get("known") or {}
    grams: dict[str, np.ndarray] = {}     # sorted k-run hashes of sources, kept within the budget
    held = 0
    budget = _STATE.get("gram_budget", GRAM_CACHE_BYTES)

    def keep(rid: str, sg: np.ndarray) -> None:
        nonlocal held
        while grams and held + sg.nbytes > budget:
            held -= grams.pop(next(iter(grams))).nbytes      # the oldest first
        grams[rid] = sg
        held += sg.nbytes

    todo = set(ids)
    early: dict[str, tuple[int, np.ndarray]] = {}   # sources met before their own turn: (n, k-runs)

    def gram_set(rid: str) -> np.ndarray:
        if rid not in grams:
            if rid in known:
                g = known[rid][1]
            else:
                s_ = sequence(texts.get(rid), phrases)
                g = runs(s_.codes, k)
                if rid in todo and held < budget:
                    early[rid] = (len(s_), g)         # its own turn then skips `sequence`
            keep(rid, np.sort(g))
        return grams[rid]

    matches: list[tuple] = []       # rows as tuples, turned into columns at the end (one append per row)
    summaries: list[tuple] = []
    flagged: list[tuple] = []
    min_chars, min_share = c["min_chars"], c["min_share"]
    for rid in ids:
        todo.discard(rid)
        a = meta[rid]
        if rid in early:
            n, g = early.pop(rid)
        elif rid in known:
            n, g = known[rid]
        else:
            s = sequence(texts.get(rid), phrases)
            n, g = len(s), None
        best, n_union, found = None, 0, 0
        mine: list[tuple[str, float]] = []
        if n >= min_chars and not a["template"]:
            pa_ = _prepare(n, runs(s.codes, k) if g is None else g, k)
            if rid not in grams:
                keep(rid, pa_.sg)        # this report is likely a source of a later one
            sources = dict.fromkeys([*cand.get(rid, []), *(t for t in templates.get(rid, ()) if t != rid)])
            valid = [(src, kind) for src in sources
                     if (b := meta.get(src)) is not None and (kind := _kind(a, b)) is not None]
            n_covs, n_union = _cover_sources(pa_, [gram_set(src) for src, _ in valid], min_share)
            for (src, kind), n_cov in zip(valid, n_covs):
                share = n_cov / n
                if share < min_share:
                    continue
                found += 1
                matches.append((rid, src, round(share, 4), kind, n_cov))
                mine.append((src, round(share, 4)))
                if best is None or share > best[1]:
                    best = (src, share, kind)
        total = float(n_union) / n if n else 0.0
        summaries.append((rid, round(total, 4), n, best[0] if best else None, round(best[1], 4) if best else None,
                          best[2] if best else None, found))
        if a["template"]:
            continue
        # the sources holding at least a fifth of it, the last found first
        named = [meta[m] for m, sh in reversed(mine) if sh >= BEST_SOURCE_SHARE]
        flagged += [(rid, flag, detail) for flag, detail in flags(texts.get(rid, ""), a, total, named,
                                                                   _STATE["counts"], _STATE["roster"], fr)]
    return (_columns(matches, ("report_id", "source_report_id", "share", "kind", "n_chars")),
            _columns(summaries, ("report_id", "share", "n_counted", "source_report_id", "source_share", "source_kind",
                                 "n_sources")),
            _columns(flagged, ("report_id", "flag", "detail")))


BEST_SOURCE_SHARE = 0.2     # a source holding this much of a report can lend it another unit's or place's name


def _columns(rows: list[tuple], names: tuple[str, ...]) -> dict[str, list]:
    """Rows as tuples -> {column: values} (what the Arrow insert takes)."""
    cols = list(zip(*rows)) if rows else [() for _ in names]
    return {name: list(col) for name, col in zip(names, cols)}


def _template_candidates(con, tsig: dict[str, np.ndarray], min_equal: int) -> dict[str, list[str]]:
    """Every template whose MinHash signature agrees with a dirty report's in `min_equal` or
    more positions (an estimated Jaccard of min_equal/num_perm): a filled-in template shares
    few shingles with a long report, too few for the bands, so templates get this wider net
    (one vectorised comparison of signatures, cheap however many reports there are)."""
    if not tsig:
        return {}
    names = list(tsig)
    T = np.stack([tsig[t] for t in names])
    out: dict[str, list[str]] = {}
    rows = con.execute("""SELECT report_id, minhash FROM copy_signatures
                           WHERE report_id IN (SELECT report_id FROM _copy_dirty) AND minhash IS NOT NULL""").fetchall()
    for i in range(0, len(rows), 512):
        chunk = rows[i:i + 512]
        D = np.stack([np.asarray(m, dtype=np.uint32) for _, m in chunk])
        eq = (D[:, None, :] == T[None, :, :]).sum(axis=2)
        for (rid, _), row in zip(chunk, eq):
            hit = [names[j] for j in np.flatnonzero(row >= min_equal)]
            if hit:
                out[rid] = hit
    return out


# ---------------------------------------------------------------- red flags
def _counts(con) -> dict[tuple, list]:
    """(unit, region, year) -> the sorted exact counts of that unit's report(s) that year."""
    out: dict[tuple, list] = {}
    for unit, region, year, values in con.execute("""
            SELECT r.unit, r.region, r.year, list(CAST(m.base_value AS VARCHAR) || ' ' || coalesce(m.base_measure, ''))
            FROM metrics m JOIN reports r USING (report_id)
            WHERE r.unit IS NOT NULL AND r.year IS NOT NULL AND m.base_value IS NOT NULL
              AND NOT coalesce(m.approx, FALSE) AND NOT coalesce(m.placeholder, FALSE)
            GROUP BY r.report_id, r.unit, r.region, r.year""").fetchall():
        out[(unit, region, year)] = sorted(values)
    return out


def _roster_re(con, fr: dict) -> re.Pattern | None:
    """One regex of every place-specific unit name in the roster (longest first)."""
    names = [u for (u,) in con.execute("SELECT DISTINCT unit FROM reports WHERE unit IS NOT NULL").fetchall()
             if len(u) >= fr["min_name_chars"] and fr["_specific"].match(u)]
    if not names:
        return None
    names.sort(key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def _own(name: str, a: dict) -> bool:
    """Whether `name` is (part of) the report's own unit, region or title."""
    own = [a.get("unit") or "", a.get("region") or "", a.get("title") or ""]
    return any(name in o or (o and o in name and len(o) >= 2) for o in own[:2]) or name in own[2]


def flags(text: str, a: dict, share: float, sources: list[dict], counts: dict,
          roster: re.Pattern | None = None, fr: dict | None = None) -> list[tuple[str, str]]:
    """The red flags of one report: [(flag, detail)]. `fr`: rules()["flag"], when the caller has it."""
    fr = fr or rules()["flag"]
    out: list[tuple[str, str]] = []
    if share >= fr["high_share"]:
        out.append(("high_share", f"{share:.0%}"))
    ph = list(dict.fromkeys(m.group(0) for m in fr["_placeholders"].finditer(text)))
    if ph:
        out.append(("placeholder", "、".join(ph[:5])))
    names = []
    for b in sources:
        u = b.get("unit")
        if u and len(u) >= fr["min_name_chars"] and (fr["_specific"].match(u) or len(u) >= 6) \
                and u != a.get("unit") and u in text and not _own(u, a):
            names.append(u)
    if roster is not None:
        edge = fr["edge_chars"]
        for part in (text[:edge], text[-edge:]):
            names += [m.group(0) for m in roster.finditer(part) if not _own(m.group(0), a)]
    names = list(dict.fromkeys(names))
    if names:
        out.append(("other_unit", "、".join(names[:5])))
    places = [b["region"] for b in sources
              if b.get("region") and len(b["region"]) >= 2 and b["region"] != a.get("region")
              and b["region"] in text and not _own(b["region"], a)]
    places = list(dict.fromkeys(places))
    if places:
        out.append(("other_place", "、".join(places[:5])))
    year = a.get("year")
    if year is not None:
        old = [f"{c['label']}:{m.group(0)}" for c in fr.get("congress", []) if year >= c["from_year"]
               for m in [c["_re"].search(text)] if m]
        if old:
            out.append(("outdated_congress", "、".join(old)))
        if a.get("unit"):
            mine = counts.get((a["unit"], a.get("region"), year))
            prev = counts.get((a["unit"], a.get("region"), year - 1))
            if mine and prev and len(mine) >= fr["min_counts"] and mine == prev:
                out.append(("identical_counts", f"{len(mine)} 个数字与 {year - 1} 年相同"))
    return out
