"""Ingest end to end, as a library and through the CLI: a batch of messy files lands in DuckDB,
unchanged files are left alone, changed ones replace their reports, duplicates are stored once,
manifest and folder layout override the text, broken files are rejected with a reason, and the
export's char_start/char_end find each report again in its decoded file.

Every test uses its own tmp_path database, never data/zongjie.duckdb.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.text.clean import clean_text
from pipeline.load.decode import decode, decode_bytes, html_to_text
from pipeline.outputs.export import export_jsonl
from pipeline import store
from pipeline.ingest import ingest_paths
from pipeline.load.read import read_path
from tests.conftest import db_rows

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

BODY = ("认真落实意识形态工作责任制，牢牢把握正确政治方向，现将有关情况报告如下：\n"
        "一、工作开展情况\n（一）加强理论学习。全年组织理论学习中心组学习12次，开展专题研讨4次，撰写心得体会30余篇。\n"
        "（二）强化阵地管理。对门户网站、微信公众号实行三审制度，全年发布信息120条。\n"
        "二、存在问题\n一是学习形式较为单一；二是网络阵地建设有待加强。\n"
        "三、下一步工作打算\n下一步，将继续加强意识形态工作，持续推动责任制落实。")
AUDIT = f"县审计局2021年意识形态工作总结\n今年以来，县审计局党组{BODY}\n中共XX县审计局党组\n2021年12月20日\n"
FINANCE = f"市财政局2020年意识形态工作总结\n今年以来，市财政局党组{BODY}\n"
WENKU = ("百度文库 - 让每个人平等地提升自我\n2021年敖泉镇意识形态工作总结\n文档介绍：2021年敖泉镇意识形态工作总结今年以来……\n"
         "文件大小：25.6KB\n页数：5页\n下载提示：本站不保证该用户上传的文档完整性。\n"
         f"2021年敖泉镇意识形态工作总结\n半年来，敖泉镇党委{BODY}\n第1页 共5页\n相关文档\n乡镇2020年意识形态工作总结\n")
COLLECTION = ("2021年意识形态工作总结8篇\n发布时间：2021-12-25 来源：范文网\n"
              f"意识形态工作总结篇一\n今年以来，县公安局党委{BODY}\n"
              f"意识形态工作总结篇二\n今年以来，我镇{BODY}\n"
              f"意识形态工作总结篇三\n上半年，市安监局党组{BODY}\n")


def _docx(text: str, table: list[list[str]] | None = None) -> bytes:
    import docx

    d = docx.Document()
    lines = text.strip("\n").split("\n")
    for line in lines[:3]:
        d.add_paragraph(line)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, v in enumerate(row):
                t.cell(i, j).text = v
    for line in lines[3:]:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("wqy", fname=str(FONT))
    pdf.set_font("wqy", size=11)
    for line in text.strip("\n").split("\n"):
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _scan_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80)
    return bytes(pdf.output())


def make_corpus(d: Path) -> dict[str, str]:
    """The batch: good files in several formats and encodings, plus broken ones.
    Returns {file name: expected reject words} for the broken ones."""
    d.mkdir(parents=True, exist_ok=True)
    (d / "audit_gbk.txt").write_bytes(AUDIT.encode("gbk"))
    (d / "finance.docx").write_bytes(_docx(FINANCE, table=[["项目", "次数"], ["集中学习", "12"]]))
    (d / "wenku.txt").write_text(WENKU, encoding="utf-8")
    (d / "collection.md").write_bytes(COLLECTION.encode("utf-16"))
    (d / "page.html").write_bytes(("<html><head><title>x</title></head><body><div>当前位置：首页 &gt;&gt; 正文</div>"
                                   + "".join(f"<p>{line}</p>" for line in FINANCE.replace("市财政局", "县政协机关")
                                             .replace("2020年", "2020年上半年").split("\n"))
                                   + "<div>Copyright &copy; 2020 版权所有 鄂ICP备12345678号</div></body></html>").encode("gbk"))
    shutil.copy(SAMPLE / "002_0d1cd47ed3852840.txt", d / "002.txt")
    if FONT.exists():
        (d / "report.pdf").write_bytes(_pdf(AUDIT.replace("县审计局", "县统计局")))
    bad = {"broken.docx": "损坏", "scan.pdf": "没有文字层", "old.doc": ".docx", "photo.jpg": "图片", "empty.txt": "空文件"}
    (d / "broken.docx").write_bytes(_docx(FINANCE)[:500])
    (d / "scan.pdf").write_bytes(_scan_pdf())
    (d / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (d / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 200)
    (d / "empty.txt").write_bytes(b"")
    (d / "README.md").write_text("notes that travel with the folder", encoding="utf-8")
    (d / ".hidden.txt").write_text(AUDIT, encoding="utf-8")
    return bad


rows = db_rows      # (tests/conftest.py)


def snapshot(db: Path) -> dict:
    return {
        "files": rows(db, "SELECT file_id, pipeline_version, ingested_at FROM files ORDER BY file_id"),
        "paths": rows(db, "SELECT path, file_id FROM file_paths ORDER BY path"),
        "reports": rows(db, "SELECT report_id, source, char_start, char_end, title, unit, year, text FROM reports "
                            "ORDER BY report_id"),
        "sections": rows(db, "SELECT count(*) FROM sections"),
    }


def _folder(tmp_path: Path, files: dict[str, str | bytes]) -> tuple[Path, Path]:
    """A folder `in/` holding `files` (text as UTF-8) and the database path to ingest it to."""
    d = tmp_path / "in"
    d.mkdir()
    for name, content in files.items():
        (d / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return d, tmp_path / "z.duckdb"


def by_source(db: Path) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for r in rows(db, "SELECT source, report_index, title, unit, unit_explicit, unit_type, region, year, period, "
                      "sources FROM reports ORDER BY source, report_index"):
        out.setdefault(Path(r[0]).name, []).append(r[1:])
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    d = tmp_path_factory.mktemp("inbox")
    bad = make_corpus(d)
    db = tmp_path_factory.mktemp("db") / "z.duckdb"
    summary = ingest_paths([d], db=db, workers=1)
    return dict(dir=d, db=db, summary=summary, bad=bad)


# ---------------------------------------------------------------- a batch lands
def test_good_files_land_and_broken_ones_are_rejected_with_reasons(batch):
    s = batch["summary"]
    names = {Path(p).name for p in s.ingested}
    good = {"audit_gbk.txt", "finance.docx", "wenku.txt", "collection.md", "page.html", "002.txt"}
    if FONT.exists():
        good.add("report.pdf")
    assert names == good
    rejected = {Path(p).name: reason for p, reason in s.rejected}
    assert set(rejected) == set(batch["bad"])
    for name, words in batch["bad"].items():
        assert words in rejected[name], (name, rejected[name])
    stored = {Path(p).name: r for p, r in rows(batch["db"], "SELECT path, reason FROM rejects")}
    assert stored == rejected
    assert "README.md" not in names | set(rejected) and ".hidden.txt" not in names | set(rejected)


def test_each_format_attributed(batch):
    r = by_source(batch["db"])
    audit = r["audit_gbk.txt"][0]
    assert audit[:3] == (1, "县审计局2021年意识形态工作总结", "县审计局") and audit[3] is True and audit[6:8] == (2021, "full_year")
    assert r["finance.docx"][0][2:4] == ("市财政局", True) and r["finance.docx"][0][6] == 2020
    assert r["wenku.txt"][0][1:3] == ("2021年敖泉镇意识形态工作总结", "敖泉镇") and r["wenku.txt"][0][7] == "half_year"
    assert [x[1] for x in r["collection.md"]] == ["意识形态工作总结篇一", "意识形态工作总结篇二", "意识形态工作总结篇三"]
    assert [(x[2], x[3], x[4]) for x in r["collection.md"]] == [("县公安局", True, "政法"), ("镇", False, "乡镇街道"),
                                                                ("市安监局", True, "党政机关")]
    assert r["page.html"][0][2] == "县政协机关" and r["page.html"][0][7] == "half_year"
    assert r["002.txt"][0][2] == "县政协机关"
    if FONT.exists():
        assert r["report.pdf"][0][2] == "县统计局" and r["report.pdf"][0][6] == 2021
    sources = json.loads(audit[-1])
    assert sources["unit"] == "title" and sources["year"] == "title"


def test_export_offsets_find_each_report_in_its_decoded_file(batch, tmp_path):
    out = tmp_path / "out.jsonl"
    n = export_jsonl(batch["db"], out)
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(exported) >= 8
    stored = {(r[0], r[1]): r[2] for r in rows(batch["db"], "SELECT source, report_index, text FROM reports")}
    for e in exported:
        for key in ("source", "char_start", "char_end", "report_index", "title", "unit", "unit_type", "region",
                    "year", "period", "metrics", "shortcomings"):
            assert key in e
        doc = read_path(e["source"])
        if doc.file_type == "html":     # offsets into the decoded file: its markup
            text, _ = decode_bytes(doc.data)
            span = html_to_text(text[e["char_start"]:e["char_end"]])
        else:
            text, _ = decode(doc)
            span = text[e["char_start"]:e["char_end"]]
        assert clean_text(span) == stored[(e["source"], e["report_index"])], e["source"]
        assert e["char_start"] == 0 or not text[e["char_start"] - 1].isalnum()   # starts at a line start
        assert e["text"] == stored[(e["source"], e["report_index"])]


def test_export_offsets_on_the_sample_collection(tmp_path):
    db = tmp_path / "s.duckdb"
    ingest_paths([SAMPLE / "004_4da721bf777090b5.txt"], db=db, workers=1)
    out = tmp_path / "s.jsonl"
    export_jsonl(db, out)
    text = (SAMPLE / "004_4da721bf777090b5.txt").read_text(encoding="utf-8")
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [e["report_index"] for e in exported] == list(range(1, 11))
    assert text[exported[3]["char_start"]:].startswith("半年来,我镇在县委、县政府的正确领导下")
    assert text[exported[8]["char_start"]:].startswith("一、主要做法及取得的成效")
    ends = [e["char_end"] for e in exported]
    starts = [e["char_start"] for e in exported]
    assert all(a < b for a, b in zip(ends, starts[1:]))       # parts do not overlap


# ---------------------------------------------------------------- re-ingest
def test_reingest_unchanged_changes_nothing(tmp_path):
    d = tmp_path / "in"
    make_corpus(d)
    db = tmp_path / "z.duckdb"
    first = ingest_paths([d], db=db, workers=1)
    before = snapshot(db)
    second = ingest_paths([d], db=db, workers=1)
    assert second.ingested == [] and second.reports == 0
    assert sorted(second.unchanged) == sorted(first.ingested)
    assert snapshot(db) == before


def test_changed_file_replaces_its_reports(tmp_path):
    d, db = _folder(tmp_path, {"a.txt": AUDIT, "b.txt": FINANCE})
    ingest_paths([d], db=db, workers=1)
    old_id = rows(db, "SELECT file_id FROM file_paths WHERE path LIKE '%a.txt'")[0][0]
    (d / "a.txt").write_text(COLLECTION, encoding="utf-8")
    s = ingest_paths([d], db=db, workers=1)
    assert [Path(p).name for p in s.ingested] == ["a.txt"] and [Path(p).name for p in s.unchanged] == ["b.txt"]
    r = by_source(db)
    assert [x[2] for x in r["a.txt"]] == ["县公安局", "镇", "市安监局"]          # the old report is gone
    assert r["b.txt"][0][2] == "市财政局"
    assert rows(db, "SELECT count(*) FROM files WHERE file_id = ?", [old_id]) == [(0,)]
    assert rows(db, "SELECT count(*) FROM reports WHERE file_id = ?", [old_id]) == [(0,)]
    assert rows(db, "SELECT count(*) FROM sections WHERE file_id = ?", [old_id]) == [(0,)]
    assert rows(db, "SELECT count(*) FROM files") == [(2,)]
    # term rows carry no file_id: they must go with their reports, none left pointing nowhere
    assert rows(db, "SELECT count(*) FROM term_counts WHERE report_id NOT IN (SELECT report_id FROM reports)") == [(0,)]
    assert rows(db, "SELECT count(DISTINCT report_id) FROM term_counts") == rows(db, "SELECT count(*) FROM reports")


def test_same_content_under_two_names_stored_once(tmp_path):
    d, db = _folder(tmp_path, {"a.txt": AUDIT, "a 副本.txt": AUDIT})
    s = ingest_paths([d], db=db, workers=1)
    assert len(s.ingested) == 1 and s.reports == 1
    assert rows(db, "SELECT count(*), count(DISTINCT file_id) FROM file_paths") == [(2, 1)]
    assert rows(db, "SELECT count(*) FROM files") == [(1,)]
    assert rows(db, "SELECT count(*) FROM reports") == [(1,)]
    # a third name in a later batch: recorded, not processed again
    (d / "again.txt").write_text(AUDIT, encoding="utf-8")
    s = ingest_paths([d / "again.txt"], db=db, workers=1)
    assert s.ingested == [] and [Path(p).name for p in s.unchanged] == ["again.txt"]
    assert rows(db, "SELECT count(*) FROM reports") == [(1,)]
    assert rows(db, "SELECT count(*) FROM file_paths") == [(3,)]


def test_rebuild_starts_afresh(tmp_path):
    d, db = _folder(tmp_path, {"a.txt": AUDIT})
    ingest_paths([d], db=db, workers=1)
    s = ingest_paths([d], db=db, workers=1, rebuild=True)
    assert len(s.ingested) == 1 and s.unchanged == []
    assert rows(db, "SELECT count(*) FROM reports") == [(1,)]


def test_workers_give_the_same_result(tmp_path):
    d = tmp_path / "in"
    make_corpus(d)
    one, many = tmp_path / "one.duckdb", tmp_path / "many.duckdb"
    ingest_paths([d], db=one, workers=1)
    ingest_paths([d], db=many, workers=3)
    q = "SELECT source, report_index, char_start, char_end, unit, year, period FROM reports ORDER BY 1, 2"
    assert rows(one, q) == rows(many, q)
    assert rows(one, "SELECT path, reason FROM rejects ORDER BY 1") == rows(many, "SELECT path, reason FROM rejects ORDER BY 1")


# ---------------------------------------------------------------- overrides
def _manifest(path: Path, header: list[str], lines: list[list[str]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(lines)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def test_manifest_overrides_extraction(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(AUDIT, encoding="utf-8")
    (d / "b.txt").write_text(FINANCE, encoding="utf-8")
    man = _manifest(tmp_path / "manifest.csv", ["file", "unit", "year", "unit_type", "region", "period"],
                    [["a.txt", "县政府办公室", "2019", "", "谷城县", "half_year"], ["b.txt", "", "", "金融", "", ""]])
    db = tmp_path / "z.duckdb"
    ingest_paths([d], db=db, manifest=man, workers=1)
    r = by_source(db)
    a, b = r["a.txt"][0], r["b.txt"][0]
    assert (a[2], a[3], a[5], a[6], a[7]) == ("县政府办公室", True, "谷城县", 2019, "half_year")
    assert a[4] == "党政机关"                           # typed from the manifest's unit
    assert json.loads(a[-1])["unit"] == "manifest" and json.loads(a[-1])["year"] == "manifest"
    assert (b[2], b[4], b[6]) == ("市财政局", "金融", 2020)   # only the type was given
    assert json.loads(b[-1])["unit_type"] == "manifest" and json.loads(b[-1])["unit"] == "title"


def test_manifest_given_later_applies_to_unchanged_files(tmp_path):
    d, db = _folder(tmp_path, {"a.txt": AUDIT})
    ingest_paths([d], db=db, workers=1)
    man = _manifest(tmp_path / "m.csv", ["file", "unit"], [["a.txt", "县政府办公室"]])
    ingest_paths([d], db=db, manifest=man, workers=1)
    assert by_source(db)["a.txt"][0][2] == "县政府办公室"


def test_folder_layout_overrides_extraction(tmp_path):
    d = tmp_path / "in" / "2021"
    d.mkdir(parents=True)
    (d / "县政府办公室.docx").write_bytes(_docx(FINANCE))      # the text says 市财政局 2020
    db = tmp_path / "z.duckdb"
    ingest_paths([tmp_path / "in"], db=db, workers=1)
    r = by_source(db)["县政府办公室.docx"][0]
    assert (r[2], r[3], r[6]) == ("县政府办公室", True, 2021)
    assert json.loads(r[-1])["unit"] == "path" and json.loads(r[-1])["year"] == "path"


# ---------------------------------------------------------------- CLI
def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_cli_ingest_summary_and_export(tmp_path):
    d = tmp_path / "in"
    bad = make_corpus(d)
    db = tmp_path / "c.duckdb"
    out = cli("ingest", str(d), "--db", str(db), "--workers", "2")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    n_good = 7 if FONT.exists() else 6
    assert f"导入 {n_good} 个文件" in out.stdout and f"拒收 {len(bad)} 个" in out.stdout
    for name, words in bad.items():
        line = next(line for line in out.stdout.splitlines() if name in line)
        assert words in line
    again = cli("ingest", str(d), "--db", str(db), "--workers", "2")
    assert "导入 0 个文件" in again.stdout and f"未变 {n_good} 个" in again.stdout
    jsonl = tmp_path / "out.jsonl"
    exp = cli("export", "--db", str(db), "--out", str(jsonl))
    assert exp.returncode == 0, exp.stderr
    exported = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert f"导出 {len(exported)} 篇报告" in exp.stdout
    assert {Path(e["source"]).name for e in exported} == {p.name for p in d.iterdir()
                                                         if p.name not in bad and not p.name.startswith((".", "README"))}


def test_cli_manifest_and_rebuild(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(AUDIT, encoding="utf-8")
    man = _manifest(tmp_path / "m.csv", ["file", "unit", "year"], [["a.txt", "县政府办公室", "2019"]])
    db = tmp_path / "c.duckdb"
    out = cli("ingest", str(d / "a.txt"), "--db", str(db), "--manifest", str(man), "--workers", "1")
    assert out.returncode == 0 and "导入 1 个文件" in out.stdout
    assert by_source(db)["a.txt"][0][2] == "县政府办公室"
    out = cli("ingest", str(d), "--db", str(db), "--rebuild")
    assert out.returncode == 0 and "导入 1 个文件" in out.stdout
    assert by_source(db)["a.txt"][0][2] == "县审计局"


def test_cli_bad_manifest_is_a_message(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(AUDIT, encoding="utf-8")
    out = cli("ingest", str(d), "--db", str(tmp_path / "c.duckdb"), "--manifest", str(tmp_path / "nope.csv"))
    assert "Traceback" not in out.stderr
    assert "nope.csv" in out.stdout + out.stderr


def test_manifest_in_gbk_with_chinese_headers(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(AUDIT, encoding="utf-8")
    man = _manifest(tmp_path / "清单.csv", ["文件名", "单位", "年份", "单位类型", "地区", "期间"],
                    [["a.txt", "县政府办公室", "2019年", "党政机关", "谷城县", "全年"]], encoding="gbk")
    db = tmp_path / "z.duckdb"
    ingest_paths([d], db=db, manifest=man, workers=1)
    r = by_source(db)["a.txt"][0]
    assert (r[2], r[5], r[6], r[7]) == ("县政府办公室", "谷城县", 2019, "full_year")


def test_content_left_behind_by_a_changed_file_keeps_a_true_source(tmp_path):
    d, db = _folder(tmp_path, {"a.txt": AUDIT, "b.txt": AUDIT})
    ingest_paths([d], db=db, workers=1)
    (d / "a.txt").write_text(FINANCE, encoding="utf-8")
    ingest_paths([d], db=db, workers=1)
    assert sorted((Path(s).name, u) for s, u in rows(db, "SELECT source, unit FROM reports")) == \
        [("a.txt", "市财政局"), ("b.txt", "县审计局")]


def test_a_file_that_turns_broken_loses_its_old_reports(tmp_path):
    d, db = _folder(tmp_path, {"a.txt": AUDIT})
    ingest_paths([d], db=db, workers=1)
    assert rows(db, "SELECT count(*) FROM reports")[0][0] >= 1
    (d / "a.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    summary = ingest_paths([d], db=db, workers=1)
    assert [Path(p).name for p, _ in summary.rejected] == ["a.txt"]
    assert rows(db, "SELECT count(*) FROM reports")[0][0] == 0
    assert rows(db, "SELECT count(*) FROM rejects")[0][0] == 1
    assert rows(db, "SELECT count(*) FROM term_counts") == [(0,)]


def test_schema_2_database_is_upgraded_and_reingests(tmp_path):
    """A database from before schema 3 (term_counts had a file_id) keeps working: the
    column is dropped on the next write and a re-ingest leaves no stale term rows."""
    d, db = _folder(tmp_path, {"a.txt": AUDIT})
    con = duckdb.connect(str(db))
    con.execute(store.SCHEMA.split("-- schema 3")[0].replace(
        "term_counts (report_id VARCHAR,", "term_counts (report_id VARCHAR, file_id VARCHAR,"))
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    con.execute("INSERT INTO term_counts VALUES ('old-1', 'f', '旧词', 3)")
    con.close()
    ingest_paths([d], db=db, workers=1)
    cols = [c for (c,) in rows(db, "SELECT column_name FROM duckdb_columns() WHERE table_name = 'term_counts'")]
    assert cols == ["report_id", "term", "n"]
    assert rows(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("3",)]
    assert rows(db, "SELECT count(*) FROM term_counts WHERE report_id IN (SELECT report_id FROM reports)")[0][0] > 10


# ---------------------------------------------------------------- paths that trade contents in one run
def _units_by_name(db: Path) -> dict[str, str]:
    return {Path(src).name: unit for src, unit in rows(db, "SELECT source, unit FROM reports")}


def test_two_files_that_swap_contents_keep_both(tmp_path):
    """a.txt and b.txt trade texts (names swapped): both contents stay, each path points at
    the one it now holds. Re-pointing a.txt first used to orphan - and delete - b.txt's
    new content before b.txt could point at it."""
    d, db = _folder(tmp_path, {"a.txt": AUDIT, "b.txt": FINANCE})
    ingest_paths([d], db=db, workers=1)
    (d / "a.txt").write_text(FINANCE, encoding="utf-8")
    (d / "b.txt").write_text(AUDIT, encoding="utf-8")
    s = ingest_paths([d], db=db, workers=1)
    assert sorted(Path(p).name for p in s.unchanged) == ["a.txt", "b.txt"] and not s.ingested and not s.rejected
    assert rows(db, "SELECT count(*) FROM files") == [(2,)]
    assert _units_by_name(db) == {"a.txt": "市财政局", "b.txt": "县审计局"}
    fid = dict(rows(db, "SELECT path, file_id FROM file_paths"))
    assert fid[str(d / "a.txt")] != fid[str(d / "b.txt")]


def test_a_rename_plus_a_new_text_under_the_old_name_loses_nothing(tmp_path):
    """a.txt is renamed c.txt and a new a.txt written: c.txt keeps the old reports."""
    d, db = _folder(tmp_path, {"a.txt": AUDIT})
    ingest_paths([d], db=db, workers=1)
    (d / "a.txt").rename(d / "c.txt")
    (d / "a.txt").write_text(FINANCE, encoding="utf-8")
    s = ingest_paths([d], db=db, workers=1)
    assert [Path(p).name for p in s.ingested] == ["a.txt"] and [Path(p).name for p in s.unchanged] == ["c.txt"]
    assert _units_by_name(db) == {"a.txt": "市财政局", "c.txt": "县审计局"}
    assert rows(db, "SELECT count(*) FROM files") == [(2,)]
    assert rows(db, "SELECT count(*) FROM term_counts WHERE report_id NOT IN (SELECT report_id FROM reports)") == [(0,)]


def test_a_twin_of_a_rejected_file_is_rejected_with_the_same_reason(tmp_path):
    junk = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    d, db = _folder(tmp_path, {"a.txt": junk, "b.txt": junk, "c.txt": AUDIT})
    s = ingest_paths([d], db=db, workers=1)
    reasons = dict(rows(db, "SELECT path, reason FROM rejects"))
    assert sorted(Path(p).name for p, _ in s.rejected) == ["a.txt", "b.txt"]
    assert reasons[str(d / "a.txt")] == reasons[str(d / "b.txt")] and reasons[str(d / "a.txt")]
    assert [Path(p).name for p in s.ingested] == ["c.txt"]


def test_workers_take_the_ingests_settings_not_the_fork_servers(tmp_path, monkeypatch):
    """The fork server keeps the environment and caches it started with: an ingest after a
    setting changed in the same process (here a rules folder that was then removed) must
    still work, with the settings of the ingest that runs now."""
    import shutil

    from pipeline import rules
    from pipeline.ingest import ingest_paths

    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    folder = tmp_path / "rules"
    shutil.copytree(rules.BUNDLED, folder)
    monkeypatch.setenv("ZONGJIE_RULES_DIR", str(folder))
    first = ingest_paths([sample], db=tmp_path / "a.duckdb", workers=2)
    assert first.ingested and not first.rejected
    shutil.rmtree(folder)
    monkeypatch.delenv("ZONGJIE_RULES_DIR")
    second = ingest_paths([sample], db=tmp_path / "b.duckdb", workers=2)
    assert not second.rejected, second.rejected
    assert len(second.ingested) == len(first.ingested) and second.reports == first.reports
