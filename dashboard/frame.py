"""The app's frame (`app.py` runs it): Streamlit's `st.navigation` entry point.

Why a frame: in the old `pages/` folder mode every page was its own script, so each page
repeated the page config, the password gate and the sidebar, and the sidebar's widgets were
new widgets on every page (their values had to be carried by hand). Here the frame draws them
once, per run: page config, the gate, our navigation links and the shared filters; then it
runs the chosen page, which only draws its own content (`frame.filters()` gives it the
filter). URLs stay what they were (`/活动指标`, `/报告浏览?report=…`): each page's url_path is
the one Streamlit derived from its file name (`ui.PageDef.url_path`).
"""
from __future__ import annotations

import threading

import streamlit as st

from dashboard import auth, ui


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
    return ui.current_filters()


def _pages() -> dict[str, st.Page]:
    """title -> Streamlit page, for every row of `ui.PAGES` (总览 is the default, at `/`)."""
    return {p.title: st.Page(p.script, title=p.title, icon=p.icon, default=p.default,
                             **({} if p.default else {"url_path": p.url_path})) for p in ui.PAGES}


def run() -> None:
    """Draw the frame and run the page the URL asks for."""
    _run.active = True
    try:
        _draw_and_run()
    finally:
        _run.active = False


def _draw_and_run() -> None:
    st.set_page_config(page_title=ui.APP_NAME, page_icon="📊", layout="wide")
    auth.gate()
    pages = _pages()
    current = st.navigation(list(pages.values()), position="hidden")
    title = current.title
    st.set_page_config(page_title=f"{title} · {ui.APP_NAME}")
    ui.frame_sidebar(title, pages)
    page = ui.PAGE_BY_TITLE[title]
    if page.imports:
        allowed, why = auth.import_allowed()
        if not allowed:
            st.title(title)
            st.info(why, icon=":material/lock:")
            st.stop()
    current.run()
