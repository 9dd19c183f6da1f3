"""Reading the texts of the filtered reports only: the queries that search report text
(上下文 `kwic`, its total `kwic_total`).

At 100,000 reports the simplified texts are 750 MB, and a `contains` over all of them took
~300 ms on 2 cores, filter or not: the filter is on `reports_eff` (corrected year, unit,
type), so it cannot reach the stored table's scan, which read every text before the view's
join dropped the reports outside the filter. Here the filter is resolved first (no text
read: a few ms) into the stored rows' `rowid`s, and the text scan is given those: DuckDB
then decompresses only the vectors (2,048 rows) that hold one of them. The texts are stored
in ingest order, which is mostly year by year, so one year reads a tenth of the texts
(`kwic_total` for one year: 320 -> 50 ms); a unit type spread over every year saves less.

`kwic` reads in its display order (year, unit) and stops once it holds its `limit` lines, so
a common word costs one small chunk of texts instead of all of them.

The simplified texts are stored uncompressed (pipeline/records.py): a compressed column is
decompressed 2,048 rows at a time, so 100 reports scattered over the table cost as much as
all of them (190 ms at 100,000); uncompressed, 1,000 scattered reports are read in 8 ms.
That is what lets `kwic_total` count a random sample of the filtered reports (`sample`,
`count`) instead of every one: the scan of every text stays at 170-480 ms at 100,000
(`contains` is slow on a word that is missing: UTF-8's first byte of a Han character is
in every third byte), which no layout cuts below the 150 ms a page call is allowed.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

# over this share of all reports, a filter saves too little to pay for the rowid look-up
NARROW_SHARE = 0.5
# kwic reads its reports in chunks of these many, then the rest at once
KWIC_CHUNKS = (256, 2048)
# the sample `kwic_total` counts is drawn with this seed (any fixed one: the same every time)
SAMPLE_SEED = 20260


def rows(con, cond: str, params: list, order: bool = False):
    """The filtered reports as numpy arrays (rowid of the stored row, report_id, corrected
    unit and year), in display order (year, unit, report_id) when `order`."""
    by = " ORDER BY s.year NULLS LAST, s.unit NULLS LAST, t.report_id" if order else ""
    return con.execute(f"""
        SELECT t.rowid AS rowid, t.report_id, s.unit, s.year
        FROM reports t JOIN (SELECT r.report_id, r.unit, r.year FROM reports_eff r WHERE {cond}) s
             USING (report_id){by}""", params).fetchnumpy()


@dataclass(frozen=True)
class Scope:
    """Which texts a scan of the filtered reports reads (`text`: a condition on the stored
    `reports t`) and which of its hits it keeps (`keep`: a condition on `h.report_id`)."""
    text: str
    text_params: list
    keep: str
    keep_params: list
    reports: int          # how many reports the filter keeps


def scope(con, cond: str, params: list) -> Scope:
    """A filter that keeps under NARROW_SHARE of the reports reads their texts only (their
    rowids); a wider one reads every text and keeps the hits in the filter afterwards (a
    join on the hits only: the same as one plain scan, where joining the filter into the
    scan took 400-800 ms at 100,000 reports)."""
    total = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    n = con.execute(f"SELECT count(*) FROM reports_eff r WHERE {cond}", params).fetchone()[0]
    if n >= NARROW_SHARE * total:
        return Scope("TRUE", [], f"h.report_id IN (SELECT r.report_id FROM reports_eff r WHERE {cond})",
                     list(params), n)
    ids = rows(con, cond, params)["rowid"]
    return Scope("t.rowid IN (SELECT unnest(?::BIGINT[]))", [np.sort(ids).tolist()], "TRUE", [], len(ids))


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
    got = con.execute(
        "SELECT count(*), coalesce(sum(len(string_split(t.text_simplified, ?)) - 1), 0) FROM reports t "
        "WHERE t.rowid IN (SELECT unnest(?::BIGINT[])) AND contains(t.text_simplified, ?)",
        [term, np.asarray(rowids, dtype=np.int64).tolist(), term]).fetchone()
    return int(got[0]), int(got[1])


def in_order(con, cond: str, params: list, term: str) -> Iterator[tuple[str, object, object, str]]:
    """(report_id, unit, year, simplified text) of the filtered reports holding `term`, in
    display order, read chunk by chunk (KWIC_CHUNKS, then the rest): stop iterating and
    the remaining texts are never read."""
    got = rows(con, cond, params, order=True)
    rowid, rid, unit, year = got["rowid"], got["report_id"], got["unit"], got["year"]
    start = 0
    for size in (*KWIC_CHUNKS, len(rowid)):
        if start >= len(rowid):
            return
        part = np.sort(rowid[start:start + size])
        texts = dict(con.execute(
            "SELECT t.rowid, t.text_simplified FROM reports t "
            "WHERE t.rowid IN (SELECT unnest(?::BIGINT[])) AND contains(t.text_simplified, ?)",
            [part.tolist(), term]).fetchall())
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
