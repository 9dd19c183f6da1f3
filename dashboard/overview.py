"""总览 (the main page, run from app.py): how much is there (reports, units, years), who
reported when, and data quality."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboard import ui
from pipeline import query as q

MAX_MATRIX_UNITS = 60
NO_UNIT = "(未识别单位)"


def render(f: dict) -> None:
    ui.page_header("总览", f, "报告、单位、年份的覆盖情况与数据质量")
    with ui.guard():
        _content(f)


def _reports_behind(event, f: dict) -> None:
    """The reports behind a clicked cell of the coverage matrix, each with an 打开 link."""
    pts = ui.selected_points(event)
    if not pts:
        st.caption("点击格子,下方列出该单位该年的报告。")
        return
    unit, year = ui.unesc(pts[0].get("y")), ui.unesc(pts[0].get("x"))
    reps = q.reports(f)
    pick = (reps["unit"].fillna(NO_UNIT) == unit) & (reps["year"].map(ui.year_label) == year)
    hit = reps[pick]
    st.markdown(f"**{ui.md(unit)} · {ui.md(year)}:{len(hit)} 篇报告**")
    if hit.empty:
        st.caption("这一年没有这个单位的报告(覆盖缺口)。")
        return
    hit = hit.assign(link=[ui.report_link(r, f) for r in hit["report_id"]])
    ui.table(hit[["link", "title", "unit", "year", "period", "n_chars", "source"]].assign(
        period=hit["period"].map(lambda p: ui.PERIODS.get(p, p))), f"总览-所选-{unit}-{year}", "cov_pick", f,
        column_config={"查看报告": st.column_config.LinkColumn(display_text="打开", width="small")})


def _content(f: dict) -> None:
    ov = q.overview(f).iloc[0]
    c = st.columns(4)
    c[0].metric("报告", int(ov.reports), border=True)
    c[1].metric("单位", int(ov.units), border=True)
    c[2].metric("年份", int(ov.years), border=True,
                help=None if pd.isna(ov.year_first) else f"{int(ov.year_first)}–{int(ov.year_last)}")
    c[3].metric("文件", int(ov.files), border=True)

    if int(ov.reports) == 0:
        if not f:                                   # first run: an empty database, not a filter
            ui.empty("数据库中还没有报告。", ui.NO_DATA_HINT)
            return
        ui.empty("当前筛选下没有报告。", "请放宽左侧筛选条件。")
    else:
        # ---------------------------------------------------------- coverage matrix
        st.subheader("覆盖矩阵:单位 × 年度")
        cov = q.coverage(f)
        cov["unit"] = cov["unit"].fillna(NO_UNIT)
        cov["年度"] = cov["year"].map(ui.year_label)
        known = cov["year"].dropna()
        cols = [str(y) for y in range(int(known.min()), int(known.max()) + 1)] if len(known) else []
        if cov["year"].isna().any():
            cols.append("年份不详")
        matrix = (cov.pivot_table(index="unit", columns="年度", values="reports", aggfunc="sum")
                  .reindex(columns=cols).fillna(0).astype(int))
        matrix["合计"] = matrix.sum(axis=1)
        matrix = matrix.sort_values(["合计"], ascending=False)
        missing = int((matrix[cols] == 0).to_numpy().sum())
        st.caption(f"每格为该单位该年的报告数;灰色“缺”表示该年没有报告(共 {missing} 格缺失)。")
        shown = matrix.head(MAX_MATRIX_UNITS)
        z = shown[cols].to_numpy()
        text = [["缺" if v == 0 else str(v) for v in row] for row in z]
        fig = go.Figure(go.Heatmap(
            z=z, x=cols, y=list(shown.index), text=text, texttemplate="%{text}",
            colorscale=[[0, "#EEEEEE"], [0.0001, "#C6DBEF"], [1, "#08519C"]], zmin=0, showscale=False,
            xgap=2, ygap=2))
        ui.clickable_cells(fig, "单位:%{y}<br>年度:%{x}<br>报告数:%{text}<extra></extra>")
        fig.update_layout(xaxis=dict(type="category", side="top", title=None), yaxis=dict(autorange="reversed"),
                          height=max(220, 28 * len(shown) + 80))
        table = shown.reset_index().rename(columns={"unit": "单位"})
        ev = ui.chart(fig, table, "总览-覆盖矩阵", "coverage", f, on_select="rerun", selection_mode="points")
        _reports_behind(ev, f)
        if len(matrix) > MAX_MATRIX_UNITS:
            st.caption(f"图中显示报告最多的 {MAX_MATRIX_UNITS} 个单位(共 {len(matrix)} 个),完整矩阵见下表。")
        with st.expander("覆盖矩阵(表格)"):
            ui.table(matrix.reset_index().rename(columns={"unit": "单位"}), "总览-覆盖矩阵全表", "coverage_all",
                     f, labelled=True)

        # ---------------------------------------------------------- reports per year by unit type
        st.subheader("每年报告数(按单位类型)")
        by = q.reports_by_year_type(f)
        by["年度"] = by["year"].map(ui.year_label)
        data = ui.zh(by.drop(columns="year"))[["年度", "单位类型", "报告数"]]
        fig = px.bar(data, x="年度", y="报告数", color="单位类型", text_auto=True,
                     color_discrete_map=ui.type_colors(data["单位类型"]))
        fig.update_xaxes(type="category")
        ui.chart(fig, data, "总览-每年报告数按单位类型", "by_type", f)

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
    ui.table(qual.drop(columns="check"), "总览-数据质量", "quality", f)
    rej = q.rejects().assign(path=lambda d: d["path"].map(ui.shown_name))
    if len(rej):
        with st.expander(f"拒收文件({len(rej)} 个)及原因"):
            ui.table(rej, "总览-拒收文件", "rejects")
