"""Streamlit's own chrome in a real browser (dashboard/chrome.py): no English UI words on
any page (text, tooltips, placeholders, aria labels; the multiselect's dropdown and the
data grid's toolbar included), `lang="zh-CN"`, no English top-right menu; a print of a
page is clean (no sidebar, header or buttons; every table row on paper); and on a phone
a tap shows what a hover shows (the reader's extraction labels, a chart's rows).

Served like tests/test_browser.py (same fixtures, its own server)."""
from __future__ import annotations

import io
import os
import re

import pytest

from tests.test_browser import (PAGES, _settle, browser, browser_db, server)  # noqa: F401

pytestmark = pytest.mark.browser

# English that may stay: file formats and product names users know by these words, and the
# English column headers a roster file may use (the 数据导入 page says they are accepted).
ALLOWED = {"CSV", "csv", "xlsx", "XLSX", "PDF", "pdf", "docx", "txt", "md", "html", "htm", "zip", "Excel",
           "Word", "MB", "KB", "name", "unit_type", "region", "aliases",
           "X"}                                  # 占位数值 “X次”, as reports write it

# Every visible English word: text nodes and the title / aria-label / placeholder of visible
# elements; not icon ligatures (Material icon names are text drawn as an icon), not report
# text (the reader, keyword-in-context lines, print-only tables), not text drawn at size 0.
VISIBLE_ENGLISH = r"""() => {
  const SKIP = '[data-testid="stIconMaterial"], [data-testid="stExpanderIcon"], [translate="no"][aria-hidden="true"], .zj-reader, .zj-kwic, .zj-print, script, style, noscript';
  const shown = e => { if (!e || !e.getClientRects().length) return false;
    const s = getComputedStyle(e);
    return s.visibility !== 'hidden' && s.fontSize !== '0px' && parseFloat(s.opacity || '1') > 0; };
  const words = t => (t.match(/[A-Za-z][A-Za-z_'’.]*/g) || []).map(w => w.replace(/[.'’]+$/, ''));
  const out = [];
  const it = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = it.nextNode())) {
    const p = n.parentElement;
    if (!p || p.closest(SKIP) || !shown(p)) continue;
    for (const w of words(n.nodeValue)) out.push(w + ' | ' + n.nodeValue.trim().slice(0, 60));
  }
  for (const e of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
    if (e.closest(SKIP) || !shown(e) && e.tagName !== 'INPUT') continue;
    for (const a of ['title', 'aria-label', 'placeholder']) {
      const v = e.getAttribute(a); if (!v) continue;
      for (const w of words(v)) out.push(w + ' | @' + a + ': ' + v.slice(0, 60));
    }
  }
  return out; }"""


def _english(page) -> list[str]:
    page.wait_for_timeout(700)            # the translation runs 300 ms after the last change
    return [w for w in page.evaluate(VISIBLE_ENGLISH) if w.split(" | ")[0] not in ALLOWED]


def _report_words(browser_db) -> set[str]:
    """English that comes from the reports themselves (titles, units: data, not UI)."""
    import duckdb

    con = duckdb.connect(str(browser_db), read_only=True)
    text = " ".join(str(v) for row in con.execute(
        "SELECT coalesce(title, ''), coalesce(unit, ''), coalesce(source, '') FROM reports").fetchall() for v in row)
    con.close()
    return set(re.findall(r"[A-Za-z][A-Za-z_]*", text))


@pytest.fixture(scope="module")
def zh_page(server, browser):
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    yield ctx.new_page()
    ctx.close()


@pytest.mark.parametrize("path,title,charts,images,shot", PAGES, ids=[p[4] for p in PAGES])
def test_no_english_ui_text(zh_page, server, browser_db, path, title, charts, images, shot):
    page = zh_page
    page.goto(f"{server}/{path}")
    _settle(page, title, charts, images)
    data = _report_words(browser_db)
    left = [w for w in _english(page) if w.split(" | ")[0] not in data]
    assert not left, left
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator('[data-testid="stMainMenu"]').count() == 0          # the English menu is off


def test_widgets_and_toolbars_speak_chinese(zh_page, server):
    """The multiselect's dropdown (全选 / 无匹配项), the data grid's toolbar (its raw CSV
    export hidden: ours is under the table; 搜索 / 全屏 tooltips)."""
    page = zh_page
    page.goto(f"{server}/")
    _settle(page, "总览", 1)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="单位类型")
    box.locator("input").click()
    page.wait_for_selector('[role="listbox"], [data-baseweb="menu"]', timeout=10000)
    page.wait_for_function("() => document.body.innerText.includes('全选')", timeout=10000)
    assert not _english(page), _english(page)
    page.keyboard.type("zzzz")
    page.wait_for_function("() => document.body.innerText.includes('无匹配项')", timeout=10000)
    assert "No results" not in page.inner_text("body") and not _english(page)
    page.keyboard.press("Escape")

    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 10)
    page.wait_for_selector('[data-testid="stElementToolbar"] button:visible', timeout=10000)
    labels = page.eval_on_selector_all('[data-testid="stElementToolbar"] button',
                                       "bs => bs.filter(b => b.getClientRects().length).map(b => b.getAttribute('aria-label'))")
    assert "搜索" in labels and "全屏" in labels and not any("CSV" in (l or "") for l in labels), labels
    page.locator('[data-testid="stElementToolbar"] button[aria-label="搜索"]:visible').first.hover()
    page.wait_for_timeout(800)
    assert not _english(page), _english(page)


def test_print_is_clean(browser, server, browser_db):
    """Printing 存在问题: no sidebar, header, buttons or download rows; the main column full
    width; each table's every row on paper (the grid on screen is a canvas); A4."""
    import duckdb
    from pypdf import PdfReader

    con = duckdb.connect(str(browser_db), read_only=True)
    n_quality = len(con.execute("SELECT 1 FROM reports").fetchall())
    con.close()
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{server}/")
    _settle(page, "总览", 2)
    page.emulate_media(media="print")
    page.wait_for_timeout(500)
    hidden = page.evaluate("""() => ['[data-testid="stSidebar"]', '[data-testid="stHeader"]',
        '[data-testid="stDownloadButton"]', '[data-testid="stDataFrame"]']
        .map(s => [s, [...document.querySelectorAll(s)].every(e => !e.getClientRects().length)])""")
    assert all(ok for _, ok in hidden), hidden
    main = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').getBoundingClientRect().width")
    assert main >= 1400                                   # the sidebar's room is given back
    assert page.locator(".zj-print table:visible").count() >= 2
    rows = page.evaluate("() => [...document.querySelectorAll('.zj-print table')].map(t => t.tBodies[0].rows.length)")
    assert max(rows) >= 1
    pdf = page.pdf(format="A4", print_background=True)
    ctx.close()
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join("".join(p.extract_text().split()) for p in reader.pages)
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.28) < 2 and abs(float(box.height) - 841.89) < 2
    assert "总览" in text and "数据质量" in text
    assert "年度范围" not in text and "下载CSV" not in text and "生成简报" not in text   # sidebar, buttons
    assert "没有识别出年份的报告" in text                     # a row of the quality table, in print
    assert n_quality > 0


def test_phone_tap_shows_what_hover_shows(browser, server, browser_db):
    """390 px wide, touch: tapping a highlighted sentence in the reader shows its
    extraction (the hover title) inline; tapping a bar on 活动指标 lists its rows."""
    import duckdb

    con = duckdb.connect(str(browser_db), read_only=True)
    rid, = con.execute("SELECT report_id FROM shortcomings ORDER BY report_id LIMIT 1").fetchone()
    con.close()
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2,
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(f"{server}/报告浏览?report={rid}")
    _settle(page, "报告浏览")
    mark = page.locator(".zj-reader mark[title]").first
    mark.scroll_into_view_if_needed()
    title = mark.get_attribute("title")
    assert "(点按或鼠标悬停查看提取结果)" in page.inner_text("body")
    assert page.evaluate("(m) => getComputedStyle(m, '::after').content", mark.element_handle()) in ("none", "normal")
    mark.tap()
    page.wait_for_timeout(300)
    after = page.evaluate("(m) => getComputedStyle(m, '::after').content", mark.element_handle())
    assert title and title in after, (title, after)

    page.goto(f"{server}/活动指标")
    _settle(page, "活动指标", 1)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some(g => g.data && "
                           "g.data[0] && g.data[0].type === 'bar' && g.offsetParent)", timeout=30000)
    xy = page.evaluate("""() => {
        const g = [...document.querySelectorAll('.js-plotly-plot')].find(
            g => g.data && g.data[0] && g.data[0].type === 'bar' && g.offsetParent);
        g.scrollIntoView({block: 'center'});
        const r = [...g.querySelectorAll('.point path')].map(p => p.getBoundingClientRect())
                  .find(r => r.height > 5 && r.width > 3);
        return [r.left + r.width / 2, r.top + r.height / 2]; }""")
    before = page.inner_text('[data-testid="stMain"]')
    page.touchscreen.tap(xy[0], xy[1])
    page.wait_for_function("(b) => document.querySelector('[data-testid=\"stMain\"]').innerText !== b "
                           "&& /:\\d+ 条指标/.test(document.querySelector('[data-testid=\"stMain\"]').innerText)",
                           arg=before, timeout=30000)
    assert page.locator(".hoverlayer .hovertext").count() >= 1       # the hover label, shown by the tap
    ctx.close()


def test_an_escaped_exception_is_a_chinese_message(browser, tmp_path):
    """A page that raises (a bug) shows the generic message in Chinese, no traceback, no
    exception type: the committed config (showErrorDetails = "none") plus the script."""
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    from tests.test_browser import ROOT, _free_port

    app = tmp_path / "boom.py"
    app.write_text("import streamlit as st\nfrom dashboard import chrome\nchrome.inject()\n"
                   "st.title('出错页')\nraise ValueError('内部细节 secret-detail')\n", encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.fileWatcherType", "none"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        page = browser.new_context(locale="zh-CN").new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector('[data-testid="stException"]', timeout=30000)
        page.wait_for_function("() => document.body.innerText.includes('页面出错了')", timeout=10000)
        body = page.inner_text("body")
        assert "ValueError" not in body and "secret-detail" not in body and "Traceback" not in body
        assert not _english(page), _english(page)
        page.context.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)            # our own process group only
        proc.wait(timeout=10)
