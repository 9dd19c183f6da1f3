"""整改跟踪 (pipeline/queries/followup.py): a unit's 2021 report promises things in its 下一步
section; its 2022 report says which it did. Two years of the same unit (written the way such
reports are) ingested into a temporary database; each promise's verdict, the evidence
sentence, the shared terms; the shortcoming category reported in both years; the CLI."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ingest_with_manifest

Y2021 = """县审计局2021年意识形态工作总结
2021年,县审计局党组认真落实意识形态工作责任制,现将有关情况总结如下:
一、主要工作开展情况
局党组专题研究意识形态工作2次。全年召开党组理论学习中心组学习6次。
二、存在的问题和不足
一是网络阵地建设相对滞后,运用新媒体开展宣传的能力不强;二是干部理论学习的深度还不够。
三、下一步工作打算
一是加强网络阵地建设,组建网评员队伍,开通单位微信公众号。二是举办意识形态专题培训班,提升干部政治素养。三是修订完善网络舆情应急处置预案。
县审计局
2021年12月20日
"""

Y2022 = """县审计局2022年意识形态工作总结
2022年,县审计局党组认真落实意识形态工作责任制,现将有关情况总结如下:
一、主要工作开展情况
(一)加强阵地建设。年初开通单位微信公众号,组建了12人的网评员队伍,网络阵地建设明显加强。
(二)完善制度机制。修订完善网络舆情应急处置预案,明确处置流程和责任人。
二、存在的问题和不足
一是运用新媒体开展宣传的能力仍然不强,公众号更新不够及时;二是队伍力量比较薄弱。
三、下一步工作打算
继续加强网络阵地建设。
县审计局
2022年12月26日
"""

# a unit with one year only: its promises have nothing to be checked against
Y2022_OTHER = """县统计局2022年意识形态工作总结
2022年,县统计局党组认真落实意识形态工作责任制。
一、主要工作开展情况
全年召开党组理论学习中心组学习4次。
二、存在的问题和不足
一是宣传力度不够。
三、下一步工作打算
一是开展统计法治宣传月活动,扩大统计工作影响力。
县统计局
2022年12月28日
"""


@pytest.fixture(scope="module")
def followup_db(tmp_path_factory) -> Path:
    return ingest_with_manifest(tmp_path_factory.mktemp("followup"), [
        ("a2021", Y2021, "县审计局", 2021, "党政机关"), ("a2022", Y2022, "县审计局", 2022, "党政机关"),
        ("b2022", Y2022_OTHER, "县统计局", 2022, "党政机关")])


def test_promises_kept_and_not_seen(followup_db):
    from pipeline.queries import followup

    p = followup.followup_promises({"units": ["县审计局"]}, db=followup_db)
    y = p[p["year"] == 2021].set_index("item_no")
    assert list(y["item"]) == ["加强网络阵地建设,组建网评员队伍,开通单位微信公众号", "举办意识形态专题培训班,提升干部政治素养",
                               "修订完善网络舆情应急处置预案"]
    assert list(y["verdict"]) == ["已落实", "未见落实", "已落实"]
    assert (y["next_year"] == 2022).all()
    kept = y.loc[1]
    assert kept["evidence"] == "年初开通单位微信公众号,组建了12人的网评员队伍,网络阵地建设明显加强"
    assert {"网评", "评员", "公众", "众号", "阵地"} <= set(kept["shared"].split("、"))
    assert kept["share"] >= 0.4 and kept["n_shared"] >= 3
    assert y.loc[3, "evidence"] == "修订完善网络舆情应急处置预案,明确处置流程和责任人"
    assert y.loc[2, "evidence"] == "" and y.loc[2, "share"] < 0.4           # 培训班 is not in the 2022 report
    # the 2022 promise has no 2023 report to be checked against
    assert list(p[p["year"] == 2022]["verdict"]) == ["无次年报告"]


def test_evidence_offsets_point_into_the_reports(followup_db):
    from pipeline.queries import followup
    from tests.conftest import db_rows

    p = followup.followup_promises({"units": ["县审计局"]}, db=followup_db)
    row = p[(p["year"] == 2021) & (p["item_no"] == 3)].iloc[0]
    (later,), = db_rows(followup_db, "SELECT text_simplified FROM reports WHERE report_id = ?", [row["next_report_id"]])
    a = int(row["evidence_start"])
    assert later[a:a + len(row["evidence"])] == row["evidence"]
    (first,), = db_rows(followup_db, "SELECT text_simplified FROM reports WHERE report_id = ?", [row["report_id"]])
    assert first[int(row["item_start"]):].startswith("三是修订完善网络舆情应急处置预案")


def test_recurring_shortcomings(followup_db):
    from pipeline.queries import followup

    r = followup.followup_recurring({}, db=followup_db)
    assert list(r["category"]) == ["新媒体/网络阵地运用不足"]
    row = r.iloc[0]
    assert (row["unit"], row["year"], row["next_year"], row["n_years"], row["years"]) == \
        ("县审计局", 2021, 2022, 2, "2021、2022")
    assert "运用新媒体开展宣传的能力不强" in row["text"] and "公众号更新不够及时" in row["next_text"]


def test_summary_counts(followup_db):
    from pipeline.queries import followup

    s = followup.summary(followup.followup_promises({}, db=followup_db)).set_index(["unit", "year"])
    assert tuple(s.loc[("县审计局", 2021), ["n_items", "n_kept", "n_unseen", "n_no_next"]]) == (3, 2, 1, 0)
    assert s.loc[("县审计局", 2021), "kept_share"] == pytest.approx(0.667)
    assert pd.isna(s.loc[("县统计局", 2022), "kept_share"])


def test_a_corrected_year_moves_the_pairing(followup_db, tmp_path):
    """Corrections flow in: the 2022 report re-dated 2023 leaves the 2021 promises unchecked."""
    import shutil

    from pipeline.queries import followup
    from pipeline.store import corrections
    from tests.conftest import db_rows

    db = tmp_path / "c.duckdb"
    shutil.copyfile(followup_db, db)
    (rid,), = db_rows(db, "SELECT report_id FROM reports WHERE unit = '县审计局' AND year = 2022")
    corrections.save_report(db, rid, {"year": "2023"})
    p = followup.followup_promises({"units": ["县审计局"]}, db=db)
    assert set(p[p["year"] == 2021]["verdict"]) == {"无次年报告"}


def test_cli_writes_both_tables(followup_db, tmp_path, capsys):
    from pipeline.__main__ import main

    out = tmp_path / "f.csv"
    assert main(["checks", "--followup", "--db", str(followup_db), "--unit", "县审计局", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "4 条整改承诺" in said and "已落实 2" in said
    df = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(df.columns[:6]) == ["单位", "承诺年度", "核对年度", "序号", "整改承诺", "结论"]
    assert list(df["结论"]) == ["已落实", "未见落实", "已落实", "无次年报告"]
    rec = pd.read_csv(tmp_path / "f-重复问题.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(rec["问题类别"]) == ["新媒体/网络阵地运用不足"]


def test_workbook_of_the_check_views(followup_db, tmp_path, monkeypatch):
    """The CLI's .xlsx: the matrix, scores, all verdicts, 整改跟踪 and 重复问题 as typed sheets."""
    import openpyxl

    from pipeline.__main__ import main

    monkeypatch.setenv("ZONGJIE_CHECK_RULES", str(tmp_path / "none.toml"))     # the shipped rules
    out = tmp_path / "k.xlsx"
    assert main(["checks", "--db", str(followup_db), "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["说明", "考核矩阵", "得分与扣分", "全部结论", "整改跟踪", "重复问题"]
    m = wb["考核矩阵"]
    head = [c.value for c in m[1]]
    assert head[:2] == ["单位", "年度"] and head[-1] == "得分" and "理论学习中心组学习" in head
    rows = {(r[0], r[1]): r for r in m.iter_rows(min_row=2, values_only=True)}
    assert rows[("县审计局", 2021)][head.index("理论学习中心组学习")] == "达标"     # 6 ≥ 4, a number year
    assert rows[("县统计局", 2022)][head.index("党委(党组)专题研究意识形态工作")] == "未提及"
    f = wb["整改跟踪"]
    verdicts = [r[5] for r in f.iter_rows(min_row=2, values_only=True)]
    assert verdicts.count("已落实") == 2 and verdicts.count("无次年报告") == 2
