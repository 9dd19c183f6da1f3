"""The 总览 page's coverage matrix (unit × year, 未报送 for roster units), drawn from the
coverage rows the page hands in (pages/0_总览.py asks the queries)."""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, tables
from pipeline.queries import shape

MAX_MATRIX_UNITS = 60


def _colorscale(top: int) -> list:
    """z = -1 未报送 (a roster unit: red), 0 缺 (grey), 1..top reports (blues)."""
    red, grey = "#F4B6B6", "#EEEEEE"
    if top <= 0:
        return [[0, red], [0.5, red], [0.5, grey], [1, grey]]
    a, b = 0.5 / (top + 1), 1.5 / (top + 1)
    return [[0, red], [a, red], [a, grey], [b, grey], [b, "#C6DBEF"], [1, "#08519C"]]


def coverage_matrix(cov: pd.DataFrame, f: dict, has_roster: bool, behind: Callable[[Any], None]) -> None:
    """Every roster unit (and every unit that reported) × every year of the filter's range:
    a roster unit's empty year is 未报送, another unit's is 缺. `behind(event)` lists what
    a click on a cell selected (the page queries the reports)."""
    st.subheader("覆盖矩阵:单位 × 年度")
    g = shape.coverage_grid(cov)
    matrix, cols, roster_units = g["matrix"], g["cols"], g["roster_units"]
    n_units, n_cells = g["missing_units"], g["missing_cells"]
    if has_roster:
        st.caption(f"名单内 {len(roster_units)} 个单位:{n_units} 个单位未报送(共 {n_cells} 格“未报送”)。"
                   "每格为该单位该年的报告数;不在名单中的单位空缺记为“缺”。")
    else:
        st.caption(f"每格为该单位该年的报告数;灰色“缺”表示该年没有报告(共 {g['gaps']} 格缺失)。"
                   "在「数据导入」页上传单位名单后,名单中未报送的单位也会列出。")
    shown = matrix.head(MAX_MATRIX_UNITS)
    z, text = shape.coverage_cells(shown, cols, roster_units)
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
    behind(ev)
    if len(matrix) > MAX_MATRIX_UNITS:
        st.caption(f"图中显示 {MAX_MATRIX_UNITS} 个单位(未报送最多者在前,共 {len(matrix)} 个),完整矩阵见下表。")
    with st.expander("覆盖矩阵(表格)"):
        full = matrix.reset_index().rename(columns={"unit": "单位"})
        full.insert(1, "在名单中", full["单位"].isin(list(roster_units)))
        tables.table(full, "总览-覆盖矩阵全表", "coverage_all", f, labelled=True)
