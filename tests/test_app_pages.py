"""The dashboard pages, run headless with streamlit.testing.v1.AppTest on the bundled sample.

app.py is an `st.navigation` frame (dashboard/frame.py) around the page files in `pages/`
(`0_总览.py` the default): AppTest runs app.py and switches pages by file, as the server does.

Two databases: the sample as the pipeline ingests it today (every page must render, with
friendly empty states where the extraction tables are still empty), and the same sample with
synthetic extraction rows filled in where a table is empty (`seed_extracts`) so charts,
filters and downloads are exercised whatever stage the extraction work is at.
"""
from __future__ import annotations

import io
import re
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- synthetic extraction rows
_NUM = re.compile(r"(约|近|共计?)?(\d{1,5}|[Xx]{1,2}|若干)(余|多)?(人次|次|场|篇|期|本|条|个)")
_METRIC_CATS = (("学习|研讨|读书", "理论学习"), ("培训|轮训", "教育培训"), ("宣传|报道|信息|稿件|专栏", "宣传报道"),
                ("会议|研究|部署", "会议部署"), ("讲座|党课|宣讲", "党课宣讲"))
_PROBLEM_CATS = (("学习", "理论学习不深入"), ("阵地|网络|舆情|网站", "阵地管理薄弱"), ("队伍|人才|人员", "队伍建设不足"),
                 ("创新|方式|形式|载体", "方式方法单一"), ("责任|落实|重视", "责任落实不到位"))
_PROBLEM_WORDS = re.compile(r"不够|不足|有待|欠缺|薄弱|不强|不高|不深")


def _cat(text: str, table, default: str) -> tuple[str, list[str], list[str]]:
    cats, trig = [], []
    for pattern, cat in table:
        m = re.search(pattern, text)
        if m:
            cats.append(cat)
            trig.append(m.group(0))
    return (cats[0] if cats else default), (cats or [default]), trig


def seed_extracts(db: Path) -> dict[str, int]:
    """Fill metrics / shortcomings / term_counts with deterministic SYNTHETIC rows where the
    pipeline left them empty. Offsets point into the real report text."""
    import jieba

    from pipeline import store

    con = duckdb.connect(str(db))
    added = {}
    try:
        empty = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0
                 for t in ("metrics", "shortcomings", "term_counts")}
        reps = con.execute("SELECT report_id, file_id, text, text_simplified FROM reports ORDER BY report_id").fetchall()
        secs = con.execute("SELECT report_id, section_index, kind, char_start, char_end FROM sections").fetchall()
        rows = {t: [] for t in empty}
        for rid, fid, text, simple in reps:
            if empty["metrics"]:
                for i, m in enumerate(list(_NUM.finditer(simple))[:40]):
                    start = max(simple.rfind(p, 0, m.start()) for p in "，。；,;：:\n") + 1
                    start = max(start, m.start() - 24)
                    clause = text[start:m.end()]
                    num = m.group(2)
                    placeholder = not num.isdigit()
                    cat = _cat(simple[start:m.end()], _METRIC_CATS, "其他活动")[0]
                    value = None if placeholder else float(num)
                    rows["metrics"].append((rid, fid, i, None, None, simple[start:m.start()].strip()[-12:] or m.group(0), cat,
                                            value, m.group(4), value, m.group(4),     # no 万: base = as written
                                            bool(m.group(1) and m.group(1) in "约近" or m.group(3)), placeholder,
                                            clause, clause, start, m.end()))
            if empty["shortcomings"]:
                ranges = [(s, e, si) for r, si, k, s, e in secs if r == rid and k == "存在问题"]
                pos = 0
                for s, e, si in ranges or [(0, len(simple), None)]:
                    for m in re.finditer(r"[^。；;\n]{8,120}[。；;]?", simple[s:e]):
                        sent = m.group(0)
                        if not ranges and not _PROBLEM_WORDS.search(sent):
                            continue
                        if pos >= 8:
                            break
                        pos += 1
                        cat, cats, trig = _cat(sent, _PROBLEM_CATS, "其他")
                        a, b = s + m.start(), s + m.end()
                        rows["shortcomings"].append((rid, fid, pos, si, text[a:b], cat, cats, trig, a, b))
            if empty["term_counts"]:
                words = Counter(w for w in jieba.lcut(simple) if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w))
                rows["term_counts"].extend((rid, w, n) for w, n in words.most_common(300))
        for table, data in rows.items():
            if data:
                cols = ", ".join(store._COLUMNS[table])
                con.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(data[0]))})", data)
            added[table] = len(data)
        from pipeline.store import summaries

        summaries.refresh(con)      # rows written behind the writer's back: refresh what it would
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return added


# ---------------------------------------------------------------- fixtures
PAGES = {  # short name -> (title, plotly charts expected on the seeded sample)
    "overview": ("总览", 2),
    "activity": ("活动指标", 4),
    "problems": ("存在问题", 2),
    "keywords": ("关键词", 3),
    "reports": ("报告浏览", 0),
    "upload": ("数据导入", 0),
    "copies": ("查重", 0),
    "checks": ("考核", 0),
}


def script(page: str) -> str:
    """The page's script (relative to app.py), from the app's one list of pages."""
    from dashboard.registry import PAGE_BY_TITLE

    return PAGE_BY_TITLE[PAGES[page][0] if page in PAGES else page].script


@pytest.fixture(scope="module")
def dash_db(sample_db, tmp_path_factory) -> Path:
    """The sample with synthetic extraction rows wherever the pipeline left a table empty."""
    db = tmp_path_factory.mktemp("dash") / "dash.duckdb"
    shutil.copyfile(sample_db, db)
    seed_extracts(db)
    return db


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """Every deferred download registered during a run: file id -> (file name, callable)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    seen: dict[str, tuple[str, object]] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        fid = original(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)
        seen[fid] = (file_name, data_callable)
        return fid

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return seen


def new_app(monkeypatch, db: Path, secrets: dict | None = None):
    """AppTest of app.py on `db`, the password gate off unless `secrets` / the environment
    turn it on (a developer's own .streamlit/secrets.toml is shadowed)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ZONGJIE_DB", str(db))
    for var in ("ZONGJIE_PASSWORD", "ZONGJIE_ALLOW_IMPORT"):
        monkeypatch.delenv(var, raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets = dict(secrets or {"tests": {"note": "no password configured"}})
    return at


def run_page(monkeypatch, db: Path, page: str = "overview", query: dict | None = None,
             state: dict | None = None):
    at = new_app(monkeypatch, db)
    if query:
        at.query_params = dict(query)
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    if page != "overview":
        at.switch_page(script(page)).run()
    return at


def assert_clean(at, title: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title and at.title[0].value == title


def csv_of(downloads: dict, at, name_prefix: str, ext: str = ".csv") -> tuple[str, pd.DataFrame, bytes]:
    """The CSV (or, with ext=".xlsx", the workbook) a download button on the page would
    give, found by its file name."""
    ids = {b.proto.deferred_file_id for b in at.get("download_button")}
    hits = [(n, fn) for fid, (n, fn) in downloads.items()
            if fid in ids and n.startswith(name_prefix) and n.endswith(ext)]
    assert hits, (name_prefix, sorted(n for fid, (n, _) in downloads.items() if fid in ids))
    name, fn = hits[-1]
    raw = fn()
    if ext == ".xlsx":
        return name, pd.read_excel(io.BytesIO(raw), keep_default_na=False), raw
    return name, pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", keep_default_na=False), raw


def same(csv: pd.DataFrame, df: pd.DataFrame) -> None:
    """CSV content equals the DataFrame as every download writes it (pipeline.outputs.sheets: flags as
    是/否, whole numbers as integers, formula-like text escaped), compared as CSV text."""
    from pipeline.outputs import sheets

    expected = pd.read_csv(io.StringIO(sheets.for_spreadsheet(df).to_csv(index=False)), keep_default_na=False)
    assert list(csv.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(csv.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)


# ---------------------------------------------------------------- every page, three databases
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_sample_as_ingested(monkeypatch, sample_db, page):
    """Whatever stage the extraction is at, every page renders without an exception."""
    at = run_page(monkeypatch, sample_db, page)
    assert_clean(at, PAGES[page][0])


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_charts_on_seeded_sample(monkeypatch, dash_db, page):
    at = run_page(monkeypatch, dash_db, page)
    assert_clean(at, PAGES[page][0])
    assert len(at.get("plotly_chart")) >= PAGES[page][1]
    for chart in at.get("plotly_chart"):      # every chart comes with its CSV download
        assert chart.proto.spec
    if PAGES[page][1]:
        assert len(at.get("download_button")) >= PAGES[page][1]
    assert all(b.proto.ignore_rerun and b.proto.deferred_file_id for b in at.get("download_button"))


@pytest.mark.parametrize("page", PAGES)
def test_page_on_empty_database_shows_empty_state(monkeypatch, tmp_path, page):
    at = run_page(monkeypatch, tmp_path / "empty.duckdb", page)
    assert_clean(at, PAGES[page][0])
    if page != "upload":
        assert at.info, "an empty database gets a friendly message"


# ---------------------------------------------------------------- filters
def _metric(at, label: str) -> str:
    """A metric card's number, without its unit ("159 条" -> "159")."""
    return next(m.value for m in at.metric if m.label == label).split(" ")[0].replace(",", "")


def test_filter_changes_numbers_and_is_kept_across_pages(monkeypatch, dash_db):
    from pipeline.queries import query as q

    at = run_page(monkeypatch, dash_db)
    total = int(_metric(at, "报告"))
    at.multiselect(key="unit_type").set_value(["乡镇街道"]).run()
    school = int(_metric(at, "报告"))
    assert school == int(q.overview({"unit_types": ["乡镇街道"]}, db=dash_db).iloc[0]["reports"])
    assert 0 < school < total
    assert "类型:乡镇街道" in at.caption[0].value
    assert at.query_params.get("unit_type") == "乡镇街道"                # in the URL
    for page in ("problems", "activity", "reports", "overview"):
        at.switch_page(script(page)).run()
        assert_clean(at, PAGES[page][0])
        assert at.multiselect(key="unit_type").value == ["乡镇街道"]
        assert "类型:乡镇街道" in at.caption[0].value                    # applied on the first run
        assert at.query_params.get("unit_type") == "乡镇街道"
    assert int(_metric(at, "报告")) == school


def test_filter_is_kept_when_the_url_loses_it(monkeypatch, dash_db):
    """A page switch whose URL carries no filter (Streamlit drops query parameters on page
    changes unless a link passes them) still gets the filter, from session state, and
    writes it back into the URL."""
    at = run_page(monkeypatch, dash_db)
    lo, hi = at.slider(key="years").value
    at.slider(key="years").set_value((lo + 1, hi)).run()
    at.multiselect(key="unit_type").set_value(["乡镇街道"]).run()
    at.query_params = {}
    at.switch_page(script("keywords")).run()
    assert_clean(at, "关键词")
    assert at.slider(key="years").value == (lo + 1, hi)
    assert "类型:乡镇街道" in at.caption[0].value and f"{lo + 1}–{hi}年" in at.caption[0].value
    assert at.query_params == {"years": [str(lo + 1), str(hi)], "unit_type": "乡镇街道"}


def test_navigation_links_carry_the_filter(monkeypatch, dash_db):
    from urllib.parse import quote

    from dashboard.registry import PAGES

    at = run_page(monkeypatch, dash_db, query={"unit_type": ["乡镇街道"]})
    links = at.get("page_link")
    assert [l.proto.label for l in links] == [p.title for p in PAGES]
    assert [l.proto.page for l in links] == [p.url_path for p in PAGES]
    assert all(l.proto.query_string == "unit_type=" + quote("乡镇街道") for l in links)
    at.button(key="zj_reset").click().run()                      # 清除筛选: links and URL clean
    assert all(l.proto.query_string == "" for l in at.get("page_link"))
    assert at.query_params == {}


def test_pages_folder_matches_the_page_list():
    """`pages/` holds exactly the pages in order, their URL paths are what Streamlit
    derives from the file names, and each page starts with the one shared setup call."""
    import ast

    from streamlit.source_util import page_icon_and_name, page_sort_key

    from dashboard.registry import PAGES

    files = sorted((ROOT / "pages").glob("*.py"), key=page_sort_key)
    assert [f"pages/{f.name}" for f in files] == [p.script for p in PAGES]
    assert [p.title for p in PAGES] == ["总览", "活动指标", "存在问题", "关键词", "报告浏览", "数据导入", "查重",
                                    "考核"]
    assert PAGES[0].default and PAGES[0].url_path == "" and not any(p.default for p in PAGES[1:])
    for p in PAGES[1:]:
        assert page_icon_and_name(ROOT / p.script)[1] == p.url_path == p.title
    assert not (ROOT / "views").exists()
    def first_call(path):
        body = [n for n in ast.parse((ROOT / path).read_text(encoding="utf-8")).body
                if not isinstance(n, (ast.Import, ast.ImportFrom))
                and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        return ast.unparse(body[0].value) if isinstance(body[0], (ast.Assign, ast.Expr)) else None

    # the frame draws the gate, the sidebar and the navigation once; a page only reads the filter
    guard = [n for n in ast.parse((ROOT / "app.py").read_text(encoding="utf-8")).body if isinstance(n, ast.If)]
    assert len(guard) == 1 and ast.unparse(guard[0]) == "if __name__ == '__main__':\n    frame.run()"
    for p in PAGES:
        src = (ROOT / p.script).read_text(encoding="utf-8")
        assert "set_page_config" not in src and "auth.gate" not in src, p.script
        assert "frame.filters()" in (first_call(p.script) or ""), p.script


def test_year_range_filter(monkeypatch, dash_db):
    from pipeline.queries import query as q

    at = run_page(monkeypatch, dash_db)
    lo, hi = at.slider(key="years").value
    at.slider(key="years").set_value((hi, hi)).run()
    assert int(_metric(at, "报告")) == int(q.overview({"year_min": hi, "year_max": hi}, db=dash_db)
                                          .iloc[0]["reports"])
    assert f"当前筛选:{hi}年" in at.caption[0].value
    at.slider(key="years").set_value((lo, hi)).run()               # back to the full range: no filter
    assert "当前筛选:全部数据" in at.caption[0].value


def test_url_query_string_reproduces_the_view(monkeypatch, dash_db):
    from pipeline.queries import query as q

    unit = q.filter_options(db=dash_db)["units"][0]
    at = run_page(monkeypatch, dash_db, query={"unit": [unit]})
    assert at.multiselect(key="unit").value == [unit]
    assert int(_metric(at, "报告")) == int(q.overview({"units": [unit]}, db=dash_db).iloc[0]["reports"])


def test_activity_filter_changes_totals(monkeypatch, dash_db):
    from pipeline.queries import query as q

    at = run_page(monkeypatch, dash_db, "activity")
    measure = at.selectbox(key="measure").value
    all_n = int(_metric(at, "提及条数"))
    unit = q.metric_totals({}, ("unit",), measure, db=dash_db)["unit"].dropna().iloc[0]
    at.multiselect(key="unit").set_value([unit]).run()
    one = q.metric_totals({"units": [unit]}, ("year",), measure, db=dash_db)
    assert int(_metric(at, "提及条数")) == int(one["mentions"].sum()) < all_n


# ---------------------------------------------------------------- downloads = query results
def test_downloads_equal_query_results(monkeypatch, dash_db, downloads):
    from pipeline.queries.labels import year_label, zh
    from pipeline.queries import query as q

    f = {"unit_types": ["党政机关"]}
    at = run_page(monkeypatch, dash_db, query={"unit_type": ["党政机关"]})
    name, csv, raw = csv_of(downloads, at, "总览-数据质量")
    assert raw.startswith(b"\xef\xbb\xbf") and name.endswith(".csv") and "类型-党政机关" in name
    same(csv, zh(q.quality(f, db=dash_db).drop(columns="check")))
    assert list(csv.columns) == ["检查项", "数量"]

    name, csv, _ = csv_of(downloads, at, "原始数据-存在问题")
    same(csv, zh(q.shortcomings(f, db=dash_db)))
    name, csv, _ = csv_of(downloads, at, "原始数据-活动指标")
    same(csv, zh(q.metrics(f, db=dash_db)))
    name, csv, _ = csv_of(downloads, at, "原始数据-词频")
    same(csv, zh(q.term_counts(f, db=dash_db)))
    name, csv, _ = csv_of(downloads, at, "原始数据-报告")
    assert len(csv) == int(q.overview(f, db=dash_db).iloc[0]["reports"]) and "原文" in csv.columns

    at.switch_page(script("activity")).run()
    measure = at.selectbox(key="measure").value
    _, csv, _ = csv_of(downloads, at, "活动指标-明细")
    assert csv["查看报告"].str.contains("hl=").all()
    same(csv.drop(columns="查看报告"), zh(q.metrics(f, measure, db=dash_db))[list(csv.columns[1:])])

    at.switch_page(script("problems")).run()
    _, csv, _ = csv_of(downloads, at, "存在问题-各类别按年度")
    freq = q.shortcoming_freq(f, db=dash_db)
    same(csv, zh(freq.assign(year=freq["year"].map(year_label))))

    at.switch_page(script("keywords")).run()
    _, csv, _ = csv_of(downloads, at, "关键词-高频词前30")
    same(csv, zh(q.top_terms(f, 200, db=dash_db).head(30)))


def test_statements_behind_a_bar_link_to_the_report(monkeypatch, dash_db, downloads):
    from dashboard.downloads import safe_name
    from pipeline.queries import query as q

    freq = q.shortcoming_freq({}, db=dash_db).dropna(subset=["year"])
    row = freq.sort_values("statements", ascending=False).iloc[0]
    at = run_page(monkeypatch, dash_db, "problems")
    at.selectbox(key="cat").set_value(row.category)
    at.selectbox(key="year").set_value(str(int(row.year))).run()
    assert_clean(at, "存在问题")
    _, csv, _ = csv_of(downloads, at, safe_name(f"存在问题-表述-{row.category}-{int(row.year)}"))
    assert len(csv) == int(row.statements)
    from pipeline.outputs.sheets import escape_cell

    units = {escape_cell(u) for u in q.coverage({}, db=dash_db)["unit"].dropna()}   # '--社区 escaped
    assert set(csv["单位"].replace("", None).dropna()) <= units
    assert all(link.startswith("http://localhost:8501/报告浏览?report=") for link in csv["查看报告"])
    assert set(csv["年度"].astype(str)) == {str(int(row.year))}


def test_report_link_opens_the_reader_with_highlights(monkeypatch, dash_db):
    import duckdb

    con = duckdb.connect(str(dash_db), read_only=True)
    rid = con.execute("SELECT report_id FROM shortcomings GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    con.close()
    at = run_page(monkeypatch, dash_db)
    at.query_params["report"] = rid
    at.switch_page(script("reports")).run()
    assert_clean(at, "报告浏览")
    assert at.selectbox(key="rb_pick").value == rid
    body = "".join(h.proto.body for h in at.get("html"))
    assert 'class="zj-reader"' in body
    assert "zj-shortcoming" in body or "zj-metric-shortcoming" in body


def test_report_search(monkeypatch, dash_db, downloads):
    from pipeline.queries import query as q

    at = run_page(monkeypatch, dash_db, "reports")
    at.text_input(key="rb_search").set_value("政協").run()      # traditional script, in the original text
    assert_clean(at, "报告浏览")
    hits = q.reports({}, "政協", db=dash_db)
    assert 0 < len(hits) < int(q.overview({}, db=dash_db).iloc[0]["reports"])
    # the simplified term finds the same reports (their simplified copy is what is searched)
    assert set(hits["report_id"]) <= set(q.reports({}, "政协", db=dash_db)["report_id"])
    assert f"共 {len(hits)} 篇报告" in " ".join(c.value for c in at.caption)
    _, csv, _ = csv_of(downloads, at, "报告浏览-报告列表-政協")
    assert list(csv["报告编号"]) == list(hits["report_id"])
    assert at.selectbox(key="rb_pick").value in set(hits["report_id"])


# ---------------------------------------------------------------- query layer
# (parameterized SQL and the cache: tests/test_reliability_security.py)
NEW_REPORT = """某县教育局2022年意识形态工作总结
2022年,某县教育局党组认真落实意识形态工作责任制,现将有关情况总结如下:
一、主要工作开展情况
全年召开党组理论学习中心组学习12次,开展专题研讨4次,举办培训班3期。
二、存在的问题和不足
一是理论学习的深度还不够;二是网络阵地管理还比较薄弱。
三、下一步工作打算
继续加强理论学习,压实责任。
某县教育局
2022年12月20日
"""


# ---------------------------------------------------------------- colors
# (escaping of report text: tests/test_reliability_security.py)
def test_colors_are_one_map_and_distinct():
    from dashboard.theme import NEUTRAL, assign_colors

    a = assign_colors(["学习", "宣传", "培训", "其他"])
    assert a["其他"] == NEUTRAL["其他"] and len({a["学习"], a["宣传"], a["培训"]}) == 3
    assert a == assign_colors(["其他", "培训", "宣传", "学习"])


# ---------------------------------------------------------------- uploads
def _zip(entries: dict[str, bytes]) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_uploads_are_stored_safely(tmp_path, monkeypatch):
    from dashboard import uploads

    root = tmp_path / "uploads"
    z = _zip({"../../evil.txt": b"x", "/abs.txt": b"x", "2021/县政府办公室.txt": NEW_REPORT.encode(),
              "a/b/../../../up.txt": b"x", "notes/README.md": b"x", "run.exe": b"MZ", ".hidden.txt": b"x"})
    batch = uploads.save_uploads(
        [("../../etc/passwd.txt", b"hello"), ("bad.exe", b"MZ"), ("reports.zip", z)],
        ("m.csv", "file,unit,year\n../../etc/passwd.txt,某单位,2019\n".encode("utf-8-sig")), root=root)
    stored = batch.paths
    assert stored and all(p.resolve().parent == batch.folder.resolve() for p in stored)
    assert batch.folder.resolve().parent == root.resolve()
    assert not (tmp_path / "etc").exists() and not (root / "evil.txt").exists()
    status = {i.original: (i.status, i.reason) for i in batch.items}
    assert status["bad.exe"][0] == "跳过"
    assert "路径穿越" in status["reports.zip/../../evil.txt"][1]
    assert "绝对路径" in status["reports.zip//abs.txt"][1]
    assert "路径穿越" in status["reports.zip/a/b/../../../up.txt"][1]
    assert status["reports.zip/run.exe"][0] == "跳过"
    manifest = (batch.folder / "manifest.csv").read_text(encoding="utf-8")
    assert "某单位,2019" in manifest            # uploaded manifest, rewritten to the stored name
    assert "县政府办公室,2021" in manifest       # folder layout inside the zip carried over


def test_upload_limits(tmp_path, monkeypatch):
    from dashboard import uploads

    monkeypatch.setattr(uploads, "MAX_ZIP_TOTAL_BYTES", 1000)
    batch = uploads.save_uploads([("big.zip", _zip({"a.txt": b"x" * 2000}))], root=tmp_path)
    assert batch.items[0].status == "跳过" and "过大" in batch.items[0].reason and not batch.paths
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 10)
    batch = uploads.save_uploads([("a.txt", b"x" * 11)], root=tmp_path)
    assert batch.items[0].status == "跳过" and not batch.paths


def test_upload_page_ingests_and_other_pages_see_it(monkeypatch, sample_db, tmp_path):
    db = tmp_path / "up.duckdb"
    shutil.copyfile(sample_db, db)
    monkeypatch.setenv("ZONGJIE_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = run_page(monkeypatch, db, "upload")
    assert at.slider(key="years").max < 2022
    at.get("file_uploader")[0].set_value([
        ("reports.zip", _zip({"2022/某县教育局.txt": NEW_REPORT.encode("utf-8"), "../x.txt": b"x"}), "application/zip")])
    at.button[0].click().run()
    assert_clean(at, "数据导入")
    result = at.dataframe[0].value
    got = dict(zip(result["上传文件"], result["结果"]))
    assert got["reports.zip/2022/某县教育局.txt"] == "已导入"
    assert got["reports.zip/../x.txt"] == "跳过"
    assert all(p.parent.parent == tmp_path / "uploads" for p in (tmp_path / "uploads").glob("*/*.txt"))
    at.switch_page(script("overview")).run()                   # same session, no restart
    assert at.slider(key="years").max == 2022


def test_long_tables_show_their_first_rows_and_download_all(monkeypatch, dash_db, downloads):
    """The metric mentions grow with the corpus: the table shows ZONGJIE_TABLE_ROWS of them,
    says how many there are, and its CSV still holds every row."""
    from pipeline.queries.labels import zh
    from pipeline.queries import query as q

    monkeypatch.setenv("ZONGJIE_TABLE_ROWS", "7")
    at = run_page(monkeypatch, dash_db, "activity")
    measure = at.selectbox(key="measure").value
    every = q.metrics({}, measure, db=dash_db)
    assert len(every) > 7
    shown = [d for d in at.dataframe if len(d.value) == 7 and "所在句子" in d.value.columns]
    assert shown, [d.value.shape for d in at.dataframe]
    assert any(f"共 {len(every):,} 条,表中显示前 7 条" in c.value for c in at.caption)
    _, csv, _ = csv_of(downloads, at, "活动指标-明细")
    same(csv.drop(columns="查看报告"), zh(every)[list(csv.columns[1:])])


def test_the_word_cloud_warms_once_per_process_and_draws_the_same_cloud():
    """frame.run starts one background thread that draws a tiny cloud (imports, font): the
    first 关键词 visitor no longer waits for them. The cloud a page asks for is unchanged."""
    from dashboard import word_cloud

    if not word_cloud.cjk_font():
        pytest.skip("no CJK font on this machine (make setup-test installs one)")
    freqs = (("意识形态", 9.0), ("学习", 5.0), ("宣传", 3.0))
    before = word_cloud._render(freqs, 300, 150)
    word_cloud.warm_in_background()
    word_cloud.warm_in_background()
    threads = list(word_cloud._warming)
    assert len(threads) == 1
    threads[0].join(timeout=60)
    assert not threads[0].is_alive()
    after = word_cloud._render(freqs, 300, 150)
    assert after == before and after.startswith(b"\x89PNG")
