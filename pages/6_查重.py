"""查重: which reports are copied - from the unit's own earlier report, another unit's report
of the same year or a template (范文) - how much, and the cheap red flags (placeholders left
in, another unit's or place's name, an outdated congress, counts identical to last year).
The figures are computed at ingest (pipeline/store/copies.py); this page only reads them."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, downloads, frame, highlight, links, states, tables
from pipeline.store import copies
from pipeline.queries import query as q
from pipeline.queries import shape

f = frame.filters()
PCT = st.column_config.NumberColumn(format="percent")
HEAT_UNITS = 40
COPY_CSS = ("<style>.zj-reader mark.zj-copy{background:#FFC9C9}"
            ".zj-reader{max-height:60vh}</style>")

states.page_header("查重", f, "报告中有多少文字来自本单位往年报告、同年其他单位报告或范文模板;红旗提示")


def _txt(v, default: str) -> str:
    return default if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" else str(v)


def _year(v) -> str:
    return "" if v is None or pd.isna(v) else str(int(v))


with states.guard():
    high = float(copies.rules()["flag"]["high_share"])
    stats = q.copy_stats(f, high)
    if not stats["reports"]:
        states.empty_extract("当前筛选下还没有查重结果。", "查重结果在导入报告时自动计算,重新导入后即可显示。", f)
        st.stop()

    c = st.columns(4)
    c[0].metric("报告", stats["reports"], border=True)
    c[1].metric(f"总复制比 ≥ {high:.0%}", stats["high"], border=True)
    c[2].metric("有红旗的报告", stats["flagged"], border=True)
    c[3].metric("平均总复制比", f"{stats['mean']:.1%}", border=True)
    st.caption("总复制比:报告中能在其他报告(不晚于本报告的年度)或范文模板中找到的文字所占比例,"
               "连续 8 个字以上相同才计入;“四个意识”“两个维护”等规范提法、文件标题和引用的上级讲话不计入。"
               "先按文字指纹找出相近的报告,再逐字比对。")

    # only the tab in view runs (st.tabs on_change="rerun"): at 100,000 reports each costs a query
    t_rank, t_pair, t_heat, t_flags = st.tabs(["复制比排行", "对照查看", "单位相似度热力图", "红旗明细"],
                                              key="cp_tab", on_change="rerun")

    def ranking(limit: int | None) -> pd.DataFrame:
        rank = q.copy_ranking(f, limit=limit)
        shown = rank.assign(year=rank["year"].map(_year), source_year=rank["source_year"].map(_year))
        shown.insert(0, "link", links.report_links(shown["report_id"], f))
        shown["source_link"] = links.report_links(shown["source_report_id"], f)
        return shape.copy_table(shown)

    # ------------------------------------------------------------ ranking
    if t_rank.open:
        with t_rank:
            tables.table_capped(ranking, stats["reports"], "查重-复制比排行", "cp_rank", f,
                            column_config={"查看报告": st.column_config.LinkColumn(display_text="查看报告", width="small"),
                                           "查看来源": st.column_config.LinkColumn(display_text="查看来源", width="small"),
                                           "总复制比": PCT, "最大来源占比": PCT})

    # ------------------------------------------------------------ side by side
    if t_pair.open:
        with t_pair:
            # the picker lists the most-copied reports (a list of 100,000 is no picker)
            rank = q.copy_ranking(f, limit=tables.table_rows())
            copied = rank[rank["n_sources"] > 0]
            if len(rank) < stats["reports"]:
                st.caption(f"可选报告为总复制比最高的 {len(copied):,} 篇;其余报告请在“复制比排行”中点“查看报告”。")
            if copied.empty:
                states.empty("当前筛选下没有找到复制来源。")
            else:
                titles = {r.report_id: f"{r.share:.0%} · {_year(r.year) or '年份不详'} · {_txt(r.unit, '(未识别单位)')} · "
                                       f"{_txt(r.title, '(无标题)')}" for r in copied.itertuples()}
                ids = list(titles)
                if st.session_state.get("cp_a") not in ids:
                    st.session_state["cp_a"] = ids[0]
                a = st.selectbox("报告", ids, format_func=titles.get, key="cp_a")
                srcs = q.copy_sources(None, a)
                src_labels = {r.source_report_id: f"{r.share:.0%} · {r.kind} · {_year(r.source_year) or '年份不详'} · "
                                                  f"{_txt(r.source_unit, '(未识别单位)')} · {_txt(r.source_title, '(无标题)')}"
                              for r in srcs.itertuples()}
                sids = list(src_labels)
                if st.session_state.get("cp_b") not in sids:
                    st.session_state["cp_b"] = sids[0]
                b = st.selectbox("来源", sids, format_func=src_labels.get, key="cp_b")
                pair = q.copy_pair(None, a, b)
                if not pair:
                    states.empty("这两篇报告已不在数据库中,请刷新页面。")
                else:
                    st.caption(f"左侧报告中有 {pair['share']:.1%} 的文字可在右侧找到。高亮为共有片段;"
                               "未高亮的规范提法(如“习近平新时代中国特色社会主义思想”)不参与比较。")
                    cols = st.columns(2)
                    for col, side, text, spans, meta in ((cols[0], "报告", pair["text_a"], pair["spans_a"], pair["meta_a"]),
                                                         (cols[1], "来源", pair["text_b"], pair["spans_b"], pair["meta_b"])):
                        with col:
                            st.markdown(f"**{side}:{highlight.md(_txt(meta[0], '(未识别单位)'))} {highlight.md(_year(meta[1]))}**")
                            st.html(highlight.READER_CSS + COPY_CSS + highlight.highlight_html(
                                text, [(s, e, "copy", "共有片段") for s, e in spans]))
                    downloads.download(shape.copy_table(shape.copy_passages(pair)),
                                f"查重-共有片段-{a}-{b}", key="cp_passages", filters=f, label="下载共有片段 CSV")
                    tables.table(shape.copy_table(srcs.assign(source_year=srcs["source_year"].map(_year))
                                    .rename(columns={"share": "in_source"})),
                             f"查重-来源-{a}", "cp_sources", f, labelled=True,
                             column_config={"在该来源中找到的比例": PCT})

    # ------------------------------------------------------------ unit x unit
    if t_heat.open:
        with t_heat:
            years = q.copy_years(f)
            if not years:
                states.empty("当前筛选下没有同年单位之间的相似报告。")
            else:
                year = st.selectbox("年度", years, key="cp_year")
                heat = q.copy_heatmap(f, int(year))
                if heat.empty:
                    states.empty(f"{year} 年没有不同单位之间的相似报告。")
                else:
                    # the units with the highest shares (a 400 x 400 grid is unreadable); CSV: every pair
                    grid, units = shape.copy_grid(heat, HEAT_UNITS)
                    if heat["unit"].nunique() > HEAT_UNITS:
                        st.caption(f"图中为复制比最高的 {HEAT_UNITS} 个单位;下载 CSV 含全部 {len(heat):,} 对单位。")
                    fig = go.Figure(go.Heatmap(
                        z=grid.values, x=units, y=units, colorscale="Reds", zmin=0, zmax=1,
                        hovertemplate="%{y} 的报告中<br>%{z:.0%} 可在 %{x} 的报告中找到<extra></extra>",
                        colorbar=dict(title="占比", tickformat=".0%")))
                    fig.update_layout(title=f"{year} 年:行单位报告中可在列单位报告中找到的文字占比",
                                      height=max(360, 28 * len(units) + 160))
                    fig.update_xaxes(title="来源单位", tickangle=-45)
                    fig.update_yaxes(title="单位", autorange="reversed")
                    charts.chart(fig, shape.copy_table(heat.rename(columns={"share": "pair_share"})), f"查重-单位相似度-{year}",
                             "cp_heat", f)

    # ------------------------------------------------------------ flags
    if t_flags.open:
        with t_flags:
            counts = q.copy_flag_counts(f)
            if counts.empty:
                states.empty("当前筛选下没有红旗。")
            else:
                n_of = {"全部红旗": int(counts["n"].sum()), **dict(zip(counts["label"], counts["n"].astype(int)))}
                code_of = dict(zip(counts["label"], counts["flag"]))
                if st.session_state.get("cp_flag") not in n_of:
                    st.session_state.pop("cp_flag", None)
                kind = st.selectbox("红旗类型", list(n_of), key="cp_flag", format_func=lambda k: f"{k}({n_of[k]:,} 条)")
                code, total = code_of.get(kind), n_of[kind]

                def flag_rows(limit: int | None) -> pd.DataFrame:
                    sel = q.copy_flag_list(f, code, limit=limit)
                    sel = sel.assign(year=sel["year"].map(_year))
                    sel.insert(0, "link", links.report_links(sel["report_id"], f))
                    return shape.copy_table(sel.drop(columns=["flag"]))

                st.caption("“依据”列给出文中命中的文字。")
                tables.table_capped(flag_rows, total, f"查重-红旗-{kind}", "cp_flags", f,
                                column_config={"查看报告": st.column_config.LinkColumn(display_text="查看报告", width="small")})
