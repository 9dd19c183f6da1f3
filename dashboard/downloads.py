"""Every download the dashboard offers: CSV and Excel of exactly the data shown (through
`pipeline.outputs.sheets`, formula-escaped, absolute links), the sidebar's raw tables, the
brief and the workbook, with file names that say what and which filter."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard import cache
from pipeline.outputs import sheets
from pipeline.queries import filters as fdefs
from pipeline.queries.labels import zh


def filter_slug(filters: dict | None) -> str:
    """A short, file-name-safe description of the filter for download names."""
    return safe_name(fdefs.slug(filters))[:80]


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


def raw_downloads(filters: dict) -> None:
    """下载原始数据 in the sidebar: each raw extraction table under the current filter, built
    only when clicked."""
    with st.expander("下载原始数据(当前筛选)", icon=":material/download:"):
        for kind, name in cache.RAW_EXTRACTS.items():
            download_lazy(lambda kind=kind, f=dict(filters): zh(cache.raw_extract(kind, f)),
                          f"原始数据-{name}", key=f"raw_{kind}", filters=filters, label=f"{name} CSV")
