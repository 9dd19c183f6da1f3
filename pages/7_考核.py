"""考核: the 意识形态工作责任制 checks per unit and year - a unit × rule matrix of 达标 /
未达标 / 未提及, a score per unit with the deductions itemised, the units to follow up first,
a per-unit sheet with the evidence sentences, and an editor for the rules' thresholds,
points and unit types (saved as this installation's copy). The verdicts come from
pipeline/queries/checks.py; this page only shows them."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import downloads, frame, highlight, links, states, tables
from pipeline.outputs import checks_workbook
from pipeline.queries import checks, followup
from pipeline.queries import labels
from pipeline.queries import query as q
from pipeline.queries import shape
from pipeline.rules import RulesError

f = frame.filters()
COLORS = {"达标": "background-color:#C8E6C9", "未达标": "background-color:#FFCDD2", "未提及": "background-color:#E0E0E0"}
FOLLOW_COLORS = {"已落实": "background-color:#C8E6C9", "未见落实": "background-color:#FFE0B2",
                 "无次年报告": "background-color:#E0E0E0"}
RULE_LABELS = {"id": "编号", "name": "规则", "kind": "类型", "threshold": "阈值", "period": "周期", "points": "分值",
               "applies_to": "适用单位类型", "categories": "指标类别", "measures": "计量单位", "cue": "提及线索(正则)",
               "cue_not": "排除线索(正则)", "op": "比较", "source": "依据来源"}
COLOR_ROWS = 300         # the matrix is coloured up to this many unit-years
LINK = st.column_config.LinkColumn(display_text="查看报告", width="small")

states.page_header("考核", f, "按意识形态工作责任制的考核规则,逐单位、逐年度给出 达标 / 未达标 / 未提及 及其依据")

with states.guard():
    try:
        rules_data = checks.load_rules()
    except RulesError as exc:
        st.error(f"考核规则文件有误,无法计算:{exc}", icon=":material/error:")
        st.caption(f"规则文件:{checks.rules_path()}。可修正该文件,或删除本机副本以恢复内置规则。")
        st.stop()
    rules_json = checks.to_json(rules_data)
    # the views show verdicts; the evidence text (most of the bytes) only in the CSV, built on click
    v = checks.check_verdicts(f, rules_json, "unit", False)

    t_matrix, t_score, t_sheet, t_peer, t_follow, t_rules = st.tabs(
        ["考核矩阵", "得分与扣分", "单位考核表", "对标", "整改跟踪", "考核规则"], key="kh_tab", on_change="rerun")

    # ------------------------------------------------------------ rules (shown even without data)
    if t_rules.open:          # only the tab in view runs (st.tabs on_change="rerun")
        with t_rules:
            user = checks.user_path()
            in_force = checks.rules_path()
            st.caption(f"当前使用:{'本机副本 ' + str(in_force) if in_force == user else '内置规则'}。"
                       "可修改阈值、分值和适用单位类型(多个类型用“、”分隔,留空为全部),保存后立即按新规则重新判定。"
                       "“每半年”的规则对全年报告按阈值的 2 倍判定。")
            rules_table = checks.rules_frame(rules_data)
            rules_table["kind"] = rules_table["kind"].map(checks.KINDS)
            rules_table["period"] = rules_table["period"].map(checks.PERIODS)
            shown_rules = rules_table[["id", "name", "kind", "threshold", "period", "points", "applies_to", "source"]]
            edited = st.data_editor(
                shown_rules.rename(columns=RULE_LABELS), key="kh_rules", hide_index=True, width="stretch",
                disabled=[RULE_LABELS[k] for k in ("id", "name", "kind", "period", "source")],
                column_config={"阈值": st.column_config.NumberColumn(min_value=0, step=1),
                               "分值": st.column_config.NumberColumn(min_value=0, step=1)})
            c1, c2 = st.columns(2)
            if c1.button("保存规则", key="kh_save", icon=":material/save:", type="primary"):
                back = edited.rename(columns={v_: k for k, v_ in RULE_LABELS.items()})
                try:
                    checks.save_user_rules(checks.from_frame(rules_data, back))
                except (ValueError, RulesError) as exc:
                    st.error(f"未保存:{exc}", icon=":material/error:")
                except OSError as exc:
                    st.error(f"未保存:无法写入 {user}({exc.strerror or exc})", icon=":material/error:")
                else:
                    st.rerun()
            if in_force == user and c2.button("恢复内置规则", key="kh_reset", icon=":material/restart_alt:"):
                user.unlink(missing_ok=True)
                st.rerun()
            with st.expander("规则详情(证据类别与提及线索)"):
                tables.table(checks.rules_frame(rules_data).rename(columns=RULE_LABELS), "考核-规则", "kh_rule_detail", f,
                         labelled=True)

    if v.empty:
        for tab in (t_matrix, t_score, t_sheet, t_peer, t_follow):
            with tab:
                states.empty_extract("当前筛选下没有可考核的报告(需识别出单位和年度)。",
                                 "考核依据导入时提取的指标和报告原文,导入报告后即可显示。", f)
        st.stop()

    v = v.assign(year=v["year"].astype(int))
    sc = checks.scores(v, rules_data["full_score"])
    c = st.columns(4)
    c[0].metric("单位年度", len(sc), border=True)
    c[1].metric("平均得分", f"{sc['score'].mean():.1f}", border=True)
    c[2].metric("未达标", int((v["verdict"] == "未达标").sum()), border=True)
    c[3].metric("未提及", int((v["verdict"] == "未提及").sum()), border=True)
    st.caption("达标:依据达到阈值;未达标:有依据(数字、提及,或“存在问题”中的表述)但未达到;"
               "未提及:报告对此只字未提——不等于没有做,需核实。"
               + ("未提及同样扣分。" if rules_data["deduct_unmentioned"] else "未提及不扣分。"))

    keys = list(dict.fromkeys(shape.unit_year(sc)))       # the unit-years, lowest score first

    # ------------------------------------------------------------ matrix
    if t_matrix.open:          # only the tab in view runs (st.tabs on_change="rerun")
        with t_matrix:
            grid = shape.check_table(checks.matrix(v, sc, rules_data))
            # colours cost ~0.4 s per 1,000 rows to send: a long matrix is shown as text
            shown = (grid.style.map(lambda x: COLORS.get(x, ""), subset=grid.columns[2:-1])
                     if len(grid) <= COLOR_ROWS else grid)
            tables.grid(shown, grid, "kh_matrix")
            if len(grid) > COLOR_ROWS:
                st.caption(f"共 {len(grid)} 个单位年度,为加快显示未着色;缩小筛选范围(如单一年度或单位类型)即显示颜色。")
            downloads.download(grid, "考核-矩阵", key="kh_matrix", filters=f)
            downloads.download_lazy(lambda: shape.check_table(checks.check_verdicts(f, rules_json, "unit")[
                ["unit", "unit_type", "year", "rule", "verdict", "value", "required", "points", "deducted",
                 "evidence"]]), "考核-全部结论", key="kh_all", filters=f, label="下载全部结论及依据 CSV")
            # every 考核 view in one workbook (pipeline/outputs/sheets.py), built only when clicked
            wb_filters, wb_base = dict(f), downloads.served_base()
            st.download_button("考核工作簿(Excel:矩阵、得分、全部结论、整改跟踪)", key="kh_workbook", on_click="ignore",
                               data=lambda: checks_workbook.workbook_bytes(wb_filters, rules_data, base=wb_base),
                               file_name=downloads.file_name("考核工作簿", f, ".xlsx"), mime=downloads.XLSX_MIME,
                               icon=":material/table_view:", type="tertiary")

    # ------------------------------------------------------------ scores
    if t_score.open:          # only the tab in view runs (st.tabs on_change="rerun")
        with t_score:
            st.caption(f"得分 = {rules_data['full_score']:g} − 未达标"
                       + ("及未提及" if rules_data["deduct_unmentioned"] else "") + "规则的分值;按得分从低到高排列,"
                       "排在前面的单位优先跟进(同分时未达标多者在前)。")
            follow = sc.head(10)
            st.markdown("**优先跟进:** " + highlight.md("、".join(f"{u}({y}年,{s:g}分)" for u, y, s in
                                                    zip(follow["unit"], follow["year"], follow["score"]))))
            tables.table(shape.check_table(sc.assign(score=sc["score"].map(labels.whole), deducted=sc["deducted"].map(labels.whole))), "考核-得分", "kh_scores",
                     f, labelled=True)

    # ------------------------------------------------------------ one unit
    if t_sheet.open:          # only the tab in view runs (st.tabs on_change="rerun")
        with t_sheet:
            if st.session_state.get("kh_unit") not in keys:
                st.session_state["kh_unit"] = keys[0]
            pick = st.selectbox("单位(年度)", keys, key="kh_unit")
            row = sc[shape.unit_year(sc) == pick].iloc[0]
            st.markdown(f"**{highlight.md(row['unit'])} · {int(row['year'])} 年 · 得分 {row['score']:g}**"
                        f"(达标 {row['n_pass']}、未达标 {row['n_fail']}、未提及 {row['n_silent']})")
            sheet = shape.check_sheet(v, row["unit"], row["year"])
            tables.grid(shape.check_table(sheet).style.map(lambda x: COLORS.get(x, ""), subset=["结论"]), shape.check_table(sheet), "kh_sheet")
            downloads.download(shape.check_table(sheet), f"考核-单位考核表-{row['unit']}-{int(row['year'])}", key="kh_sheet", filters=f)
            # only this unit-year's evidence is computed (the whole filter's would cost as much as the verdicts)
            one = {**f, "units": [row["unit"]], "year_min": int(row["year"]), "year_max": int(row["year"])}
            ev = checks.check_evidence(one, rules_json)
            st.markdown("**依据原文**")
            if ev.empty:
                states.empty("这份报告对所有考核项都没有提及。")
            else:
                ev = ev.assign(value=ev["value"].map(labels.whole))
                # the reader opens the report scrolled to the evidence sentence, highlighted
                ev.insert(0, "link", [links.report_link(r, f, highlight=t)
                                      for r, t in zip(ev["report_id"], ev["text_original"])])
                tables.table(shape.check_table(ev[["link", "rule", "kind", "text", "value", "report_id"]]),
                         f"考核-依据-{row['unit']}-{int(row['year'])}", "kh_evidence", f, labelled=True,
                         column_config={"查看报告": LINK})

    # ------------------------------------------------------------ 整改跟踪
    if t_follow.open:          # only the tab in view runs (st.tabs on_change="rerun")
        with t_follow:
            st.caption("上一年度报告“下一步工作打算 / 整改措施”中的每一句承诺,与同一单位下一年度报告(“存在问题”“下一步”以外)"
                       "逐句比对:有一句与承诺共有足够多的双字词语即为“已落实”,并给出该句和重合词语;否则为“未见落实”——"
                       "次年报告没有提到,不等于没有落实。阈值和不计入比较的常用词在规则文件 followup_rules.toml 中设置。")
            units = sorted(set(sc["unit"]))
            if st.session_state.get("kh_follow_unit") not in units:
                st.session_state["kh_follow_unit"] = sc["unit"].iloc[0]
            funit = st.selectbox("单位", units, key="kh_follow_unit")
            uf = {**f, "units": [funit]}
            fp = followup.followup_promises(uf)
            fr = followup.followup_recurring(uf)
            if fp.empty:
                states.empty(f"{funit} 的报告中没有识别出“下一步”承诺。")
            else:
                summ = followup.summary(fp)
                st.markdown("**各年度承诺落实情况:** " + highlight.md("；".join(
                    f"{int(y)}年 {n} 条:已落实 {k}、未见落实 {u}" + (f"、无次年报告 {x}" if x else "")
                    for y, n, k, u, x in zip(summ["year"], summ["n_items"], summ["n_kept"], summ["n_unseen"],
                                             summ["n_no_next"]))))
                shown = fp.assign(share=fp["share"].map(lambda x: f"{x:.0%}"),
                                  link=[links.report_link(r, f, highlight=t) for r, t in zip(fp["report_id"], fp["item"])],
                                  next_link=[links.report_link(r, f, highlight=e) if isinstance(r, str) and e else None
                                             for r, e in zip(fp["next_report_id"], fp["evidence"])])
                cols = ["year", "next_year", "item_no", "item", "verdict", "share", "shared", "evidence", "link", "next_link"]
                tables.grid(shape.check_table(shown[cols]).style.map(lambda x: FOLLOW_COLORS.get(x, ""), subset=["结论"]),
                        shape.check_table(shown[cols]).drop(columns=["次年依据原文"], errors="ignore"), "kh_follow",
                        column_config={"查看报告": LINK, "次年依据原文": LINK})
                downloads.download(followup.csv_frames(fp, fr)[0], f"考核-整改跟踪-{funit}", key="kh_follow", filters=f)
            st.markdown("**连续两年出现的同类问题**")
            if fr.empty:
                states.empty(f"{funit} 没有连续两年报告同一类问题。")
            else:
                tables.table(followup.csv_frames(fp, fr)[1], f"考核-重复问题-{funit}", "kh_recurring", f, labelled=True)

    # ------------------------------------------------------------ 对标
    if t_peer.open:          # only the tab in view runs (st.tabs on_change="rerun")
        with t_peer:
            st.caption("与同类型单位(同一年度,含本单位)比较:各活动类别的合计与同类的中位数、四分位数,"
                       "各考核项的结论与同类达标比例,排名(数值从高到低)和与上年相比的变化。")
            c1, c2, c3 = st.columns([2, 1, 1])
            if st.session_state.get("kh_peer_unit") not in keys:
                st.session_state["kh_peer_unit"] = keys[0]
            pick = c1.selectbox("单位(年度)", keys, key="kh_peer_unit")
            prow = sc[shape.unit_year(sc) == pick].iloc[0]
            unit, year, utype = prow["unit"], int(prow["year"]), prow["unit_type"]
            measures = list(q.metric_measures({"units": [unit]})["measure"]) or ["次"]
            if st.session_state.get("kh_peer_measure") not in measures:
                st.session_state["kh_peer_measure"] = "次" if "次" in measures else measures[0]
            measure = c2.selectbox("计量单位", measures, key="kh_peer_measure")
            same_region = c3.checkbox("仅同地区", key="kh_peer_region")
            if not isinstance(utype, str) or not utype:
                states.empty("这个单位没有识别出单位类型,无法确定同类单位。")
            else:
                region = None
                if same_region:
                    regs = q.reports({"units": [unit], "year_min": year, "year_max": year})["region"].dropna()
                    region = regs.mode().iloc[0] if not regs.empty else None
                    if region is None:
                        st.caption("这个单位没有识别出地区,按全部地区比较。")
                pf = checks.peer_filters(f, utype, year, region)
                st.markdown(f"**{highlight.md(unit)} · {year} 年 · 同类:{highlight.md(utype)}"
                            + (f" · {highlight.md(region)}" if region else "") + "**")
                cats = checks.check_peer_categories(pf, unit, year, measure)
                if cats.empty:
                    states.empty(f"同类单位在 {year} 年没有以“{measure}”计的活动指标。")
                else:
                    for col in ("value", "peer_median", "peer_q1", "peer_q3", "prev_value", "change"):
                        cats[col] = cats[col].map(lambda x: None if pd.isna(x) else labels.whole(float(x)))
                    tables.table(shape.check_table(cats), f"考核-对标-活动-{unit}-{year}", "kh_peer_cats", f, labelled=True)
                pv = checks.peer_verdicts_from(v, f, utype, year)
                if pv is None:
                    pv = checks.check_verdicts(pf, rules_json, "unit", False)
                pr = checks.peer_rules(pv.assign(year=pv["year"].astype(int)) if not pv.empty else pv, unit, year)
                if not pr.empty:
                    pr["peer_pass_share"] = pr["peer_pass_share"].map(lambda x: f"{x:.0%}")
                    for col in ("value", "peer_median", "rank"):
                        pr[col] = pr[col].map(lambda x: labels.whole(float(x)))
                    tables.grid(shape.check_table(pr).style.map(lambda x: COLORS.get(x, ""), subset=["结论", "上年结论"]), shape.check_table(pr),
                            "kh_peer_rules")
                    downloads.download(shape.check_table(pr), f"考核-对标-考核项-{unit}-{year}", key="kh_peer_rules", filters=f)
