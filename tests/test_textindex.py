"""The bigram filter 上下文 searches through (pipeline/queries/textindex.py): it never drops a
report that holds the word, it drops most that do not, it is built per reader database, and
with it the 上下文 lines and counts are exactly those without it."""
from __future__ import annotations

import random
import threading

import numpy as np
import pandas as pd
import pytest

from pipeline import store
from pipeline.queries import keywords as K
from pipeline.queries import textindex, textscan
from tests.test_keywords import _walk


@pytest.fixture()
def texts(sample_db) -> list[tuple[int, str]]:
    con = store.read_connection(sample_db)
    try:
        return con.execute("SELECT rowid, text_simplified FROM reports ORDER BY rowid").fetchall()
    finally:
        con.close()


def _holds(sig: np.ndarray, term: str) -> bool:
    return all((int(sig[w]) & m) == m for w, m in textindex.masks(term).items())


def test_a_text_holding_a_word_always_passes_the_filter(texts):
    """Every substring (2-12 characters, from every report) passes its own text's filter;
    words that are not in a text mostly do not (the filter is worth reading through)."""
    rng = random.Random(7)
    sigs = textindex.signatures([t for _, t in texts])
    assert sigs.shape == (len(texts), textindex.WORDS) and sigs.dtype == np.uint64
    others = []
    for i, (_, text) in enumerate(texts):
        for _ in range(300):
            n = rng.randint(2, 12)
            at = rng.randrange(0, max(1, len(text) - n))
            term = text[at:at + n]
            assert _holds(sigs[i], term), term
            others.append(term)
    absent = [(i, t) for t in others[:2000] for i, (_, text) in enumerate(texts)
              if len(t) >= 6 and t not in text]
    passed = sum(_holds(sigs[i], t) for i, t in absent)
    assert absent and passed / len(absent) < 0.2, passed / len(absent)


def test_signatures_do_not_join_neighbouring_texts():
    """A word spanning the end of one text and the start of the next is in neither."""
    sigs = textindex.signatures(["意识形态工作", "总结报告"])
    assert _holds(sigs[0], "形态工作") and _holds(sigs[1], "总结报告")
    assert not _holds(sigs[0], "作总") and not _holds(sigs[1], "作总")
    assert textindex.masks("党") == {} and textindex.signatures([]).shape == (0, textindex.WORDS)


def test_candidates_on_a_reader(sample_db, texts):
    """Built on a reader's cursor, the filter keeps every report that holds a word; a word of
    one character, or a plain connection to the file (no reader database), gives None."""
    con = store.read_connection(sample_db)
    try:
        assert textindex.candidates(con, "意识形态") is None          # not built (no background in tests)
        assert textindex.build(con) and not textindex.build(con)     # built once
        for term in ("意识形态", "两学一做", "网络意识形态", "没有这个词语的报告", "学习"):
            may = textindex.candidates(con, term)
            holds = {r for r, t in texts if term in t}
            assert holds <= set(may.tolist()), term
        assert len(textindex.candidates(con, "没有这个词语的报告")) < len(texts)
        assert textindex.candidates(con, "党") is None
    finally:
        con.close()
    import duckdb

    plain = duckdb.connect(str(sample_db), read_only=True)
    try:
        assert not textindex.build(plain) and textindex.candidates(plain, "意识形态") is None
    finally:
        plain.close()


def test_the_filter_is_built_in_the_background_once(sample_db, monkeypatch):
    """The first search starts one thread, on a cursor of its own: queries go on (and their
    connections close) while it builds; then the filter is there for the file's reader."""
    from pipeline.queries import query as q

    monkeypatch.setattr(textindex, "BUILD_IN_BACKGROUND", True)
    con = store.read_connection(sample_db)
    try:
        assert textindex.candidates(con, "意识形态") is None          # starts the build
        for _ in range(3):                                           # queries open and close meanwhile
            assert len(q.kwic.uncached({}, "两学一做", db=sample_db)) > 0
            assert q.kwic_total.uncached({}, "两学一做", db=sample_db)["reports"] > 0
        textindex.wait(30)
        assert not any(t.name == "zongjie-text-grams" for t in threading.enumerate())
        may = textindex.candidates(con, "意识形态")
        assert may is not None and len(may) > 0
    finally:
        con.close()


@pytest.mark.parametrize("chunks", [(1, 2), (256, 2048)])
def test_context_lines_and_counts_are_the_same_through_the_filter(sample_db, monkeypatch, chunks):
    """With the filter built, kwic gives the lines of a walk of every filtered text and
    count_filtered the counts of str.count, for common, rare and missing words."""
    monkeypatch.setattr(textscan, "KWIC_CHUNKS", chunks)
    monkeypatch.setattr(textscan, "NARROW_SHARE", 0.0)        # the one-by-one path (else one scan)
    con = store.read_connection(sample_db)
    try:
        assert textindex.build(con)
        years = [y for (y,) in con.execute("SELECT DISTINCT year FROM reports_eff WHERE year IS NOT NULL ORDER BY 1").fetchall()]
        for f in ({}, {"year_min": years[-1], "year_max": years[-1]}):
            cond, params = K.where(f)
            texts = con.execute(f"""SELECT r.report_id, r.unit, r.year, r.text_simplified FROM reports_eff r WHERE {cond}
                                    ORDER BY r.year NULLS LAST, r.unit NULLS LAST, r.report_id""", params).fetchall()
            ids = textscan.rowids(con, cond, params)
            for term in ("意识形态", "两学一做", "网络意识形态", "没有这个词语", "党"):
                got = K.kwic(con, term, f, limit=10_000)
                want = pd.DataFrame(_walk(texts, term, 10_000), columns=K.KWIC_COLUMNS)
                pd.testing.assert_frame_equal(got, want, obj=f"{f} {term}")
                assert textscan.count_filtered(con, cond, params, ids, term) == (
                    sum(term in t for *_, t in texts), sum(t.count(term) for *_, t in texts)), term
    finally:
        con.close()


def test_compiled_and_numpy_signatures_agree(sample_db, texts, monkeypatch):
    """The compiled loop reads UTF-8 from Arrow, numpy reads Python strings: the same bits,
    for the sample's reports and for ASCII, two-byte, four-byte characters and a NUL."""
    import duckdb

    from pipeline.text import compiled

    if compiled.loops() is None:
        pytest.skip("numba not installed (the `fast` extra)")
    con = store.read_connection(sample_db)
    try:
        rids, sig = textindex.chunk_signatures(con, 0, 10 ** 9)
    finally:
        con.close()
    assert rids.tolist() == [r for r, _ in texts]
    assert (sig == textindex.signatures([t for _, t in texts])).all()
    odd = ["abc déf 𠀀𠀁 意识\x00形态", "", "Ωμέγα", "x", "𠀀意"]
    mem = duckdb.connect()
    mem.execute("CREATE TABLE reports (text_simplified VARCHAR)")
    mem.executemany("INSERT INTO reports VALUES (?)", [[t] for t in odd])
    rids, sig = textindex.chunk_signatures(mem, 0, 100)
    want = textindex.signatures(odd)
    assert (sig == want).all() and not _holds(want[0], "识形") and _holds(want[0], "𠀀𠀁")
    # without numba the filter is built the numpy way and finds the same reports
    monkeypatch.setattr(compiled, "loops", lambda: None)
    con = store.read_connection(sample_db)
    try:
        assert (textindex.chunk_signatures(con, 0, 10 ** 9)[1] == textindex.signatures([t for _, t in texts])).all()
    finally:
        con.close()
