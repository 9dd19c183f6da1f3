"""总结看板 - Streamlit entry point: page config, the shared sidebar filters, navigation.

Run with `streamlit run app.py` (or `make run`). The pages are files in `views/`, listed
here with st.navigation (the folder is deliberately not called `pages/`: Streamlit treats a
`pages/` folder next to the main script as its old automatic multipage layout and then runs
a page without this script, i.e. without the shared sidebar). Shared helpers are in
`dashboard/ui.py`, all SQL in `pipeline/query.py`. The database is `ZONGJIE_DB` (default data/zongjie.duckdb).
"""
from __future__ import annotations

import streamlit as st

from dashboard import ui

st.set_page_config(page_title="总结看板", page_icon="📊", layout="wide")

PAGES = [
    st.Page("views/overview.py", title="总览", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("views/activity.py", title="活动指标", icon=":material/bar_chart:", url_path="activity"),
    st.Page("views/problems.py", title="存在问题", icon=":material/report_problem:", url_path="problems"),
    st.Page("views/keywords.py", title="关键词", icon=":material/cloud:", url_path="keywords"),
    st.Page("views/reports.py", title="报告浏览", icon=":material/article:", url_path="reports"),
    st.Page("views/upload.py", title="数据导入", icon=":material/upload_file:", url_path="upload"),
]

page = st.navigation(PAGES)
with st.sidebar:
    st.markdown("**总结看板** · 意识形态工作总结分析")
with ui.guard():
    ui.sidebar()
page.run()
