"""关键词: the most used terms, a word cloud, term trends per year, what sets a unit or a year
apart, and keyword-in-context lines."""
from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboard import charts, downloads, frame, highlight, states, theme, word_cloud
from pipeline.queries import labels
from pipeline.queries import query as q
from pipeline.queries import shape

f = frame.filters()
# Layout time grows with the words placed: 100 keep the first (cold) page run under 2 s
# on a 10,000-report database (BENCHMARKS.md); the CSV beside it has the same 100.
CLOUD_WORDS = 100
KWIC_LINES = 200      # the 上下文 list shows at most these many lines

states.page_header("关键词", f, "基于分词词频(简体),每万字频次消除报告篇幅差异")


def simplified(term: str) -> str:
    try:
        from pipeline.text.script import to_simplified
        return to_simplified(term)
    except Exception:  # the converter is optional here; the typed term still works
        return term


with states.guard():
    top = q.top_terms(f, 200)
    if top.empty:
        states.empty_extract("当前筛选下还没有词频数据。",
                         "词频在导入报告时统计;导入完成后刷新此页即可显示。", f)
        st.stop()

    # -------------------------------------------------------------- top terms + word cloud
    n = st.slider("显示高频词数量", 10, 60, 30, step=5, key="kw_n")
    left, right = st.columns(2)
    with left:
        st.subheader("高频词")
        data = labels.zh(top.head(n))
        fig = px.bar(data, x="出现次数", y="词语", orientation="h", hover_data={"报告数": True},
                     color_discrete_sequence=["#1F77B4"])
        fig.update_yaxes(categoryorder="total ascending", title=None)
        fig.update_layout(height=max(360, 18 * len(data) + 80))
        charts.chart(fig, data, f"关键词-高频词前{n}", "kw_top", f)
    with right:
        st.subheader("词云")
        cloud = labels.zh(top.head(CLOUD_WORDS))
        png = word_cloud.wordcloud_png(tuple(zip(top.head(CLOUD_WORDS)["term"], top.head(CLOUD_WORDS)["n"].astype(float))))
        if png is None:
            states.empty("未找到中文字体,无法绘制词云。", "请联系管理员在服务器上安装中文字体(文泉驿微米黑)。")
        else:
            st.image(png, width="stretch", caption=f"字号与出现次数成正比(前 {CLOUD_WORDS} 个词)")
        downloads.download(cloud, "关键词-词云词频", "kw_cloud", f)

    # -------------------------------------------------------------- trends
    st.subheader("词语趋势(每万字频次)")
    options = list(top["term"])
    chosen = st.session_state.get("kw_terms")
    if chosen is None:
        st.session_state["kw_terms"] = options[:5]
    else:
        options += [t for t in chosen if t not in options]
    terms = st.multiselect("选择词语(可输入其他词)", options, key="kw_terms", accept_new_options=True,
                           max_selections=12)
    terms = tuple(dict.fromkeys(simplified(t) for t in terms))
    if not terms:
        states.empty("请选择至少一个词语。")
    else:
        trend = q.term_trend(f, terms)
        if trend.empty:
            states.empty("当前筛选下没有带年份的报告,无法画趋势。")
        else:
            # every year of the range on the axis, with how many reports it has; a year
            # without reports is a gap in the line
            full = shape.trend_by_year(trend, q.coverage(f), terms)
            data = labels.zh(full)
            fig = px.line(data, x="年度", y="每万字频次", color="词语", markers=True,
                          hover_data={"出现次数": True, "报告数": True}, color_discrete_sequence=theme.PALETTE)
            fig.update_traces(connectgaps=False)
            fig.update_xaxes(type="category", title="年度(该年报告篇数)")
            if (full["reports"] == 0).any():
                st.caption("没有报告的年份,折线断开。")
            charts.chart(fig, data, "关键词-词语趋势-" + "+".join(terms[:4]), "kw_trend", f)

    # -------------------------------------------------------------- distinctive terms
    st.subheader("特色词")
    cov = q.coverage(f)
    c = st.columns([1, 2])
    by = c[0].radio("比较对象", ["单位", "年度"], horizontal=True, key="kw_by")
    values = shape.compare_groups(cov, "unit" if by == "单位" else "year")
    if len(values) < 2:
        states.empty(f"当前筛选下只有 {len(values)} 个{by},没有可比较的对象。")
    else:
        if st.session_state.get("kw_group") not in values:
            st.session_state.pop("kw_group", None)
        value = c[1].selectbox(by, values, key="kw_group")
        dist = q.distinctive_terms(f, "unit" if by == "单位" else "year", value, 30)
        st.caption(f"与当前筛选内其他{by}相比,「{highlight.md(value)}」用得明显更多的词(按显著度排序)。"
                   "显著度为对数似然比:数值越大,越不可能是偶然多用;大于 10.8 约相当于千分之一的偶然概率。")
        if dist.empty:
            states.empty("没有找到明显的特色词。")
        else:
            data = labels.zh(dist)
            score = "显著度"
            fig = px.bar(data, x=score, y="词语", orientation="h", hover_data={"本组次数": True, "其余次数": True},
                         color_discrete_sequence=["#2CA02C"])
            fig.update_yaxes(categoryorder="total ascending", title=None)
            fig.update_layout(height=max(360, 18 * len(data) + 80))
            charts.chart(fig, data, f"关键词-特色词-{by}-{value}", "kw_dist", f)

    # -------------------------------------------------------------- keyword in context
    st.subheader("关键词上下文")
    if "kw_kwic" not in st.session_state:
        st.session_state["kw_kwic"] = options[0]
    c = st.columns([2, 1])
    term = simplified(c[0].text_input("查找词语", key="kw_kwic").strip())
    width = c[1].slider("上下文字数", 10, 40, 20, step=5, key="kw_width")
    if term:
        lines = q.kwic(f, term, width, KWIC_LINES)
        if lines.empty:
            states.empty(f"当前筛选下的报告中没有出现「{highlight.md(term)}」。")
        else:
            # a list that was not cut holds every occurrence; a cut one asks for the totals, which
            # over many reports are estimated from a fixed sample unless the exact count is asked for
            total = q.kwic_counted(lines, KWIC_LINES) or q.kwic_total(
                f, term, exact=st.session_state.get("kw_exact_for") == term)
            if total["exact"]:
                shown = (f"显示前 {len(lines)} 处,共 {total['occurrences']:,} 处" if total["occurrences"] > len(lines)
                         else f"共 {len(lines)} 处")
                st.caption(f"{shown}(出现在 {total['reports']:,} 篇报告中)。")
            else:
                c = st.columns([4, 1])
                c[0].caption(f"显示前 {len(lines)} 处,约 {total['occurrences']:,} 处(出现在约 {total['reports']:,} 篇"
                             f"报告中,误差约 ±{total['margin']:,} 篇;按随机抽取的 {total['sample']:,} 篇报告推算)。")
                if c[1].button("精确统计", key="kw_exact", icon=":material/calculate:",
                               help="逐篇查找当前筛选下的全部报告,得出准确的处数和篇数(报告多时需一两秒)"):
                    st.session_state["kw_exact_for"] = term
                    st.rerun()
            st.html(highlight.READER_CSS + highlight.kwic_html(lines))
            downloads.download(labels.zh(lines), f"关键词-上下文-{term}", "kw_kwic_dl", f)
