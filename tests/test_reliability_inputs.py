"""Bad input: each file gets a clear per-file message and the rest of the batch lands."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipeline.ingest import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
GOOD = (ROOT / "data" / "sample" / "003_cd905f0156f91441.txt").read_text(encoding="utf-8")
SIMPLE = ("XX县审计局2021年意识形态工作总结\n"
          "今年以来,县审计局党组认真落实意识形态工作责任制,组织集中学习12次,开展专题研讨3次。\n"
          "一、存在问题\n一是学习形式单一;二是宣传力度不够。\n")


def _docx(text: str) -> bytes:
    from bench.make_corpus import _docx_bytes   # one paragraph per line, as the corpus builds them

    return _docx_bytes(text)


def _blank_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50)   # a scan-like page: graphics, no text layer
    return bytes(pdf.output())


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for page in PdfReader(io.BytesIO(_blank_pdf())).pages:
        w.add_page(page)
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    d = tmp_path_factory.mktemp("inbox")
    files = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 40,
        "photo.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 500,
        "png_named.txt": b"\x89PNG\r\n\x1a\n" + b"\x00" * 300,
        "gbk_no_bom.txt": SIMPLE.encode("gbk"),
        "big5_no_bom.txt": "縣審計局2021年意識形態工作總結\n今年以來，縣審計局黨組認真落實意識形態工作責任制，組織集中學習12次。".encode("big5"),
        "utf16_no_bom.txt": SIMPLE.replace("审计局", "财政局").encode("utf-16-le"),
        "truncated.docx": _docx(SIMPLE)[:700],
        "legacy.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "scan.pdf": _blank_pdf(),
        "locked.pdf": _encrypted_pdf(),
        "nav_only.html": ("<html><body><div>网站首页 新闻中心 政务公开 专题专栏 互动交流 办事服务</div>"
                          "<div>当前位置: 首页 >> 正文</div><div>Copyright © 2021 某某网 版权所有</div></body></html>").encode(),
        "boilerplate_only.txt": "当前位置: 首页 >> 正文\n发布时间:2021-01-01 来源: 点击数:\n京ICP备12345678号\n联系我们| 关于我们| 网站地图\n".encode(),
        "no_year_no_unit.txt": "加强意识形态工作的几点思考\n意识形态工作是党的一项极端重要的工作。各级党组织要切实担负起主体责任。".encode(),
        "copy one.txt": GOOD.encode(),
        "副本 “引号” 'quote'.txt": GOOD.encode(),
        "huge.txt": None,
        "good.txt": SIMPLE.encode(),
        "report.xlsx": b"PK\x03\x04" + b"\x00" * 100,
    }
    for name, data in files.items():
        if data is None:
            with open(d / name, "wb") as fh:       # sparse: 100 MB without using the disk
                fh.truncate(100 * 1024 * 1024)
        else:
            (d / name).write_bytes(data)
    db = d / "z.duckdb"
    summary = ingest_paths([d], db=db, workers=1)
    rejected = {Path(p).name: reason for p, reason in summary.rejected}
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT source, unit, year, unit_explicit FROM reports").fetchall()
    stored_rejects = dict(con.execute("SELECT path, reason FROM rejects").fetchall())
    con.close()
    return dict(summary=summary, rejected=rejected, reports={Path(r[0]).name: r for r in rows},
                stored_rejects={Path(p).name: r for p, r in stored_rejects.items()}, db=db, dir=d)


@pytest.mark.parametrize("name,words", [
    ("empty.txt", "空文件"),
    ("binary.txt", "二进制"),
    ("photo.jpg", "图片"),
    ("png_named.txt", "PNG"),
    ("truncated.docx", "损坏"),
    ("legacy.doc", ".docx"),
    ("scan.pdf", "没有文字层"),
    ("locked.pdf", "加密"),
    ("nav_only.html", "没有"),
    ("boilerplate_only.txt", "没有"),
    ("huge.txt", "过大"),
    ("report.xlsx", "不支持"),
])
def test_bad_file_rejected_with_reason(batch, name, words):
    assert name in batch["rejected"], f"{name} was not rejected"
    assert words in batch["rejected"][name]
    assert batch["stored_rejects"][name] == batch["rejected"][name]   # the import page can show it later


@pytest.mark.parametrize("name", ["gbk_no_bom.txt", "big5_no_bom.txt", "utf16_no_bom.txt", "good.txt"])
def test_encodings_without_bom_ingested(batch, name):
    assert name in batch["reports"]
    assert batch["reports"][name][2] == 2021


def test_report_without_year_or_unit_is_kept_and_flagged(batch):
    src, unit, year, explicit = batch["reports"]["no_year_no_unit.txt"]
    assert year is None and not explicit


def test_same_content_under_two_names_stored_once(batch):
    con = duckdb.connect(str(batch["db"]), read_only=True)
    try:
        paths = con.execute("SELECT count(*), count(DISTINCT file_id) FROM file_paths WHERE path LIKE '%copy one%' OR path LIKE '%quote%'").fetchone()
        reports = con.execute("SELECT count(*) FROM reports r JOIN files f USING (file_id) WHERE f.name IN ('copy one.txt', ?)",
                              ["副本 “引号” 'quote'.txt"]).fetchone()[0]
    finally:
        con.close()
    assert paths == (2, 1)
    assert reports == 1


def test_names_with_spaces_quotes_and_dotdot(batch, tmp_path):
    weird = batch["dir"] / "sub dir"
    weird.mkdir(exist_ok=True)
    (weird / "县\"审计\"局 2021.txt").write_text(SIMPLE, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    arg = str(weird / ".." / "sub dir")
    out = subprocess.run([sys.executable, "-m", "pipeline", "ingest", arg, "--db", str(db), "--workers", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "导入 1 个文件" in out.stdout
    assert "Traceback" not in out.stderr


def test_cli_reports_rejections_without_traceback(batch, tmp_path):
    out = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(batch["dir"] / "empty.txt"),
                          str(batch["dir"] / "good.txt"), "--db", str(tmp_path / "c.duckdb"), "--workers", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0
    assert "拒收 1 个" in out.stdout and "empty.txt" in out.stdout and "空文件" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_missing_path_is_a_message_not_a_crash(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(tmp_path / "nope.txt"),
                          "--db", str(tmp_path / "c.duckdb")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "文件不存在" in out.stdout and "Traceback" not in out.stderr
