"""总结看板 - Streamlit entry point. Pages live in `pages/`; this file is the 总览 page's host
until the dashboard issue lands its full navigation."""
from __future__ import annotations

import streamlit as st

from pipeline import store
from pipeline.config import db_path

st.set_page_config(page_title="总结看板", page_icon="📊", layout="wide")
st.title("总结看板 · 意识形态工作总结分析")

path = db_path()
if not path.exists():
    st.info(f"还没有数据:请先运行 `make run` 或 `python -m pipeline ingest data/sample`(数据库 {path})。")
    st.stop()

con = store.connect(path, read_only=True)
try:
    c = store.counts(con)
    df = con.execute("""SELECT source AS 来源文件, report_index AS 序号, title AS 标题, unit AS 单位,
                               unit_type AS 单位类型, region AS 地区, year AS 年度, period AS 期间
                        FROM reports ORDER BY source, report_index""").df()
finally:
    con.close()
cols = st.columns(3)
cols[0].metric("报告", c["reports"])
cols[1].metric("文件", c["files"])
cols[2].metric("拒收文件", c["rejects"])
st.dataframe(df, use_container_width=True, hide_index=True)
