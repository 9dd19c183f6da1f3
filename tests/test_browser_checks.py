"""The 考核 rule editor in headless Chromium (set-up shared with tests/test_browser.py):
change 理论学习中心组学习's threshold from 4 to 13 in the browser's table, save, and see
县教育局 (12 sessions) flip from 达标 to 未达标 - its score drops by the rule's 15 points, the
count of 未达标 rises - and the installation's rules file written with the new threshold."""
from __future__ import annotations

import shutil

import pytest

from tests.test_browser import _errors, _serve, _settle, _shoot, browser  # noqa: F401 (fixture)
from tests.test_checks import checks_db  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def checks_server(checks_db, tmp_path_factory):
    root = tmp_path_factory.mktemp("browser_checks")
    db = root / "checks.duckdb"
    shutil.copyfile(checks_db, db)
    rules = root / "user_rules.toml"
    with _serve(db, tmp_path_factory, ZONGJIE_CHECK_RULES=str(rules)) as (url, _):
        yield url, rules


def _metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_edit_a_threshold_in_the_browser(browser, checks_server):
    url, rules = checks_server
    page = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN").new_page()
    page.goto(f"{url}/考核")
    _settle(page, "考核")
    assert not _errors(page)
    assert _metric(page, "未达标") == "9"                         # 县卫生健康局: all nine below
    assert _metric(page, "平均得分") == "33.3"                     # 100, 0, 0
    page.get_by_role("tab", name="得分与扣分").click()
    page.wait_for_selector("text=县教育局(2022年,100分)", timeout=30000)
    page.get_by_role("tab", name="考核规则").click()
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("canvas")).last
    grid.wait_for(state="visible", timeout=30000)
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    # the first body cell (编号 of the first rule), then down to the fifth rule (中心组学习)
    # and right to 阈值
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")                 # open the cell's editor on its value
    page.wait_for_timeout(400)
    page.keyboard.press("Control+A")
    page.keyboard.type("13", delay=50)
    page.keyboard.press("Enter")                 # commit
    page.wait_for_timeout(800)
    page.get_by_role("button", name="保存规则").click()
    page.wait_for_function("() => document.body.innerText.includes('本机副本')", timeout=30000)
    _settle(page, "考核")
    assert not _errors(page), _errors(page)
    # the user copy: written, with the new threshold on the right rule only
    text = rules.read_text(encoding="utf-8")
    block = text.split('id = "zhongxinzu"')[1].split("[[rule]]")[0]
    assert "threshold = 13" in block and text.count("threshold = 13") == 1
    # the verdict flipped: one more 未达标, 县教育局 loses the rule's 15 points
    assert _metric(page, "未达标") == "10"
    assert _metric(page, "平均得分") == "28.3"                     # 85, 0, 0
    page.get_by_role("tab", name="得分与扣分").click()
    page.wait_for_selector("text=县教育局(2022年,85分)", timeout=30000)
    _shoot(page, "checks_rule_edited")
    page.context.close()


def test_a_verdicts_evidence_opens_in_the_reader(browser, checks_server):
    """单位考核表 → 依据原文: the evidence link (drawn on the grid's canvas, so read from the
    table's CSV as a user who copies it would) opens 报告浏览 scrolled to the highlighted sentence."""
    import csv
    import io

    from tests.test_browser import _download, _downloads_page

    url, _ = checks_server
    page = _downloads_page(browser)
    page.goto(f"{url}/考核")
    _settle(page, "考核")
    page.get_by_role("tab", name="单位考核表").click()
    page.wait_for_selector("text=依据原文", timeout=30000)
    page.wait_for_timeout(1000)
    buttons = page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"] button:visible', has_text="CSV")
    rows = None
    for i in range(buttons.count()):
        name, data = _download(page, buttons.nth(i))
        if name.startswith("考核-依据"):
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
            break
    assert rows, "no evidence table"
    href = rows[0]["查看报告"]
    assert href.startswith(f"{url}/报告浏览?report=") and "hl=" in href
    page.goto(href)
    _settle(page, "报告浏览")
    page.wait_for_selector("#zj-target", state="attached", timeout=30000)
    page.wait_for_timeout(1500)
    marked = page.evaluate("""() => { const m = document.getElementById('zj-target').nextElementSibling;
        const r = m.getBoundingClientRect();
        return {text: m.innerText, inside: r.top >= 0 && r.bottom <= window.innerHeight}; }""")
    assert marked["inside"], marked
    # the highlighted clause is the evidence sentence's (its first characters, markup aside)
    assert rows[0]["原文"].strip()[:6] in marked["text"].replace("\n", ""), (rows[0]["原文"], marked["text"])
    assert not _errors(page)
    page.context.close()
