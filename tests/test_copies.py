"""查重 (pipeline/store/copies.py): constructed copies are found with the right source and a
copied share within 5 points of the truth; independent reports are not flagged; the
index is updated incrementally; the red flags fire on their rules and only there."""
from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest

from pipeline.text import shingles

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout"

ALI = "321bb44428468b55-1"          # 阿里地区行署办公室 2018 (sample 000)
AOQUAN = "d247b2b046033c08-4"       # 敖泉镇, 桂阳县, 2021 (sample 004, text 4)
ZHENGXIE = "293a373c4ccf82a9-1"     # 县政协机关 2020 (sample 002)
SHEQU = "d247b2b046033c08-3"        # --社区, 金川区, 2021 (sample 004, text 3)

OWN_PARAGRAPH = ("今年以来，我校结合山区学校寄宿生多的特点，组织教师利用晚自习后的时间开展“夜读一小时”活动，"
                 "由班主任带领学生诵读家乡先贤的家书和乡贤故事，编印校本读物《淮河岸边的读书声》，"
                 "在校园广播站开设“乡音里的道理”栏目，请退休老教师讲述当年办学的艰辛，"
                 "引导学生珍惜今天的学习条件。学校还与镇卫生院合作开展心理健康讲座，"
                 "建立寄宿生心理档案，每周由心理辅导员与学生谈心谈话，及时发现和疏导思想上的困惑。\n")


def edit(text: str, pairs: list[tuple[str, str, int]]) -> tuple[str, np.ndarray]:
    """Apply (old: a regex, new, how many: 0 = all) replacements in order; returns the new text and a
    mask of its characters that were inserted (not copied)."""
    mask = np.zeros(len(text), dtype=bool)
    for old, new, count in pairs:
        out, m, i, done = [], [], 0, 0
        for hit in re.finditer(old, text):
            if count and done >= count:
                break
            out.append(text[i:hit.start()])
            m.append(mask[i:hit.start()])
            out.append(new)
            m.append(np.ones(len(new), dtype=bool))
            i, done = hit.end(), done + 1
        out.append(text[i:])
        m.append(mask[i:])
        text, mask = "".join(out), np.concatenate(m)
    return text, mask


def truth(text: str, inserted: np.ndarray) -> float:
    """Share of the comparable characters (standard phrases and punctuation out) not inserted."""
    from pipeline.store.copies import sequence

    s = sequence(text)
    return 1 - float(inserted[s.pos].mean())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample, then three constructed copies in a second ingest, then a template and a
    report made from it (placeholders left in) in two more: each step incremental."""
    from pipeline.ingest import ingest_paths

    d = tmp_path_factory.mktemp("copies")
    db = d / "c.duckdb"
    assert not ingest_paths([SAMPLE], db=db, workers=1).rejected
    con = duckdb.connect(str(db), read_only=True)
    text = dict(con.execute("SELECT report_id, text_simplified FROM reports").fetchall())
    con.close()
    truths = {}
    copies = d / "copies"
    copies.mkdir()
    # 1. last year's report with the year changed
    t, ins = edit(text[ALI], [("2018", "2019", 0)])
    (copies / "ali2019.txt").write_text(t, encoding="utf-8")
    truths["ali2019.txt"] = truth(t, ins)
    # 2. a neighbour's report with unit and place names swapped (one 桂阳县 and one 敖泉镇 left behind)
    t, ins = edit(text[AOQUAN], [("敖泉(?!镇)", "龙潭", 0), ("桂阳(?!县委)", "嘉禾", 0)])
    assert "桂阳县" in t and "敖泉镇" in t
    (copies / "longtan.txt").write_text(t, encoding="utf-8")
    truths["longtan.txt"] = truth(t, ins)
    (copies / "manifest.csv").write_text(
        "file,unit,year,region\nali2019.txt,行署办公室,2019,阿里地区\nlongtan.txt,龙潭镇,2021,嘉禾县\n", encoding="utf-8")
    s = ingest_paths([copies / "ali2019.txt", copies / "longtan.txt"], db=db, manifest=copies / "manifest.csv",
                     workers=1)
    assert len(s.ingested) == 2 and s.copy_seconds > 0
    # 3. a 范文 (a real report turned into a template) and a report made from it
    base = (HELDOUT / "ho01_school.txt").read_text(encoding="utf-8")
    tmpl = re.sub(r"\d+", "X", base.replace("怀远县第三中学", "XX中学").replace("我校", "XX中学"))
    tmpl = tmpl.replace("现将一年来的工作总结如下。", "现将一年来的工作总结如下（请结合实际填写）。")
    tdir = d / "templates"
    tdir.mkdir()
    (tdir / "fanwen.txt").write_text(tmpl, encoding="utf-8")
    assert not ingest_paths([tdir], db=db, workers=1, template=True).rejected
    nums = iter(str(n) for n in range(3, 400, 7))
    filled, ins = edit(tmpl, [("XX中学", "凤阳县第二中学", 0)])
    # fill every X but the first two (placeholders left in), keep 请结合实际
    parts, marks, seen = [], [], 0
    for i, ch in enumerate(filled):
        if ch == "X" and not ins[i]:
            seen += 1
            if seen > 2:
                n = next(nums)
                parts.append(n)
                marks.append(np.ones(len(n), dtype=bool))
                continue
        parts.append(ch)
        marks.append(ins[i:i + 1])
    lines = "".join(parts).split("\n")
    k = len(lines) // 2
    a = "\n".join(lines[:k]) + "\n" + OWN_PARAGRAPH + "\n".join(lines[k:])
    mask = np.concatenate([*marks])
    head = len("\n".join(lines[:k])) + 1
    mask = np.concatenate([mask[:head], np.ones(len(OWN_PARAGRAPH), dtype=bool), mask[head:]])
    assert len(mask) == len(a)
    rdir = d / "reports"
    rdir.mkdir()
    (rdir / "fengyang.txt").write_text(a, encoding="utf-8")
    (rdir / "manifest.csv").write_text("file,unit,year,region\nfengyang.txt,凤阳县第二中学,2022,凤阳县\n", encoding="utf-8")
    truths["fengyang.txt"] = truth(a, mask)
    assert not ingest_paths([rdir / "fengyang.txt"], db=db, manifest=rdir / "manifest.csv", workers=1).rejected
    return db, truths


def _row(db, name: str) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute("""
            SELECT r.report_id, s.share, s.source_report_id, s.source_share, s.source_kind, src.file_id,
                   src.report_id, src.source
            FROM reports r JOIN copy_summary s USING (report_id)
            LEFT JOIN reports src ON src.report_id = s.source_report_id
            WHERE r.source LIKE ?""", [f"%/{name}"])
        rid, share, source, source_share, kind, _, _, source_path = cur.fetchone()
        flags = dict(con.execute("SELECT flag, detail FROM copy_flags WHERE report_id = ?", [rid]).fetchall())
    finally:
        con.close()
    return dict(report_id=rid, share=share, source=source, source_share=source_share, kind=kind,
                source_path=source_path, flags=flags)


def test_year_changed_copy_is_found_with_its_source(built):
    db, truths = built
    r = _row(db, "ali2019.txt")
    assert r["source"] == ALI and r["kind"] == "own_previous"
    assert truths["ali2019.txt"] > 0.95
    assert abs(r["source_share"] - truths["ali2019.txt"]) <= 0.05, (r, truths)
    assert abs(r["share"] - truths["ali2019.txt"]) <= 0.05
    assert "high_share" in r["flags"]


def test_names_swapped_copy_is_found_and_flagged(built):
    db, truths = built
    r = _row(db, "longtan.txt")
    assert r["source"] == AOQUAN and r["kind"] == "same_year_other"
    assert abs(r["source_share"] - truths["longtan.txt"]) <= 0.05, (r, truths)
    assert "桂阳县" in r["flags"].get("other_place", ""), r["flags"]
    assert "敖泉镇" in r["flags"].get("other_unit", ""), r["flags"]


def test_template_copy_is_found_with_placeholders(built):
    db, truths = built
    r = _row(db, "fengyang.txt")
    assert r["source_path"].endswith("templates/fanwen.txt") and r["kind"] == "template"
    assert 0.6 < truths["fengyang.txt"] < 0.95
    assert abs(r["source_share"] - truths["fengyang.txt"]) <= 0.05, (r, truths)
    assert "X次" in r["flags"]["placeholder"] or "X" in r["flags"]["placeholder"]
    assert "请结合实际" in r["flags"]["placeholder"]


def test_independent_sample_reports_are_not_flagged(built):
    db, _ = built
    con = duckdb.connect(str(db), read_only=True)
    try:
        for rid in (ZHENGXIE, SHEQU):
            share, n = con.execute("SELECT share, n_sources FROM copy_summary WHERE report_id = ?", [rid]).fetchone()
            assert share < 0.1 and n == 0, (rid, share)
            assert con.execute("SELECT count(*) FROM copy_flags WHERE report_id = ?", [rid]).fetchone()[0] == 0
        # the template itself is a source, never a suspect
        assert con.execute("""SELECT count(*) FROM copy_flags f JOIN reports r USING (report_id)
                              WHERE r.source LIKE '%fanwen.txt'""").fetchone()[0] == 0
    finally:
        con.close()


def test_the_original_is_not_said_to_copy_its_later_copy(built):
    """A 2018 report cannot have copied a 2019 one: sources are never later than the report."""
    db, _ = built
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM copy_matches WHERE report_id = ?", [ALI]).fetchone()[0] == 0
    finally:
        con.close()


def test_index_is_incremental_and_follows_changes(built, tmp_path):
    """Re-ingesting one changed file recomputes that report and its neighbours only; a
    removed source takes its matches with it."""
    from pipeline.store import copies
    from pipeline.ingest import ingest_paths

    db = tmp_path / "inc.duckdb"
    shutil.copyfile(built[0], db)
    con = duckdb.connect(str(db))
    try:
        n_sig = con.execute("SELECT count(*) FROM copy_signatures").fetchone()[0]
        assert copies.update(con) == {"signed": 0, "compared": 0}          # nothing new: nothing done
        assert con.execute("SELECT count(*) FROM copy_signatures").fetchone()[0] == n_sig
        # the year-changed copy goes away (its path now holds a rejected file): its source's matches go
        src = con.execute("SELECT source FROM reports WHERE source LIKE '%ali2019.txt'").fetchone()[0]
    finally:
        con.close()
    Path(src).write_bytes(b"")
    s = ingest_paths([src], db=db, workers=1)
    assert s.rejected
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM copy_summary WHERE report_id NOT IN "
                           "(SELECT report_id FROM reports)").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM copy_matches WHERE source_report_id NOT IN "
                           "(SELECT report_id FROM reports)").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM copy_signatures").fetchone()[0] == n_sig - 1
    finally:
        con.close()


def test_shared_passages_cover_both_texts():
    from pipeline.store.copies import shared_passages

    a = "一、加强组织领导。" + "我局坚持把意识形态工作摆在重要位置，定期召开专题会议研究部署。" + "今年新建了图书角。"
    b = "首先。" + "我局坚持把意识形态工作摆在重要位置，定期召开专题会议研究部署。" + "另有其他内容若干条。"
    sa, sb, share = shared_passages(a, b)
    assert len(sa) == 1 and a[sa[0][0]:sa[0][1]].startswith("我局坚持") and a[sa[0][0]:sa[0][1]].endswith("研究部署")
    assert len(sb) == 1 and b[sb[0][0]:sb[0][1]].startswith("我局坚持")
    assert 0.6 < share < 0.85


def test_standard_phrases_do_not_count_as_copying():
    from pipeline.store.copies import shared_passages

    slogan = "深入学习贯彻习近平新时代中国特色社会主义思想，增强“四个意识”、坚定“四个自信”、做到“两个维护”"
    a = slogan + "，本单位全年开展了十二场读书活动并表彰先进。"
    b = slogan + "，全体干部职工积极参与志愿服务和扶贫帮困工作。"
    _, _, share = shared_passages(a, b)
    assert share == 0.0


@pytest.mark.parametrize("year,text,flagged", [
    (2019, "认真学习贯彻党的十八大精神，推动工作落实。", True),
    (2017, "认真学习贯彻党的十八大精神，推动工作落实。", False),
    (2019, "党的十八大以来，我局始终坚持党管意识形态。", False),
    (2021, "深入学习贯彻十八届三中、四中、五中全会精神。", True),
    (2023, "持续学习宣传贯彻党的十九大精神。", True),
    (2022, "持续学习宣传贯彻党的十九大精神。", False),
    (2023, "党的十九大以来的五年。", False),
])
def test_outdated_congress_rule(year, text, flagged):
    from pipeline.store.copies import flags

    got = dict(flags(text, {"year": year, "unit": None}, 0.0, [], {}))
    assert ("outdated_congress" in got) == flagged


def test_identical_counts_rule():
    from pipeline.store.copies import flags

    counts = {("县审计局", None, 2021): ["12.0 次", "3.0 场", "40.0 篇"],
              ("县审计局", None, 2020): ["12.0 次", "3.0 场", "40.0 篇"]}
    got = dict(flags("", {"year": 2021, "unit": "县审计局", "region": None}, 0.0, [], counts))
    assert "identical_counts" in got
    counts[("县审计局", None, 2020)] = ["12.0 次", "4.0 场", "40.0 篇"]
    assert "identical_counts" not in dict(flags("", {"year": 2021, "unit": "县审计局", "region": None}, 0.0, [], counts))


def test_report_figures(built, capsys):
    """Not an assertion of its own: prints found vs constructed share for the lead's report."""
    db, truths = built
    with capsys.disabled():
        for name, t in truths.items():
            r = _row(db, name)
            print(f"\n{name}: truth {t:.3f} found {r['source_share']:.3f} ({r['kind']}) flags {sorted(r['flags'])}")


# ---------------------------------------------------------------- the 查重 page (AppTest)
from tests.test_app_pages import assert_clean, csv_of, downloads, run_page  # noqa: E402,F401


def test_copies_page_ranks_compares_and_downloads(monkeypatch, built, downloads):  # noqa: F811
    from pipeline.queries import query as q

    db = built[0]
    at = run_page(monkeypatch, db, "查重")
    assert_clean(at, "查重")
    rank = q.copy_ranking.uncached({}, db=db)
    assert rank.iloc[0]["share"] > 0.9 and rank.iloc[0]["source_unit"]
    # the ranking CSV is the query result, every row, Chinese headers
    name, csv, _ = csv_of(downloads, at, "查重-复制比排行")
    assert len(csv) == len(rank) and "总复制比" in csv.columns and "来源单位" in csv.columns
    assert list(csv["报告编号"]) == list(rank["report_id"])
    # the headline figures (aggregated in the database) are the ranking's
    metric = {m.label: m.value for m in at.metric}
    assert metric["报告"] == str(len(rank)) and metric["有红旗的报告"] == str(int((rank["flags"] != "").sum()))
    assert metric["平均总复制比"] == f"{rank['share'].mean():.1%}"
    assert not any(s.key == "cp_a" for s in at.selectbox)         # only the tab in view ran
    # side by side: the top report and its main source, shared passages highlighted on both sides
    at.session_state["cp_tab"] = "对照查看"
    at.run()
    htmls = [h.proto.body for h in at.get("html")]
    assert sum('class="zj-copy"' in h for h in htmls) == 2
    _, passages, _ = csv_of(downloads, at, "查重-共有片段")
    assert set(passages["所在报告"]) == {"报告", "来源"} and passages["共有片段"].str.len().sum() > 500
    # heatmap of the year with two units alike (龙潭镇 made from 敖泉镇, 2021)
    at.session_state["cp_tab"] = "单位相似度热力图"
    at.run()
    at.selectbox(key="cp_year").set_value(2021).run()
    assert_clean(at, "查重")
    assert len(at.get("plotly_chart")) == 1
    _, heat, _ = csv_of(downloads, at, "查重-单位相似度-2021")
    row = heat[(heat["单位"] == "龙潭镇") & (heat["来源单位"] == "敖泉镇")]
    assert len(row) == 1 and row.iloc[0]["单位报告在来源单位报告中找到的比例"] > 0.9
    # flags, filtered by kind
    at.session_state["cp_tab"] = "红旗明细"
    at.run()
    _, flags, _ = csv_of(downloads, at, "查重-红旗-全部红旗")
    assert {"模板占位符未替换", "出现其他地区名称", "复制比高"} <= set(flags["红旗"])
    counts = q.copy_flag_counts.uncached({}, db=db)        # what the picker says of each kind
    assert len(flags) == counts["n"].sum() and dict(zip(counts["label"], counts["n"])) == \
        flags["红旗"].value_counts().to_dict()
    at.selectbox(key="cp_flag").set_value("出现其他地区名称").run()
    _, one, _ = csv_of(downloads, at, "查重-红旗-出现其他地区名称")
    assert set(one["红旗"]) == {"出现其他地区名称"} and "桂阳县" in one.iloc[0]["依据"]


def test_copies_page_follows_the_filter(monkeypatch, built):
    from pipeline.queries import query as q

    db = built[0]
    at = run_page(monkeypatch, db, "查重", query={"unit": ["龙潭镇"]})
    assert_clean(at, "查重")
    assert next(m.value for m in at.metric if m.label == "报告") == "1"
    assert len(q.copy_ranking.uncached({"units": ["龙潭镇"]}, db=db)) == 1


def test_reader_and_export_carry_the_copy(monkeypatch, built, tmp_path):
    import json

    from pipeline.outputs.export import export_jsonl

    db = built[0]
    out = tmp_path / "x.jsonl"
    export_jsonl(db, out)
    rows = {Path(r["source"]).name: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    lt = rows["longtan.txt"]
    assert lt["copy"]["source_unit"] == "敖泉镇" and lt["copy"]["source_year"] == 2021
    assert lt["copy"]["share"] > 0.9 and lt["copy"]["source_report"] == AOQUAN
    assert {f["flag"] for f in lt["copy_flags"]} >= {"other_place", "other_unit", "high_share"}
    indep = [r for r in rows.values() if r["unit"] == "县政协机关"][0]
    assert indep["copy"]["share"] == 0.0 and indep["copy"]["source_report"] is None and indep["copy_flags"] == []
    con = duckdb.connect(str(db), read_only=True)
    rid = con.execute("SELECT report_id FROM reports WHERE source LIKE '%longtan.txt'").fetchone()[0]
    con.close()
    at = run_page(monkeypatch, db, "reports", query={"report": rid})
    assert_clean(at, "报告浏览")
    text = " ".join(w.value for w in [*at.warning, *at.caption, *at.markdown])
    assert "总复制比" in text and "敖泉镇" in text and "出现其他地区名称" in text


def test_upload_page_can_mark_templates(monkeypatch, sample_db, tmp_path):
    """数据导入 with 范文模板 ticked: the uploaded file is a template (a source, never a suspect)."""
    from tests.test_app_pages import NEW_REPORT

    db = tmp_path / "up.duckdb"
    shutil.copyfile(sample_db, db)
    monkeypatch.setenv("ZONGJIE_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = run_page(monkeypatch, db, "upload")
    at.get("file_uploader")[0].set_value([("fanwen.txt", NEW_REPORT.encode("utf-8"), "text/plain")])
    at.checkbox(key="up_template").check()
    at.button[0].click().run()
    assert_clean(at, "数据导入")
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("""SELECT count(*) FROM copy_templates t JOIN file_paths p USING (file_id)
                              WHERE p.path LIKE '%fanwen.txt'""").fetchone()[0] == 1
    finally:
        con.close()


def test_changed_attribution_recomputes_the_report(built, tmp_path):
    """Same content, new unit/year (a manifest, a new pipeline version): the report's rows are
    recomputed - here its year moves before its source's, which can then no longer be it."""
    from pipeline.store import copies

    db = tmp_path / "fp.duckdb"
    shutil.copyfile(built[0], db)
    con = duckdb.connect(str(db))
    try:
        assert copies.stale(con) == 0
        con.execute("UPDATE reports SET year = 2020 WHERE source LIKE '%longtan.txt'")
        assert copies.stale(con) == 1
        copies.update(con)
        assert copies.stale(con) == 0
        share, src = con.execute("""SELECT s.share, s.source_report_id FROM copy_summary s JOIN reports r USING (report_id)
                                    WHERE r.source LIKE '%longtan.txt'""").fetchone()
        assert src != AOQUAN
    finally:
        con.close()


@pytest.fixture(params=["numba", "numpy"])
def loops(request, monkeypatch):
    """Each test using it runs twice: with numba's compiled loops (pipeline/text/compiled.py,
    the `fast` extra `make test` installs) and with the numpy ones they stand in for."""
    from pipeline.text import compiled

    if request.param == "numba":
        if compiled.loops() is None:
            pytest.skip("numba is not installed (the `fast` extra)")
    else:
        monkeypatch.setattr(compiled, "loops", lambda: None)
    return request.param


def test_fast_containment_kernel_gives_the_covered_mask(loops):
    """The 查重 step's kernels count exactly the characters `covered` marks: for each source
    (`_covered_fast`, numpy) and for all of a report's sources at once with their union, the
    总复制比 (`_cover_sources`: compiled, or numpy without numba)."""
    from pipeline.store.copies import _cover_sources, _covered_fast, _prepare, covered, runs, sequence

    rng = np.random.default_rng(7)
    alphabet = np.array(list("意识形态工作责任制学习宣传教育开展加强党委"))
    texts = ["".join(rng.choice(alphabet, size=n)) for n in (0, 5, 9, 40, 300, 1200)]
    texts.append(texts[-1][100:700] + "，" + texts[-2])       # shares long runs with two others
    hits = 0
    for k in (3, 8):
        for ta in texts:
            a = sequence(ta)
            if not len(a):
                continue
            pa = _prepare(len(a), runs(a.codes, k), k)
            sources = [np.sort(runs(sequence(tb).codes, k)) for tb in texts]
            masks = [covered(a, b, k) for b in sources]
            for b, want in zip(sources, masks):
                assert np.array_equal(_covered_fast(pa, b), want)
                hits += int(want.sum())
            for min_share in (0.0, 0.3, 1.1):
                count, n_union = _cover_sources(pa, sources, min_share)
                assert count == [int(m.sum()) for m in masks]
                union = np.zeros(len(a), dtype=bool)
                for m in masks:
                    if m.sum() / len(a) >= min_share:
                        union |= m
                assert n_union == int(union.sum()), (k, len(a), min_share)
    assert hits > 5000


def _copy_rows(con) -> dict:
    """Every 查重 row of a database, in a comparable order."""
    out = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=str)
           for t in ("copy_bands", "copy_matches", "copy_summary", "copy_flags")}
    out["sig"] = sorted(con.execute("SELECT report_id, n_counted, minhash FROM copy_signatures").fetchall())
    return out


def test_writer_signs_as_the_workers_did_and_two_processes_compare_as_one(built, tmp_path, monkeypatch):
    """The ingest's workers sign each report (`shingles.sign`); with the signatures gone, the
    writer re-signs every report from its stored text and, comparing in two processes, gets
    back every row: same bands, matches, summaries and flags."""
    from pipeline.store import copies

    db = tmp_path / "resign.duckdb"
    shutil.copyfile(built[0], db)
    con = duckdb.connect(str(db))
    try:
        before = _copy_rows(con)
        assert len(before["copy_matches"]) >= 3 and before["copy_flags"] and len(before["sig"]) >= 18
        con.execute("DELETE FROM copy_signatures")
        monkeypatch.setattr(copies, "PARALLEL_MIN", 1)
        assert copies.update(con) == {"signed": len(before["sig"]), "compared": len(before["sig"])}
        assert _copy_rows(con) == before
        # the comparison cutting every text again (a re-ingest's stored neighbours, or runs
        # beyond the ingest's budget) gives what the signers' k-runs gave
        con.execute("DELETE FROM copy_signatures")
        monkeypatch.setattr(copies, "sign", lambda text: dataclasses.replace(shingles.sign(text), runs=None))
        assert copies.update(con)["compared"] == len(before["sig"])
        assert _copy_rows(con) == before
    finally:
        con.close()


def test_ingest_keeps_the_workers_runs_within_its_budget(tmp_path, monkeypatch):
    """The workers' k-run hashes are kept for the 查重 step up to `copies.RUNS_KEPT_BYTES`;
    past it the step cuts the texts again, with the same rows."""
    from pipeline import ingest as ingest_mod
    from pipeline.store import copies

    seen: list[int] = []
    real = copies._compare

    def spy(con, dirty, known=None):
        seen.append(len(known or {}))
        return real(con, dirty, known)

    monkeypatch.setattr(copies, "_compare", spy)
    folder = tmp_path / "in"          # the sample, and two later copies of a held-out report (matches)
    shutil.copytree(SAMPLE, folder)
    base = (HELDOUT / "ho01_school.txt").read_text(encoding="utf-8")
    for year in (2023, 2024):
        (folder / f"copy{year}.txt").write_text(base.replace("2022", str(year)), encoding="utf-8")
    out = {}
    full = copies.RUNS_KEPT_BYTES
    for budget in (full, 20_000):
        monkeypatch.setattr(copies, "RUNS_KEPT_BYTES", budget)
        db = tmp_path / f"b{budget}.duckdb"
        assert not ingest_mod.ingest_paths([folder], db=db, workers=1).rejected
        con = duckdb.connect(str(db), read_only=True)
        out[budget] = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=str)
                       for t in ("copy_matches", "copy_summary", "copy_flags")}
        con.close()
    everything, some = seen
    assert everything >= 10 and 0 < some < everything
    assert out[20_000] == out[full] and out[full]["copy_matches"]


def test_candidates_in_parts_are_the_candidates_of_one_query(tmp_path, monkeypatch):
    """`_compare` gathers band collisions CANDIDATE_PART reports at a time (bounded memory
    at 100,000 reports); parts of one report must give exactly the rows of one query."""
    import duckdb as _duckdb

    from pipeline.ingest import ingest_paths
    from pipeline.store import copies

    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    rows = []
    for part in (100_000, 1):
        monkeypatch.setattr(copies, "CANDIDATE_PART", part)
        db = tmp_path / f"p{part}.duckdb"
        ingest_paths([sample], db=db, workers=1)
        con = _duckdb.connect(str(db), read_only=True)
        rows.append((con.execute("SELECT * FROM copy_summary ORDER BY ALL").fetchall(),
                     con.execute("SELECT * FROM copy_matches ORDER BY ALL").fetchall()))
        con.close()
    assert rows[0][0] and any(r[1:] != rows[0][0][0][1:] for r in rows[0][0])      # reports with different shares
    assert rows[0] == rows[1]


@pytest.mark.parametrize("failure", ["writer memory", "temporary disk full", "comparison process killed"])
def test_a_failed_copies_step_keeps_the_reports(tmp_path, monkeypatch, failure):
    """The 查重 step failing - the writer out of memory (seen at 100,000 reports), no room for
    its temporary files, a comparison process killed - leaves the ingest's reports
    published, says so in Chinese, and the next ingest finishes the step."""
    from concurrent.futures.process import BrokenProcessPool

    import duckdb as _duckdb

    from pipeline.ingest import ingest_paths
    from pipeline.store import copies

    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    real = copies.update
    error = {"writer memory": _duckdb.OutOfMemoryException("could not allocate block"),
             "temporary disk full": OSError(28, "No space left on device"),
             "comparison process killed": BrokenProcessPool("A process in the process pool was terminated")}[failure]

    def oom(con, presigned=None):
        raise error

    monkeypatch.setattr(copies, "update", oom)
    db = tmp_path / "oom.duckdb"
    s = ingest_paths([sample], db=db, workers=1)
    assert s.ingested and not s.rejected and any("查重未完成" in n for n in s.notes)
    con = _duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == s.reports > 0
    assert con.execute("SELECT count(*) FROM copy_summary").fetchone()[0] == 0
    con.close()
    monkeypatch.setattr(copies, "update", real)
    s2 = ingest_paths([sample], db=db, workers=1)
    assert not s2.ingested and not any("查重未完成" in n for n in s2.notes)
    con = _duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM copy_summary").fetchone()[0] == s.reports
    con.close()


def test_runs_keep_as_many_distinct_runs_as_the_64_bit_hashes():
    """The comparison's 32-bit runs (`runs`) collide no more than chance: on real report text
    they keep every distinct 64-bit k-run (the polynomial's top half alone lost 17 of 1,400)."""
    from pipeline.store.copies import kgrams, runs, sequence

    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "sample").glob("*.txt")))
    codes = sequence(text).codes
    assert len(codes) > 5000
    for k in (5, 8):
        assert len(np.unique(runs(codes, k))) == len(np.unique(kgrams(codes, k)))


def test_compiled_signing_gives_datasketchs_minhash_and_the_numpy_runs():
    """With numba, `shingles.signature` and `runs` skip datasketch's per-value loop and the
    numpy passes: every value must be the library's own, on real report texts and edge cases."""
    from datasketch import MinHash

    from pipeline.text import compiled

    if compiled.loops() is None:
        pytest.skip("numba is not installed (the `fast` extra)")
    c = shingles.compare_rules()
    t = MinHash(num_perm=c["num_perm"], seed=1, hashfunc=lambda x: x)      # datasketch's own draw
    assert t.scheme == "affine32"
    a, b = shingles.permutations(c["num_perm"])
    assert np.array_equal(t.permutations, np.array([a, b])) and a.dtype == b.dtype == np.uint32
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(Path("data/sample").glob("*.txt"))]
    texts += ["", "意识形态", "学" * 50, "意识形态工作责任制" * 40]
    assert len(texts) >= 8
    for text in texts:
        seq = shingles.sequence(text)
        m = MinHash(num_perm=c["num_perm"], seed=1, hashfunc=lambda x: x, permutations=t.permutations, scheme=t.scheme)
        g = shingles.kgrams(seq.codes, c["shingle_chars"])
        g = g[(g & np.uint64(c["sample"] - 1)) == 0] >> np.uint64(32)
        if len(g):
            m.update_batch(g.tolist())
        assert np.array_equal(shingles.signature(seq, c), np.asarray(m.hashvalues, dtype=np.uint64)), text[:20]
        with np.errstate(over="ignore"):
            want = ((shingles.kgrams(seq.codes, 8) * shingles._MIX) >> np.uint64(32)).astype(np.uint32)
        got = shingles.runs(seq.codes, 8)
        assert got.dtype == np.uint32 and np.array_equal(got, want)


def test_signing_does_not_import_datasketch():
    """With numba a worker signs from `shingles.permutations` alone: `import datasketch`
    (0.5 s: its LSH imports scipy.integrate) is paid neither per ingest worker nor per
    one-file upload."""
    import subprocess
    import sys

    from pipeline.text import compiled

    if compiled.loops() is None:
        pytest.skip("numba is not installed (the `fast` extra)")
    code = ("import sys; from pipeline.text import shingles; "
            "s = shingles.sign(open('data/sample/' + sorted(__import__('os').listdir('data/sample'))[0], encoding='utf-8', errors='replace').read() * 3); "
            "print(s.minhash is not None, 'datasketch' in sys.modules, 'scipy.integrate' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False", "False"]


def test_the_numpy_loops_give_the_compiled_loops_rows(built, tmp_path, monkeypatch):
    """Without numba (a user who did not install the `fast` extra) the writer re-signs and
    compares every report with the numpy loops: the same bands, matches, summaries and flags
    as the ingest made with the compiled ones."""
    from pipeline.store import copies
    from pipeline.text import compiled

    if compiled.loops() is None:
        pytest.skip("numba is not installed (the `fast` extra)")
    db = tmp_path / "numpy.duckdb"
    shutil.copyfile(built[0], db)
    con = duckdb.connect(str(db))
    try:
        before = _copy_rows(con)
        assert len(before["copy_matches"]) >= 3
        monkeypatch.setattr(compiled, "loops", lambda: None)
        con.execute("DELETE FROM copy_signatures")
        assert copies.update(con)["compared"] == len(before["sig"])
        assert _copy_rows(con) == before
    finally:
        con.close()


def test_the_dashboard_does_not_load_numba():
    """The compiled loops load on first use: the query layer (the dashboard's server) imports
    the 查重 module for its labels, and must not pay numba's ~0.3 s and ~160 MB for it."""
    import subprocess
    import sys

    code = ("import sys; import pipeline.queries.query, pipeline.store.copies, pipeline.queries.checks; "
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
