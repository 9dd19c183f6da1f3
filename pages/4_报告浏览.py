"""报告浏览: find a report, see where each of its values came from, and read it with the
extracted metrics and shortcomings highlighted. `?report=<id>` opens a report directly."""
from __future__ import annotations

import streamlit as st

from dashboard import frame, highlight, review, states, tables
from pipeline.queries import labels
from pipeline.queries import query as q
from pipeline.queries import shape

f = frame.filters()

states.page_header("报告浏览", f, "检索报告,查看元数据来源,阅读原文(提取结果高亮)")

with states.guard():
    search = st.text_input("搜索", key="rb_search", placeholder="标题、单位、文件名或正文中的文字(繁简均可)")
    # the database returns only the rows the list shows (100,000 reports would be a million cells)
    lst = q.reports(f, search.strip(), tables.table_rows())
    total = q.report_count(f, search.strip()) if len(lst) >= tables.table_rows() else len(lst)
    wanted = st.query_params.get("report")

    st.caption(f"共 {total} 篇报告" + (f"含「{highlight.md(search.strip())}」" if search.strip() else "") + "。"
               + (f"列表与下拉框只列前 {len(lst):,} 篇:请用搜索或侧栏筛选缩小范围。" if total > len(lst) else ""))
    tables.table(shape.report_list(lst), "报告浏览-报告列表" + (f"-{search.strip()}" if search.strip() else ""), "rb_list", f,
             height=260)

    options = list(lst["report_id"])
    titles = {r.report_id: shape.report_label(r) for r in lst.itertuples()}
    # `?report=` from a link is a request to open that report, even outside the filter; the
    # value this page itself writes back to the URL (to make the view shareable) is not.
    external = bool(wanted) and wanted != st.session_state.get("_rb_written")
    outside = False
    if external and wanted not in titles:
        one = q.report(None, wanted)
        if len(one):
            options.insert(0, wanted)
            titles[wanted] = shape.report_label(one.iloc[0])
            outside = True
    if not options:
        states.empty("没有符合条件的报告。", "请修改搜索词或放宽左侧筛选。" if (f or search) else states.NO_DATA_HINT)
        st.stop()
    if external and wanted in options:
        st.session_state["rb_pick"] = wanted
    elif st.session_state.get("rb_pick") not in options:
        st.session_state["rb_pick"] = options[0]
    rid = st.selectbox("打开报告", options, format_func=titles.get, key="rb_pick")
    st.session_state["_rb_written"] = rid
    # The URL names the open report once the user picks one (or came with one): the first
    # report of the list, opened by default, adds no `report=` (and no history entry).
    if st.query_params.get("report") != rid and ("report" in st.query_params or rid != options[0]):
        st.query_params["report"] = rid
    if outside and rid == wanted:
        st.caption("此报告不在当前筛选范围内(由链接打开)。")

    rep = q.report(None, rid).iloc[0]
    mets, shorts, secs = q.report_metrics(None, rid), q.report_shortcomings(None, rid), q.report_sections(None, rid)
    fixes = q.report_corrections(None, rid)
    fixed = review.correction_status(rep, fixes)
    review.saved_message()

    st.subheader(highlight.md(rep.title or "(无标题)"))
    c = st.columns(5)
    c[0].metric("单位", highlight.md(rep.unit or "未识别"),
                help=fixed.get("unit") or ("明确署名" if rep.unit_explicit else "从正文推断或未识别"))
    c[1].metric("年度", labels.year_label(rep.year), help=fixed.get("year"))
    c[2].metric("字数", f"{int(rep.n_chars or 0):,}")
    c[3].metric("活动指标", len(mets))
    c[4].metric("问题表述", len(shorts))
    st.caption(f"来源文件:{highlight.md(labels.shown_name(rep.source))}(文件内第 {rep.report_index} 篇)"
               + ("" if rep.is_report else " · 疑似非工作总结(默认不计入统计)")
               + (f" · 已更正 {len(fixed)} 项" if fixed else ""))

    cp = q.copy_info(None, rid)        # 查重 (pipeline/store/copies.py): copied share, main source, red flags
    if cp:
        src = (f"最大来源:{highlight.md(cp['source_unit'] or '(未识别单位)')} {labels.year_label(cp['source_year'])}"
               f"({cp['kind']},占 {cp['source_share']:.0%})") if cp["source_report_id"] else "未找到复制来源"
        flags = ";".join(f"{label}({highlight.md(detail)})" for label, detail in cp["flags"])
        (st.warning if cp["flags"] else st.caption)(
            f"查重:总复制比 {cp['share']:.0%} · {src}" + (f" · 红旗:{flags}" if flags else ""),
            **({"icon": ":material/content_copy:"} if cp["flags"] else {}))

    with st.expander("元数据及其来源", expanded=True, icon=":material/info:"):
        tables.table(shape.report_sources(rep, fixed), f"报告浏览-元数据来源-{rep.report_id}", "rb_sources", labelled=True)
    review.lost_corrections_notice(q.lost_corrections(None, rep.source), rep.source)
    review.report_corrections_form(rep, fixes, q.roster()["name"].tolist())

    marks = [(int(s.char_start), s.kind) for s in secs.itertuples() if s.kind and s.kind != "其他"]
    traditional = rep.script not in (None, "simplified") and rep.text != rep.text_simplified
    tabs = st.tabs(["原文", "简体"] if traditional else ["原文"])
    # ?hl=<clause> (from an 打开 link beside a number): the reader scrolls to that clause
    # and flashes it. Only in the report the link names.
    hl = st.query_params.get("hl") if st.query_params.get("report") == rid else None
    for n_tab, (tab, text) in enumerate(zip(tabs, [rep.text or "", rep.text_simplified or ""])):
        with tab:
            spans, lost = highlight.report_spans(text, mets, shorts)
            at = text.find(hl) if hl else -1
            st.html(highlight.READER_CSS + highlight.LEGEND_HTML
                    + highlight.highlight_html(text, spans, marks, anchor=at if at >= 0 and n_tab == 0 else None))
            if hl and n_tab == 0:
                if at >= 0:
                    st.html(highlight.SCROLL_TO_TARGET, unsafe_allow_javascript=True)
                else:
                    st.caption("链接所指的句子未能在原文中找到。")
            if lost:
                st.caption(f"{lost} 条提取结果未能在文中定位。")
    if not traditional:
        st.caption("此报告原文为简体,无需另列简体版。")

    st.markdown("**本报告的活动指标**")
    if mets.empty:
        states.empty("本报告没有提取出活动指标。")
    else:
        tables.table(shape.report_metric_rows(mets), f"报告浏览-活动指标-{rep.report_id}", "rb_metrics")
        st.caption("“计入合计”为否:类别不在活动分类中(其他(不计入)),或同一数字在本报告中重复表述(只计一次)。")
        with st.expander("更正活动指标(标为错误或改类别)", icon=":material/edit:"):
            review.items_editor("metric", rep, mets)
    st.markdown("**本报告的存在问题**")
    if shorts.empty:
        states.empty("本报告没有提取出问题表述。")
    else:
        tables.table(shape.report_shortcoming_rows(shorts), f"报告浏览-存在问题-{rep.report_id}", "rb_shortcomings")
        with st.expander("更正存在问题(标为错误或改类别)", icon=":material/edit:"):
            review.items_editor("shortcoming", rep, shorts)
