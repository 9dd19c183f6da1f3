"""活动指标: activity counts per category, by year and unit; exact and approximate values are
kept apart (约数 hatched), placeholders (X次) are counted, never summed."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, frame, highlight, links, review, states, tables, theme
from pipeline.queries import labels
from pipeline.queries import query as q
from pipeline.queries import shape
from pipeline.store.effective import OTHER_BUCKET

f = frame.filters()
ALL = "__all__"
PATTERNS = {"精确": "", "约数": "/"}
MAX_UNITS = 30

states.page_header("活动指标", f, "按类别统计的活动次数、篇数、人次等")


def bar(data: pd.DataFrame, x: str, y: str, measure: str | None, orientation: str = "v",
        dim: str = "年度") -> go.Figure:
    """Bars colored by category (the shared color map). With a measure, exact and
    approximate values go in two panels side by side (精确 | 约数, 约数 also hatched): a stack
    of 12 exact and 300 approximate would read as 312."""
    facet = {} if measure is None else {"facet_col": "性质", "facet_col_spacing": 0.06,
                                        "category_orders": {"性质": ["精确", "约数"]}}
    fig = px.bar(data, x=x, y=y, color="类别", orientation=orientation,
                 pattern_shape="性质" if measure is not None else None,
                 pattern_shape_map=PATTERNS if measure is not None else None,
                 color_discrete_map=theme.category_colors(q.categories()), hover_data={"性质": True},
                 custom_data=["类别", dim], **facet)
    if measure is not None:
        fig.for_each_annotation(lambda a: a.update(text={"性质=精确": "精确数值", "性质=约数": "约数(不并入精确)"}
                                                   .get(a.text, a.text)))
        # legend entries: 党课 (solid) and 党课(约数) (hatched), not "党课, 精确"
        fig.for_each_trace(lambda t: t.update(name=t.name.replace(", 精确", "").replace(", 约数", "(约数)")))
        # exact and approximate values have their own scale in each panel
        if orientation == "h":
            fig.update_xaxes(matches=None)
        else:
            fig.update_yaxes(matches=None, showticklabels=True)
    fig.update_layout(legend_title_text="类别" + ("(斜线为约数)" if measure is not None else ""))
    return fig


def behind(event, dim: str, fixed: dict | None = None) -> None:
    """Under a chart: the metric mentions behind the clicked bar or cell, with their
    sentences and an 打开 link that opens the report at the sentence."""
    pts = charts.selected_points(event)
    if not pts:
        st.caption("点击柱子(或格子),下方列出它背后的每条指标及原句。")
        return
    p = pts[0]
    cd = p.get("customdata") or []
    if dim == "单位类别":                             # heatmap: x = category, y = unit
        cat, unit, value = charts.unesc(p.get("x")), charts.unesc(p.get("y")), None
    else:
        cat, value = (charts.unesc(cd[0]), charts.unesc(cd[1])) if len(cd) >= 2 else (None, None)
        unit = (fixed or {}).get("unit")
        if dim == "单位":
            unit, value = value, None
    # the database picks the bar's rows (and only as many as the table shows)
    bar = dict(category=cat or None, unit=unit, year=value)
    what = " · ".join(highlight.md(v) for v in (unit, value, cat) if v)
    st.markdown(f"**{what}:{q.metric_count(f, measure, **bar)} 条指标**")
    cols = ["link", "unit", "year", "category", "phrase", "value", "measure", "approx", "placeholder", "sentence"]

    def fetch(limit):
        hit = q.metrics(f, measure, limit=limit, **bar)
        return hit.assign(link=[links.report_link(r, f, highlight=c)
                                for r, c in zip(hit["report_id"], hit["clause"])])[cols]

    tables.table_capped(fetch, q.metric_count(f, measure, **bar), f"活动指标-所选-{what}", f"act_pick_{dim}", f,
                    column_config={"查看报告": st.column_config.LinkColumn(display_text="打开", width="small"),
                                   "所在句子": st.column_config.TextColumn(width="large")})


with states.guard():
    measures = q.metric_measures(f)
    if measures.empty:
        states.empty_extract("当前筛选下还没有活动指标。",
                         "活动指标(开展学习12次、发稿30篇等)从报告正文中自动识别;导入的报告中没有识别出带数字的活动时,此页为空。", f)
        st.stop()

    # The label is what the URL holds (?measure=篇), so it carries no count that changes
    # with the filter; the counts are in the help text.
    names = {m: m or "(无单位)" for m in measures.measure}
    names[ALL] = "全部计量单位(只计条数)"
    choice = st.selectbox("计量单位", list(names), format_func=names.get, key="measure", bind="query-params",
                          help="不同计量单位(次、篇、人次…)的数值不能相加,请选一个;选“全部”时只统计提及条数。\n\n"
                               + "、".join(f"{m or '(无单位)'} {n} 条" for m, n in
                                          zip(measures.measure.head(12), measures.mentions.head(12))))
    measure = None if choice == ALL else choice

    tot = q.metric_totals(f, ("year",), measure)
    c = st.columns(4)
    unit_word = f" {measure}" if measure else ""
    c[0].metric(f"精确合计({measure or '选计量单位后显示'})",
                labels.fmt_num(tot["exact_sum"].sum()) + unit_word if measure else "–", border=True,
                help="明确数字之和,如“开展学习12次”")
    c[1].metric(f"约数合计({measure or '选计量单位后显示'})",
                labels.fmt_num(tot["approx_sum"].sum()) + unit_word if measure else "–", border=True,
                help="“20余次”“近30场”等约数之和,单独列出,不并入精确合计")
    c[2].metric("占位条数", f"{int(tot['placeholders'].sum())} 条", border=True,
                help="“X次”“若干次”等没有具体数字的条目:只计条数,不计入任何合计")
    c[3].metric("提及条数", f"{int(tot['mentions'].sum())} 条", border=True)
    st.caption("精确数值与约数分两栏画(约数另加斜线),互不相加;占位数值(如“X次”)不画入柱中,"
               "只在表格“占位条数”中计数。" if measure else "选“全部计量单位”时只画提及条数(不同单位的数值不能相加)。")
    other = tot[tot["category"] == OTHER_BUCKET]
    dups = int(tot["duplicates"].sum())
    st.caption(f"“{OTHER_BUCKET}”:{int(other['mentions'].sum())} 条不属于意识形态工作类别的计数"
               + (f"(合计 {labels.fmt_num(other['uncounted_sum'].sum())})" if measure else "")
               + ",单列供核查,不计入合计;" + f"同一报告中重复表述的同一数字 {dups} 条,只计一次。")
    review.taxonomy_help("metric")

    t_year, t_unit, t_heat, t_one, t_rep, t_rows = st.tabs(
        ["按年度", "按单位", "单位 × 类别", "单个单位历年", "逐篇报告", "指标明细"], key="tab", bind="query-params")

    with t_year:
        data = shape.metric_long_form(tot.assign(year=tot["year"].map(labels.year_label)), ["year"], measure)
        fig = bar(data, "年度", shape.value_label(measure), measure)
        fig.update_xaxes(type="category")
        table = labels.zh(tot.assign(year=tot["year"].map(labels.year_label)))
        ev = charts.chart(fig, table, f"活动指标-各类别按年度合计-{measure or '条数'}", "act_year", f,
                      on_select="rerun", selection_mode="points")
        behind(ev, "年度")
        st.dataframe(table, hide_index=True, width="stretch")

    by_unit = q.metric_totals(f, ("unit",), measure)          # one query for both unit tabs
    by_unit["unit"] = by_unit["unit"].fillna(shape.NO_UNIT)

    with t_unit:
        top = shape.top_units(by_unit, measure, MAX_UNITS)
        shown = by_unit[by_unit["unit"].isin(top)]
        data = shape.metric_long_form(shown, ["unit"], measure)
        fig = bar(data, shape.value_label(measure), "单位", measure, orientation="h", dim="单位")
        fig.update_yaxes(categoryorder="total ascending")
        fig.update_layout(height=max(300, 26 * len(top) + 120))
        if len(by_unit["unit"].unique()) > MAX_UNITS:
            st.caption(f"显示合计最高的 {MAX_UNITS} 个单位。")
        table = labels.zh(shown)
        ev = charts.chart(fig, table, f"活动指标-各类别按单位合计-{measure or '条数'}", "act_unit", f,
                      on_select="rerun", selection_mode="points")
        behind(ev, "单位")
        st.dataframe(table, hide_index=True, width="stretch")

    with t_heat:
        z, text, sub = shape.metric_heat(by_unit, measure, MAX_UNITS * 2)
        fig = go.Figure(go.Heatmap(
            z=z.fillna(0).to_numpy(), x=list(z.columns), y=list(z.index), text=text, texttemplate="%{text}",
            colorscale="Blues", colorbar_title="提及条数" if measure is None else "精确合计",
            xgap=2, ygap=2))
        charts.clickable_cells(fig, "单位:%{y}<br>类别:%{x}<br>%{text}<extra></extra>")
        fig.update_layout(yaxis=dict(autorange="reversed"), height=max(300, 26 * len(z) + 120))
        st.caption("颜色为" + ("提及条数" if measure is None else "精确合计") + ";格内另列约数合计与占位条数。")
        table = labels.zh(sub)
        ev = charts.chart(fig, table, f"活动指标-单位类别热力图-{measure or '条数'}", "act_heat", f,
                      on_select="rerun", selection_mode="points")
        behind(ev, "单位类别")

    with t_one:
        units = [u for u in q.metric_totals(f, ("unit",), measure)["unit"].dropna().unique()]
        if not units:
            states.empty("当前筛选下没有署名单位的指标。")
        else:
            unit = st.selectbox("单位", sorted(units), key="act_unit_pick")
            one = q.metric_totals({**f, "units": [unit]}, ("year",), measure)
            one = one.assign(year=one["year"].map(labels.year_label))
            data = shape.metric_long_form(one, ["year"], measure)
            fig = bar(data, "年度", shape.value_label(measure), measure)
            fig.update_xaxes(type="category")
            table = labels.zh(one)
            ev = charts.chart(fig, table, f"活动指标-{unit}历年-{measure or '条数'}", "act_one", f,
                          on_select="rerun", selection_mode="points")
            behind(ev, "单个单位", {"unit": unit})
            st.dataframe(table, hide_index=True, width="stretch")

    with t_rep:
        def fetch_rep(limit):
            rep = q.metric_report_totals(f, measure, limit)
            rep.insert(0, "link", [links.report_link(r, f) for r in rep["report_id"]])
            return rep

        tables.table_capped(fetch_rep, q.metric_report_count(f, measure), f"活动指标-逐篇报告-{measure or '全部'}",
                        "act_reports", f, column_config={"查看报告": st.column_config.LinkColumn(display_text="打开")})

    with t_rows:
        cats = sorted(tot["category"].dropna().unique())
        picked = st.multiselect("类别", cats, key="act_rows_cat", placeholder="全部类别(可输入搜索)")
        sel = tuple(picked) or None
        st.caption("每一条提取出的指标及其原句;“约数”“占位”两列标出不计入精确合计的条目;"
                   "“打开”在报告浏览中定位到这一句。")
        # the sentence and the link first: on a narrow screen they are what is read
        first = ["link", "unit", "year", "category", "sentence", "phrase", "value", "measure", "approx", "placeholder"]

        def fetch_rows(limit):
            rows = q.metrics(f, measure, category=sel, limit=limit)
            rows = rows.assign(link=[links.report_link(r, f, highlight=c)
                                     for r, c in zip(rows["report_id"], rows["clause"])])
            return rows[first + [c for c in rows.columns if c not in first]]

        tables.table_capped(fetch_rows, q.metric_count(f, measure, category=sel),
                        f"活动指标-明细-{'+'.join(picked) + '-' if picked else ''}{measure or '全部'}", "act_rows", f,
                        column_config={"查看报告": st.column_config.LinkColumn(display_text="打开", width="small"),
                                       "所在句子": st.column_config.TextColumn(width="large")})
