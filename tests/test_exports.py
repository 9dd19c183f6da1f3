"""Everything that leaves the dashboard for Excel, Word or paper: the CSV/xlsx conversion
(formula escaping, integers, 是/否, absolute links, Chinese 取值来源), HTML escaping in
charts, the workbook of a filter and the meeting brief (.docx, .pdf with the CJK font
embedded), through the library, the CLI and the pages."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.test_app_pages import ROOT, csv_of, downloads, run_page, script, seed_extracts  # noqa: F401

EVIL_LINK = '<a href="https://evil.example/">恶意单位</a>'
EVIL_FORMULA = '=HYPERLINK("https://evil.example/","点我")'


@pytest.fixture(scope="module")
def hostile_db(sample_db, tmp_path_factory) -> Path:
    """The seeded sample with two units renamed to what an attacker would write in a report
    heading or a manifest: an HTML link and an Excel formula."""
    db = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copyfile(sample_db, db)
    seed_extracts(db)
    con = duckdb.connect(str(db))
    try:
        units = [u for (u,) in con.execute(
            "SELECT unit FROM reports WHERE unit IS NOT NULL GROUP BY unit ORDER BY count(*) DESC, unit LIMIT 2").fetchall()]
        for old, new in zip(units, (EVIL_LINK, EVIL_FORMULA)):
            con.execute("UPDATE reports SET unit = ? WHERE unit = ?", [new, old])
        from pipeline.store import summaries

        summaries.refresh(con)      # units changed behind the writer's back: refresh what it would
    finally:
        con.close()
    return db


# ---------------------------------------------------------------- the one conversion
def test_for_spreadsheet_escapes_types_flags_links(monkeypatch):
    from pipeline.outputs import sheets

    monkeypatch.setenv("ZONGJIE_BASE_URL", "https://kanban.example/zj/")
    df = pd.DataFrame({
        "单位": ["=1+2", "+86", "--社区", "@SUM(A1)", "\tx", "\rx", "正常单位", None],
        "年度": [2021.0, 2020.0, None, 2019.0, 2018.0, 2021.0, 2021.0, 2020.0],
        "数值": [1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        "约数": [True, False, True, False, None, True, False, True],
        "查看报告": ["报告浏览?report=abc"] + ["https://x.example/a"] * 7,
        "取值来源": ['{"unit": "title", "year": "body"}'] + [""] * 7,
        "差值": [-3, -2, -1, 0, 1, 2, 3, 4],
    })
    out = sheets.for_spreadsheet(df)
    assert out["单位"].tolist()[:7] == ["'=1+2", "'+86", "'--社区", "'@SUM(A1)", "'\tx", "'\rx", "正常单位"]
    assert out["年度"].dtype == "Int64" and out["年度"].tolist()[:2] == [2021, 2020]
    assert out["数值"].tolist()[:2] == [1.5, 2.0]                   # a real fraction keeps the column float
    assert out["约数"].tolist()[:5] == ["是", "否", "是", "否", ""]
    assert out["查看报告"][0] == "https://kanban.example/zj/报告浏览?report=abc"
    assert out["查看报告"][1] == "https://x.example/a"
    assert out["取值来源"][0] == "单位:标题;年度:正文"
    assert out["差值"].tolist() == [-3, -2, -1, 0, 1, 2, 3, 4]      # numbers are never escaped
    text = sheets.csv_bytes(df).decode("utf-8-sig")
    assert "2021.0" not in text and "True" not in text and "\n'=1+2," in text


def test_xlsx_is_typed_with_a_frozen_chinese_header():
    import openpyxl

    from pipeline.outputs import sheets

    df = pd.DataFrame({"单位": ["=1+2", "甲局"], "年度": [2021.0, None], "约数": [True, False],
                       "查看报告": ["报告浏览?report=a", "报告浏览?report=b"], "原文": ["长" * 40000, "短"]})
    wb = openpyxl.load_workbook(io.BytesIO(sheets.xlsx_bytes({"表:一/二": df})))
    ws = wb["表一二"]
    assert [c.value for c in ws[1]] == ["单位", "年度", "约数", "查看报告", "原文"]
    assert ws.freeze_panes == "A2"
    assert ws["A2"].value == "=1+2" and ws["A2"].data_type == "s"      # text, never a formula
    assert ws["B2"].value == 2021 and isinstance(ws["B2"].value, int) and ws["B3"].value is None
    assert ws["B2"].number_format == "0"                               # 2021, not 2,021
    assert ws["C2"].value == "是"
    assert ws["D2"].hyperlink.target == "http://localhost:8501/报告浏览?report=a"
    assert len(ws["E2"].value) == sheets.XLSX_MAX_CHARS and ws["E2"].value.endswith("已截断)")
    assert ws.column_dimensions["A"].width >= 6


# ---------------------------------------------------------------- pages: downloads and charts
def test_page_csv_and_xlsx_escape_hostile_cells(monkeypatch, hostile_db, downloads):
    """The raw reports CSV from the sidebar: the formula unit is escaped, years are integers,
    flags 是/否, 取值来源 Chinese, links absolute; the .xlsx beside it is typed."""
    from dashboard.downloads import file_name

    at = run_page(monkeypatch, hostile_db)
    _, csv, raw = csv_of(downloads, at, "原始数据-报告")
    text = raw.decode("utf-8-sig")
    assert "'" + EVIL_FORMULA in set(csv["单位"]) and EVIL_FORMULA not in set(csv["单位"])
    assert not any(str(y).endswith(".0") for y in csv["年度"]) and ".0," not in text.split("\n")[1]
    assert set(csv["单位明确署名"]) <= {"是", "否", ""} and set(csv["是工作总结"]) <= {"是", "否", ""}
    assert all("{" not in s and '"' not in s for s in csv["取值来源"]) and any("单位:" in s for s in csv["取值来源"])

    at.switch_page(script("problems")).run()
    _, csv, _ = csv_of(downloads, at, "存在问题-表述")
    assert csv["查看报告"].str.startswith("http://localhost:8501/报告浏览?report=").all()
    _, xl, raw = csv_of(downloads, at, "存在问题-表述", ext=".xlsx")
    assert list(xl.columns)[:3] == ["查看报告", "单位", "年度"] and len(xl) == len(csv)
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(raw)).active
    assert ws.freeze_panes == "A2" and ws["A2"].hyperlink is not None
    assert any(isinstance(c.value, int) for c in ws["C"][1:])        # 年度 typed as numbers
    assert file_name("x", {}, ".xlsx").endswith(".xlsx")


def _chart_specs(at) -> list[str]:
    return [json.dumps(json.loads(el.proto.spec), ensure_ascii=False) for el in at.get("plotly_chart")]


@pytest.mark.parametrize("page", ["overview", "activity", "problems"])
def test_charts_escape_html_from_the_data(monkeypatch, hostile_db, page):
    """A unit called <a href=…> shows as that text in chart axes and hovers, never a link."""
    at = run_page(monkeypatch, hostile_db, page)
    assert not at.exception
    specs = _chart_specs(at)
    assert specs
    joined = "".join(specs)
    assert "https://evil.example" in joined or page == "problems"       # the unit is plotted …
    assert '<a href=\\"https://evil.example' not in joined and "<a href=" not in joined   # … as text
    if page != "problems":
        assert "&lt;a href=" in joined


def test_chart_selection_gives_back_the_data_value():
    import plotly.graph_objects as go

    from dashboard.charts import safe_figure, unesc

    fig = safe_figure(go.Figure(go.Bar(x=["<b>甲</b>", "乙&丙"], y=[1, 2], customdata=[["<b>甲</b>"], ["乙"]],
                                          name="<i>x</i>")))
    assert fig.data[0].x == ("&lt;b&gt;甲&lt;/b&gt;", "乙&amp;丙") and fig.data[0].name == "&lt;i&gt;x&lt;/i&gt;"
    assert unesc(fig.data[0].customdata[0][0]) == "<b>甲</b>"
    assert list(fig.data[0].y) == [1, 2]


# ---------------------------------------------------------------- workbook
def test_workbook_has_one_sheet_per_table(hostile_db):
    import openpyxl

    from pipeline.queries import query as q
    from pipeline.outputs import workbook

    f = {"unit_types": ["乡镇街道"]}
    wb = openpyxl.load_workbook(io.BytesIO(workbook.workbook_bytes(f, db=hostile_db)))
    assert wb.sheetnames[:4] == ["说明", "报告", "覆盖情况", "活动指标合计"]
    assert "存在问题表述" in wb.sheetnames and "数据质量" in wb.sheetnames
    assert wb["说明"]["B2"].value == "类型:乡镇街道"
    rep = wb["报告"]
    assert rep.max_row - 1 == int(q.overview(f, db=hostile_db).iloc[0]["reports"])
    header = [c.value for c in rep[1]]
    assert header[0] == "查看报告" and "单位" in header and "取值来源" in header
    years = [r[header.index("年度")].value for r in rep.iter_rows(min_row=2)]
    assert all(y is None or isinstance(y, int) for y in years) and any(isinstance(y, int) for y in years)
    assert all(ws.freeze_panes == "A2" for ws in wb.worksheets)


def test_workbook_and_brief_cli(hostile_db, tmp_path):
    env_py = [sys.executable, "-m", "pipeline"]
    out = tmp_path / "wb.xlsx"
    r = subprocess.run([*env_py, "workbook", "--db", str(hostile_db), "--year-min", "2020", "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "2020年起" in r.stdout and out.stat().st_size > 5000
    r = subprocess.run([*env_py, "brief", "--db", str(hostile_db), "--out", str(tmp_path / "b.txt")],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "错误" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([*env_py, "brief", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "b.pdf")],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "数据库文件不存在" in r.stderr


# ---------------------------------------------------------------- brief
def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _pdf_text_and_fonts(data: bytes) -> tuple[str, set[str], int]:
    from pypdf import PdfReader

    r = PdfReader(io.BytesIO(data))
    fonts, embedded = set(), 0
    for page in r.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            for d in font.get("/DescendantFonts", []):
                if "/FontFile2" in d.get_object()["/FontDescriptor"].get_object():
                    embedded += 1
    return "\n".join(p.extract_text() for p in r.pages), fonts, embedded


def test_brief_docx_and_pdf_say_the_filter_and_the_figures(hostile_db, tmp_path):
    from pipeline.outputs import brief
    from pipeline.queries import query as q

    f = {"unit_types": ["乡镇街道"], "year_min": 2019}
    ov = q.overview(f, db=hostile_db).iloc[0]
    n_st = len(q.shortcomings(f, db=hostile_db))
    top = q.shared_categories(f, db=hostile_db).iloc[0]
    docx = brief.write_brief(f, tmp_path / "b.docx", db=hostile_db).read_bytes()
    text = _docx_text(docx)
    assert "2019年起;类型:乡镇街道" in text
    assert f"报告 {int(ov.reports)} 篇" in text and f"单位 {int(ov.units)} 个" in text
    assert f"存在问题表述 {n_st} 条" in text and top.category in text
    assert "覆盖缺口" in text and "反复出现的问题" in text
    from docx import Document

    doc = Document(io.BytesIO(docx))
    assert len(doc.inline_shapes) >= 2                                  # the charts, as images
    assert abs(doc.sections[0].page_width.cm - 21) < 0.1 and abs(doc.sections[0].page_height.cm - 29.7) < 0.1
    assert "PAGE" in doc.sections[0].footer._element.xml

    pdf = brief.brief_bytes(f, "pdf", db=hostile_db)
    text, fonts, embedded = _pdf_text_and_fonts(pdf)
    assert "2019年起;类型:乡镇街道" in text and f"报告 {int(ov.reports)} 篇" in text and top.category in text
    assert "第 1 页 / 共" in text
    assert any("WenQuanYi" in f for f in fonts) and embedded >= 1          # the CJK font is inside the file
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert abs(float(box.width) - 595.28) < 1 and abs(float(box.height) - 841.89) < 1   # A4


def test_brief_on_an_empty_filter_still_renders(hostile_db):
    from pipeline.outputs import brief

    text = _docx_text(brief.brief_bytes({"units": ["不存在的单位"]}, "docx", db=hostile_db))
    assert "报告 0 篇" in text and "单位:不存在的单位" in text


def test_sidebar_brief_button_on_every_page(monkeypatch, hostile_db, downloads):
    at = run_page(monkeypatch, hostile_db, query={"unit_type": ["乡镇街道"]})
    for page in ("overview", "keywords"):
        if page != "overview":
            at.switch_page(script(page)).run()
        ids = {b.proto.deferred_file_id for b in at.get("download_button")}
        hits = {n: fn for fid, (n, fn) in downloads.items() if fid in ids}
        docx = next(fn for n, fn in hits.items() if n.startswith("简报") and n.endswith(".docx"))
        assert "类型:乡镇街道" in _docx_text(docx())
        assert any(n.startswith("简报") and n.endswith(".pdf") for n in hits)
        assert any(n.startswith("工作簿") and n.endswith(".xlsx") for n in hits)


# ---------------------------------------------------------------- upload messages
def test_refused_uploads_say_why_in_chinese(monkeypatch, sample_db, tmp_path):
    """A .doc and a .jpg are accepted by the uploader (no English hover) and refused with
    what to do; nothing imported is not shown as a green success; skipped files counted."""
    from tests.test_app_pages import _zip

    db = tmp_path / "up.duckdb"
    shutil.copyfile(sample_db, db)
    monkeypatch.setenv("ZONGJIE_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = run_page(monkeypatch, db, "upload")
    uploader = at.get("file_uploader")[0]
    assert not list(uploader.proto.type)                       # every type reaches our own check
    uploader.set_value([("总结.doc", b"\xd0\xcf\x11\xe0 old word", "application/msword"),
                        ("扫描件.jpg", b"\xff\xd8\xff", "image/jpeg"),
                        ("包.zip", _zip({"a.xlsx": b"PK"}), "application/zip")])
    at.button[0].click().run()
    assert not at.exception and not at.success
    assert at.error and "导入 0 个文件" in at.error[0].value and "跳过 3 个" in at.error[0].value
    result = at.dataframe[0].value
    why = dict(zip(result["上传文件"], result["说明"]))
    assert "另存为” .docx" in why["总结.doc"]
    assert "图片无法识别文字" in why["扫描件.jpg"]
    assert "导入清单请另存为 .csv" in why["包.zip/a.xlsx"]
    assert "保存为" not in result.columns and "uploads" not in " ".join(c.value for c in at.caption)


# ---------------------------------------------------------------- page state in the URL
def test_shared_link_restores_category_year_measure_and_tab(monkeypatch, hostile_db):
    from pipeline.queries import query as q

    freq = q.shortcoming_freq({}, db=hostile_db).dropna(subset=["year"])
    row = freq.sort_values("statements", ascending=False).iloc[0]
    at = run_page(monkeypatch, hostile_db, "problems",
                  query={"cat": row.category, "year": str(int(row.year))})
    assert at.selectbox(key="cat").value == row.category and at.selectbox(key="year").value == str(int(row.year))
    assert any(f"{int(row.statements)} 条表述" in c.value for c in at.caption)

    measures = q.metric_measures({}, db=hostile_db)
    second = measures.iloc[1]["measure"]
    at = run_page(monkeypatch, hostile_db, "activity", query={"measure": second, "tab": "单位 × 类别"})
    assert at.selectbox(key="measure").value == second
    assert any(m.label.startswith(f"精确合计({second})") for m in at.metric)


# ---------------------------------------------------------------- honest figures, plain words
def _figs(at) -> dict[str, dict]:
    return {el.proto.id.rsplit("-", 1)[-1]: json.loads(el.proto.spec) for el in at.get("plotly_chart")}


def test_figures_do_not_mislead(monkeypatch, hostile_db):
    from pipeline.queries import query as q

    at = run_page(monkeypatch, hostile_db, "activity", query={"measure": "次"})
    year = _figs(at)["fig_act_year"]
    exact = {tr["xaxis"] for tr in year["data"] if "约数" not in tr["name"]}
    approx = {tr["xaxis"] for tr in year["data"] if "约数" in tr["name"]}
    assert approx and exact and exact.isdisjoint(approx)              # two panels, never one stack
    cards = {m.label: m.value for m in at.metric}
    assert cards["精确合计(次)"].endswith(" 次") and cards["提及条数"].endswith(" 条")

    at = run_page(monkeypatch, hostile_db, "problems")
    fig = _figs(at)["fig_sc_year_bars"]
    assert fig["layout"]["yaxis"]["tickformat"] == ",d"               # no 0.5 statements

    at = run_page(monkeypatch, hostile_db, "keywords")
    trend = _figs(at)["fig_kw_trend"]
    assert all(tr.get("connectgaps") is False for tr in trend["data"])
    ticks = trend["data"][0]["x"]
    years = q.filter_options(db=hostile_db)["years"]
    assert len(ticks) == max(years) - min(years) + 1 and any("(0 篇)" in t for t in ticks)  # 2019 is a gap
    total = q.kwic_total({}, at.text_input(key="kw_kwic").value, db=hostile_db)
    cap = next(c.value for c in at.caption if "处" in c.value and "篇报告" in c.value)
    assert f"共 {total['occurrences']:,} 处" in cap and ("显示前 200 处" in cap or total["occurrences"] <= 200)
    assert total["occurrences"] > 200                                  # the sample's top term: the cap bites


def test_empty_database_first_run_screen(monkeypatch, tmp_path):
    at = run_page(monkeypatch, tmp_path / "empty.duckdb")
    text = " ".join(i.value for i in at.info)
    assert "数据库中还没有报告" in text and "数据导入" in text and "当前筛选" not in text
    assert not at.dataframe and "python -m" not in text
