"""The app's frame (`app.py` runs it): Streamlit's `st.navigation` entry point.

Why a frame: in the old `pages/` folder mode every page was its own script, so each page
repeated the page config, the password gate and the sidebar, and the sidebar's widgets were
new widgets on every page (their values had to be carried by hand). Here the frame draws them
once, per run: page config, the gate, our navigation links and the shared filters; then it
runs the chosen page, which only draws its own content (`frame.filters()` gives it the
filter). URLs stay what they were (`/活动指标`, `/报告浏览?report=…`): each page's url_path is
the one Streamlit derived from its file name (`registry.PageDef.url_path`).
"""
from __future__ import annotations

import threading

import duckdb
import streamlit as st

from dashboard import auth, chrome, states, widgets, word_cloud
from dashboard.links import filter_params
from dashboard.registry import APP_NAME, PAGE_BY_TITLE, PAGES


_run = threading.local()      # set while the frame draws and runs a page (one script run per thread)


def filters() -> dict:
    """What a page starts with: the filter the frame drew for this run.

    Why the check: while a `pages/` folder exists, Streamlit runs a deep link (`/活动指标`)
    the old way - the page file alone, without app.py - on a server's first run and in
    AppTest. A page started without the frame draws the frame here (gate, sidebar), which
    runs the page again inside it, then stops this outer run.
    """
    if not getattr(_run, "active", False):
        run()
        st.stop()
    return widgets.current_filters()


def _pages() -> dict[str, st.Page]:
    """title -> Streamlit page, for every row of `registry.PAGES` (总览 is the default, at `/`)."""
    return {p.title: st.Page(p.script, title=p.title, icon=p.icon, default=p.default,
                             **({} if p.default else {"url_path": p.url_path})) for p in PAGES}


def run() -> None:
    """Draw the frame and run the page the URL asks for."""
    _run.active = True
    word_cloud.warm_in_background()     # once per process: the first word cloud's imports and font
    try:
        _draw_and_run()
    finally:
        _run.active = False


def _draw_and_run() -> None:
    st.set_page_config(page_title=APP_NAME, page_icon="📊", layout="wide")
    chrome.inject()          # Streamlit's own English in Chinese, the print stylesheet
    auth.gate()
    pages = _pages()
    current = st.navigation(list(pages.values()), position="hidden")
    title = current.title
    st.set_page_config(page_title=f"{title} · {APP_NAME}")
    sidebar(title, pages)
    page = PAGE_BY_TITLE[title]
    if page.imports:
        allowed, why = auth.import_allowed()
        if not allowed:
            st.title(title)
            st.info(why, icon=":material/lock:")
            st.stop()
    current.run()


def sidebar(title: str, pages: dict) -> dict:
    """The sidebar drawn on every run: app name, our navigation, the shared filters (and
    退出登录 when the gate is on), and the banner when there is no database. Returns the
    filter dict (also kept for `widgets.current_filters`)."""
    with st.sidebar:
        st.markdown(f"**{APP_NAME}** · 意识形态工作总结分析")
        links = st.container()
    with states.guard():
        widgets.sidebar(title)
    filters = widgets.current_filters()
    with links:
        nav(filters, pages)
    if auth.enabled():
        st.sidebar.button("退出登录", on_click=auth.logout, icon=":material/logout:", key="zj_logout",
                          type="tertiary")
    states.db_banner()
    return filters


def nav(filters: dict, pages: dict) -> None:
    """Our own page links (Streamlit's page list is hidden by `client.showSidebarNavigation
    = false`): Chinese labels and icons, and each link carries the current filter in its
    query string, so the page it opens has the same filter in its URL."""
    try:
        params = filter_params(filters)
    except duckdb.Error:          # the database is unreadable right now: links without filter
        params = []
    allowed, why = auth.import_allowed()
    for p in PAGES:
        locked = p.imports and not allowed
        st.page_link(pages[p.title], label=p.title, icon=p.icon, query_params=params or None,
                     disabled=locked, help=why if locked else "")
