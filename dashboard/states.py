"""What a page shows instead of data: the title with the filter in words, an empty state
that says why (no reports, filter too narrow, nothing extracted), and a message instead of a
traceback when the database cannot be read."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import duckdb
import streamlit as st

from dashboard import cache
from dashboard.highlight import md
from pipeline.queries.filters import describe

NO_DATA_HINT = "请在左侧「数据导入」页上传报告(.docx、.pdf、.txt、.html 或 .zip 压缩包),导入完成后各页即显示统计结果。"


def empty(message: str, hint: str | None = None) -> None:
    st.info(message + (f"\n\n{hint}" if hint else ""), icon=":material/info:")


def empty_extract(message: str, source_hint: str, filters: dict) -> None:
    """Empty state for a page fed by one extraction table: says whether there is no data at
    all, the filter is too narrow, or the extraction has not produced rows yet."""
    if cache.report_total() == 0:
        empty("数据库中还没有报告。", NO_DATA_HINT)
    elif filters:
        empty(message, "请放宽左侧筛选条件。")
    else:
        empty(message, source_hint)


def page_header(title: str, filters: dict, intro: str | None = None) -> None:
    st.title(title)
    st.caption(("" if not intro else intro + " · ") + "当前筛选:" + md(describe(filters)))


@contextlib.contextmanager
def guard() -> Iterator[None]:
    """A database that cannot be read right now gives a message, not a traceback."""
    try:
        yield
    except duckdb.Error as exc:
        st.error(cache.db_problem() or "暂时无法读取数据库,请稍后刷新页面。", icon=":material/error:")
        with st.expander("技术细节"):
            st.code(f"{type(exc).__name__}: {exc}")


def db_banner() -> None:
    """Say so when there is no usable database, instead of pages that quietly show 0 reports."""
    from pipeline.config import db_path

    if not Path(db_path()).exists():      # (a corrupt file is reported by `guard` where queries fail)
        st.warning("还没有数据库文件:尚未导入报告,或数据文件已被删除、移走。请在「数据导入」页上传报告。"
                   "(若首次导入正在进行,请稍后刷新。)",
                   icon=":material/info:")
