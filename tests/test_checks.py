"""考核 (pipeline/queries/checks.py): every shipped rule on three real-style reports - one that meets
it, one below it, one silent on it - ingested into a temporary database; the verdicts, their
evidence, the score, the user copy of the rules and the CLI's CSV."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ingest_with_manifest

MEETS = """县教育局2022年意识形态工作总结
2022年,县教育局党组认真落实意识形态工作责任制,现将有关情况总结如下:
一、主要工作开展情况
(一)压实工作责任。局党组专题研究意识形态工作3次。向县委专题汇报意识形态工作2次。开展意识形态领域形势分析研判4次。在党内通报意识形态领域情况2次。坚持将意识形态工作纳入年度工作计划和目标考核。
(二)加强理论武装。全年召开党组理论学习中心组学习12次。党组书记讲党课2次。
(三)严肃组织生活。在民主生活会上把意识形态工作作为对照检查的重要内容。领导班子成员在述职报告中报告履行意识形态工作责任制情况。
二、存在的问题和不足
一是理论学习的深度还不够;二是网络阵地管理还比较薄弱。
三、下一步工作打算
继续加强理论学习,压实责任。
县教育局
2022年12月20日
"""

BELOW = """县卫生健康局2022年意识形态工作总结
2022年,县卫生健康局党组认真落实意识形态工作责任制,现将有关情况总结如下:
一、主要工作开展情况
局党组专题研究意识形态工作1次。向县委专题汇报意识形态工作1次。开展意识形态领域形势分析研判1次。全年召开党组理论学习中心组学习2次。
二、存在的问题和不足
一是党组书记讲党课还不够经常;二是意识形态工作在民主生活会对照检查中体现不够;三是述职报告中意识形态工作内容较少;四是意识形态工作纳入年度目标考核不够到位;五是在党内通报意识形态领域情况不够及时。
三、下一步工作打算
进一步压实意识形态工作责任。
县卫生健康局
2022年12月25日
"""

SILENT = """县文化旅游局2022年工作总结
2022年,县文化旅游局围绕中心、服务大局,现将有关情况总结如下:
一、主要工作开展情况
全年举办文艺演出12场,接待游客5万人次,开展文明旅游宣传6次。
二、存在的问题和不足
一是旅游宣传力度还不够。
三、下一步工作打算
下一步,局党组将专题研究意识形态工作2次,党组书记讲党课1次,把意识形态工作纳入年度目标考核。
县文化旅游局
2022年12月28日
"""

UNITS = {"meets": "县教育局", "below": "县卫生健康局", "silent": "县文化旅游局"}
RULE_IDS = ["zhuanti_yanjiu", "zhuanti_huibao", "fenxi_yanpan", "tongbao", "zhongxinzu", "shuji_dangke",
            "minzhu_shenghuohui", "shuzhi", "jihua_kaohe"]
# rule -> (value in MEETS, evidence found there; value in BELOW, evidence found there)
EXPECTED = {
    "zhuanti_yanjiu": (3, "局党组专题研究意识形态工作3次", 1, "局党组专题研究意识形态工作1次"),
    "zhuanti_huibao": (2, "向县委专题汇报意识形态工作2次", 1, "向县委专题汇报意识形态工作1次"),
    "fenxi_yanpan": (4, "形势分析研判4次", 1, "形势分析研判1次"),
    "tongbao": (2, "在党内通报意识形态领域情况2次", 0, "在党内通报意识形态领域情况不够及时"),
    "zhongxinzu": (12, "理论学习中心组学习12次", 2, "理论学习中心组学习2次"),
    "shuji_dangke": (2, "党组书记讲党课2次", 0, "党组书记讲党课还不够经常"),
    "minzhu_shenghuohui": (1, "在民主生活会上把意识形态工作作为对照检查的重要内容", 0, "在民主生活会对照检查中体现不够"),
    "shuzhi": (1, "述职报告中报告履行意识形态工作责任制情况", 0, "述职报告中意识形态工作内容较少"),
    "jihua_kaohe": (1, "纳入年度工作计划和目标考核", 0, "纳入年度目标考核不够到位"),
}


@pytest.fixture(scope="module")
def checks_db(tmp_path_factory) -> Path:
    return ingest_with_manifest(tmp_path_factory.mktemp("checks"), [
        (name, text, UNITS[name], 2022, "党政机关") for name, text in (("meets", MEETS), ("below", BELOW), ("silent", SILENT))])


@pytest.fixture
def shipped(monkeypatch, tmp_path):
    """The bundled rules, whatever user copy the developer has (the user copy is a tmp path)."""
    from pipeline.queries import checks

    monkeypatch.setenv("ZONGJIE_CHECK_RULES", str(tmp_path / "user_rules.toml"))
    return checks.load_rules()


def _verdicts(db, data):
    from pipeline.queries import checks

    v = checks.verdicts({}, data, db=db)
    return {(r.unit, r.rule_id): r for r in v.itertuples()}, v


def test_shipped_rules_are_the_nine_with_sources(shipped):
    assert [r["id"] for r in shipped["rule"]] == RULE_IDS
    assert all(r["source"] for r in shipped["rule"])
    assert sum(r["points"] for r in shipped["rule"]) == shipped["full_score"] == 100
    half = [r["id"] for r in shipped["rule"] if r["period"] == "half_year"]
    assert half == ["zhuanti_huibao"]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_each_rule_meets_below_silent(checks_db, shipped, rule_id):
    got, _ = _verdicts(checks_db, shipped)
    v_meet, ev_meet, v_below, ev_below = EXPECTED[rule_id]
    meet, below, silent = (got[(UNITS[k], rule_id)] for k in ("meets", "below", "silent"))
    assert (meet.verdict, meet.value) == ("达标", v_meet), meet
    assert ev_meet in meet.evidence
    assert (below.verdict, below.value) == ("未达标", v_below), below
    assert ev_below in below.evidence
    assert (silent.verdict, silent.value, silent.evidence) == ("未提及", 0, ""), silent   # 下一步 plans do not count


def test_half_year_rule_doubles_for_a_full_year_report(checks_db, shipped):
    got, _ = _verdicts(checks_db, shipped)
    r = got[("县教育局", "zhuanti_huibao")]
    assert (r.threshold, r.required) == (1, 2)


def test_evidence_rows_point_into_the_report(checks_db, shipped):
    from pipeline.queries import checks
    from tests.conftest import db_rows

    ev = checks.evidence({}, shipped, db=checks_db)
    row = ev[(ev["unit"] == "县教育局") & (ev["rule_id"] == "zhongxinzu")].iloc[0]
    assert row["kind"] == "指标" and row["value"] == 12
    text = db_rows(checks_db, "SELECT text_simplified FROM reports WHERE report_id = ?", [row["report_id"]])[0][0]
    assert text[int(row["char_start"]):int(row["char_end"])] == row["text"]
    # as written, every row: the original text's same span (what the reader searches for)
    originals = dict(db_rows(checks_db, "SELECT report_id, text FROM reports"))
    assert len(ev) > 5 and all(
        r.text_original == originals[r.report_id][int(r.char_start):int(r.char_end)].strip(" ") and r.text_original
        for r in ev.itertuples())
    kinds = set(ev[ev["unit"] == "县卫生健康局"]["kind"])
    assert kinds == {"指标", "存在问题"}
    assert ev[ev["unit"] == "县文化旅游局"].empty


def test_scores_itemise_deductions(checks_db, shipped):
    from pipeline.queries import checks

    _, v = _verdicts(checks_db, shipped)
    s = checks.scores(v, shipped["full_score"]).set_index("unit")
    assert s.loc["县教育局", "score"] == 100 and s.loc["县教育局", "deductions"] == ""
    assert s.loc["县文化旅游局", "score"] == 0 and s.loc["县文化旅游局", "n_silent"] == 9
    below = s.loc["县卫生健康局"]
    assert (below["n_fail"], below["n_silent"], below["score"]) == (9, 0, 0)
    assert "书记讲党课(未达标 −10)" in below["deductions"]
    assert list(checks.scores(v)["unit"])[-1] == "县教育局"            # follow-up order: lowest first
    # 未提及 not deducted when the rules say so
    lenient = {**shipped, "deduct_unmentioned": False}
    _, v2 = _verdicts(checks_db, lenient)
    assert checks.scores(v2).set_index("unit").loc["县文化旅游局", "score"] == 100


def test_threshold_and_applies_to_edits_change_verdicts(checks_db, shipped, tmp_path, monkeypatch):
    from pipeline.queries import checks

    table = checks.rules_frame(shipped)
    table.loc[table["id"] == "zhongxinzu", "threshold"] = 13              # 12 no longer enough
    table.loc[table["id"] == "shuzhi", "applies_to"] = "学校"              # not for 党政机关 any more
    edited = checks.from_frame(shipped, table)
    path = checks.save_user_rules(edited)
    assert path == tmp_path / "user_rules.toml" and checks.rules_path() == path
    again = checks.load_rules()
    assert again == edited
    got, v = _verdicts(checks_db, again)
    assert got[("县教育局", "zhongxinzu")].verdict == "未达标"
    assert not (v["rule_id"] == "shuzhi").any()
    bad = table.assign(points=table["points"].astype(object))
    bad.loc[0, "points"] = "十"
    with pytest.raises(ValueError, match="分值应为数字"):
        checks.from_frame(shipped, bad)


def test_a_broken_user_copy_is_refused(shipped, tmp_path):
    from pipeline.queries import checks
    from pipeline import rules

    broken = {**shipped, "rule": [{**shipped["rule"][0], "cue": "专题(研究"}]}
    with pytest.raises(rules.RulesError, match="正则表达式有误"):
        checks.save_user_rules(broken)
    assert not (tmp_path / "user_rules.toml").exists()
    dup = {**shipped, "rule": shipped["rule"][:1] * 2}
    with pytest.raises(rules.RulesError, match="重复"):
        checks.save_user_rules(dup)


def test_cli_writes_the_verdicts_csv(checks_db, shipped, tmp_path, capsys):
    from pipeline.__main__ import main

    out = tmp_path / "v.csv"
    assert main(["checks", "--db", str(checks_db), "--unit", "县卫生健康局", "--year-min", "2022",
                 "--out", str(out)]) == 0
    assert "1 个单位年度、9 条结论" in capsys.readouterr().out
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(df.columns) == ["单位", "年度", "规则", "结论", "实际值", "阈值", "分值", "依据"]
    row = df[df["规则"] == "理论学习中心组学习"].iloc[0]
    assert (row["单位"], row["年度"], row["结论"], row["实际值"], row["阈值"], row["分值"]) == \
        ("县卫生健康局", "2022", "未达标", "2", "4", "15")
    assert "理论学习中心组学习2次" in row["依据"]
    assert df[df["规则"] == "向上级党委专题汇报意识形态工作"].iloc[0]["阈值"] == "2"
    assert main(["checks", "--db", str(checks_db), "--year-min", "2030", "--out", str(out)]) == 0


def test_formula_cells_are_defused():
    from pipeline.queries import checks

    v = pd.DataFrame([{"unit": "=HYPERLINK(\"x\")", "year": 2022, "rule": "+r", "verdict": "达标", "value": 2.0,
                       "required": 2.0, "points": 10.0, "evidence": "@x"}])
    out = checks.csv_frame(v)
    assert list(out.iloc[0]) == ["'=HYPERLINK(\"x\")", 2022, "'+r", "达标", 2, 2, 10, "'@x"]


def test_editing_the_check_rules_does_not_re_extract(tmp_path):
    """The 考核 rules are applied at query time: a new threshold is not a new pipeline version."""
    import shutil

    from pipeline import rules, version

    d = tmp_path / "rules"
    shutil.copytree(rules.BUNDLED, d)
    before = version.pipeline_version(rules_dir=d)
    p = d / "check_rules.toml"
    p.write_text(p.read_text(encoding="utf-8").replace("threshold = 4", "threshold = 12"), encoding="utf-8")
    assert version.pipeline_version(rules_dir=d) == before
    (d / "stopwords.txt").write_text("的\n", encoding="utf-8")
    assert version.pipeline_version(rules_dir=d) != before


def test_corrections_flow_into_the_verdicts(checks_db, shipped, tmp_path):
    """A count marked wrong in the reader stops counting; a corrected unit moves the verdicts."""
    import shutil

    from pipeline.store import corrections
    from tests.conftest import db_rows

    db = tmp_path / "corrected.duckdb"
    shutil.copyfile(checks_db, db)
    rid, text = db_rows(db, """SELECT m.report_id, m.text FROM metrics m JOIN reports r USING (report_id)
                               WHERE r.unit = '县教育局' AND m.text LIKE '%中心组学习12次%'""")[0]
    corrections.save_items(db, "metric", rid, [{"text": text, "ordinal": 0, "changes": {"wrong": "true"}}])
    got, _ = _verdicts(db, shipped)
    r = got[("县教育局", "zhongxinzu")]
    assert (r.verdict, r.value) == ("未达标", 1)          # the sentence is left as a bare mention
    corrections.save_report(db, rid, {"unit": "县教育体育局"})
    got, _ = _verdicts(db, shipped)
    assert ("县教育局", "zhongxinzu") not in got and got[("县教育体育局", "shuji_dangke")].verdict == "达标"


def test_rule_categories_are_activity_categories(shipped):
    """A rule names metric categories by name: a renamed category in activity_taxonomy.toml
    would silently turn its counts into mere mentions."""
    from pipeline import rules

    names = {c["name"] for c in rules.load("activity_taxonomy.toml")["category"]}
    used = {c for r in shipped["rule"] for c in r["categories"]}
    assert used and used <= names, used - names


# ---------------------------------------------------------------- candidate sentences (check_sentences.py)
def test_candidate_sentences_are_stored_and_give_the_same_verdicts(checks_db, shipped, monkeypatch):
    """The write-time table answers the shipped rules; splitting at query time (the fallback)
    gives the same verdicts and evidence, row for row."""
    from pipeline import store
    from pipeline.queries import checks
    from pipeline.store import check_sentences
    from tests.conftest import db_rows

    rows = db_rows(checks_db, """SELECT c.s, c.cues, r.unit FROM check_sentences c JOIN reports r USING (report_id)
                                 ORDER BY r.unit, c.char_start""")
    mine = [(s.strip(), cues) for s, cues, unit in rows if unit == "县卫生健康局"]
    assert ("局党组专题研究意识形态工作1次", ["专题"]) in mine
    assert ("向县委专题汇报意识形态工作1次", ["专题", "汇报"]) in mine
    assert not any("文艺演出" in s for s, _, _ in rows)                 # no cue word: not stored
    con = store.read_connection(checks_db)
    try:
        assert check_sentences.ready(con, [r["cue"] for r in shipped["rule"]])
        assert not check_sentences.ready(con, ["文艺演出"])              # not covered by the words
    finally:
        con.close()
    fast = checks.check_verdicts.uncached({}, checks.to_json(shipped), "unit", db=checks_db)
    fast_ev = checks.check_evidence.uncached({}, checks.to_json(shipped), db=checks_db)
    monkeypatch.setattr(check_sentences, "ready", lambda con, cues: False)
    slow = checks.check_verdicts.uncached({}, checks.to_json(shipped), "unit", db=checks_db)
    slow_ev = checks.check_evidence.uncached({}, checks.to_json(shipped), db=checks_db)
    pd.testing.assert_frame_equal(fast, slow)
    pd.testing.assert_frame_equal(fast_ev, slow_ev)
    assert len(fast) == 27 and (fast["verdict"] == "达标").sum() == 9


def test_a_cue_outside_the_words_still_works(checks_db, shipped):
    """A hand-edited cue the stored words do not cover falls back to splitting the reports."""
    from pipeline.queries import checks

    rule = {**shipped["rule"][0], "id": "wenyi", "name": "文艺演出", "cue": "文艺演出", "cue_not": "",
            "measures": ["场"], "threshold": 10}
    got, _ = _verdicts(checks_db, {**shipped, "rule": [rule]})
    r = got[("县文化旅游局", "wenyi")]
    assert (r.verdict, r.value) == ("达标", 12) and "举办文艺演出12场" in r.evidence


def test_cue_coverage():
    from pipeline.store import check_sentences as cs

    words = cs.keywords()
    assert cs.covers("专题研究|专门研究|专题会议研究|专题(安排)?部署|研究部署意识形态", words)
    assert cs.covers("(纳入|列入).{0,20}(年度.{0,6}计划|目标.{0,4}考核)", words)
    assert not cs.covers("研究", words) and not cs.covers("(专题)?研究", words)
    assert not cs.covers("专题|宣讲", words)           # one arm without a word
    assert not cs.covers("专题(", words) and not cs.covers("", words)


def test_candidate_table_follows_the_reports(tmp_path):
    """A new report is split at the next write; a re-extracted or gone one loses its rows;
    a new word list recomputes the table."""
    from pipeline import store
    from pipeline.store import check_sentences

    db = tmp_path / "c.duckdb"
    with store.writer(db) as con:
        con.execute("INSERT INTO files (file_id, pipeline_version) VALUES ('f1', 'v1')")
        con.execute("""INSERT INTO reports (report_id, file_id, text_simplified) VALUES
                       ('f1-0', 'f1', '全年开展中心组学习4次。组织文艺演出。书记讲党课1次'),
                       ('f1-1', 'f1', NULL)""")
    from tests.conftest import db_rows

    assert db_rows(db, "SELECT report_id, sentence_index, char_start, s FROM check_sentences ORDER BY 1, 2") == \
        [("f1-0", 0, 0, "全年开展中心组学习4次"), ("f1-0", 2, 19, "书记讲党课1次")]
    with store.writer(db) as con:
        con.execute("UPDATE files SET pipeline_version = 'v2'")
        con.execute("UPDATE reports SET text_simplified = '专题研究2次' WHERE report_id = 'f1-0'")
    assert db_rows(db, "SELECT report_id, s FROM check_sentences") == [("f1-0", "专题研究2次")]
    with store.writer(db) as con:
        con.execute("DELETE FROM reports")
    assert db_rows(db, "SELECT count(*) FROM check_sentences") == [(0,)]
    con = store.read_connection(db)
    try:
        assert check_sentences.ready(con, ["专题"])
        con.close()
        with store.writer(db) as w:
            w.execute("UPDATE meta SET value = 'old' WHERE key = ?", [check_sentences.META_KEY])
            w.execute("INSERT INTO reports (report_id, file_id, text_simplified) VALUES ('f1-2', 'f1', '通报1次')")
        assert db_rows(db, "SELECT s FROM check_sentences") == [("通报1次",)]
    finally:
        con.close()


# ---------------------------------------------------------------- evidence sums (check_evidence.py)
def _live_and_stored(db, data, filters, by):
    """The verdicts as the 考核 page asks for them (no evidence text): from the stored sums,
    and found again (the sums switched off), with whether the sums were used."""
    from pipeline import store
    from pipeline.queries import checks
    from pipeline.store import check_evidence

    con = store.read_connection(db)
    try:
        used = check_evidence.sums_ready(con, data)
    finally:
        con.close()
    stored = checks.check_verdicts.uncached(filters, checks.to_json(data), by, False, db=db)
    real = check_evidence.sums_ready
    check_evidence.sums_ready = lambda con, data: False
    try:
        live = checks.check_verdicts.uncached(filters, checks.to_json(data), by, False, db=db)
    finally:
        check_evidence.sums_ready = real
    return used, stored, live


def test_stored_evidence_sums_give_the_verdicts_found_live(checks_db, sample_db, shipped, tmp_path):
    """Every write keeps per report and rule the evidence sums (store/check_evidence.py);
    verdicts summed from them equal verdicts found piece by piece - both databases, by unit
    and by report, under filters, after a correction (the correction's write recomputes
    them) and with thresholds edited (not part of the evidence). Rules whose cues changed
    are answered live."""
    import shutil

    from pipeline.store import corrections
    from tests.conftest import db_rows

    years = db_rows(sample_db, "SELECT DISTINCT year FROM reports WHERE year IS NOT NULL ORDER BY 1")
    cases = [({}, "unit"), ({}, "report"), ({"year_min": years[-1][0], "year_max": years[-1][0]}, "unit"),
             ({"unit_types": ["党政机关"]}, "unit")]
    for db in (checks_db, sample_db):
        for filters, by in cases:
            used, stored, live = _live_and_stored(db, shipped, filters, by)
            assert used
            pd.testing.assert_frame_equal(stored, live)
    used, stored, _ = _live_and_stored(checks_db, shipped, {}, "unit")
    assert len(stored) == 27 and set(stored["verdict"]) == {"达标", "未达标", "未提及"}

    # a correction: the token changes, the write recomputes the sums, and they still agree
    db = tmp_path / "corrected.duckdb"
    shutil.copyfile(checks_db, db)
    rid, text = db_rows(db, """SELECT m.report_id, m.text FROM metrics m JOIN reports r USING (report_id)
                               WHERE r.unit = '县教育局' AND m.text LIKE '%中心组学习12次%'""")[0]
    corrections.save_items(db, "metric", rid, [{"text": text, "ordinal": 0, "changes": {"wrong": "true"}}])
    used, stored, live = _live_and_stored(db, shipped, {}, "unit")
    assert used
    pd.testing.assert_frame_equal(stored, live)
    r = stored.set_index(["unit", "rule_id"]).loc[("县教育局", "zhongxinzu")]
    assert (r.verdict, r.value) == ("未达标", 1)

    # thresholds edited: the same sums, judged against the new thresholds
    edited = {**shipped, "rule": [{**r_, "threshold": r_["threshold"] + 5} for r_ in shipped["rule"]]}
    used, stored, live = _live_and_stored(db, edited, {}, "unit")
    assert used and (stored["verdict"] != "达标").all()
    pd.testing.assert_frame_equal(stored, live)
    # a cue edited: the sums were found for another cue, so the verdicts are found live
    recued = {**shipped, "rule": [{**shipped["rule"][0], "cue": "专题研究"}, *shipped["rule"][1:]]}
    assert not _live_and_stored(db, recued, {}, "unit")[0]


def test_evidence_sums_are_not_used_when_their_inputs_changed_behind_them(checks_db, shipped, tmp_path):
    """A write that did not recompute the sums (here: a correction row written directly)
    changes the inputs token: the sums are not used until a write recomputes them."""
    import shutil

    import duckdb

    from pipeline import store
    from pipeline.store import check_evidence

    db = tmp_path / "behind.duckdb"
    shutil.copyfile(checks_db, db)
    con = duckdb.connect(str(db))
    con.execute("""INSERT INTO corrections (target, file_id, report_index, item_text, item_ordinal, field, value, who)
                   VALUES ('report', 'f', 0, '', -1, 'unit', 'x', 'test')""")
    con.close()
    con = store.read_connection(db)
    try:
        assert not check_evidence.sums_ready(con, shipped)
    finally:
        con.close()
    with store.writer(db) as w:         # any write recomputes them
        w.execute("SELECT 1")
    con = store.read_connection(db)
    try:
        assert check_evidence.sums_ready(con, shipped)
    finally:
        con.close()
