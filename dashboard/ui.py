"""What every dashboard page shares: the sidebar the frame draws (`frame_sidebar`: our
navigation and the shared filters; `current_filters` for the page), Chinese column labels, the one category
color map, chart/table helpers that always come with a CSV download of exactly the data
shown, empty states, and HTML/Markdown escaping and highlighting for report text.

Pages stay thin: each starts with `f = frame.filters()`, asks `pipeline.queries.query` for
DataFrames and hands them to these helpers.

`app.py` is an `st.navigation` frame (dashboard/frame.py): it draws the page config, the
password gate and this sidebar once per run, then runs the page. `PAGES` below is the one
list of pages, their titles, icons and URLs (the URL is the one Streamlit used to derive from
the file name, `pages/4_报告浏览.py` -> `/报告浏览`, so old links keep working).
"""
from __future__ import annotations

import contextlib
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import quote, urlencode

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import auth
from pipeline.queries import filters as fdefs
from pipeline.queries import labels
from pipeline.outputs import sheets
from pipeline.queries import query as q
from pipeline.queries.filters import LIST_FILTERS, NONREPORTS_PARAM, URL_PARAMS, YEARS_PARAM

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"

# Widget keys double as URL query parameter names (see `sidebar`); the list filters are the
# rows of `pipeline.queries.filters.LIST_FILTERS` (column, label, URL parameter in one place).
K_YEARS = YEARS_PARAM
K_NONREPORTS = NONREPORTS_PARAM     # 包含非工作报告 (essays etc. are out of every count by default)
FILTER_KEYS = URL_PARAMS
_FILTERS_STATE = "_zj_filters"      # the filter dict of the last run (current_filters)
_SAVED_STATE = "_zj_filter_values"  # widget key -> value, carried across page switches
_PAGE_STATE = "_zj_page"            # the page this session's last run was on

APP_NAME = "总结看板"


# ---------------------------------------------------------------- pages
@dataclass(frozen=True)
class PageDef:
    script: str                 # relative to app.py
    title: str
    icon: str
    imports: bool = False       # uploads and ingests files: needs auth.import_allowed()
    default: bool = False       # the page at the root URL

    @property
    def url_path(self) -> str:
        """The URL path Streamlit derived from the file name in the old `pages/` mode ("" for
        the default page): `pages/1_活动指标.py` -> `活动指标` (leading number and `_` dropped)."""
        if self.default:
            return ""
        stem = Path(self.script).stem
        return re.sub(r"[_ ]+", "_", re.sub(r"^[0-9]*[_ -]*", "", stem)).strip()


PAGES: tuple[PageDef, ...] = (
    PageDef("pages/0_总览.py", "总览", ":material/dashboard:", default=True),
    PageDef("pages/1_活动指标.py", "活动指标", ":material/bar_chart:"),
    PageDef("pages/2_存在问题.py", "存在问题", ":material/report_problem:"),
    PageDef("pages/3_关键词.py", "关键词", ":material/cloud:"),
    PageDef("pages/4_报告浏览.py", "报告浏览", ":material/article:"),
    PageDef("pages/5_数据导入.py", "数据导入", ":material/upload_file:", imports=True),
    PageDef("pages/6_查重.py", "查重", ":material/content_copy:"),
    PageDef("pages/7_考核.py", "考核", ":material/fact_check:"),
)
PAGE_BY_TITLE = {p.title: p for p in PAGES}
READER = PAGE_BY_TITLE["报告浏览"]

# ---------------------------------------------------------------- labels
# One set of Chinese names for the screen, the CSV/xlsx files and the brief (pipeline/queries/labels.py).
LABELS = labels.LABELS
PERIODS = labels.PERIODS
zh = labels.zh
MATCH_KINDS = {"exact": "名称一致", "alias": "别名", "variant": "去掉地区/党委等后一致", "fuzzy": "模糊匹配",
               "correction": "人工更正"}


# ---------------------------------------------------------------- filters
def _clamp_years(lo: int, hi: int) -> None:
    v = st.session_state.get(K_YEARS)
    if isinstance(v, (tuple, list)) and len(v) == 2:
        a, b = max(lo, min(int(v[0]), hi)), max(lo, min(int(v[1]), hi))
        if (a, b) != tuple(v):
            st.session_state[K_YEARS] = (min(a, b), max(a, b))


def _reset_filters(lo: int | None, hi: int | None) -> None:
    if lo is not None and hi is not None and lo < hi:
        st.session_state[K_YEARS] = (lo, hi)
    for k in (lf.param for lf in LIST_FILTERS):
        st.session_state[k] = []
    st.session_state[K_NONREPORTS] = False


def _year_range(values: Any, lo: int, hi: int) -> tuple[int, int]:
    """A (from, to) year pair from URL strings or a saved pair, clamped to [lo, hi];
    the full range for anything else."""
    try:
        ys = [int(str(v)) for v in (values or [])][:2]
    except ValueError:
        ys = []
    if not ys:
        return lo, hi
    a, b = max(lo, min(ys[0], hi)), max(lo, min(ys[-1], hi))
    return min(a, b), max(a, b)


def _wanted_filters(opts: dict, lo: int | None, hi: int | None) -> dict | None:
    """The filter widget values a page should open with: what the URL asks for when it has
    any filter parameter (a shared link, our navigation links, the browser's back button),
    else what the previous page had (kept in session state); None when neither says
    anything. Values that are not current options (stale links, typos, anything injected)
    are dropped: the URL never reaches SQL except as a chosen option value."""
    qp = st.query_params
    if any(k in qp for k in FILTER_KEYS):
        source = {k: qp.get_all(k) for k in FILTER_KEYS}
    elif _SAVED_STATE in st.session_state:
        source = dict(st.session_state[_SAVED_STATE])
    else:
        return None
    out: dict[str, Any] = {}
    if lo is not None and hi is not None and lo < hi:
        out[K_YEARS] = _year_range(source.get(K_YEARS), lo, hi)
    for lf in LIST_FILTERS:
        allowed = set(opts[lf.key])
        out[lf.param] = [v for v in dict.fromkeys(source.get(lf.param) or []) if v in allowed]
    flag = source.get(K_NONREPORTS)
    out[K_NONREPORTS] = flag is True or (isinstance(flag, list) and "1" in flag)
    return out


def _sync_url(values: dict, lo: int | None, hi: int | None) -> None:
    """Write the filter into the URL query string (only what differs from it), so the
    address bar always holds a link that reproduces the view. Other parameters (`report`)
    are left alone."""
    want: dict[str, list[str]] = {}
    if K_YEARS in values and tuple(values[K_YEARS]) != (lo, hi):
        want[K_YEARS] = [str(v) for v in values[K_YEARS]]
    for key in (lf.param for lf in LIST_FILTERS):
        if values.get(key):
            want[key] = [str(v) for v in values[key]]
    if values.get(K_NONREPORTS):
        want[K_NONREPORTS] = ["1"]
    for key in FILTER_KEYS:
        if st.query_params.get_all(key) != want.get(key, []):
            if key in want:
                st.query_params[key] = want[key]
            else:
                del st.query_params[key]


def sidebar(page: str | None = None) -> dict:
    """The shared filters (year range, units, unit type, region) in the sidebar; returns the
    filter dict and keeps it for the pages (`current_filters`).

    Each page is its own script, so on a page its sidebar widgets are new widgets (Streamlit
    widget ids include the page) and would start empty. So on the first run of a page the
    widget values are set before the widgets are created: from the URL if it has filter
    parameters, else from the previous page's values kept in session state. After the
    widgets, the URL query string is updated to the filter (`?unit_type=学校&years=2019&
    years=2021`), so a copied link reproduces the view. Later runs on the same page take the
    values from the widgets (the user's changes)."""
    opts = q.filter_options()
    years = opts["years"]
    lo, hi = (min(years), max(years)) if years else (None, None)
    if page is None or st.session_state.get(_PAGE_STATE) != page:
        wanted = _wanted_filters(opts, lo, hi)
        for key, value in (wanted or {}).items():
            st.session_state[key] = value
    st.session_state[_PAGE_STATE] = page
    filters: dict[str, Any] = {}
    values: dict[str, Any] = {}
    with st.sidebar:
        st.markdown("### 筛选")
        if lo is not None and lo < hi:
            _clamp_years(lo, hi)
            if not isinstance(st.session_state.get(K_YEARS), (tuple, list)):
                st.session_state[K_YEARS] = (lo, hi)
            # No `value=`: the range comes from session state (set just above or seeded),
            # so Streamlit does not warn about a default plus a Session State value.
            y = st.slider("年度范围", lo, hi, key=K_YEARS, help="缩小范围后,未识别出年份的报告不再计入")
            values[K_YEARS] = (int(y[0]), int(y[1]))
            if tuple(y) != (lo, hi):
                filters["year_min"], filters["year_max"] = int(y[0]), int(y[1])
        elif lo is not None:
            st.caption(f"年度:{lo}(只有一个年份)")
        for lf in LIST_FILTERS:
            chosen = st.multiselect(lf.label, opts[lf.key], key=lf.param, filter_mode="contains",
                                    placeholder=f"全部{lf.label}(可输入搜索)")
            values[lf.param] = list(chosen)
            if chosen:
                filters[lf.key] = list(chosen)
        nonrep = st.toggle("包含非工作报告", key=K_NONREPORTS,
                           help="默认不计入疑似非工作总结的文本(心得、范文、网站导语等);打开后计入所有统计")
        values[K_NONREPORTS] = bool(nonrep)
        if nonrep:
            filters["include_nonreports"] = True
        if filters:
            st.button("清除筛选", on_click=_reset_filters, args=(lo, hi), icon=":material/filter_alt_off:",
                      key="zj_reset")
        st.caption("当前筛选:" + md(describe(filters)))
        with st.expander("下载原始数据(当前筛选)", icon=":material/download:"):
            for kind, name in q.RAW_EXTRACTS.items():
                download_lazy(lambda kind=kind, f=dict(filters): zh(q.raw_extract(kind, f)),
                              f"原始数据-{name}", key=f"raw_{kind}", filters=filters, label=f"{name} CSV")
        brief_panel(filters)
    st.session_state[_FILTERS_STATE] = filters
    st.session_state[_SAVED_STATE] = values
    _sync_url(values, lo, hi)
    return filters


def current_filters() -> dict:
    return dict(st.session_state.get(_FILTERS_STATE, {}))


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


def frame_sidebar(title: str, pages: dict) -> dict:
    """The sidebar the frame (dashboard/frame.py) draws on every run: app name, our
    navigation, the shared filters (and 退出登录 when the gate is on), and the banner when
    there is no database. Returns the filter dict (also kept for `current_filters`)."""
    with st.sidebar:
        st.markdown(f"**{APP_NAME}** · 意识形态工作总结分析")
        links = st.container()
    with guard():
        sidebar(title)
    filters = current_filters()
    with links:
        nav(filters, pages)
    if auth.enabled():
        st.sidebar.button("退出登录", on_click=auth.logout, icon=":material/logout:", key="zj_logout",
                          type="tertiary")
    db_banner()
    return filters


def describe(filters: dict) -> str:
    """The filter in words (`pipeline.queries.filters.describe`)."""
    return fdefs.describe(filters)


def filter_slug(filters: dict | None) -> str:
    """A short, file-name-safe description of the filter for download names."""
    return safe_name(fdefs.slug(filters))[:80]


def filter_params(filters: dict | None) -> list[tuple[str, str]]:
    """The URL query parameters that reproduce `filters` (the format bound widgets read)."""
    f = q.normalize_filters(filters)
    years = q.filter_options()["years"] if "year_min" in f or "year_max" in f else ()
    return fdefs.url_params(f, years)


def report_link(report_id: str, filters: dict | None = None, url_path: str | None = None,
                highlight: str | None = None) -> str:
    """Relative link to a report in 报告浏览 (`报告浏览?report=<id>&...`), carrying the
    current filter; `highlight` (a clause of the report) makes the reader scroll to it."""
    params = [("report", report_id), *filter_params(filters)]
    if highlight:
        params.append(("hl", str(highlight)[:120]))
    return f"{READER.url_path if url_path is None else url_path}?{urlencode(params, quote_via=quote)}"


# ---------------------------------------------------------------- downloads
def served_base() -> str:
    """The address this session reached the app at (scheme, host, port, base path), for
    absolute links in downloaded files; `ZONGJIE_BASE_URL` overrides it (pipeline/outputs/sheets.py)."""
    from urllib.parse import urlsplit

    try:
        u = urlsplit(st.context.url or "")
    except Exception:          # no request context (bare mode)
        return sheets.base_url()
    if not (u.scheme and u.netloc):
        return sheets.base_url()
    path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return sheets.base_url(f"{u.scheme}://{u.netloc}" + (f"/{path}" if path else ""))


def csv_bytes(df: pd.DataFrame, base: str | None = None) -> bytes:
    """UTF-8 with BOM, formula-like cells escaped, integers as integers, 是/否, absolute
    links: `pipeline.outputs.sheets`, the one conversion every download goes through."""
    return sheets.csv_bytes(df, base or served_base())


def xlsx_bytes(df: pd.DataFrame, sheet: str, base: str | None = None) -> bytes:
    return sheets.xlsx_bytes({sheet: df}, base or served_base())


def safe_name(text: str) -> str:
    """Text without the characters file systems (and Excel on Windows) refuse."""
    return re.sub(r'[\\/:*?"<>|\s]+', "", text)


def file_name(what: str, filters: dict | None, ext: str = ".csv") -> str:
    return safe_name(f"{what}_{filter_slug(filters)}") + ext


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(df: pd.DataFrame, what: str, key: str, filters: dict | None = None, label: str = "下载 CSV") -> None:
    """CSV and Excel downloads of exactly `df` (as shown). The bytes are built only on
    click and the click does not rerun the page."""
    download_lazy(lambda: df, what, key=key, filters=filters, label=label)


def download_lazy(make_df, what: str, key: str, filters: dict | None = None, label: str = "下载 CSV") -> None:
    base = served_base()
    sheet = what.split("-", 1)[-1] if "-" in what else what
    # keyed: the print stylesheet hides every download row (dashboard/chrome.py)
    with st.container(horizontal=True, gap="small", key=f"zjdl-{key}"):
        st.download_button(label, data=lambda: csv_bytes(make_df(), base), file_name=file_name(what, filters),
                           mime="text/csv", key=f"dl_{key}", on_click="ignore", icon=":material/download:",
                           type="tertiary")
        st.download_button(label.replace("CSV", "Excel") if "CSV" in label else "下载 Excel",
                           data=lambda: xlsx_bytes(make_df(), sheet, base),
                           file_name=file_name(what, filters, ".xlsx"), mime=XLSX_MIME, key=f"dlx_{key}",
                           on_click="ignore", icon=":material/table_view:", type="tertiary")


def brief_panel(filters: dict) -> None:
    """生成简报 in the sidebar of every page: the meeting brief (.docx, .pdf) and the workbook
    of every table, for the current filter, built only when clicked."""
    from pipeline.outputs import brief, workbook

    f = dict(filters)
    base = served_base()
    with st.expander("生成简报 · 导出 Excel", icon=":material/description:"):
        st.caption("按当前筛选生成:主要数字、图表、覆盖缺口、反复出现的问题及例句。")
        st.download_button("生成简报(Word)", data=lambda: brief.brief_bytes(f, "docx"),
                           file_name=file_name("简报", f, ".docx"), key="zj_brief_docx", on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           icon=":material/description:", width="stretch")
        st.download_button("生成简报(PDF)", data=lambda: brief.brief_bytes(f, "pdf"),
                           file_name=file_name("简报", f, ".pdf"), key="zj_brief_pdf", on_click="ignore",
                           mime="application/pdf", icon=":material/picture_as_pdf:", width="stretch")
        st.download_button("全部表格(Excel 工作簿)", data=lambda: workbook.workbook_bytes(f, base=base),
                           file_name=file_name("工作簿", f, ".xlsx"), key="zj_workbook", on_click="ignore",
                           mime=XLSX_MIME, icon=":material/table_view:", width="stretch")


def shown_name(path: Any) -> str:
    """A file as users know it: its name, not where the server keeps it."""
    return "" if path is None else re.split(r"[\\/]", str(path))[-1]


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
    # the download. Empty cells show empty, not "None".
    config = dict(kwargs.pop("column_config", None) or {})
    if LABELS["report_id"] in shown.columns:
        config.setdefault(LABELS["report_id"], None)
    kwargs["column_config"] = config
    text_cols = [c for c in shown.columns if shown[c].dtype == object or pd.api.types.is_string_dtype(shown[c])]
    if text_cols:
        shown = shown.assign(**{c: shown[c].fillna("") for c in text_cols})
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
    out = zh(shown)
    text_cols = [c for c in out.columns if out[c].dtype == object or pd.api.types.is_string_dtype(out[c])]
    if text_cols:
        out = out.assign(**{c: out[c].fillna("") for c in text_cols})
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
    return f'<div class="zj-print"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}</div>'


def chart(fig: go.Figure, df: pd.DataFrame, what: str, key: str, filters: dict | None = None,
          *, labelled: bool = True, **kwargs):
    """A plotly chart plus a CSV download of the data it plots (`df`, usually already zh)."""
    style(fig)
    if kwargs.get("on_select") not in (None, "ignore"):
        # A chart whose bars/cells are clicked: no drag mode, so a tap on a phone selects
        # (with pan, plotly took the tap for the start of a drag) and a swipe scrolls the page.
        fig.update_layout(dragmode=False, clickmode="event+select")
    # No plotly toolbar: its tooltips are English, it covered the matrix's year headers on a
    # phone, and the data is in the CSV/Excel buttons below every chart anyway.
    event = st.plotly_chart(fig, key=f"fig_{key}", config={"displaylogo": False, "displayModeBar": False},
                            **kwargs)
    download(df if labelled else zh(df), what, key=key, filters=filters)
    return event


# Trace attributes plotly draws as (a subset of) HTML: axis categories, bar/heatmap text,
# hover text and the values hover templates pull in, legend entries.
_FIG_TEXT = ("x", "y", "text", "hovertext", "customdata", "labels", "name", "legendgrouptitle_text")


def _esc_values(v: Any) -> Any:
    if isinstance(v, str):
        return html.escape(v, quote=False)
    if isinstance(v, np.ndarray):
        return v if v.dtype.kind in "biufcmM" else np.vectorize(_esc_values, otypes=[object])(v) if v.size else v
    if isinstance(v, (list, tuple)):
        return type(v)(_esc_values(x) for x in v) if isinstance(v, list) else tuple(_esc_values(x) for x in v)
    return v


def safe_figure(fig: go.Figure) -> go.Figure:
    """Every piece of text from the data in `fig`, HTML-escaped: plotly renders <a>, <b>,
    <span style> … in labels and hovers, so a unit called `<a href=…>` would become a link.
    Entities show as the literal characters. Selections hand the escaped values back:
    `unesc` them."""
    for tr in fig.data:
        for attr in _FIG_TEXT:
            try:
                v = tr[attr]
            except (KeyError, ValueError):
                continue
            if v is not None:
                tr[attr] = _esc_values(v)
    return fig


def unesc(v: Any) -> Any:
    """A value from a chart selection, as in the data (undoes `safe_figure`)."""
    return html.unescape(v) if isinstance(v, str) else v


# Axis titles that count things: ticks at whole numbers only (no 0.5 报告).
COUNT_TITLES = {"报告数", "问题条数", "单位数", "提及条数", "出现次数", "占位条数", "反复提到该类问题的单位数", "本组次数"}


def integer_axes(fig: go.Figure) -> go.Figure:
    """Count axes tick at integers: `,d` labels, and a step of 1 while the largest (stacked)
    value is small enough that plotly would otherwise pick 0.5."""
    for name in [k for k in fig.layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))]:
        ax = fig.layout[name]
        if ax.title is None or ax.title.text not in COUNT_TITLES:
            continue
        letter = name[0]
        totals: dict = {}
        for tr in fig.data:
            vals, keys = (tr.x, tr.y) if letter == "x" else (tr.y, tr.x)
            if vals is None:
                continue
            for k, v in zip(keys if keys is not None else range(len(vals)), vals):
                try:
                    totals[k] = totals.get(k, 0) + max(float(v), 0)
                except (TypeError, ValueError):
                    pass
        top = max(totals.values(), default=0)
        fig.layout[name].update(tickformat=",d", rangemode="tozero", **({"dtick": 1} if top <= 8 else {}))
    return fig


def clickable_cells(fig: go.Figure, hovertemplate: str, size: int = 22) -> go.Figure:
    """Make a heatmap's cells clickable: plotly cannot select heatmap cells, so an invisible
    square marker sits on every cell (it carries the hover text; the heatmap's own hover is
    switched off). A click then selects (x, y) like a bar."""
    hm = fig.data[0]
    xs, ys = list(hm.x), list(hm.y)
    text = hm.text
    px_, py_, pt = [], [], []
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            px_.append(x)
            py_.append(y)
            pt.append(text[i][j] if text is not None else "")
    hm.update(hoverinfo="skip", hovertemplate=None)
    fig.add_trace(go.Scatter(x=px_, y=py_, text=pt, mode="markers", showlegend=False,
                             marker=dict(symbol="square", size=size, color="rgba(0,0,0,0)"),
                             hovertemplate=hovertemplate))
    fig.update_layout(clickmode="event+select", dragmode=False)
    return fig


def selected_points(event: Any) -> list[dict]:
    """The points a click on a chart selected (st.plotly_chart(on_select=…) event), [] if none."""
    sel = event.get("selection") if isinstance(event, dict) else getattr(event, "selection", None)
    if sel is None:
        return []
    pts = sel.get("points") if isinstance(sel, dict) else getattr(sel, "points", None)
    return list(pts or [])


def style(fig: go.Figure, height: int | None = None) -> go.Figure:
    """Shared look: a CJK font, tight margins, years in order on a categorical axis, and
    every data label escaped (`safe_figure`). `chart` calls it for every chart."""
    safe_figure(fig)
    integer_axes(fig)
    # The legend goes under the plot, in rows: on a phone a legend on the right took half
    # the width and squeezed the bars into a strip.
    fig.update_layout(font_family=FONT_FAMILY, hoverlabel_font_family=FONT_FAMILY,
                      margin=dict(l=10, r=10, t=40, b=10), legend_title_font_family=FONT_FAMILY,
                      legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0,
                                  xanchor="left", title_side="top left"))
    for axis in ("xaxis", "yaxis"):
        ax = getattr(fig.layout, axis, None)
        if ax is not None and ax.title is not None and ax.title.text == "年度":
            fig.update_layout({axis: dict(type="category", categoryorder="category ascending")})
    if height:
        fig.update_layout(height=height)
    return fig


# ---------------------------------------------------------------- states
def empty(message: str, hint: str | None = None) -> None:
    st.info(message + (f"\n\n{hint}" if hint else ""), icon=":material/info:")


NO_DATA_HINT = "请在左侧「数据导入」页上传报告(.docx、.pdf、.txt、.html 或 .zip 压缩包),导入完成后各页即显示统计结果。"


def empty_extract(message: str, source_hint: str, filters: dict) -> None:
    """Empty state for a page fed by one extraction table: says whether there is no data at
    all, the filter is too narrow, or the extraction has not produced rows yet."""
    if int(q.overview({}).iloc[0]["reports"]) == 0:
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
        st.error(db_problem() or "暂时无法读取数据库,请稍后刷新页面。", icon=":material/error:")
        with st.expander("技术细节"):
            st.code(f"{type(exc).__name__}: {exc}")


def db_problem() -> str | None:
    """What is wrong with the database file, for the user (corrupt, not ours, unreadable)."""
    from pipeline import store
    from pipeline.config import db_path

    return _db_problem(str(db_path()), store.data_version())


@st.cache_data(max_entries=8, show_spinner=False)
def _db_problem(path: str, version: tuple) -> str | None:
    from pipeline import store

    return store.diagnose(path)


def db_banner() -> None:
    """Say so when there is no usable database, instead of pages that quietly show 0 reports."""
    from pipeline.config import db_path

    if not Path(db_path()).exists():      # (a corrupt file is reported by `guard` where queries fail)
        st.warning("还没有数据库文件:尚未导入报告,或数据文件已被删除、移走。请在「数据导入」页上传报告。"
                   "(若首次导入正在进行,请稍后刷新。)",
                   icon=":material/info:")


# ---------------------------------------------------------------- colors
# Well separated hues first; neutral greys are reserved for 其他/未分类.
PALETTE = ["#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#B07AA1", "#EDC948", "#76B7B2", "#9C755F",
           "#FF9DA7", "#1B9E77", "#7570B3", "#D95F02", "#E7298A", "#66A61E", "#17BECF", "#A6761D",
           "#393B79", "#BCBD22", "#8C564B", "#E6AB02", "#637939", "#843C39", "#3182BD", "#F781BF"]
NEUTRAL = {"其他": "#9E9E9E", "其他活动": "#9E9E9E", "未分类": "#BDBDBD", "未识别": "#BDBDBD"}


def assign_colors(names: Iterable[str]) -> dict[str, str]:
    """Colors in sorted-name order over the palette (distinct while there are fewer names than
    colors); 其他/未分类 get neutral greys."""
    out = {}
    i = 0
    for name in sorted({n for n in names if n is not None}):
        if name in NEUTRAL:
            out[name] = NEUTRAL[name]
        else:
            out[name] = PALETTE[i % len(PALETTE)]
            i += 1
    return out


def category_colors() -> dict[str, str]:
    """The one color map for categories, the same on every page: metric categories and
    shortcoming categories each get the palette in name order (they never share a chart)."""
    cats = q.categories()
    return {**assign_colors(cats["metrics"]), **assign_colors(cats["shortcomings"]), **NEUTRAL}


def type_colors(types: Iterable[str]) -> dict[str, str]:
    return assign_colors(types)


# ---------------------------------------------------------------- text
def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~$!])")


def md(text: Any) -> str:
    """Text from the data (titles, unit names, search terms) made safe to put into a
    Markdown string (st.caption, st.subheader, st.info, metric values): HTML characters
    become entities and Markdown/LaTeX punctuation is backslash-escaped, so it shows as the
    literal text - no tags, links, images or formulas."""
    s = "" if text is None else " ".join(str(text).splitlines())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(s, quote=False))


READER_CSS = """<style>
.zj-reader{white-space:pre-wrap;line-height:1.9;font-size:15px;max-height:75vh;overflow-y:auto;
  padding:12px 16px;border:1px solid rgba(128,128,128,.3);border-radius:8px;font-family:%s}
.zj-reader mark{padding:1px 0;border-radius:3px;color:inherit}
.zj-reader mark.zj-metric{background:#FFE08A}
.zj-reader mark.zj-shortcoming{background:#FFC9C9}
.zj-reader mark.zj-metric-shortcoming{background:#FFB36B}
.zj-reader .zj-sec{display:inline-block;font-size:12px;line-height:1.4;padding:0 6px;margin-right:4px;
  border-radius:8px;background:#E3ECFA;color:#1F4E9A}
.zj-legend mark{padding:1px 6px;border-radius:3px}
.zj-target + mark{outline:2px solid #E15759;animation:zjflash 1s ease-in-out 3}
@keyframes zjflash{50%%{background:#E15759;color:#fff}}
.zj-kwic{font-size:15px;line-height:1.8;font-family:%s}
.zj-kwic td{padding:0 6px;white-space:nowrap}
.zj-kwic td.l{text-align:right;color:#555}.zj-kwic td.r{color:#555}
.zj-kwic td.t b{background:#FFE08A;padding:0 3px;border-radius:3px}
</style>""" % (FONT_FAMILY, FONT_FAMILY)

LEGEND_HTML = ('<div class="zj-legend"><mark class="zj-metric" style="background:#FFE08A">活动指标</mark> '
               '<mark class="zj-shortcoming" style="background:#FFC9C9">存在问题</mark> '
               '<mark style="background:#FFB36B">两者重叠</mark> '
               '<span class="zj-sec" style="background:#E3ECFA;padding:0 6px;border-radius:8px">部分</span>'
               '(点按或鼠标悬停查看提取结果)</div>')


def locate(text: str, start: Any, end: Any, snippet: Any) -> tuple[int, int] | None:
    """Where an extracted item sits in `text`: its stored offsets when they hold the snippet,
    else the snippet's first occurrence, else None."""
    n = len(text)
    try:
        s, e = int(start), int(end)
    except (TypeError, ValueError):
        s = e = -1
    snippet = "" if snippet is None or (isinstance(snippet, float) and pd.isna(snippet)) else str(snippet)
    if 0 <= s < e <= n and (not snippet or text[s:e] == snippet or snippet in text[max(0, s - 2):e + 2]):
        return s, e
    if snippet:
        i = text.find(snippet)
        if i >= 0:
            return i, i + len(snippet)
    return None


def highlight_html(text: str, spans: Iterable[tuple[int, int, str, str]],
                   marks: Iterable[tuple[int, str]] = (), anchor: int | None = None) -> str:
    """Report text as HTML: every piece of text is escaped first, then wrapped in <mark> for
    the spans (start, end, kind, label) covering it; `marks` (offset, label) put a small
    badge at an offset (section starts). Overlapping spans are handled piecewise."""
    n = len(text)
    spans = [(s, e, k, l) for s, e, k, l in spans if 0 <= s < e <= n]
    badges: dict[int, list[str]] = {}
    for off, label in marks:
        if 0 <= off <= n:
            badges.setdefault(off, []).append(label)
    if anchor is not None and not 0 <= anchor <= n:
        anchor = None
    bounds = sorted({0, n, *(s for s, *_ in spans), *(e for _, e, *_ in spans), *badges,
                     *([anchor] if anchor is not None else [])})
    out = []
    for a, b in zip(bounds, bounds[1:] + [None]):
        for label in badges.get(a, []):
            out.append(f'<span class="zj-sec">{esc(label)}</span>')
        if a == anchor:
            out.append('<span id="zj-target" class="zj-target"></span>')
        if b is None:
            break
        piece = esc(text[a:b])
        active = [(k, l) for s, e, k, l in spans if s <= a and e >= b]
        if active:
            kinds = "-".join(sorted({k for k, _ in active}))
            title = esc(" | ".join(dict.fromkeys(l for _, l in active)))
            # tabindex: a tap (phone) focuses the mark and the stylesheet shows the title
            piece = f'<mark class="zj-{kinds}" title="{title}" tabindex="0">{piece}</mark>'
        out.append(piece)
    return f'<div class="zj-reader">{"".join(out)}</div>'


# Streamlit's uploader speaks English ("Upload", "200MB per file") and has no setting for
# it: the words are hidden and ours shown in their place (the limits are in the caption).
UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] span{font-size:0}
[data-testid="stFileUploaderDropzoneInstructions"] span::after{content:"拖放文件到此处";font-size:14px}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p{font-size:0}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after{content:"选择文件";
  font-size:14px}
</style>"""


# Fixed code (no data in it): scrolls the reader - the page and its inner scroll box - to
# the sentence a link asked for (#zj-target, put there by highlight_html).
SCROLL_TO_TARGET = """<script>
(function(){let n=0;const t=setInterval(()=>{const el=document.getElementById('zj-target');
if(el){clearInterval(t);(el.nextElementSibling||el).scrollIntoView({block:'center'});}
if(++n>50)clearInterval(t);},100);})();
</script>"""


def kwic_html(df: pd.DataFrame) -> str:
    rows = "".join(
        f'<tr><td class="l">{esc(r.left)}</td><td class="t"><b>{esc(r.term)}</b></td>'
        f'<td class="r">{esc(r.right)}</td><td>{esc(r.unit or "")} {esc("" if pd.isna(r.year) else int(r.year))}</td></tr>'
        for r in df.itertuples())
    return f'<div style="overflow-x:auto"><table class="zj-kwic">{rows}</table></div>'


# ---------------------------------------------------------------- word cloud
def cjk_font() -> str | None:
    from pipeline.outputs.brief import cjk_font as find

    return find()


@st.cache_data(show_spinner=False, max_entries=64)
def wordcloud_png(freqs: tuple[tuple[str, float], ...], width: int = 800, height: int = 340) -> bytes | None:
    """PNG of a word cloud in a CJK font (None without one: no empty boxes)."""
    font = cjk_font()
    if not font or not freqs:
        return None
    import io

    from wordcloud import WordCloud

    # An explicit size range halves the render (0.29 -> 0.14 s for 100 words): without
    # max_font_size WordCloud lays the cloud out twice to find it, and it shrinks words
    # that do not fit one point at a time down to min_font_size.
    wc = WordCloud(font_path=font, width=width, height=height, background_color="white", prefer_horizontal=0.95,
                   colormap="tab10", random_state=7, max_words=len(freqs), collocations=False,
                   max_font_size=height // 3, min_font_size=10)
    wc.generate_from_frequencies(dict(freqs))
    buf = io.BytesIO()
    wc.to_image().save(buf, format="PNG")
    return buf.getvalue()


year_label = labels.year_label


def fmt_num(x: Any) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return "–"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"
