"""总览 (the default page, pages/0_总览.py): how much is there (reports, units, years), who
reported when, and data quality."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, highlight, links, review, states, tables, theme
from pipeline.queries import labels
from pipeline.queries import query as q

MAX_MATRIX_UNITS = 60
NO_UNIT = "(未识别单位)"
NOT_REPORTED = "未报送"


def _colorscale(top: int) -> list:
    """z = -1 未报送 (a roster unit: red), 0 缺 (grey), 1..top reports (blues)."""
    red, grey = "#F4B6B6", "#EEEEEE"
    if top <= 0:
        return [[0, red], [0.5, red], [0.5, grey], [1, grey]]
    a, b = 0.5 / (top + 1), 1.5 / (top + 1)
    return [[0, red], [a, red], [a, grey], [b, grey], [b, "#C6DBEF"], [1, "#08519C"]]


def coverage_matrix(cov: pd.DataFrame, f: dict, has_roster: bool) -> None:
    """Every roster unit (and every unit that reported) × every year of the filter's range:
    a roster unit's empty year is 未报送, another unit's is 缺."""
    st.subheader("覆盖矩阵:单位 × 年度")
    cov = cov.copy()
    cov["unit"] = cov["unit"].fillna(NO_UNIT)
    cov["年度"] = cov["year"].map(labels.year_label)
    known = sorted(int(y) for y in cov["year"].dropna().unique())
    cols = [str(y) for y in known]
    if (cov["year"].isna() & (cov["reports"] > 0)).any():
        cols.append("年份不详")
    roster_units = set(cov.loc[cov["in_roster"], "unit"])
    matrix = (cov.pivot_table(index="unit", columns="年度", values="reports", aggfunc="sum")
              .reindex(columns=cols).fillna(0).astype(int))
    year_cols = [c for c in cols if c != "年份不详"]
    in_roster = matrix.index.isin(list(roster_units))
    gaps = (matrix[year_cols] == 0)
    missing_roster = gaps[in_roster]
    matrix["合计"] = matrix[cols].sum(axis=1)
    matrix["未报送年数"] = [int(gaps.loc[u].sum()) if u in roster_units else 0 for u in matrix.index]
    matrix = matrix.sort_values(["未报送年数", "合计"], ascending=[False, False])
    n_units = int(missing_roster.any(axis=1).sum())
    n_cells = int(missing_roster.to_numpy().sum())
    if has_roster:
        st.caption(f"名单内 {len(roster_units)} 个单位:{n_units} 个单位未报送(共 {n_cells} 格“未报送”)。"
                   "每格为该单位该年的报告数;不在名单中的单位空缺记为“缺”。")
    else:
        st.caption(f"每格为该单位该年的报告数;灰色“缺”表示该年没有报告(共 {int(gaps.to_numpy().sum())} 格缺失)。"
                   "在「数据导入」页上传单位名单后,名单中未报送的单位也会列出。")
    shown = matrix.head(MAX_MATRIX_UNITS)
    z, text = [], []
    for unit, row in shown[cols].iterrows():
        listed = unit in roster_units
        z.append([(-1 if listed and c != "年份不详" else 0) if v == 0 else v for c, v in row.items()])
        text.append([(NOT_REPORTED if listed and c != "年份不详" else "缺") if v == 0 else str(v)
                     for c, v in row.items()])
    top = int(shown[cols].to_numpy().max()) if len(shown) and cols else 0
    fig = go.Figure(go.Heatmap(
        z=z, x=cols, y=list(shown.index), text=text, texttemplate="%{text}",
        colorscale=_colorscale(top), zmin=-1, zmax=max(top, 0), showscale=False, xgap=2, ygap=2))
    charts.clickable_cells(fig, "单位:%{y}<br>年度:%{x}<br>报告数:%{text}<extra></extra>")
    fig.update_layout(xaxis=dict(type="category", side="top", title=None), yaxis=dict(autorange="reversed"),
                      height=max(220, 28 * len(shown) + 80))
    table = shown.reset_index().rename(columns={"unit": "单位"})
    table.insert(1, "在名单中", table["单位"].isin(list(roster_units)))
    ev = charts.chart(fig, table, "总览-覆盖矩阵", "coverage", f, on_select="rerun", selection_mode="points")
    _reports_behind(ev, f)
    if len(matrix) > MAX_MATRIX_UNITS:
        st.caption(f"图中显示 {MAX_MATRIX_UNITS} 个单位(未报送最多者在前,共 {len(matrix)} 个),完整矩阵见下表。")
    with st.expander("覆盖矩阵(表格)"):
        full = matrix.reset_index().rename(columns={"unit": "单位"})
        full.insert(1, "在名单中", full["单位"].isin(list(roster_units)))
        tables.table(full, "总览-覆盖矩阵全表", "coverage_all", f, labelled=True)


def render(f: dict) -> None:
    states.page_header("总览", f, "报告、单位、年份的覆盖情况与数据质量")
    with states.guard():
        _content(f)


def _reports_behind(event, f: dict) -> None:
    """The reports behind a clicked cell of the coverage matrix, each with an 打开 link."""
    pts = charts.selected_points(event)
    if not pts:
        st.caption("点击格子,下方列出该单位该年的报告。")
        return
    unit, year = charts.unesc(pts[0].get("y")), charts.unesc(pts[0].get("x"))
    reps = q.reports(f)
    pick = (reps["unit"].fillna(NO_UNIT) == unit) & (reps["year"].map(labels.year_label) == year)
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
        coverage_matrix(cov, f, has_roster)
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

    review.review_section(f)

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
