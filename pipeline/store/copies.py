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

from pipeline.config import data_file

# ---------------------------------------------------------------- tables (schema: store.COPY_SCHEMA)
TABLES = ("copy_signatures", "copy_bands", "copy_matches", "copy_summary", "copy_flags")

KINDS = {"own_previous": "本单位往年", "same_year_other": "同年其他单位", "template": "范文模板", "other": "其他报告"}
FLAGS = {"high_share": "复制比高", "placeholder": "模板占位符未替换", "other_unit": "出现其他单位名称",
         "other_place": "出现其他地区名称", "outdated_congress": "会议提法过时", "identical_counts": "数字与上年完全相同"}

_P = np.uint64(1_000_003)          # polynomial base of the k-gram rolling hash


# ---------------------------------------------------------------- rules
_COMPILED: dict = {}


def rules() -> dict:
    """copy_rules.toml (through `pipeline.rules`: checked, re-read when edited), regexes compiled."""
    from pipeline import rules as _rules

    raw = _rules.load("copy_rules.toml")
    if _COMPILED.get("raw") is not raw:
        r = copy.deepcopy(raw)
        f = r["flag"]
        f["_placeholders"] = re.compile("|".join(f"(?:{p})" for p in f["placeholders"]))
        f["_specific"] = re.compile(f["specific_unit"])
        for c in f.get("congress", []):
            c["_re"] = re.compile(c["pattern"])
        _COMPILED.update(raw=raw, rules=r)
    return _COMPILED["rules"]


def _standard_re() -> re.Pattern:
    """One regex for every standard phrase (literal lines longest first, then `re:` lines)."""
    from pipeline import rules as _rules

    lines = _rules.load("standard_phrases.txt")
    if _COMPILED.get("phrases") is not lines:
        literal = sorted((re.escape(l) for l in lines if not l.startswith("re:")), key=len, reverse=True)
        regexes = [l[3:] for l in lines if l.startswith("re:")]
        _COMPILED.update(phrases=lines, phrases_re=re.compile("|".join([*regexes, *literal])))
    return _COMPILED["phrases_re"]


# ---------------------------------------------------------------- text -> comparable sequence
@dataclass
class Seq:
    """The comparable characters of a text: standard phrases, punctuation and spaces taken
    out; `pos[i]` is where character i of `codes` sits in the text."""
    codes: np.ndarray      # uint64 code points
    pos: np.ndarray        # int32 offsets into the text

    def __len__(self) -> int:
        return len(self.codes)


def sequence(text: str | None) -> Seq:
    text = text or ""
    if not text:
        return Seq(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32))
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    keep = (((cp >= 0x3400) & (cp <= 0x9FFF)) | ((cp >= 0xF900) & (cp <= 0xFAFF)) | ((cp >= 0x30) & (cp <= 0x39))
            | ((cp | 0x20) >= 0x61) & ((cp | 0x20) <= 0x7A) & (cp < 0x80))
    for m in _standard_re().finditer(text):
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


# ---------------------------------------------------------------- signatures
def _identity(x):
    return x


def signature(seq: Seq) -> np.ndarray:
    """datasketch MinHash of the report's character shingles (uint32[num_perm])."""
    from datasketch import MinHash

    c = rules()["compare"]
    m = MinHash(num_perm=c["num_perm"], seed=1, hashfunc=_identity)
    g = kgrams(seq.codes, c["shingle_chars"])
    # a fixed 1-in-`sample` subset of the shingles (chosen by their hash, so the same
    # shingle is kept in every report): the Jaccard estimate is unchanged in expectation,
    # the work is `sample` times smaller
    g = g[(g & np.uint64(c["sample"] - 1)) == 0] >> np.uint64(32)
    if len(g):
        m.update_batch(np.unique(g))
    return np.asarray(m.hashvalues, dtype=np.uint64)


def bands(sig: np.ndarray) -> np.ndarray:
    """One int64 key per band of `rows` MinHash values (deterministic across processes)."""
    c = rules()["compare"]
    b, r = c["bands"], c["rows"]
    v = sig[:b * r].astype(np.uint64).reshape(b, r)
    key = np.zeros(b, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(r):
            key = key * np.uint64(0x9E3779B97F4A7C15) + v[:, j] + np.uint64(j + 1)
    return key.view(np.int64)


# ---------------------------------------------------------------- containment
def covered(a: Seq, b_grams: np.ndarray, k: int, ga: np.ndarray | None = None) -> np.ndarray:
    """Bool per character of `a`: lies in a k-run that `b` also has (b_grams: sorted; `ga`:
    a's own k-run hashes, when the caller has them already)."""
    ga = kgrams(a.codes, k) if ga is None else ga
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
    ca = covered(a, np.sort(kgrams(b.codes, k)), k)
    cb = covered(b, np.sort(kgrams(a.codes, k)), k)
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

    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (report_id VARCHAR PRIMARY KEY)")
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
    for path in (__file__, data_file("copy_rules.toml"), data_file("standard_phrases.txt")):
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


def update(con) -> dict[str, int]:
    """Bring the 查重 tables up to date with `reports`, touching only what changed:
    reports gone -> their rows go and the reports that cited them are recomputed; reports
    without a signature (new or changed) get one, and they and their band neighbours are
    recomputed. Run by the writer at the end of every ingest (and safe to run any time:
    an interrupted run is finished by the next)."""
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
        SELECT r.report_id, r.text_simplified, {FINGERPRINT} AS fp FROM reports r JOIN files f USING (file_id)
        LEFT JOIN copy_signatures s USING (report_id)
        WHERE s.fingerprint IS DISTINCT FROM {FINGERPRINT}""", [rules_version(), rules_version()]).fetchall()
    if not pending and not gone:
        return {"signed": 0, "compared": 0}
    if pending:
        import pyarrow as pa

        sig_rows = {"report_id": [], "n_counted": [], "minhash": [], "fingerprint": []}
        band_rows = {"report_id": [], "band": [], "hash": []}
        for rid, text, fp in pending:
            s = sequence(text)
            sig_rows["fingerprint"].append(fp)
            sig_rows["report_id"].append(rid)
            sig_rows["n_counted"].append(len(s))
            if len(s) < c["min_chars"]:
                sig_rows["minhash"].append(None)
                continue
            sig = signature(s)
            sig_rows["minhash"].append(sig.astype(np.uint32).tolist())
            keys = bands(sig)
            band_rows["report_id"].extend([rid] * len(keys))
            band_rows["band"].extend(range(len(keys)))
            band_rows["hash"].extend(keys.tolist())
        ids = sig_rows["report_id"]
        _ids_table(con, "_copy_new", ids)
        con.execute("DELETE FROM copy_bands WHERE report_id IN (SELECT report_id FROM _copy_new)")
        con.execute("DELETE FROM copy_signatures WHERE report_id IN (SELECT report_id FROM _copy_new)")
        for table, cols in (("copy_signatures", sig_rows), ("copy_bands", band_rows)):
            if cols["report_id"]:
                tbl = pa.table(cols, schema=pa.schema(
                    [("report_id", pa.string()), ("n_counted", pa.int32()), ("minhash", pa.list_(pa.uint32())),
                     ("fingerprint", pa.string())]
                    if table == "copy_signatures" else
                    [("report_id", pa.string()), ("band", pa.int16()), ("hash", pa.int64())]))
                con.register("_copy_rows", tbl)
                try:
                    con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _copy_rows")
                finally:
                    con.unregister("_copy_rows")
        dirty |= set(ids)
        # the nearest neighbours of each new report that it can be a source for (not later
        # than them, or a template): their share may now include it. Only the
        # `max_candidates` sharing most bands - a report compares with that many at most,
        # and in a genre full of shared boilerplate "any band in common" is most of the corpus.
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
    _compare(con, dirty)
    return {"signed": len(pending), "compared": len(dirty)}


def _compare(con, dirty: set[str]) -> None:
    import pyarrow as pa

    c, fr = rules()["compare"], rules()["flag"]
    _ids_table(con, "_copy_dirty", dirty)
    cand: dict[str, list[str]] = {}
    for a, b in con.execute("""
            SELECT a.report_id, b.report_id FROM copy_bands a JOIN copy_bands b ON a.band = b.band AND a.hash = b.hash
            WHERE a.report_id IN (SELECT report_id FROM _copy_dirty) AND b.report_id <> a.report_id
            GROUP BY a.report_id, b.report_id
            QUALIFY row_number() OVER (PARTITION BY a.report_id ORDER BY count(*) DESC, b.report_id) <= ?""",
                            [c["max_candidates"]]).fetchall():
        cand.setdefault(a, []).append(b)
    tsig = {r: np.asarray(m, dtype=np.uint32) for r, m in con.execute("""
        SELECT r.report_id, s.minhash FROM reports r JOIN copy_signatures s USING (report_id)
        WHERE s.minhash IS NOT NULL AND (r.file_id IN (SELECT file_id FROM copy_templates)
                                         OR NOT coalesce(r.is_report, TRUE))""").fetchall()}
    templates = _template_candidates(con, tsig, c["template_min_equal"])
    need = set(dirty) | {b for bs in cand.values() for b in bs} | set(tsig)
    _ids_table(con, "_copy_need", need)
    meta: dict[str, dict] = {}
    texts: dict[str, str] = {}
    for rid, unit, region, year, is_report, tmpl, title, text in con.execute("""
            SELECT r.report_id, r.unit, r.region, r.year, r.is_report,
                   r.file_id IN (SELECT file_id FROM copy_templates), r.title, r.text_simplified
            FROM reports r WHERE r.report_id IN (SELECT report_id FROM _copy_need)""").fetchall():
        meta[rid] = dict(unit=unit, region=region, year=year, template=bool(tmpl) or is_report is False, title=title)
        texts[rid] = text or ""
    counts = _counts(con)
    roster = _roster_re(con, fr)
    _STATE.clear()
    _STATE.update(meta=meta, texts=texts, cand=cand, templates=templates, counts=counts, roster=roster,
                  grams={})
    ids = sorted(r for r in dirty if r in meta)
    procs = min(os.cpu_count() or 1, 4)
    try:
        if procs > 1 and len(ids) >= PARALLEL_MIN:
            # Forked children inherit the loaded texts (nothing is pickled but the ids and
            # the rows they return); the ingest's own workers have finished by now.
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(procs) as pool:
                parts = pool.map(_compare_ids, [ids[i::procs] for i in range(procs)])
        else:
            parts = [_compare_ids(ids)]
    finally:
        _STATE.clear()
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


_STATE: dict = {}        # what `_compare_ids` reads (set by `_compare`, inherited by forked children)
PARALLEL_MIN = 2000      # reports to compare before forking pays (a first ingest of a large corpus)


def _compare_ids(ids: list[str]) -> tuple[dict, dict, dict]:
    """Matches, summary and flags of the reports `ids` (rows as column lists)."""
    c = rules()["compare"]
    k = c["run_chars"]
    meta, texts, cand, templates = _STATE["meta"], _STATE["texts"], _STATE["cand"], _STATE["templates"]
    grams = _STATE["grams"]      # sorted k-run hashes of each source, kept (sources recur)

    def gram_set(rid: str) -> np.ndarray:
        if rid not in grams:
            grams[rid] = np.sort(kgrams(sequence(texts.get(rid)).codes, k))
        return grams[rid]

    match_rows = {"report_id": [], "source_report_id": [], "share": [], "kind": [], "n_chars": []}
    summ_rows = {k_: [] for k_ in ("report_id", "share", "n_counted", "source_report_id", "source_share",
                                   "source_kind", "n_sources")}
    flag_rows = {"report_id": [], "flag": [], "detail": []}
    for rid in ids:
        a = meta[rid]
        s = sequence(texts.get(rid))
        n = len(s)
        best, union, found = None, np.zeros(n, dtype=bool), 0
        if n >= c["min_chars"] and not a["template"]:
            ga = kgrams(s.codes, k)
            sources = dict.fromkeys([*cand.get(rid, []), *(t for t in templates.get(rid, ()) if t != rid)])
            for src in sources:
                b = meta.get(src)
                if b is None:
                    continue
                kind = _kind(a, b)
                if kind is None:
                    continue
                cov = covered(s, gram_set(src), k, ga)
                share = float(cov.sum()) / n
                if share < c["min_share"]:
                    continue
                union |= cov
                found += 1
                for col, v in (("report_id", rid), ("source_report_id", src), ("share", round(share, 4)),
                               ("kind", kind), ("n_chars", int(cov.sum()))):
                    match_rows[col].append(v)
                if best is None or share > best[1]:
                    best = (src, share, kind)
        total = float(union.sum()) / n if n else 0.0
        for col, v in (("report_id", rid), ("share", round(total, 4)), ("n_counted", n),
                       ("source_report_id", best[0] if best else None),
                       ("source_share", round(best[1], 4) if best else None),
                       ("source_kind", best[2] if best else None), ("n_sources", found)):
            summ_rows[col].append(v)
        if a["template"]:
            continue
        for flag, detail in flags(texts.get(rid, ""), a, total, [meta[m] for m, sh in _best_sources(match_rows, rid)],
                                  _STATE["counts"], _STATE["roster"]):
            flag_rows["report_id"].append(rid)
            flag_rows["flag"].append(flag)
            flag_rows["detail"].append(detail)
    return match_rows, summ_rows, flag_rows


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


def _best_sources(rows: dict, rid: str, min_share: float = 0.2) -> list[tuple[str, float]]:
    """This report's sources holding at least `min_share` of it (from the rows just computed)."""
    out = []
    for i in range(len(rows["report_id"]) - 1, -1, -1):
        if rows["report_id"][i] != rid:
            break
        if rows["share"][i] >= min_share:
            out.append((rows["source_report_id"][i], rows["share"][i]))
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
          roster: re.Pattern | None = None) -> list[tuple[str, str]]:
    """The red flags of one report: [(flag, detail)]."""
    fr = rules()["flag"]
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
