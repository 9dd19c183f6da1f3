"""The served dashboard in headless Chromium (Debian's /usr/bin/chromium via playwright).

Starts `streamlit run app.py` on a free port against the bundled sample (synthetic
extraction rows filled in where the pipeline still leaves a table empty, see
test_app_pages.seed_extracts), visits every page, waits for it to render, asserts no
exception / error alert, and saves full-page screenshots under tests/artifacts/.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# url path, page title, minimum number of plotly charts, minimum number of images (word cloud)
PAGES = [
    ("", "总览", 2, 0),              # the default page lives at the root URL
    ("activity", "活动指标", 1, 0),
    ("problems", "存在问题", 2, 0),
    ("keywords", "关键词", 3, 1),
    ("reports", "报告浏览", 0, 0),
    ("upload", "数据导入", 0, 0),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser_db(sample_db, tmp_path_factory) -> Path:
    from tests.test_app_pages import seed_extracts

    db = tmp_path_factory.mktemp("browser") / "dash.duckdb"
    shutil.copyfile(sample_db, db)
    seed_extracts(db)
    return db


@pytest.fixture(scope="module")
def server(browser_db, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (run `make sysdeps-test`)")
    port = _free_port()
    env = {**os.environ, "ZONGJIE_DB": str(browser_db),
           "ZONGJIE_UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads"))}
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"streamlit did not start:\n{log.read()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        # Our own process group only (start_new_session above): never a broad kill.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
            yield ctx.new_page()
        finally:
            browser.close()


def _settle(page, title: str, charts: int = 0, images: int = 0) -> None:
    """Wait until the page's title is shown, the script has finished, and charts are drawn."""
    page.wait_for_selector(f'h1:has-text("{title}")', timeout=30000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
    if charts:
        page.wait_for_function(
            f"() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= {charts}",
            timeout=30000)
    if images:
        page.wait_for_function(
            f"() => [...document.querySelectorAll('[data-testid=\"stImage\"] img, [data-testid=\"stFullScreenFrame\"] img')]"
            f".filter(i => i.complete && i.naturalWidth > 0).length >= {images}", timeout=30000)
    page.wait_for_timeout(800)   # let plotly finish its transitions before a screenshot


def _shoot(page, name: str) -> Path:
    """A screenshot of the whole page: Streamlit scrolls inside its main container, so the
    viewport is stretched to the content's height first."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], "
        "[data-testid=\"stAppViewContainer\"], section.main')].map(e => e.scrollHeight), 0)")
    page.set_viewport_size({"width": size["width"], "height": min(max(int(height) + 40, size["height"]), 9000)})
    page.wait_for_timeout(1200)   # plotly relayouts on resize
    out = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=True)
    page.set_viewport_size(size)
    return out


def _errors(page) -> list[str]:
    return [e.inner_text()[:500] for e in page.query_selector_all(
        '[data-testid="stException"], [data-testid="stAlertContentError"]')]


@pytest.mark.parametrize("path,title,charts,images", PAGES, ids=[p[0] or "overview" for p in PAGES])
def test_page_renders(page, server, path, title, charts, images):
    page.goto(f"{server}/{path}")
    _settle(page, title, charts, images)
    _shoot(page, path or "overview")
    assert not _errors(page), _errors(page)
    text = page.inner_text("body")
    assert "Traceback" not in text and "Page not found" not in text
    assert title in text


def test_url_filter_reproduces_view(page, server, browser_db):
    """A link with filters in its query string opens the same filtered view."""
    import duckdb

    con = duckdb.connect(str(browser_db), read_only=True)
    n_school = con.execute("SELECT count(*) FROM reports WHERE unit_type = '学校'").fetchone()[0]
    n_all = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    con.close()
    assert 0 < n_school < n_all
    page.goto(f"{server}/?unit_type=学校")
    _settle(page, "总览", 2)
    first_metric = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert first_metric.strip() == str(n_school)
    assert "类型:学校" in page.inner_text("body")
    # switching pages keeps the filter, in the sidebar and in the URL
    page.locator('[data-testid="stSidebarNav"] a', has_text="存在问题").click()
    _settle(page, "存在问题")
    assert "unit_type=" in page.url
    assert "类型:学校" in page.inner_text("body")
    _shoot(page, "problems_filtered")
    assert not _errors(page)
    # a year range in the URL
    page.goto(f"{server}/?years=2020&years=2021")
    _settle(page, "总览", 1)
    assert "当前筛选:2020–2021年" in page.inner_text("body")


def test_report_link_opens_reader(page, server, browser_db):
    import duckdb

    con = duckdb.connect(str(browser_db), read_only=True)
    rid, = con.execute("SELECT report_id FROM shortcomings ORDER BY report_id LIMIT 1").fetchone()
    con.close()
    page.goto(f"{server}/reports?report={rid}")
    _settle(page, "报告浏览")
    page.wait_for_selector(".zj-reader mark", timeout=30000)
    assert page.locator(".zj-reader mark.zj-shortcoming, .zj-reader mark.zj-metric-shortcoming").count() > 0
    _shoot(page, "reader")
    assert not _errors(page)
