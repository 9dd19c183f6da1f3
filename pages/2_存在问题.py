"""存在问题: which shortcomings reports admit, how often, which recur - and the statements behind
every bar, each linked to its report in 报告浏览."""
from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboard import charts, frame, links, review, states, tables, theme
from pipeline.queries import labels
from pipeline.queries import query as q
from pipeline.queries import shape

f = frame.filters()
ALL_CATS, ALL_YEARS = "全部类别", "全部年度"
# The keys are also the URL parameters (`bind="query-params"`): ?cat=…&year=2021 is a link
# to the statements of one bar.
K_CAT, K_YEAR, K_FIG = "cat", "year", "sc_year_bars"

states.page_header("存在问题", f, "报告“存在问题/不足”部分的表述,按类别归纳")


def _on_select() -> None:
    """Clicking a bar picks its category and year for the statements below."""
    state = st.session_state.get(f"fig_{K_FIG}")
    points = (state or {}).get("selection", {}).get("points", []) if isinstance(state, dict) else \
        getattr(getattr(state, "selection", None), "points", [])
    if points:
        cd = points[0].get("customdata") or []
        if len(cd) >= 2:
            st.session_state[K_CAT] = charts.unesc(cd[0])
            st.session_state[K_YEAR] = charts.unesc(cd[1])


with states.guard():
    freq = q.shortcoming_freq(f)
    if freq.empty:
        states.empty_extract("当前筛选下还没有“存在问题”表述。",
                         "问题表述取自报告“存在问题/不足”部分;导入的报告没有这一部分时,此页为空。", f)
        st.stop()

    colors = theme.category_colors(q.categories())
    review.taxonomy_help("shortcoming")
    c = st.columns(3)
    c[0].metric("问题表述", int(freq["statements"].sum()), border=True)
    c[1].metric("涉及报告", q.shortcoming_reports(f), border=True)
    c[2].metric("问题类别", int(freq["category"].nunique()), border=True)

    # -------------------------------------------------------------- frequency by year
    st.subheader("各类问题按年度")
    data = labels.zh(freq.assign(year=freq["year"].map(labels.year_label)))
    fig = px.bar(data, x="年度", y="问题条数", color="类别", color_discrete_map=colors,
                 custom_data=["类别", "年度"], hover_data={"报告数": True})
    fig.update_xaxes(type="category")
    st.caption("点击柱子,下方列出这一类别、这一年的具体表述。")
    charts.chart(fig, data, "存在问题-各类别按年度", K_FIG, f, on_select=_on_select, selection_mode="points")

    # -------------------------------------------------------------- the statements behind a bar
    st.subheader("具体表述")
    cats = [ALL_CATS, *shape.categories_by_statements(freq)]
    years = [ALL_YEARS, *dict.fromkeys(data["年度"])]
    for key, options in ((K_CAT, cats), (K_YEAR, years)):
        if st.session_state.get(key) not in options:
            st.session_state.pop(key, None)
    c = st.columns(2)
    cat = c[0].selectbox("类别", cats, key=K_CAT, bind="query-params")
    year = c[1].selectbox("年度", years, key=K_YEAR, bind="query-params")
    pick = (None if cat == ALL_CATS else cat, None if year in (ALL_YEARS, "年份不详") else int(year),
            year != "年份不详")

    def fetch(limit):   # only the rows the table shows; the CSV asks for all of them
        stm = q.statements(f, *pick, limit)
        stm.insert(0, "link", [links.report_link(r, f, highlight=s) for r, s in zip(stm["report_id"], stm["statement"])])
        return stm.assign(year=stm["year"].map(labels.year_label))

    n = q.statement_count(f, *pick)
    st.caption(f"{n} 条表述;“查看报告”在报告浏览中打开原文(问题已高亮)。")
    tables.table_capped(fetch, n, f"存在问题-表述-{cat}-{year}", "sc_statements", f,
                    column_config={"查看报告": st.column_config.LinkColumn(display_text="查看报告", width="small"),
                                   "问题表述": st.column_config.TextColumn(width="large")})

    # -------------------------------------------------------------- recurring
    st.subheader("反复出现的问题")
    t_unit, t_shared = st.tabs(["同一单位连续多年提到", "多数单位共有"])
    with t_unit:
        rec = q.recurring(f, 2)
        if rec.empty:
            states.empty("当前筛选下没有单位在两个及以上年份提到同一类问题。",
                     "需要同一单位多个年度的报告;可在「数据导入」补充历年报告。")
        else:
            st.caption("同一单位在两个及以上年度都提到的问题类别。")
            counts = labels.zh(shape.units_per_category(rec))
            fig = px.bar(counts, x="类别", y="单位数", color="类别", color_discrete_map=colors)
            fig.update_layout(showlegend=False)
            fig.update_yaxes(title="反复提到该类问题的单位数")
            charts.chart(fig, counts, "存在问题-反复出现-按类别", "sc_rec_bar", f)
            tables.table(rec.rename(columns={"years": "出现年份"}), "存在问题-同一单位多年出现", "sc_recurring", f)
    with t_shared:
        shared = q.shared_categories(f)
        st.caption("每类问题有多少个单位提到(单位数从多到少)。")
        data = labels.zh(shared)
        fig = px.bar(data, x="类别", y="单位数", color="类别", color_discrete_map=colors,
                     hover_data={"问题条数": True, "报告数": True})
        fig.update_layout(showlegend=False)
        charts.chart(fig, data, "存在问题-多数单位共有", "sc_shared", f)
        st.dataframe(data, hide_index=True, width="stretch")
