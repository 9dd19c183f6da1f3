"""The served dashboard in headless Chromium (Debian's /usr/bin/chromium via playwright).

Starts `streamlit run app.py` on a free port against the bundled sample (synthetic
extraction rows filled in where the pipeline still leaves a table empty, see
test_app_pages.seed_extracts), visits every page, waits for it to render, asserts no
exception / error alert, our Chinese sidebar navigation and filters, and saves full-page
screenshots under tests/artifacts/. The app runs in Streamlit's `pages/` mode (each page
script on its own), so filters kept across page switches and in the URL are checked here,
in a real browser, by clicking our sidebar links. A second server with ZONGJIE_PASSWORD
set checks the password gate.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# url path (from the file name in pages/), page title, minimum number of plotly charts,
# minimum number of images (word cloud), screenshot name
PAGES = [
    ("", "总览", 2, 0, "overview"),              # app.py, the main page, at the root URL
    ("活动指标", "活动指标", 1, 0, "activity"),
    ("存在问题", "存在问题", 2, 0, "problems"),
    ("关键词", "关键词", 3, 1, "keywords"),
    ("报告浏览", "报告浏览", 0, 0, "reports"),
    ("数据导入", "数据导入", 0, 0, "upload"),
    ("查重", "查重", 0, 0, "copies"),
    ("考核", "考核", 0, 0, "checks"),
]
NAV = [p[1] for p in PAGES]
PASSWORD = "浏览器-测试-口令"


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


@contextmanager
def _serve(db: Path, tmp_path_factory, **env_extra):
    """`streamlit run app.py` on a free port (our own process group, killed at the end)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (run `make sysdeps-test`)")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("ZONGJIE_PASSWORD", "ZONGJIE_ALLOW_IMPORT")}
    env.update({"ZONGJIE_DB": str(db), "ZONGJIE_UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
                **env_extra})
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
        yield url, log
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
def server(browser_db, tmp_path_factory):
    with _serve(browser_db, tmp_path_factory) as (url, _):
        yield url


@pytest.fixture(scope="module")
def locked_server(browser_db, tmp_path_factory):
    """The same app with a password configured (through the environment)."""
    with _serve(browser_db, tmp_path_factory, ZONGJIE_PASSWORD=PASSWORD) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (run `make sysdeps-test`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _new_page(browser):
    return browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN").new_page()


@pytest.fixture(scope="module")
def page(server, browser):
    return _new_page(browser)


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


def _pick(page, box, option: str, multi: bool = False) -> None:
    """Choose an option in a select / multiselect box as a user does: type to filter, click
    the option once the list shows it, and check it was taken (the chip of a multiselect; the
    value a select shows once it has lost focus), trying again if not. On the loaded CI
    machine the list closed under the pointer three times: the typed text stayed in the box
    though nothing was chosen (the select is a react-aria ComboBox: its input shows the
    search text until it loses focus, then the chosen value), and the save then stored 1
    change of 2. A user sees the box go back to 「(不改)」 and chooses again; so does the test."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    inp = box.locator("input").first
    for _ in range(5):
        try:
            inp.click(timeout=10000)
            page.keyboard.type(option)
            page.locator('[role="option"]', has_text=option).first.click(timeout=5000)
        except PlaywrightTimeout:
            pass
        if not multi:
            inp.blur()   # the box now shows what is chosen, not what was typed
        page.wait_for_timeout(300)
        taken = (option in box.inner_text() if multi
                 else inp.get_attribute("aria-expanded") == "false" and inp.input_value() == option)
        if taken:
            return
        page.keyboard.press("Escape")
        _settle_quiet(page)
    raise AssertionError(f"{option} could not be chosen: {box.inner_text()!r}")


def _settle_quiet(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
    page.wait_for_timeout(500)


def _alerts(page) -> list[str]:
    """What the app said (its success / warning / error boxes), for a failed assertion."""
    return [e.inner_text()[:500] for e in page.query_selector_all('[data-testid="stAlert"]')]


def _errors(page) -> list[str]:
    return [e.inner_text()[:500] for e in page.query_selector_all(
        '[data-testid="stException"], [data-testid="stAlertContentError"]')]


def _sidebar_ok(page) -> None:
    """Our sidebar: the Chinese page links, the shared filters; Streamlit's own page list
    and the English Deploy button are not there."""
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=\"stSidebar\"] a').length >= {len(NAV)}", timeout=30000)
    side = page.locator('[data-testid="stSidebar"]')
    labels = [a.inner_text().strip() for a in side.locator("a").all()]
    assert [l.split("\n")[-1] for l in labels] == NAV, labels
    wanted = ("筛选", "年度范围", "单位", "单位类型", "地区", "当前筛选")
    # the filters render after the page links (a busy machine showed the links and the year
    # slider before the 单位 box): wait for them, then say which one is missing
    try:
        page.wait_for_function(
            "(ws) => { const s = document.querySelector('[data-testid=\"stSidebar\"]');"
            " return s && ws.every(w => s.innerText.includes(w)); }", arg=list(wanted), timeout=30000)
    except Exception:
        pass
    text = side.inner_text()
    for label in wanted:
        assert label in text, label
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert "Deploy" not in page.inner_text("body")


def _nav(page, title: str, charts: int = 0) -> None:
    page.locator('[data-testid="stSidebar"] a', has_text=title).first.click()
    _settle(page, title, charts)


def _header(page) -> str:
    """The page's "当前筛选:…" caption (under the title)."""
    caps = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').all_inner_texts()
    return next((c.split("当前筛选:")[-1] for c in caps if "当前筛选:" in c), "")


def _url(page, server) -> str:
    return urllib.parse.unquote(page.url)[len(server):]


@pytest.mark.parametrize("path,title,charts,images,shot", PAGES, ids=[p[4] for p in PAGES])
def test_page_renders(page, server, path, title, charts, images, shot):
    page.goto(f"{server}/{path}")
    _settle(page, title, charts, images)
    _shoot(page, shot)
    assert not _errors(page), _errors(page)
    text = page.inner_text("body")
    assert "Traceback" not in text and "Page not found" not in text
    assert title in text
    _sidebar_ok(page)
    active = page.locator('[data-testid="stSidebar"] a[aria-current="page"]')
    assert active.count() == 0 or title in active.first.inner_text()


def test_url_filter_reproduces_view(page, server, browser_db):
    """A link with filters in its query string opens the same filtered view; clicking our
    sidebar links keeps the filter on every page and in every page's URL (one history
    entry per switch, so the back button walks the filtered pages)."""
    import duckdb

    con = duckdb.connect(str(browser_db), read_only=True)
    n_school = con.execute("SELECT count(*) FROM reports WHERE unit_type = '乡镇街道' AND coalesce(is_report, TRUE)").fetchone()[0]
    n_all = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    con.close()
    assert 0 < n_school < n_all
    page.goto(f"{server}/?unit_type=乡镇街道")
    _settle(page, "总览", 2)
    first_metric = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert first_metric.strip() == str(n_school)
    assert _header(page) == "类型:乡镇街道"
    # switching pages keeps the filter: in the sidebar, on the page (first run) and in the URL
    for title, path in (("存在问题", "存在问题"), ("关键词", "关键词"), ("报告浏览", "报告浏览"),
                        ("活动指标", "活动指标"), ("总览", "")):
        _nav(page, title)
        assert _url(page, server) == f"/{path}?unit_type=乡镇街道", page.url
        assert _header(page) == "类型:乡镇街道", title
        assert not _errors(page), (title, _errors(page))
        if title == "存在问题":
            _shoot(page, "problems_filtered")
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text().strip() == str(n_school)
    # the browser's back button: the previous page, still filtered
    page.go_back()
    _settle(page, "活动指标")
    assert _url(page, server) == "/活动指标?unit_type=乡镇街道" and _header(page) == "类型:乡镇街道"
    # a year range in the URL
    page.goto(f"{server}/?years=2020&years=2021")
    _settle(page, "总览", 1)
    assert "当前筛选:2020–2021年" in page.inner_text("body")


def test_filter_set_on_a_page_follows_to_the_others(page, server):
    """Change filters in the sidebar of a sub-page, switch pages, reload, clear."""
    page.goto(f"{server}/存在问题")
    _settle(page, "存在问题")
    assert _header(page) == "全部数据" and _url(page, server) == "/存在问题"
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="单位类型")
    _pick(page, box, "乡镇街道", multi=True)
    page.keyboard.press("Escape")
    _settle(page, "存在问题")
    start = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]').first
    lo = int(start.get_attribute("value"))
    start.focus()
    page.keyboard.press("ArrowRight")
    _settle(page, "存在问题")
    want = f"{lo + 1}–"
    assert want in _header(page) and "类型:乡镇街道" in _header(page)
    assert _url(page, server).startswith("/存在问题?") and "unit_type=乡镇街道" in _url(page, server)
    assert f"years={lo + 1}" in _url(page, server)
    _nav(page, "关键词", 1)
    assert want in _header(page) and "类型:乡镇街道" in _header(page)
    assert f"years={lo + 1}" in _url(page, server) and "unit_type=乡镇街道" in _url(page, server)
    page.reload()
    _settle(page, "关键词", 1)
    assert want in _header(page) and "类型:乡镇街道" in _header(page)
    page.get_by_role("button", name="清除筛选").click()
    _settle(page, "关键词", 1)
    assert _header(page) == "全部数据" and _url(page, server) == "/关键词"
    _nav(page, "活动指标", 1)
    assert _header(page) == "全部数据" and _url(page, server) == "/活动指标"
    assert not _errors(page)


def test_report_link_opens_reader(page, server, browser_db):
    import duckdb

    con = duckdb.connect(str(browser_db), read_only=True)
    rid, = con.execute("SELECT report_id FROM shortcomings ORDER BY report_id LIMIT 1").fetchone()
    title, = con.execute("SELECT title FROM reports WHERE report_id = ?", [rid]).fetchone()
    con.close()
    # the link as the 查看报告 columns write it, and percent-encoded as a copied URL is
    for path in ("报告浏览", urllib.parse.quote("报告浏览")):
        page.goto(f"{server}/{path}?report={rid}")
        _settle(page, "报告浏览")
        page.wait_for_selector(".zj-reader mark", timeout=30000)
        assert page.locator(".zj-reader mark.zj-shortcoming, .zj-reader mark.zj-metric-shortcoming").count() > 0
        assert title in page.inner_text('[data-testid="stMain"] h3')    # that report, by its title
        assert rid not in page.inner_text("body")                      # the hash id is not for reading
    _shoot(page, "reader")
    assert not _errors(page)


def test_password_gate(locked_server, browser, browser_db):
    """With a password configured: only the form (no sidebar, no data), a wrong password
    is refused, the right one opens the page the link asked for, with its filter."""
    import duckdb

    url, log = locked_server
    con = duckdb.connect(str(browser_db), read_only=True)
    units = [r[0] for r in con.execute("SELECT DISTINCT unit FROM reports WHERE unit IS NOT NULL").fetchall()]
    con.close()
    page = _new_page(browser)
    page.goto(f"{url}/存在问题?unit_type=乡镇街道")
    page.wait_for_selector('h1:has-text("总结看板")', timeout=30000)
    _settle(page, "总结看板")
    _shoot(page, "login")
    body = page.inner_text("body")
    assert "访问密码" in body and not any(u in body for u in units) and "乡镇街道" not in body
    assert page.locator('[data-testid="stSidebar"] a').count() == 0
    assert page.locator('[data-testid="stMetricValue"], [data-testid="stPlotlyChart"]').count() == 0
    page.get_by_label("访问密码").fill("不对")
    page.get_by_role("button", name="进入").click()
    page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=30000)
    assert "密码不正确" in page.inner_text("body") and "不对" not in page.inner_text("body")
    page.get_by_label("访问密码").fill(PASSWORD)
    page.keyboard.press("Enter")
    _settle(page, "存在问题")
    assert _header(page) == "类型:乡镇街道" and not _errors(page)
    _sidebar_ok(page)
    _nav(page, "报告浏览")                      # the session stays unlocked
    assert not _errors(page)
    page.get_by_role("button", name="退出登录").click()
    _settle(page, "总结看板")
    assert page.locator('[data-testid="stSidebar"] a').count() == 0
    assert "访问密码" in page.inner_text("body") and page.locator('[data-testid="stMetricValue"]').count() == 0
    page.context.close()
    log.seek(0)
    assert PASSWORD not in log.read()                              # never logged


def test_csv_download_as_a_user(browser, server, browser_db):
    """Change a filter, click the first 下载 CSV, get exactly the filtered data: UTF-8 with a
    BOM, Chinese headers, a file name naming the filter; the page is not reset by the click."""
    import csv
    import io

    import duckdb

    con = duckdb.connect(str(browser_db), read_only=True)
    units = {u for (u,) in con.execute("SELECT DISTINCT coalesce(unit, '(未识别单位)') FROM reports "
                                       "WHERE unit_type = '乡镇街道' AND coalesce(is_report, TRUE)").fetchall()}
    con.close()
    page = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN",
                               accept_downloads=True).new_page()
    page.goto(f"{server}/?unit_type=乡镇街道")
    _settle(page, "总览", 2)
    before = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    button = page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"] button').first
    with page.expect_download(timeout=30_000) as info:
        button.click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")                      # Excel opens the Chinese correctly
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(rows[0]))   # Chinese headers
    assert "乡镇街道" in download.suggested_filename and download.suggested_filename.endswith(".csv")
    assert rows[1:] and {r[0] for r in rows[1:]} <= units | {""}    # only the filtered units
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == before
    assert _url(page, server) == "/?unit_type=乡镇街道" and not _errors(page)


# ---------------------------------------------------------------- exports, as a user gets them
def _download(page, locator, timeout: int = 60_000):
    with page.expect_download(timeout=timeout) as info:
        locator.click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def _downloads_page(browser):
    return browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN",
                               accept_downloads=True).new_page()


def test_xlsx_and_escaped_csv_as_a_user(browser, server, browser_db):
    """The sidebar's raw reports table as CSV and Excel: the unit `--社区` (Excel would show
    #NAME?) comes back as '--社区 in the CSV and as text in the .xlsx; years are numbers,
    headers Chinese, the header row frozen, links absolute to this server."""
    import csv
    import io

    import openpyxl

    page = _downloads_page(browser)
    page.goto(f"{server}/")
    _settle(page, "总览", 2)
    side = page.locator('[data-testid="stSidebar"]')
    side.get_by_text("下载原始数据(当前筛选)").click()
    name, data = _download(page, side.get_by_role("button", name="报告 CSV"))
    assert name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    units = {r["单位"] for r in rows}
    assert "'--社区" in units and "--社区" not in units
    assert all(not r["年度"].endswith(".0") for r in rows) and {r["单位明确署名"] for r in rows} <= {"是", "否", ""}
    name, data = _download(page, side.get_by_role("button", name="报告 Excel"))
    assert name.endswith(".xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["报告编号", "标题", "单位"] and "年度" in header and ws.freeze_panes == "A2"
    col = header.index("年度")
    years = [r[col].value for r in ws.iter_rows(min_row=2)]
    assert any(isinstance(y, int) for y in years) and not any(isinstance(y, str) for y in years)
    assert "--社区" in [r[2].value for r in ws.iter_rows(min_row=2)]      # text in a cell, not a formula

    page.goto(f"{server}/存在问题")
    _settle(page, "存在问题", 1)
    button = page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"] button',
                          has_text="CSV").nth(1)                         # 具体表述, under the chart's
    name, data = _download(page, button)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert name.startswith("存在问题-表述") and rows
    assert all(r["查看报告"].startswith(f"{server}/报告浏览?report=") for r in rows)
    assert not _errors(page)
    page.context.close()


def test_brief_as_a_user(browser, server, browser_db):
    """生成简报 in the sidebar of a filtered page: the .docx and the .pdf name the filter and
    give the figures; the PDF carries its CJK font."""
    import io

    import duckdb
    from docx import Document
    from pypdf import PdfReader

    con = duckdb.connect(str(browser_db), read_only=True)
    n = con.execute("SELECT count(*) FROM reports WHERE unit_type = '乡镇街道' AND is_report").fetchone()[0]
    con.close()
    page = _downloads_page(browser)
    page.goto(f"{server}/存在问题?unit_type=乡镇街道")
    _settle(page, "存在问题", 1)
    side = page.locator('[data-testid="stSidebar"]')
    side.get_by_text("生成简报 · 导出 Excel").click()
    name, data = _download(page, side.get_by_role("button", name="生成简报(Word)"))
    assert name.endswith(".docx") and "乡镇街道" in name
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "范围:类型:乡镇街道" in text and f"报告 {n} 篇" in text
    name, data = _download(page, side.get_by_role("button", name="生成简报(PDF)"))
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert name.endswith(".pdf") and "范围:类型:乡镇街道" in text and f"报告 {n} 篇" in text
    fonts = [f.get_object() for p in reader.pages for f in (p["/Resources"].get("/Font") or {}).values()]
    assert any("WenQuanYi" in str(f["/BaseFont"]) and "/FontFile2" in
               f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object() for f in fonts)
    name, data = _download(page, side.get_by_role("button", name="全部表格(Excel 工作簿)"))
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert name.endswith(".xlsx") and wb["报告"].max_row - 1 == n and wb["说明"]["B2"].value == "类型:乡镇街道"
    assert not _errors(page)
    page.context.close()


def test_click_a_heatmap_cell_lands_on_its_sentences(browser, server, browser_db):
    """A shared link opens 活动指标 on the 单位 × 类别 tab with its 计量单位; clicking a cell
    lists the mentions behind it, and 打开 opens the reader scrolled to the sentence."""
    import urllib.parse as up

    import csv
    import io

    page = _downloads_page(browser)
    page.goto(f"{server}/活动指标?measure=次&tab=" + up.quote("单位 × 类别"))
    _settle(page, "活动指标", 1)
    assert page.get_by_role("tab", name="单位 × 类别").get_attribute("aria-selected") == "true"
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                           ".some(g => g.data && g.data[0] && g.data[0].type === 'heatmap' && g.offsetParent)",
                           timeout=30000)
    # the centre of the top-left cell, from plotly's own axes
    xy = page.evaluate("""() => {
        const g = [...document.querySelectorAll('.js-plotly-plot')].find(
            g => g.data && g.data[0] && g.data[0].type === 'heatmap' && g.offsetParent);
        const fl = g._fullLayout, xa = fl.xaxis, ya = fl.yaxis, r = g.getBoundingClientRect();
        const z = g.data[0].z; let i = 0, j = 0;
        outer: for (i = 0; i < z.length; i++) for (j = 0; j < z[i].length; j++) if (z[i][j] > 0) break outer;
        return [r.left + xa._offset + xa.l2p(j), r.top + ya._offset + ya.l2p(i)];
    }""")
    page.mouse.click(xy[0], xy[1])
    page.wait_for_function("() => /:\\d+ 条指标/.test(document.body.innerText)", timeout=30000)
    import re

    n = int(re.search(r":(\d+) 条指标", page.inner_text('[data-testid="stMain"]')).group(1))
    assert n >= 1
    # the table's links are drawn on a canvas: read them from its CSV
    buttons = page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"] button:visible', has_text="CSV")
    name, data = _download(page, buttons.nth(1))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert name.startswith("活动指标-所选") and len(rows) == n
    href = rows[0]["查看报告"]
    assert href.startswith(f"{server}/报告浏览?report=") and "hl=" in href
    page.goto(href)
    _settle(page, "报告浏览")
    page.wait_for_selector("#zj-target", state="attached", timeout=30000)
    page.wait_for_timeout(1500)
    inside = page.evaluate("""() => { const m = document.getElementById('zj-target').nextElementSibling;
        const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }""")
    assert inside and not _errors(page)
    page.context.close()


@pytest.mark.parametrize("path,title,charts,images,shot", PAGES, ids=[p[4] for p in PAGES])
def test_phone_layout(browser, server, path, title, charts, images, shot):
    """390×844 (a phone): every page renders, nothing is wider than the screen; screenshots
    to tests/artifacts/phone-*.png."""
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                               device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{server}/{path}")
    _settle(page, title, min(charts, 1), 0)
    wide = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 2 && e.offsetParent
                && !e.closest('[data-testid="stDataFrame"], .js-plotly-plot, .zj-kwic, [data-testid="stTabs"] [role="tablist"]'))
        .map(e => e.tagName + '.' + (e.getAttribute('data-testid') || e.className)).slice(0, 5)""")
    assert not wide, wide
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 392
    _shoot(page, f"phone-{shot}")
    assert not _errors(page)
    page.context.close()


def test_upload_a_doc_says_save_as_docx(browser, server):
    """A .doc chosen in the uploader is taken (no English hover refusal) and refused on 开始导入
    with the Chinese reason and what to do; nothing imported is not a green success."""
    page = _new_page(browser)
    page.goto(f"{server}/数据导入")
    _settle(page, "数据导入")
    # Streamlit's English words are still in the DOM, drawn at size 0; ours in their place
    page.wait_for_selector('[data-testid="stFileUploaderDropzone"] button p', timeout=30000)
    page.wait_for_selector('[data-testid="stFileUploaderDropzoneInstructions"] span', timeout=30000)
    shown = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stFileUploaderDropzoneInstructions"] span, [data-testid="stFileUploaderDropzone"] button p')]
        .map(e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content])""")
    assert shown and all(size == "0px" for size, _ in shown)
    assert {after for _, after in shown} >= {'"拖放文件到此处"', '"选择文件"'}
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        [{"name": "年度总结.doc", "mimeType": "application/msword", "buffer": b"\xd0\xcf\x11\xe0old word"}])
    page.wait_for_function("() => document.body.innerText.includes('年度总结.doc')", timeout=30000)
    page.get_by_role("button", name="开始导入").click()
    page.wait_for_function("() => document.body.innerText.includes('另存为')", timeout=60000)
    body = page.inner_text('[data-testid="stMain"]')
    assert "年度总结.doc" in body and "另存为” .docx" in body and "跳过 1 个" in body
    assert "请先选择要上传的文件" not in body and "not allowed" not in body
    assert page.locator('[data-testid="stAlertContentSuccess"]').count() == 0


def test_roster_corrections_survive_reingest(browser, server, browser_db, tmp_path):
    """The supervisor's flow end to end (runs last: it changes the shared database): upload a
    roster on 数据导入, see 未报送 cells under a year filter on 总览, correct a report's unit
    and year in 报告浏览, re-ingest (--rebuild: every extracted row replaced), and find the
    correction still in the reader, in the reports CSV and in the JSONL export."""
    import csv
    import io
    import json

    import duckdb

    from pipeline.outputs.export import export_jsonl
    from pipeline.ingest import ingest_paths
    from playwright.sync_api import expect

    from tests.test_roster import ROSTER_CSV

    con = duckdb.connect(str(browser_db), read_only=True)
    rid, = con.execute("SELECT report_id FROM reports WHERE unit = '办公室'").fetchone()
    con.close()
    page = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN",
                               accept_downloads=True).new_page()
    # 1. upload the roster
    src = tmp_path / "名单.csv"
    src.write_text(ROSTER_CSV, encoding="utf-8")
    page.goto(f"{server}/数据导入")
    _settle(page, "数据导入")
    page.locator('[data-testid="stFileUploader"]').filter(has_text="名单文件").locator(
        'input[type="file"]').set_input_files(str(src))
    page.wait_for_timeout(500)
    page.get_by_role("button", name="导入名单").click()
    page.wait_for_selector('text=名单已导入:10 个单位', timeout=30000)
    _settle(page, "数据导入")
    assert "当前名单 10 个单位" in page.inner_text("body") and not _errors(page)
    # 2. a year range with no report: every roster unit is 未报送
    page.goto(f"{server}/?years=2019&years=2019")
    _settle(page, "总览", 1)
    body = page.inner_text("body")
    assert "名单内 10 个单位:10 个单位未报送" in body, body[:2000]
    assert page.locator('[data-testid="stPlotlyChart"] text', has_text="未报送").count() >= 10
    _shoot(page, "overview_roster")
    # 3. correct the report's unit (to a roster unit) and year
    page.goto(f"{server}/报告浏览?report={rid}")
    _settle(page, "报告浏览")
    page.locator('[data-testid="stExpander"] summary', has_text="更正本报告").click()
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="单位:改为名单中的单位")
    # The box and the year must hold their values before saving (CI once timed out waiting for
    # the message); whatever the app then says is shown if it is not the 2.
    _pick(page, box, "县委宣传部")
    expect(box.locator("input")).to_have_value("县委宣传部", timeout=30000)
    year = page.get_by_label("年度", exact=True)
    year.fill("2020")
    expect(year).to_have_value("2020")
    page.get_by_role("button", name="保存更正").click()
    page.wait_for_selector("text=/已保存 \\d+ 项更正|未保存|没有要保存的更改/", timeout=30000)
    assert "已保存 2 项更正" in page.inner_text("body"), _alerts(page)
    _settle(page, "报告浏览")
    assert not _errors(page)
    # 4. re-ingest: every extracted row is replaced
    ingest_paths([ROOT / "data" / "sample"], db=browser_db, workers=1, rebuild=True)
    # 5. still corrected in the reader
    page.goto(f"{server}/报告浏览?report={rid}")
    _settle(page, "报告浏览")
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert values[:2] == ["县委宣传部", "2020"], values
    assert "已更正 2 项" in page.inner_text("body")
    _shoot(page, "reader_corrected")
    # ... in the reports CSV (sidebar: 下载原始数据)
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary', has_text="下载原始数据").click()
    with page.expect_download(timeout=30_000) as info:
        page.locator('[data-testid="stSidebar"] [data-testid="stDownloadButton"] button', has_text="报告 CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_bytes().decode("utf-8-sig"))))
    row = next(r for r in rows if r["报告编号"] == rid)
    assert (row["单位"], row["年度"], row["原识别单位"], row["已更正"]) == ("县委宣传部", "2020", "办公室", "是")
    # ... and in the export
    out = tmp_path / "export.jsonl"
    export_jsonl(browser_db, out)
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    fixed = next(r for r in exported if r["unit"] == "县委宣传部")
    assert fixed["year"] == 2020 and {(c["field"], c["value"]) for c in fixed["corrections"]} == {
        ("unit", "县委宣传部"), ("year", "2020")}
    page.context.close()
