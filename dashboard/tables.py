"""Tables as every page shows them: Chinese headers, empty cells blank, long tables capped
on screen (the CSV keeps every row), the report id hidden, a CSV/Excel download beside each,
and a plain HTML copy for print (the data grid is a canvas that prints only what is on screen)."""
from __future__ import annotations

import os
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.downloads import download, download_lazy
from dashboard.highlight import esc
from dashboard.registry import READER
from pipeline.queries.labels import LABELS, fmt_num, zh


def blank_text(df: pd.DataFrame) -> pd.DataFrame:
    """Empty text cells show empty, not "None"."""
    text_cols = [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]
    return df.assign(**{c: df[c].fillna("") for c in text_cols}) if text_cols else df


def table_rows() -> int:
    """Most rows a long table sends to the browser (`ZONGJIE_TABLE_ROWS`, default 2,000)."""
    try:
        return max(1, int(os.environ.get("ZONGJIE_TABLE_ROWS", "2000")))
    except ValueError:
        return 2000


def table(df: pd.DataFrame, what: str, key: str, filters: dict | None = None, *, labelled: bool = False,
          capped: bool = False, **kwargs) -> pd.DataFrame:
    """st.dataframe of `df` with Chinese headers, plus its CSV download. Returns what is shown.

    `capped`: a table that grows with the corpus (every metric mention: 100,000 rows at
    10,000 reports, tens of MB to the browser) shows its first `table_rows()` rows and says
    so; its CSV still holds every row, as Datasette pages a table but exports all of it."""
    full = df if labelled else zh(df)
    shown = full
    if capped and len(full) > table_rows():
        shown = full.head(table_rows())
        st.caption(f"共 {len(full):,} 条,表中显示前 {len(shown):,} 条;下载 CSV 含全部 {len(full):,} 条。")
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    # The report's hash id is for files and links, not for reading: hidden on screen, kept in
    # the download.
    config = dict(kwargs.pop("column_config", None) or {})
    if LABELS["report_id"] in shown.columns:
        config.setdefault(LABELS["report_id"], None)
    kwargs["column_config"] = config
    shown = blank_text(shown)
    # The data grid is a canvas that prints only the rows on screen: a plain HTML copy
    # (hidden on screen) stands in for it on paper (dashboard/chrome.py, @media print).
    with st.container(key=f"zjtbl-{key}"):
        event = st.dataframe(shown, key=f"tbl_{key}", **kwargs)
        st.html(print_table(shown, hidden=[c for c, v in config.items() if v is None]))
    download(full, what, key=key, filters=filters)
    return event if kwargs.get("on_select") not in (None, "ignore") else shown


def table_capped(fetch: Callable[[int | None], pd.DataFrame], total: int, what: str, key: str,
                 filters: dict | None = None, **kwargs) -> pd.DataFrame:
    """A long table whose query takes the cap itself: `fetch(limit)` returns the first
    `limit` rows (None: all), `total` how many there are. At 100,000 reports a page asks the
    database for 2,000 rows, not a million (BENCHMARKS.md, session 4); the CSV still holds
    every row, fetched only when clicked."""
    shown = fetch(table_rows())
    if total > len(shown):
        st.caption(f"共 {total:,} 条,表中显示前 {len(shown):,} 条;下载 CSV 含全部 {total:,} 条。")
    config = dict(kwargs.pop("column_config", None) or {})
    if "report_id" in shown.columns:
        config.setdefault(LABELS["report_id"], None)
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    out = blank_text(zh(shown))
    with st.container(key=f"zjtbl-{key}"):      # as `table`: a print copy beside the grid
        st.dataframe(out, key=f"tbl_{key}", column_config=config, **kwargs)
        st.html(print_table(out, hidden=[c for c, v in config.items() if v is None]))
    download_lazy(lambda: zh(fetch(None)), what, key=key, filters=filters)
    return shown


PRINT_ROWS = 300


def grid(shown: Any, data: pd.DataFrame, key: str, **kwargs) -> None:
    """st.dataframe of `shown` (a DataFrame, or a Styler for coloured verdicts) with the plain
    print copy of `data` that `table` gives its tables: the grid is a canvas that prints only
    the rows on screen. For tables whose download is made separately."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    with st.container(key=f"zjtbl-{key}"):
        st.dataframe(shown, key=f"tbl_{key}", **kwargs)
        st.html(print_table(data))


def print_table(df: pd.DataFrame, hidden: Iterable[str] = ()) -> str:
    """`df` as an escaped HTML table for print only (class zj-print: not shown on screen);
    at most PRINT_ROWS rows, saying so when cut (the CSV holds every row)."""
    # link columns (查看报告, 查看来源) mean nothing on paper
    cols = [c for c in df.columns if c not in set(hidden) and not str(c).startswith("查看")]
    part = df.head(PRINT_ROWS)

    def cell(v: Any) -> str:
        if v is None or (not isinstance(v, (list, tuple, np.ndarray)) and pd.isna(v)):
            return ""
        if isinstance(v, bool) or isinstance(v, np.bool_):
            return "是" if v else "否"
        if isinstance(v, (float, np.floating)):
            return fmt_num(float(v))
        s = str(v)
        return "链接" if s.startswith((READER.url_path + "?", "http://", "https://")) else esc(s)

    head = "".join(f"<th>{esc(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                   for row in part[cols].itertuples(index=False, name=None))
    note = (f'<p>共 {len(df):,} 条,打印前 {PRINT_ROWS} 条;全部数据见 CSV/Excel 下载。</p>'
            if len(df) > PRINT_ROWS else "")
    # hidden inline as well as by the page's CSS: a table that arrives before the CSS on a rerun
    # showed for a moment, wider than a phone (test_phone_layout, once in ~25 runs)
    return f'<div class="zj-print" style="display:none"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}</div>'
