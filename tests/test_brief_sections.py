"""The brief's 查重 and 考核 sections (pipeline/brief.py) give the same numbers as the
查重 and 考核 pages' query functions: a constructed copy (last year's report with the year
changed) is listed with its share and source kind; the check scores, the per-rule counts
and the units to follow up first are in the .docx and the PDF."""
from __future__ import annotations

import io
import shutil

import duckdb
import pytest

from tests.test_copies import ALI, SAMPLE, edit
from tests.test_exports import _docx_text, _pdf_text_and_fonts


@pytest.fixture(scope="module")
def copied_db(sample_db, tmp_path_factory):
    """The sample plus one copy: 阿里地区行署办公室's 2018 report handed in again for 2019."""
    from pipeline.ingest import ingest_paths

    d = tmp_path_factory.mktemp("brief_copies")
    db = d / "b.duckdb"
    shutil.copyfile(sample_db, db)
    con = duckdb.connect(str(db), read_only=True)
    text, = con.execute("SELECT text_simplified FROM reports WHERE report_id = ?", [ALI]).fetchone()
    con.close()
    (d / "in").mkdir()
    (d / "in" / "ali2019.txt").write_text(edit(text, [("2018", "2019", 0)])[0], encoding="utf-8")
    assert not ingest_paths([SAMPLE, d / "in"], db=db, workers=1).rejected
    return db


def test_brief_lists_the_copy_and_the_check_scores(copied_db):
    from pipeline.outputs import brief
    from pipeline.queries import checks
    from pipeline.queries import query as q

    rank = q.copy_ranking({}, db=copied_db)
    top = rank.iloc[0]
    assert top["share"] > 0.8 and top["kind"] == "本单位往年" and int(top["year"]) == 2019
    v = checks.verdicts({}, db=copied_db)
    sc = checks.scores(v.assign(year=v["year"].astype(int)))
    low = sc.iloc[0]

    b = brief.build({}, db=copied_db)
    assert b.copies[0].startswith(f"{top['unit']}(2019年)")
    assert f"总复制比 {top['share']:.0%},主要来源:本单位往年" in b.copies[0]
    assert b.copy_note.startswith(f"{len(rank):,} 篇报告中")
    assert f"{len(sc)} 个单位年度,平均得分 {sc['score'].mean():.1f}" in b.check_note
    assert f"未达标 {int((v['verdict'] == '未达标').sum())} 项" in b.check_note
    assert b.check_scores.iloc[0][["单位", "得分"]].tolist() == [low["unit"], f"{low['score']:g}"]
    per_rule = b.check_rules.set_index("考核项")
    for rule, g in v.groupby("rule"):
        assert per_rule.loc[rule, "达标"] == int((g["verdict"] == "达标").sum()), rule
        assert per_rule.loc[rule, "未提及"] == int((g["verdict"] == "未提及").sum()), rule
    assert b.follow_up[0].startswith(f"{low['unit']}({int(low['year'])}年,{low['score']:g} 分)")

    docx = _docx_text(brief.brief_bytes({}, "docx", db=copied_db))
    pdf, _, _ = _pdf_text_and_fonts(brief.brief_bytes({}, "pdf", db=copied_db))
    for text in (docx, pdf):
        text = "".join(text.split())            # PDF text extraction spaces glyphs its own way
        assert "五、查重:疑似复制" in text and "六、考核" in text
        assert f"总复制比{top['share']:.0%}" in text
        assert f"平均得分{sc['score'].mean():.1f}" in text and "优先跟进" in text
    assert low["unit"] in docx and b.check_rules.iloc[0]["考核项"] in docx


def test_brief_sections_follow_the_filter(copied_db):
    """A filter with no copies and no checkable unit-year says so, in Chinese, no table."""
    from pipeline.outputs import brief

    b = brief.build({"units": ["不存在的单位"]}, db=copied_db)
    assert not b.copies and b.check_scores.empty
    text = _docx_text(brief.brief_bytes({"units": ["不存在的单位"]}, "docx", db=copied_db))
    assert "五、查重" in text and "六、考核" in text and "当前筛选下没有报告" in text
