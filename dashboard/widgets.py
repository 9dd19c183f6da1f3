"""The shared filter widgets in the sidebar (year range, the list filters, 包含非工作报告) and
their two-way sync with the URL query string, so a copied link reproduces the view; the rows
themselves are `pipeline.queries.filters.LIST_FILTERS`."""
from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import cache, downloads
from dashboard.highlight import md
from pipeline.queries.filters import LIST_FILTERS, NONREPORTS_PARAM, URL_PARAMS, YEARS_PARAM, describe

# Widget keys double as URL query parameter names (see `sidebar`); the list filters are the
# rows of `pipeline.queries.filters.LIST_FILTERS` (column, label, URL parameter in one place).
K_YEARS = YEARS_PARAM
K_NONREPORTS = NONREPORTS_PARAM     # 包含非工作报告 (essays etc. are out of every count by default)
FILTER_KEYS = URL_PARAMS
_FILTERS_STATE = "_zj_filters"      # the filter dict of the last run (current_filters)
_SAVED_STATE = "_zj_filter_values"  # widget key -> value, carried across page switches
_PAGE_STATE = "_zj_page"            # the page this session's last run was on


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
    opts = cache.filter_options()
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
        downloads.raw_downloads(filters)
        downloads.brief_panel(filters)
    st.session_state[_FILTERS_STATE] = filters
    st.session_state[_SAVED_STATE] = values
    _sync_url(values, lo, hi)
    return filters


def current_filters() -> dict:
    return dict(st.session_state.get(_FILTERS_STATE, {}))
