"""Access control and hostile input, on the served pages (AppTest) and the query layer.

  * the password gate (dashboard/auth.py): off without a configured password; on (env var
    or Streamlit secrets) every page shows only the password form - no data, no filter
    values, no report text - until the right password is entered; import needs it too;
  * SQL-injection-looking filter values (URL query string, filter dict, search boxes) are
    plain text: no error, zero rows, the tables still there;
  * report text with <script>/<img onerror> is stored as is and rendered escaped.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboard import registry
from tests.test_app_pages import (NEW_REPORT, PAGES, assert_clean, dash_db, new_app,  # noqa: F401
                                  run_page, script)

PASSWORD = "正确-口令-9f3"
INJECTIONS = ("' OR 1=1 --", '"; DROP TABLE reports; --')


# ---------------------------------------------------------------- helpers
def nodes(at):
    """Every block and element of the last run (main area and sidebar)."""
    return [n for n in at._tree if getattr(n, "proto", None) is not None]


def rendered_text(at, types: set[str] | None = None) -> str:
    """The text of every rendered element (or of those of `types`), as JSON of its proto;
    the app's own fixed stylesheet and script (dashboard/chrome.py, the same on every page,
    no data in it) left out."""
    from google.protobuf.json_format import MessageToDict

    from dashboard import chrome

    fixed = chrome.CSS + chrome.script()
    return "\n".join(json.dumps(MessageToDict(n.proto), ensure_ascii=False) for n in nodes(at)
                     if hasattr(n.proto, "DESCRIPTOR") and (types is None or n.type in types)
                     and not (n.type == "html" and getattr(n.proto, "body", None) == fixed))


def db_values(db: Path) -> list[str]:
    """What must not leak: report titles, units, unit types, regions, file names."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("""SELECT title FROM reports UNION SELECT unit FROM reports
                              UNION SELECT unit_type FROM reports UNION SELECT region FROM reports
                              UNION SELECT source FROM reports""").fetchall()
    finally:
        con.close()
    return sorted({r[0] for r in rows if r[0] and len(r[0]) >= 2})


def table_count(db: Path, table: str = "reports") -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def locked_app(monkeypatch, db: Path, page: str = "overview", query: dict | None = None):
    at = new_app(monkeypatch, db)
    monkeypatch.setenv("ZONGJIE_PASSWORD", PASSWORD)
    if query:
        at.query_params = dict(query)
    at.run()
    if page != "overview":
        at.switch_page(script(page)).run()
    return at


def assert_locked(at, db: Path) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["总结看板"]
    assert len(at.text_input) == 1 and at.text_input[0].proto.type == at.text_input[0].proto.PASSWORD
    assert not list(at.sidebar)[1:], "nothing in the sidebar"
    for kind in ("page_link", "multiselect", "slider", "dataframe", "plotly_chart", "metric",
                 "download_button", "file_uploader", "selectbox"):
        assert not at.get(kind), kind
    # one html element only: the fixed stylesheet and script (dashboard/chrome.py), no data
    from dashboard import chrome

    assert [h.proto.body for h in at.get("html")] in ([], [chrome.CSS + chrome.script()])
    text = rendered_text(at)
    leaked = [v for v in db_values(db) if v in text]
    assert not leaked, leaked
    assert PASSWORD not in text


def log_in(at, password: str):
    at.text_input(key="zj_password").input(password)
    return at.button(key="zj_login_go").click().run()


@pytest.fixture
def no_delay(monkeypatch):
    from dashboard import auth

    monkeypatch.setattr(auth, "FAIL_DELAY", 0)


# ---------------------------------------------------------------- gate off
def test_gate_off_every_page_renders(monkeypatch, dash_db):
    """No password configured (the local demo): every page shows its data, no form."""
    at = run_page(monkeypatch, dash_db)
    for page, (title, _) in PAGES.items():
        if page != "overview":
            at.switch_page(script(page)).run()
        assert_clean(at, title)
        assert not at.get("text_input") or all(t.key != "zj_password" for t in at.text_input)
        assert len(at.get("page_link")) == len(registry.PAGES)
    assert all(b.key != "zj_logout" for b in at.button)


# ---------------------------------------------------------------- gate on
@pytest.mark.parametrize("page", PAGES)
def test_gate_on_every_page_shows_only_the_password_form(monkeypatch, dash_db, page):
    """ZONGJIE_PASSWORD set: a page, even opened with filter and report parameters, shows
    the password form and nothing else - no titles, units, filter values or report text."""
    con = duckdb.connect(str(dash_db), read_only=True)
    rid, unit = con.execute("SELECT report_id, unit FROM reports WHERE unit IS NOT NULL LIMIT 1").fetchone()
    con.close()
    at = locked_app(monkeypatch, dash_db, page, query={"unit": [unit], "unit_type": ["学校"], "report": rid})
    assert_locked(at, dash_db)


def test_wrong_password_stays_locked(monkeypatch, dash_db, no_delay):
    at = locked_app(monkeypatch, dash_db, "reports")
    for wrong in ("", "wrong", PASSWORD + " ", PASSWORD.upper() + "x"):
        log_in(at, wrong)
        assert [e.value for e in at.error] == ["密码不正确,请重试。"]
        assert_locked(at, dash_db)
        assert wrong not in rendered_text(at) or wrong == ""       # the entry is never echoed
    assert at.text_input(key="zj_password").value == ""              # the form is cleared
    assert "_zj_auth" not in at.session_state


def test_right_password_unlocks_for_the_session(monkeypatch, dash_db, no_delay):
    from pipeline.queries import query as q

    at = locked_app(monkeypatch, dash_db, query={"unit_type": ["乡镇街道"]})
    log_in(at, PASSWORD)
    assert_clean(at, "总览")
    assert not at.error
    assert int(next(m.value for m in at.metric if m.label == "报告")) == \
        int(q.overview({"unit_types": ["乡镇街道"]}, db=dash_db).iloc[0]["reports"])   # the link's filter applies
    assert len(at.get("page_link")) == len(registry.PAGES) and at.get("plotly_chart")
    # remembered per session, across pages; never the password itself
    for page in ("reports", "keywords", "upload"):
        at.switch_page(script(page)).run()
        assert_clean(at, PAGES[page][0])
    assert PASSWORD not in repr(at.session_state)                       # not kept in session state
    assert PASSWORD not in rendered_text(at)
    # 退出登录 locks it again
    at.button(key="zj_logout").click().run()
    assert_locked(at, dash_db)


def test_a_new_session_must_enter_the_password_again(monkeypatch, dash_db, no_delay):
    at = locked_app(monkeypatch, dash_db)
    log_in(at, PASSWORD)
    assert_clean(at, "总览")
    other = locked_app(monkeypatch, dash_db, "problems")
    assert_locked(other, dash_db)


def test_changing_the_password_logs_sessions_out(monkeypatch, dash_db, no_delay):
    at = locked_app(monkeypatch, dash_db)
    log_in(at, PASSWORD)
    assert_clean(at, "总览")
    monkeypatch.setenv("ZONGJIE_PASSWORD", PASSWORD + "-new")
    at.run()
    assert_locked(at, dash_db)


@pytest.mark.parametrize("section", ["zongjie", "auth"])
def test_password_from_streamlit_secrets(monkeypatch, dash_db, no_delay, section):
    at = new_app(monkeypatch, dash_db, secrets={section: {"password": PASSWORD}})
    at.run()
    assert_locked(at, dash_db)
    log_in(at, PASSWORD)
    assert_clean(at, "总览")


@pytest.mark.parametrize("secrets", [{"zongjie": {"password": ""}}, {"auth": {"password": ""}}])
def test_a_blank_configured_password_locks_instead_of_opening(monkeypatch, dash_db, secrets):
    at = new_app(monkeypatch, dash_db, secrets=secrets)
    at.run()
    assert not at.exception
    assert at.error and "配置有误" in at.error[0].value
    assert not at.get("text_input") and not at.get("metric") and not at.get("page_link")


def test_unreadable_secrets_file_locks(monkeypatch, tmp_path):
    """A secrets.toml that exists but does not parse must not switch the gate off."""
    from streamlit import config

    from dashboard import auth

    bad = tmp_path / "secrets.toml"
    bad.write_text("[zongjie\npassword = 'x'\n", encoding="utf-8")
    monkeypatch.delenv("ZONGJIE_PASSWORD", raising=False)
    monkeypatch.setattr(config, "get_option",
                        lambda name, _orig=config.get_option: [str(bad)] if name == "secrets.files" else _orig(name))

    class Broken:
        def __getitem__(self, key):
            raise FileNotFoundError("Error parsing secrets file")

    monkeypatch.setattr(auth.st, "secrets", Broken())
    assert auth.configured_password() is auth.MISCONFIGURED
    bad.unlink()
    assert auth.configured_password() is None          # no file at all: gate off


# ---------------------------------------------------------------- import
def test_import_page_locked_without_password(monkeypatch, dash_db, no_delay):
    at = locked_app(monkeypatch, dash_db, "upload")
    assert_locked(at, dash_db)
    assert not at.get("file_uploader")
    log_in(at, PASSWORD)
    assert_clean(at, "数据导入")
    assert len(at.get("file_uploader")) == 3          # reports, manifest, roster


def test_import_can_be_switched_off(monkeypatch, dash_db):
    at = new_app(monkeypatch, dash_db)
    monkeypatch.setenv("ZONGJIE_ALLOW_IMPORT", "0")
    at.run()
    link = next(l for l in at.get("page_link") if l.proto.label == "数据导入")
    assert link.proto.disabled
    at.switch_page(script("upload")).run()
    assert_clean(at, "数据导入")
    assert not at.get("file_uploader") and not at.get("form")
    assert "已由管理员关闭" in at.info[0].value


def test_import_allowed_locally_without_password(monkeypatch, dash_db):
    at = run_page(monkeypatch, dash_db, "upload")
    assert_clean(at, "数据导入")
    assert len(at.get("file_uploader")) == 3          # reports, manifest, roster


# ---------------------------------------------------------------- SQL injection
def test_where_is_parameterized_and_cache_follows_the_database(sample_db, tmp_path):
    from pipeline.queries import query as q

    cond, params = q.where({"units": ["x') OR 1=1 --"], "year_min": "2020", "regions": []})
    assert "OR 1=1" not in cond and params == [2020, ["x') OR 1=1 --"]]
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(sample_db, db)
    assert int(q.overview({"units": ["x') OR 1=1 --"]}, db=db).iloc[0]["reports"]) == 0
    before = int(q.overview({}, db=db).iloc[0]["reports"])
    from pipeline.ingest import ingest_paths

    new = tmp_path / "in" / "2022"
    new.mkdir(parents=True)
    (new / "某县教育局.txt").write_text(NEW_REPORT, encoding="utf-8")
    ingest_paths([new.parent], db=db, workers=1)
    assert int(q.overview({}, db=db).iloc[0]["reports"]) == before + 1   # no cache clear needed


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_in_filters_is_plain_text(dash_db, value):
    """Through the query layer every filter value is a bound parameter: zero rows, no error."""
    from pipeline.queries import query as q

    before = table_count(dash_db)
    for f in ({"units": [value]}, {"unit_types": [value]}, {"regions": [value]},
              {"units": [value], "unit_types": [value], "regions": [value]}):
        assert int(q.overview(f, db=dash_db).iloc[0]["reports"]) == 0
        assert q.reports(f, "", db=dash_db).empty
        assert q.shortcoming_freq(f, db=dash_db).empty
        assert q.top_terms(f, 20, db=dash_db).empty
        assert q.kwic(f, "学习", 10, 20, db=dash_db).empty
    assert q.reports({}, value, db=dash_db).empty                 # the reader's search box
    assert q.report(None, value, db=dash_db).empty                # ?report=
    assert q.kwic({}, value, 10, 20, db=dash_db).empty            # the keyword-in-context box
    assert q.term_trend({}, (value,), db=dash_db).empty or \
        q.term_trend({}, (value,), db=dash_db)["n"].fillna(0).sum() == 0
    assert table_count(dash_db) == before and table_count(dash_db, "metrics") > 0


@pytest.mark.parametrize("page", PAGES)
def test_injection_in_url_query_is_plain_text(monkeypatch, dash_db, page):
    """Filter parameters that are not an option are ignored (the page shows everything and
    says so); `report=` with an injection opens nothing; no error, the tables intact."""
    before = table_count(dash_db)
    query = {"unit": list(INJECTIONS), "unit_type": [INJECTIONS[1]], "region": [INJECTIONS[0]],
             "years": ["2019 OR 1=1", "2021; DROP TABLE reports"], "report": INJECTIONS[0]}
    at = new_app(monkeypatch, dash_db)
    at.query_params = dict(query)
    at.run()
    if page != "overview":
        at.query_params = dict(query)
        at.switch_page(script(page)).run()
    assert_clean(at, PAGES[page][0])
    assert at.multiselect(key="unit").value == [] and at.multiselect(key="unit_type").value == []
    assert "当前筛选:全部数据" in " ".join(c.value for c in at.caption)
    assert not any(k in at.query_params for k in ("unit", "unit_type", "region", "years"))
    if page == "reports":
        assert at.selectbox(key="rb_pick").value != INJECTIONS[0]
        assert "由链接打开" not in " ".join(c.value for c in at.caption)
    assert table_count(dash_db) == before


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_in_search_boxes(monkeypatch, dash_db, value):
    at = run_page(monkeypatch, dash_db, "reports")
    at.text_input(key="rb_search").set_value(value).run()
    assert_clean(at, "报告浏览")
    assert "共 0 篇报告" in " ".join(c.value for c in at.caption)
    at.switch_page(script("keywords")).run()
    at.text_input(key="kw_kwic").set_value(value).run()
    assert_clean(at, "关键词")
    assert any("没有出现" in i.value for i in at.info)
    assert table_count(dash_db) > 0


# ---------------------------------------------------------------- HTML / script in reports
XSS_REPORT = """某县文化馆<script>alert(1)</script>2021年意识形态工作总结
2021年,某县文化馆<img src=x onerror=alert(1)>认真落实意识形态工作责任制,现将有关情况总结如下:
一、主要工作开展情况
全年开展理论学习12次<script>alert(1)</script>,举办培训班3期。
二、存在的问题和不足
一是理论学习的深度还不够<img src=x onerror=alert(1)>;二是网络阵地管理还比较薄弱。
三、下一步工作打算
继续加强理论学习。
某县文化馆
2021年12月20日
"""
MARKUP_TYPES = {"markdown", "html", "metric", "alert", "expander", "tab", "exception", "toast"}


@pytest.fixture(scope="module")
def xss_db(dash_db, tmp_path_factory) -> tuple[Path, str]:
    from pipeline.ingest import ingest_paths

    root = tmp_path_factory.mktemp("xss")
    db = root / "xss.duckdb"
    shutil.copyfile(dash_db, db)
    src = root / "in" / "2021"
    src.mkdir(parents=True)
    (src / "某县文化馆.txt").write_text(XSS_REPORT, encoding="utf-8")
    summary = ingest_paths([src.parent], db=db, workers=1)
    assert not summary.rejected
    con = duckdb.connect(str(db), read_only=True)
    rid, title, text = con.execute("SELECT report_id, title, text FROM reports WHERE text LIKE '%<script>%'").fetchone()
    con.close()
    assert "<img src=x onerror=alert(1)>" in text      # stored as is: escaping is the UI's job
    return db, rid


def assert_no_raw_markup(at) -> str:
    text = rendered_text(at, MARKUP_TYPES)
    for raw in ("<script", "</script", "<img"):
        assert raw not in text, raw
    return text


def test_report_with_script_and_img_is_rendered_escaped(monkeypatch, xss_db):
    db, rid = xss_db
    at = new_app(monkeypatch, db)
    at.run()
    at.query_params["report"] = rid
    at.switch_page(script("reports")).run()
    assert_clean(at, "报告浏览")
    assert at.selectbox(key="rb_pick").value == rid
    text = assert_no_raw_markup(at)
    reader = "".join(h.proto.body for h in at.get("html"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in reader
    assert "&lt;img src=x onerror=alert(1)&gt;" in reader
    assert "&lt;script&gt;" in " ".join(s.value for s in at.subheader)     # the title, as text
    assert "alert(1)" in text
    # the same report through search, keyword-in-context and the other pages
    at.text_input(key="rb_search").set_value("alert").run()
    assert_clean(at, "报告浏览")
    assert_no_raw_markup(at)
    at.switch_page(script("keywords")).run()
    at.text_input(key="kw_kwic").set_value("文化馆").run()
    assert_clean(at, "关键词")
    assert_no_raw_markup(at)
    for page in ("overview", "problems", "activity"):
        at.switch_page(script(page)).run()
        assert_clean(at, PAGES[page][0])
        assert_no_raw_markup(at)


def test_report_text_is_escaped_before_highlighting():
    import pandas as pd

    from dashboard.highlight import highlight_html, kwic_html

    text = "<script>alert('x')</script> 开展学习12次 & <b>问题</b>"
    s = text.index("开展")
    out = highlight_html(text, [(s, s + 7, "metric", "指标<img src=x onerror=alert(1)>"),
                                   (s + 2, len(text), "shortcoming", "问题")], [(0, "工作<开展>")])
    assert "<script>" not in out and "&lt;script&gt;" in out and "<b>" not in out
    assert "<img" not in out and "&lt;img" in out and "&amp;" in out
    assert '<mark class="zj-metric"' in out and '<mark class="zj-metric-shortcoming"' in out
    assert "工作&lt;开展&gt;" in out
    lines = pd.DataFrame([{"left": "<i>", "term": "学习", "right": "</table>", "unit": "<u>", "year": 2020}])
    k = kwic_html(lines)
    assert "<i>" not in k and "</table></td>" not in k and "&lt;/table&gt;" in k


def test_markdown_escaping_of_data_text():
    from dashboard.highlight import md

    out = md("某单位<script>x</script> [链接](http://e.x) ![img](http://e.x/a.png) $x$ *强调* `c`\n第二行")
    for raw in ("<script", "](", "![", "\n"):
        assert raw not in out.replace("\\](", ""), raw
    assert "&lt;script&gt;" in out and "\\[链接\\]" in out and "\\$x\\$" in out and "\\*强调\\*" in out
    assert md(None) == ""
