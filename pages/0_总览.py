"""总览 - the default page, at `/`: how much is there (reports, units, years), who reported
when (the coverage matrix, dashboard/overview.py), what to check first, and data quality."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import charts, frame, highlight, links, overview, review, states, tables, theme
from pipeline.queries import labels
from pipeline.queries import query as q
from pipeline.queries import shape

f = frame.filters()
states.page_header("总览", f, "报告、单位、年份的覆盖情况与数据质量")

def _reports_behind(event, f: dict) -> None:
    """The reports behind a clicked cell of the coverage matrix, each with an 打开 link."""
    pts = charts.selected_points(event)
    if not pts:
        st.caption("点击格子,下方列出该单位该年的报告。")
        return
    unit, year = charts.unesc(pts[0].get("y")), charts.unesc(pts[0].get("x"))
    reps = q.reports(f)
    pick = (reps["unit"].fillna(shape.NO_UNIT) == unit) & (reps["year"].map(labels.year_label) == year)
    hit = reps[pick]
    st.markdown(f"**{highlight.md(unit)} · {highlight.md(year)}:{len(hit)} 篇报告**")
    if hit.empty:
        st.caption("这一年没有这个单位的报告(覆盖缺口)。")
        return
    hit = hit.assign(link=[links.report_link(r, f) for r in hit["report_id"]])
    tables.table(hit[["link", "title", "unit", "year", "period", "n_chars", "source"]].assign(
        period=hit["period"].map(lambda p: labels.PERIODS.get(p, p))), f"总览-所选-{unit}-{year}", "cov_pick", f,
        column_config={"查看报告": st.column_config.LinkColumn(display_text="打开", width="small")})


def _content(f: dict) -> None:
    ov = q.overview(f).iloc[0]
    c = st.columns(4)
    c[0].metric("报告", int(ov.reports), border=True)
    c[1].metric("单位", int(ov.units), border=True)
    c[2].metric("年份", int(ov.years), border=True,
                help=None if pd.isna(ov.year_first) else f"{int(ov.year_first)}–{int(ov.year_last)}")
    c[3].metric("文件", int(ov.files), border=True)

    cov = q.coverage_roster(f)
    has_roster = bool(cov["in_roster"].any())
    if int(ov.reports) == 0 and not has_roster:
        if not f:                                   # first run: an empty database, not a filter
            states.empty("数据库中还没有报告。", states.NO_DATA_HINT)
            return
        states.empty("当前筛选下没有报告。", "请放宽左侧筛选条件。")
    else:
        overview.coverage_matrix(cov, f, has_roster, lambda ev: _reports_behind(ev, f))
        if int(ov.reports) == 0:
            states.empty("当前筛选下没有报告。", "上表列出名单中在所选年份未报送的单位。")
    if int(ov.reports) > 0:
        # ---------------------------------------------------------- reports per year by unit type
        st.subheader("每年报告数(按单位类型)")
        by = q.reports_by_year_type(f)
        by["年度"] = by["year"].map(labels.year_label)
        data = labels.zh(by.drop(columns="year"))[["年度", "单位类型", "报告数"]]
        fig = px.bar(data, x="年度", y="报告数", color="单位类型", text_auto=True,
                     color_discrete_map=theme.type_colors(data["单位类型"]))
        fig.update_xaxes(type="category")
        charts.chart(fig, data, "总览-每年报告数按单位类型", "by_type", f)

    review.review_section(q.review(f), f)

    # -------------------------------------------------------------- data quality
    st.subheader("数据质量")
    qual = q.quality(f)
    cols = st.columns(4)
    pick = dict(zip(qual["check"], qual["count"]))
    cols[0].metric("无明确单位", int(pick["no_unit"] + pick["unit_implicit"]), border=True,
                   help="没有识别出单位,或单位只是从正文推断")
    cols[1].metric("无年份", int(pick["no_year"]), border=True)
    cols[2].metric("占位数值", int(pick["placeholders"]), border=True, help="如“开展X次”:只计条数,不计入合计")
    cols[3].metric("拒收文件", int(pick["rejects"]), border=True, help="全库计数,不受筛选影响")
    tables.table(qual.drop(columns="check"), "总览-数据质量", "quality", f)
    rej = q.rejects().assign(path=lambda d: d["path"].map(labels.shown_name))
    if len(rej):
        with st.expander(f"拒收文件({len(rej)} 个)及原因"):
            tables.table(rej, "总览-拒收文件", "rejects")


with states.guard():
    _content(f)
