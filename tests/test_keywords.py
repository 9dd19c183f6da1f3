"""Keyword queries on a hand-made database whose every number can be checked by hand."""
from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest

from pipeline.queries import keywords as K
from pipeline import store
from pipeline.extract.tokenize import term_counts

INJECTION = "' OR 1=1 --"

# report_id, unit, year, unit_type, region, n_chars, {term: n}
REPORTS = [
    ("r1", "甲局", 2020, "党政机关", "东县", 10000, {"意识形态": 10, "学习": 5, "甲词": 6}),
    ("r2", "乙校", 2020, "学校", "西县", 5000, {"意识形态": 5, "学习": 5, "乙词": 1}),
    ("r3", "乙校", 2021, "学校", "西县", 20000, {"意识形态": 40, "学习": 10, "乙词": 8}),
]
# r1's text: the keyword 网络舆情 sits 30 characters in, twice.
R1_TEXT = "一" * 30 + "网络舆情" + "二" * 30 + "\n网络舆情" + "三" * 5


@pytest.fixture
def con(tmp_path):
    con = store.connect(tmp_path / "k.duckdb")
    for rid, unit, year, utype, region, n_chars, terms in REPORTS:
        text = R1_TEXT if rid == "r1" else f"{unit}{year}年意识形态工作总结。" + "学习" * 10
        con.execute("INSERT INTO reports (report_id, file_id, unit, year, unit_type, region, n_chars, "
                    "text, text_simplified) VALUES (?, 'f', ?, ?, ?, ?, ?, ?, ?)",
                    [rid, unit, year, utype, region, n_chars, text, text])
        for term, n in terms.items():
            con.execute("INSERT INTO term_counts VALUES (?, ?, ?)", [rid, term, n])
    yield con
    con.close()


def as_dict(df, key="term", value="n"):
    return dict(zip(df[key], df[value]))


# ---------------------------------------------------------------- filters
def test_where_builds_placeholders_only():
    sql, params = K.where({"year_min": 2020, "year_max": 2021, "units": [INJECTION], "unit_types": [],
                           "regions": None})
    assert INJECTION not in sql and sql.count("?") == 3
    assert params == [2020, 2021, [INJECTION]]
    assert K.where(None) == ("coalesce(r.is_report, TRUE)", [])     # essays out by default
    assert K.where({"include_nonreports": True}) == ("TRUE", [])
    with pytest.raises(ValueError):
        K.where({"unit": ["甲局"]})


# ---------------------------------------------------------------- top_terms
def test_top_terms_all(con):
    df = K.top_terms(con, {}, limit=10)
    assert list(df.columns) == ["term", "n", "reports"]
    assert list(df.term) == ["意识形态", "学习", "乙词", "甲词"]
    assert as_dict(df) == {"意识形态": 55, "学习": 20, "乙词": 9, "甲词": 6}
    assert as_dict(df, value="reports") == {"意识形态": 3, "学习": 3, "乙词": 2, "甲词": 1}
    assert list(K.top_terms(con, {}, limit=2).term) == ["意识形态", "学习"]


@pytest.mark.parametrize("filters,expected", [
    ({"year_min": 2021}, {"意识形态": 40, "学习": 10, "乙词": 8}),
    ({"year_max": 2020}, {"意识形态": 15, "学习": 10, "甲词": 6, "乙词": 1}),
    ({"units": ["甲局"]}, {"意识形态": 10, "学习": 5, "甲词": 6}),
    ({"unit_types": ["学校"], "year_min": 2020, "year_max": 2020}, {"意识形态": 5, "学习": 5, "乙词": 1}),
    ({"regions": ["东县", "西县"]}, {"意识形态": 55, "学习": 20, "乙词": 9, "甲词": 6}),
    ({"units": []}, {"意识形态": 55, "学习": 20, "乙词": 9, "甲词": 6}),
])
def test_top_terms_filtered(con, filters, expected):
    assert as_dict(K.top_terms(con, filters, limit=10)) == expected


@pytest.mark.parametrize("key", ["units", "unit_types", "regions"])
def test_injection_looking_values_are_plain_text(con, key):
    assert K.top_terms(con, {key: [INJECTION]}).empty
    assert K.term_trend(con, ["意识形态"], {key: [INJECTION]}).empty
    assert K.distinctive_terms(con, "unit", "甲局", {key: [INJECTION]}).empty
    assert K.kwic(con, "网络舆情", {key: [INJECTION]}).empty
    assert K.top_terms(con, {key: [INJECTION, "甲局", "党政机关", "东县"]}).n.sum() == 21   # r1 only
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 3


def test_injection_in_term_and_group_value(con):
    assert K.kwic(con, INJECTION).empty
    assert K.term_trend(con, [INJECTION]).n.sum() == 0
    assert K.distinctive_terms(con, "unit", INJECTION).empty      # nobody in the group
    with pytest.raises(ValueError):
        K.distinctive_terms(con, "unit; DROP TABLE reports; --", "甲局")


# ---------------------------------------------------------------- term_trend
def test_trend_per_10k_chars_by_hand(con):
    df = K.term_trend(con, ["意识形态", "甲词", "意识形态"], {})
    assert list(df.columns) == ["year", "term", "n", "per_10k_chars"]
    got = {(int(y), t): (int(n), float(p)) for y, t, n, p in df.itertuples(index=False)}
    # 2020: r1 + r2 = 15,000 chars; 意识形态 10 + 5 = 15 -> 10 per 10k; 甲词 6 -> 4 per 10k.
    # 2021: r3 = 20,000 chars;     意识形态 40 -> 20 per 10k; 甲词 absent -> a 0 row.
    assert got == {(2020, "意识形态"): (15, 10.0), (2020, "甲词"): (6, 4.0),
                   (2021, "意识形态"): (40, 20.0), (2021, "甲词"): (0, 0.0)}


def test_trend_filtered_denominator(con):
    df = K.term_trend(con, ["意识形态"], {"units": ["乙校"]})
    # 2020 is r2 alone now: 5 / 5,000 chars -> 10 per 10k; 2021: 40 / 20,000 -> 20 per 10k.
    assert [(int(y), float(p)) for y, p in zip(df.year, df.per_10k_chars)] == [(2020, 10.0), (2021, 20.0)]
    assert K.term_trend(con, [], {}).empty


# ---------------------------------------------------------------- distinctive_terms
def g2(a, b, c, d):
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    return 2 * sum(o * math.log(o / e) for o, e in ((a, e1), (b, e2)) if o)


def test_distinctive_terms_of_a_unit(con):
    df = K.distinctive_terms(con, "unit", "甲局", {}, min_n=1)
    assert list(df.columns) == ["term", "n_group", "n_rest", "llr"]
    # 甲局 uses 21 tokens, the rest 69. 意识形态 is relatively rarer in 甲局, so it is left out.
    assert list(df.term) == ["甲词", "学习"]
    assert (df.n_group.tolist(), df.n_rest.tolist()) == ([6, 5], [0, 15])
    assert df.llr.tolist() == pytest.approx([g2(6, 0, 21, 69), g2(5, 15, 21, 69)])
    assert K.distinctive_terms(con, "unit", "乙校", {}).term.iloc[0] == "乙词"
    assert K.distinctive_terms(con, "unit", "甲局", {}, min_n=7).empty


def test_distinctive_terms_of_a_year_within_filters(con):
    df = K.distinctive_terms(con, "year", 2021, {"units": ["乙校"]}, min_n=1)
    # 乙校 only: 2021 has 58 tokens, 2020 has 11; 学习 (10 of 58 vs 5 of 11) is left out.
    assert list(df.term) == ["意识形态", "乙词"]
    assert df.llr.tolist() == pytest.approx([g2(40, 5, 58, 11), g2(8, 1, 58, 11)])
    assert K.distinctive_terms(con, "unit", "甲局", {"units": ["甲局"]}).empty   # no rest to compare


# ---------------------------------------------------------------- kwic
def test_kwic_centres_the_term(con):
    df = K.kwic(con, "网络舆情", {}, width=20)
    assert list(df.columns) == K.KWIC_COLUMNS
    assert len(df) == 2
    first, second = df.iloc[0], df.iloc[1]
    assert (first.report_id, first.unit, int(first.year)) == ("r1", "甲局", 2020)
    assert (first.left, first.term, first.right) == ("一" * 20, "网络舆情", "二" * 20)
    assert (second.left, second.right) == ("二" * 19 + " ", "三" * 5)   # line break shown as a space
    assert len(K.kwic(con, "网络舆情", {}, limit=1)) == 1


def test_kwic_filters_and_limit(con):
    assert set(K.kwic(con, "意识形态").report_id) == {"r2", "r3"}
    assert list(K.kwic(con, "意识形态", {"year_min": 2021}).report_id) == ["r3"]
    assert len(K.kwic(con, "学习", {"units": ["乙校"]}, limit=13)) == 13
    assert K.kwic(con, "").empty
    assert K.kwic(con, "%").empty and K.kwic(con, "_").empty    # no LIKE wildcards


# ---------------------------------------------------------------- the real sample
@pytest.fixture(scope="module")
def sample_con(sample_db):
    con = store.connect(sample_db, read_only=True)
    yield con
    con.close()


def test_sample_counts_are_the_tokenizer_counts(sample_con):
    for rid, text in sample_con.execute("SELECT report_id, text_simplified FROM reports").fetchall():
        stored = Counter(dict(sample_con.execute(
            "SELECT term, n FROM term_counts WHERE report_id = ?", [rid]).fetchall()))
        assert stored == term_counts(text), rid
    # one row per (report, term): top_terms counts reports with COUNT(*) on this
    assert sample_con.execute("SELECT count(*) FROM (SELECT report_id, term FROM term_counts "
                              "GROUP BY ALL HAVING count(*) > 1)").fetchone() == (0,)
    reports = dict(sample_con.execute("SELECT term, count(DISTINCT report_id) FROM term_counts GROUP BY term").fetchall())
    assert as_dict_reports(K.top_terms(sample_con, {"include_nonreports": True}, limit=10_000)) == reports


def as_dict_reports(df) -> dict:
    return dict(zip(df.term, df.reports))


def test_sample_keywords(sample_con):
    top = K.top_terms(sample_con, {}, limit=200)
    assert top.term.iloc[0] == "意识形态"
    assert {"两学一做", "宣传思想工作", "社会主义核心价值观"} <= set(top.term)
    assert not {"工作", "加强", "开展", "进一步"} & set(top.term)
    year = int(sample_con.execute("SELECT min(year) FROM reports").fetchone()[0])
    later = as_dict(K.top_terms(sample_con, {"year_min": year + 1}, limit=200))
    assert later["意识形态"] < as_dict(top)["意识形态"]
    lines = K.kwic(sample_con, "两学一做", {}, limit=5)
    assert len(lines) == 5 and (lines.term == "两学一做").all()


def test_kwic_total_counts_what_a_walk_of_the_texts_counts(sample_db):
    """`kwic_total` counts occurrences in the database (non-overlapping, as the 上下文 list walks
    them): the same numbers as str.count over every simplified text."""
    import duckdb

    from pipeline.queries import query as q

    con = duckdb.connect(str(sample_db), read_only=True)
    texts = [t for (t,) in con.execute("SELECT text_simplified FROM reports WHERE coalesce(is_report, TRUE)").fetchall()]
    con.close()
    for term in ("意识形态", "学习", "党", "网络意识形态", "没有这个词语"):
        want = sum(t.count(term) for t in texts)
        got = q.kwic_total.uncached({}, term, db=sample_db)
        assert got == {"occurrences": want, "reports": sum(term in t for t in texts), "exact": True}, term
    assert q.kwic_total.uncached({}, "意识形态", db=sample_db)["occurrences"] > 50


def test_kwic_total_over_many_reports_estimates_from_a_fixed_sample(sample_db, monkeypatch):
    """Over KWIC_EXACT_REPORTS reports both figures come from a fixed random sample of that
    many, scaled to the filter, and say so (`exact` False, the sample's size, the margin);
    `exact=True` (the page's 精确统计) counts every text. A sample with fewer than
    KWIC_SAMPLE_MIN_HITS reports holding the term is counted exactly after all."""
    from pipeline import store
    from pipeline.queries import query as q
    from pipeline.queries import textscan

    term = "党"
    exact = q.kwic_total.uncached({}, term, db=sample_db)
    assert exact["exact"] and exact["occurrences"] > 100
    monkeypatch.setattr(q, "KWIC_EXACT_REPORTS", 4)
    monkeypatch.setattr(q, "KWIC_SAMPLE_MIN_HITS", 5)            # 4 sampled can never hold 5
    assert q.kwic_total.uncached({}, term, db=sample_db) == exact
    monkeypatch.setattr(q, "KWIC_SAMPLE_MIN_HITS", 1)
    got = q.kwic_total.uncached({}, term, db=sample_db)
    # by hand: the same 4 of the filtered reports, counted with str.count, scaled
    con = store.read_connection(sample_db)
    try:
        cond, params = K.where({})
        ids = textscan.rowids(con, cond, params)
        pick = textscan.sample(ids, 4)
        texts = [t for (t,) in con.execute("SELECT text_simplified FROM reports WHERE rowid IN (SELECT unnest(?))",
                                           [pick.tolist()]).fetchall()]
    finally:
        con.close()
    n, hits, occ = len(ids), sum(term in t for t in texts), sum(t.count(term) for t in texts)
    assert n > 4 and len(texts) == 4
    assert (got["exact"], got["sample"], got["reports"], got["occurrences"]) == (
        False, 4, round(hits * n / 4), round(occ * n / 4))
    assert got["margin"] >= 0 and q.kwic_total.uncached({}, term, db=sample_db) == got       # fixed
    assert q.kwic_total.uncached({}, term, exact=True, db=sample_db) == exact


def test_sample_is_fixed_random_and_spread():
    """textscan.sample: the same rows give the same sample, sorted, no row twice, and drawn
    from the whole range: on a table whose first half holds a word in 60% of its texts and
    whose second half never does, the sampled share is near 30% (a first-rows sample, or a
    few blocks of neighbours, would be far off)."""
    import duckdb
    import numpy as np

    from pipeline.queries import textscan

    ids = np.arange(20_000, dtype=np.int64)[::-1]
    a, b = textscan.sample(ids, 2_000), textscan.sample(ids.copy(), 2_000)
    assert (a == b).all() and len(set(a.tolist())) == 2_000 and (np.diff(a) > 0).all()
    assert (textscan.sample(ids[:50], 100) == np.arange(19_950, 20_000)).all()  # fewer rows than asked: all
    con = duckdb.connect()
    con.execute("CREATE TABLE reports AS SELECT CASE WHEN i < 10000 AND i % 5 < 3 THEN '前文舆情后文' "
                "ELSE '前文无关后文' END AS text_simplified FROM range(20000) r(i) ORDER BY i")
    hits, occ = textscan.count(con, a, "舆情")
    share = hits / 2_000
    assert hits == occ and abs(share - 0.3) < 4 * (0.3 * 0.7 / 2_000) ** 0.5, share
    assert textscan.count(con, np.arange(20_000), "舆情") == (6_000, 6_000)


def test_an_uncut_context_list_counts_its_own_totals(sample_db):
    """A 上下文 list shorter than its limit holds every occurrence: its totals are counted from
    it (kwic_counted) and equal kwic_total's; a list cut at the limit gives None."""
    from pipeline.queries import query as q

    for term in ("两学一做", "网络意识形态"):
        lines = q.kwic.uncached({}, term, db=sample_db)
        assert 0 < len(lines) < 200
        assert q.kwic_counted(lines, 200) == q.kwic_total.uncached({}, term, db=sample_db), term
    lines = q.kwic.uncached({}, "意识形态", db=sample_db)
    assert len(lines) == 200 and q.kwic_counted(lines, 200) is None


def _walk(texts, term, limit, width=20):
    """The 上下文 list by hand: every occurrence in (year, unit, report_id) order."""
    out = []
    for rid, unit, year, text in texts:
        i = text.find(term)
        while i >= 0 and len(out) < limit:
            out.append((rid, unit, year, text[max(0, i - width):i].translate(K._FLAT), term,
                        text[i + len(term):i + len(term) + width].translate(K._FLAT)))
            i = text.find(term, i + len(term))
    return out


@pytest.mark.parametrize("chunks", [(1, 2), (3,), (256, 2048)])
def test_kwic_read_in_chunks_gives_the_lines_of_a_walk_of_every_text(sample_db, monkeypatch, chunks):
    """kwic reads the texts in display order a chunk at a time and stops at `limit`
    (pipeline/queries/textscan.py): whatever the chunk sizes, the lines are those of a walk of
    every filtered text in that order; under a filter only the filter's reports are read."""
    from pipeline import store
    from pipeline.queries import textscan

    monkeypatch.setattr(textscan, "KWIC_CHUNKS", chunks)
    con = store.read_connection(sample_db)
    try:
        years = [y for (y,) in con.execute("SELECT DISTINCT year FROM reports_eff WHERE year IS NOT NULL ORDER BY 1").fetchall()]
        for f in ({}, {"year_min": years[-1], "year_max": years[-1]}, {"year_max": years[0]}):
            cond, params = K.where(f)
            texts = con.execute(f"""SELECT r.report_id, r.unit, r.year, r.text_simplified FROM reports_eff r WHERE {cond}
                                    ORDER BY r.year NULLS LAST, r.unit NULLS LAST, r.report_id""", params).fetchall()
            for term, limit in (("意识形态", 7), ("意识形态", 10_000), ("党", 200), ("两学一做", 3), ("没有这个词语", 5)):
                got = K.kwic(con, term, f, limit=limit)
                want = pd.DataFrame(_walk(texts, term, limit), columns=K.KWIC_COLUMNS)
                pd.testing.assert_frame_equal(got, want, obj=f"{f} {term} {limit}")
    finally:
        con.close()


def test_kwic_and_its_total_follow_a_corrected_year(sample_db, tmp_path):
    """Both read the filter on the corrected values: a report moved to another year by a
    supervisor is counted, and listed, under that year (kwic_total used the stored year)."""
    import shutil

    from pipeline.queries import query as q
    from pipeline.store import corrections

    db = tmp_path / "fix.duckdb"
    shutil.copyfile(sample_db, db)
    reps = q.reports.uncached({}, db=db)
    years = sorted(reps.year.dropna().astype(int).unique())
    moved = reps[reps.year == years[0]].report_id.iloc[0]
    term = "意识形态"
    target = int(years[-1]) + 1                      # a year no report has: only the moved one
    corrections.save_report(db, moved, {"year": str(target)})
    f = {"year_min": target, "year_max": target}
    lines = q.kwic.uncached(f, term, db=db)
    total = q.kwic_total.uncached(f, term, db=db)
    text = q.report.uncached({}, moved, db=db).text_simplified.iloc[0]
    assert set(lines.report_id) == {moved} and set(lines.year) == {target}
    assert total == {"occurrences": text.count(term), "reports": 1, "exact": True}


def test_keywords_page_says_estimated_and_counts_exactly_on_request(sample_db, tmp_path, monkeypatch):
    """关键词 上下文 over more reports than are counted one by one: the caption says 约, the
    margin and the sample; 精确统计 counts every text and the caption says 共 with kwic_total's
    exact figures."""
    import shutil

    from pipeline.queries import query as q
    from tests.test_app_pages import run_page, seed_extracts

    db = tmp_path / "kw.duckdb"                  # a path of its own: no cached totals from other tests
    shutil.copyfile(sample_db, db)
    seed_extracts(db)
    monkeypatch.setattr(q, "KWIC_EXACT_REPORTS", 3)
    monkeypatch.setattr(q, "KWIC_SAMPLE_MIN_HITS", 1)
    at = run_page(monkeypatch, db, "keywords")
    assert not at.exception and not at.error
    term = at.text_input(key="kw_kwic").value
    exact = q.kwic_total.uncached({}, term, exact=True, db=db)
    est = q.kwic_total.uncached({}, term, db=db)
    cap = next(c.value for c in at.caption if "处" in c.value and "篇" in c.value)
    assert not est["exact"] and exact["occurrences"] > 200
    assert (f"约 {est['occurrences']:,} 处" in cap and f"约 {est['reports']:,} 篇" in cap
            and f"±{est['margin']:,} 篇" in cap and "随机抽取的 3 篇" in cap), cap
    at.button(key="kw_exact").click().run()
    assert not at.exception and not at.error
    cap = next(c.value for c in at.caption if "处" in c.value and "篇" in c.value)
    assert cap == f"显示前 200 处,共 {exact['occurrences']:,} 处(出现在 {exact['reports']:,} 篇报告中)。", cap
    assert not [b for b in at.button if b.key == "kw_exact"]
