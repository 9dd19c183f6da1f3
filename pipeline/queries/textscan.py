"""Reading the texts of the filtered reports only: the queries that search report text
(上下文 `kwic`, its total `kwic_total`).

At 100,000 reports the simplified texts are 750 MB, and a `contains` over all of them takes
170-480 ms on 2 cores (slowest for a word that is missing: the first byte of a Han
character in UTF-8 is every third byte, so the search stops everywhere). The filter is on
`reports_eff` (corrected year, unit, type) and cannot reach the stored table's scan, so it is
resolved first (no text read: ~20 ms) into the stored rows' `rowid`s, and the texts are read
by those.

Two things make reading by rowid cheap:
- the simplified texts are stored uncompressed (pipeline/records.py). A compressed column
  is decompressed 2,048 rows at a time, so 100 reports scattered over the table cost as
  much as all of them (190 ms at 100,000); uncompressed, 5,000 scattered reports are read
  in 15 ms;
- the search is a projection over the rows read, never a filter: DuckDB pushes a
  `contains` filter into the table scan, where it ran on every text before the rowid join
  dropped the others (5,000 sampled reports: 130 ms as a filter, 30 ms as a projection).

So `kwic` reads in its display order (year, unit) a chunk at a time and stops once it holds
its `limit` lines (a common word costs one small chunk), and `kwic_total` counts a random
sample of a wide filter's reports (`sample`, `count`) instead of every text. Both read only
the reports a bigram filter says may hold the word (pipeline/queries/textindex.py): a rare
word, which is read to the end, costs the few texts that may hold it.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from pipeline.queries import textindex

# over this share of all reports, one scan of every text beats reading the filter's rows
NARROW_SHARE = 0.5
# kwic reads its reports in chunks of these many, then the rest at once
KWIC_CHUNKS = (256, 2048)
# the sample `kwic_total` counts is drawn with this seed (any fixed one: the same every time)
SAMPLE_SEED = 20260

# (reports holding the term, its non-overlapping occurrences) over texts `t` read by rowid:
# the search in the projection, so it runs on the rows read only
_COUNT = """SELECT count(*) FILTER (WHERE h.occ > 0), coalesce(sum(h.occ), 0) FROM (
    SELECT CASE WHEN contains(t.text_simplified, $term) THEN len(string_split(t.text_simplified, $term)) - 1
                ELSE 0 END AS occ
    FROM reports t WHERE t.rowid IN (SELECT unnest($ids::BIGINT[]))) h"""


def rows(con, cond: str, params: list, order: bool = False):
    """The filtered reports as numpy arrays (rowid of the stored row, report_id, corrected
    unit and year), in display order (year, unit, report_id) when `order`."""
    by = " ORDER BY s.year NULLS LAST, s.unit NULLS LAST, t.report_id" if order else ""
    return con.execute(f"""
        SELECT t.rowid AS rowid, t.report_id, s.unit, s.year
        FROM reports t JOIN (SELECT r.report_id, r.unit, r.year FROM reports_eff r WHERE {cond}) s
             USING (report_id){by}""", params).fetchnumpy()


def rowids(con, cond: str, params: list) -> np.ndarray:
    """The stored rows' rowids of the filtered reports, sorted (no text read)."""
    got = con.execute(f"""SELECT t.rowid FROM reports t
                          SEMI JOIN (SELECT r.report_id FROM reports_eff r WHERE {cond}) s USING (report_id)""",
                      params).fetchnumpy()["rowid"]
    return np.sort(np.asarray(got, dtype=np.int64))


def sample(rowids: np.ndarray, size: int) -> np.ndarray:
    """A fixed simple random sample of `size` of `rowids`, sorted: the same filter on the same
    data gives the same sample (the generator is seeded), so a count does not move between
    two looks at one page."""
    rowids = np.sort(np.asarray(rowids, dtype=np.int64))
    if size >= len(rowids):
        return rowids
    pick = np.random.default_rng(SAMPLE_SEED).choice(len(rowids), size=size, replace=False)
    return rowids[np.sort(pick)]


def count(con, rowids: np.ndarray, term: str) -> tuple[int, int]:
    """(reports holding `term`, its non-overlapping occurrences) among the stored rows
    `rowids` (read one by one: cheap for the uncompressed texts, whatever their spread)."""
    got = con.execute(_COUNT, {"term": term, "ids": np.asarray(rowids, dtype=np.int64).tolist()}).fetchall()[0]
    return int(got[0]), int(got[1])


def count_filtered(con, cond: str, params: list, rowids: np.ndarray, term: str) -> tuple[int, int]:
    """(reports, occurrences) over every filtered report (`rowids` its rows): a narrow
    filter's texts read one by one (`count`); a wide one's in one scan of every text, the
    hits kept in the filter afterwards (a join on the hits only: 80 ms cheaper than reading
    100,000 rows by rowid, 400-800 ms cheaper than joining the filter into the scan)."""
    total = con.execute("SELECT count(*) FROM reports").fetchall()[0][0]
    may = textindex.candidates(con, term)          # the reports that may hold it (textindex.py)
    if may is not None:
        rowids = np.intersect1d(rowids, may)
    if len(rowids) < NARROW_SHARE * total:
        return count(con, rowids, term)
    got = con.execute(f"""
        SELECT count(*), coalesce(sum(h.occ), 0) FROM (
            SELECT t.report_id, len(string_split(t.text_simplified, ?)) - 1 AS occ FROM reports t
            WHERE contains(t.text_simplified, ?)) h
        WHERE h.report_id IN (SELECT r.report_id FROM reports_eff r WHERE {cond})""",
        [term, term, *params]).fetchall()[0]
    return int(got[0]), int(got[1])


def in_order(con, cond: str, params: list, term: str) -> Iterator[tuple[str, object, object, str]]:
    """(report_id, unit, year, simplified text) of the filtered reports holding `term`, in
    display order, read chunk by chunk (KWIC_CHUNKS, then the rest): stop iterating and
    the remaining texts are never read."""
    got = rows(con, cond, params, order=True)
    rowid, rid, unit, year = got["rowid"], got["report_id"], got["unit"], got["year"]
    may = textindex.candidates(con, term)          # the reports that may hold it (textindex.py)
    if may is not None:
        keep = np.isin(rowid, may)
        rowid, rid, unit, year = rowid[keep], rid[keep], unit[keep], year[keep]
    start = 0
    for size in (*KWIC_CHUNKS, len(rowid)):
        if start >= len(rowid):
            return
        part = np.sort(rowid[start:start + size])
        # the search in the projection, its misses (NULL) dropped here: a `WHERE txt IS NOT
        # NULL` was pushed down into the scan as `contains` and searched every text again
        texts = dict(con.execute(
            "SELECT t.rowid, CASE WHEN contains(t.text_simplified, ?) THEN t.text_simplified END "
            "FROM reports t WHERE t.rowid IN (SELECT unnest(?::BIGINT[]))", [term, part.tolist()]).fetchall())
        for i in range(start, min(start + size, len(rowid))):
            text = texts.get(int(rowid[i]))
            if text is not None:
                yield rid[i], _value(unit[i]), _value(year[i]), text
        start += size


def _value(v):
    """numpy's masked/NaN missing values as None, numbers as Python ints."""
    if v is None or v is np.ma.masked or (isinstance(v, float) and v != v):
        return None
    return int(v) if isinstance(v, (np.integer,)) else v
