"""The supervisor's own input, in the browser: the roster (名单) on 数据导入, corrections in
报告浏览, the 待核查 list on 总览. Pages call these; every write goes through the same library
functions as the CLI (`pipeline.store.roster.save_roster`, `pipeline.store.corrections.save_*`), i.e.
through the store's writer (exclusive lock, atomic publish), and the query caches follow the
new database version by themselves.

Writing is allowed to whoever may import (`auth.import_allowed`): the same switch
(ZONGJIE_ALLOW_IMPORT=0) makes the dashboard read-only.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, downloads, highlight, links, tables
from pipeline.queries import labels
from pipeline.store import corrections, roster
from pipeline.config import db_path
from pipeline.store.effective import activity_categories, shortcoming_categories

KEEP = "(不改)"
FIELD_NAMES = {"unit": "单位", "unit_type": "单位类型", "region": "地区", "year": "年度", "period": "期间",
               "is_report": "是工作总结", "category": "类别", "wrong": "标为错误"}


def who() -> str:
    """The login name when the app has user log-in (st.login), else 本机."""
    try:
        user = st.user
        if user.get("is_logged_in"):
            return str(user.get("name") or user.get("email") or corrections.LOCAL_USER)
    except Exception:   # no auth configured: st.user is not available
        pass
    return corrections.LOCAL_USER


def _writable() -> bool:
    ok, why = auth.import_allowed()
    if not ok:
        st.caption(f"只读:{why}")
    return ok


# ---------------------------------------------------------------- roster (数据导入)
def roster_panel() -> None:
    st.subheader("单位名单")
    st.caption("名单是应当报送的单位:总览的覆盖矩阵据此显示“未报送”,报告中的单位按名称、别名、"
               "去掉地区或“党委/党组”后的名称、相似名称匹配到名单单位。上传 CSV 或 .xlsx,表头为 "
               "单位、类型、地区、别名(也可写 名称/name、unit_type、region、aliases);多个别名用 ;、| 分隔。"
               "上传会替换整份名单。")
    if not _writable():
        return
    with st.form("roster_upload", border=True):
        up = st.file_uploader("名单文件(CSV 或 .xlsx)", type=["csv", "xlsx"], key="roster_file")
        go = st.form_submit_button("导入名单", icon=":material/group_add:")
    if go:
        if up is None:
            st.warning("请先选择名单文件。")
        else:
            try:
                n = roster.save_roster(roster.parse_roster(up.getvalue(), up.name), db_path())
            except roster.RosterError as exc:
                st.error("名单未导入:\n\n" + "\n".join(f"- {highlight.md(p)}" for p in exc.problems),
                         icon=":material/error:")
            except Exception as exc:   # busy database, disk full …
                st.error(f"名单未导入:{type(exc).__name__}: {highlight.md(exc)}", icon=":material/error:")
            else:
                st.session_state["_roster_msg"] = f"名单已导入:{n} 个单位。"
                st.rerun()
    if msg := st.session_state.pop("_roster_msg", None):
        st.success(msg, icon=":material/check_circle:")

    current = roster.roster_frame(db_path())
    st.caption(f"当前名单 {len(current)} 个单位。可直接在下表中修改、添加(最后一行)或删除(选中行后按删除键),再点“保存名单”。")
    edited = st.data_editor(
        current, key="roster_editor", num_rows="dynamic", hide_index=True, width="stretch",
        column_config={"类型": st.column_config.SelectboxColumn("类型", options=roster.valid_types()),
                       "别名": st.column_config.TextColumn("别名", help="多个别名用 ; 分隔")})
    c = st.columns([1, 1, 4])
    if c[0].button("保存名单", key="roster_save", icon=":material/save:"):
        try:
            entries = roster.entries_from_frame(edited.fillna(""))
            n = roster.save_roster(entries, db_path())
        except roster.RosterError as exc:
            st.error("名单未保存:\n\n" + "\n".join(f"- {highlight.md(p)}" for p in exc.problems), icon=":material/error:")
        except Exception as exc:
            st.error(f"名单未保存:{type(exc).__name__}: {highlight.md(exc)}", icon=":material/error:")
        else:
            st.session_state["_roster_msg"] = f"名单已保存:{n} 个单位。"
            st.rerun()
    if len(current):
        c[1].download_button("下载名单 CSV", downloads.csv_bytes(current), "单位名单.csv", "text/csv", key="roster_dl",
                             icon=":material/download:")


# ---------------------------------------------------------------- corrections (报告浏览)
def _orig(rep: pd.Series, field: str):
    v = rep.get(f"{field}_original")
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def correction_status(rep: pd.Series, fixes: pd.DataFrame) -> dict[str, str]:
    """field -> "已更正(原值:…;谁 何时)" for the report's corrected fields."""
    out = {}
    for r in fixes[fixes["target"] == "report"].itertuples():
        orig = r.original if r.original not in (None, "") else "(空)"
        if r.field == "period":
            orig = labels.PERIODS.get(orig, orig)
        out[r.field] = f"已更正(原值:{orig};{r.who} {str(r.at or '')[:16].replace('T', ' ')})"
    return out


def report_corrections_form(rep: pd.Series, fixes: pd.DataFrame, roster_names: list[str]) -> None:
    """Correct unit (to a roster unit or free text), type, region, year, period, not-a-report."""
    names = roster_names
    corrected = sorted(set(fixes.loc[fixes["target"] == "report", "field"]))
    with st.expander("更正本报告" + (f"(已更正 {len(corrected)} 项)" if corrected else ""),
                     icon=":material/edit:", expanded=bool(corrected)):
        if not _writable():
            return
        with st.form(f"fix_{rep.report_id}", border=False):
            c = st.columns(2)
            pick = c[0].selectbox("单位:改为名单中的单位", [KEEP, *names], key="fix_unit_pick")
            free = c[1].text_input("或填写单位名称", key="fix_unit_free", placeholder="不填则不改")
            c = st.columns(4)
            utype = c[0].selectbox("单位类型", [KEEP, *roster.valid_types()], key="fix_type")
            region = c[1].text_input("地区", key="fix_region", placeholder="不填则不改")
            year = c[2].text_input("年度", key="fix_year", placeholder="如 2021,不填则不改")
            period = c[3].selectbox("期间", [KEEP, *corrections.PERIODS], key="fix_period",
                                    format_func=lambda p: labels.PERIODS.get(p, p))
            isrep = st.radio("是否工作报告", [KEEP, "是工作报告", "不是工作报告"], key="fix_isrep", horizontal=True)
            save = st.form_submit_button("保存更正", type="primary", icon=":material/save:")
        if save:
            changes = {}
            if free.strip():
                changes["unit"] = free.strip()
            elif pick != KEEP:
                changes["unit"] = pick
            if utype != KEEP:
                changes["unit_type"] = utype
            if region.strip():
                changes["region"] = region.strip()
            if year.strip():
                changes["year"] = year.strip()
            if period != KEEP:
                changes["period"] = period
            if isrep != KEEP:
                changes["is_report"] = "true" if isrep == "是工作报告" else "false"
            _save(lambda: corrections.save_report(db_path(), rep.report_id, changes, who()), changes)
        if corrected:
            c = st.columns([3, 1])
            undo = c[0].multiselect("撤销更正(恢复为识别值)", corrected, format_func=FIELD_NAMES.get,
                                    placeholder="选择要撤销的字段", key="fix_undo")
            if c[1].button("撤销", key="fix_undo_go", disabled=not undo):
                _save(lambda: corrections.save_report(db_path(), rep.report_id, dict.fromkeys(undo), who()),
                      dict.fromkeys(undo))


TARGET_NAMES = {"report": "报告", "metric": "活动指标", "shortcoming": "问题表述"}


def lost_corrections_notice(lost: pd.DataFrame, path: str | None = None) -> None:
    """Say, in the reader (one file) or on 数据导入 (all files), which corrections could not be
    carried over to a file's edited version: the sentence they stood on is gone, so they are
    kept aside, not applied. The supervisor re-checks the report and may discard them."""
    if lost.empty:
        return
    where = "此文件" if path else "有文件"
    lines = []
    for r in lost.head(20).itertuples():
        what = FIELD_NAMES.get(r.field, r.field)
        item = f"({TARGET_NAMES.get(r.target, r.target)}“{highlight.md(str(r.item_text)[:30])}”)" if r.item_text else ""
        value = labels.PERIODS.get(r.value, r.value) if r.field == "period" else r.value
        lines.append(f"- {'' if path else highlight.md(labels.shown_name(r.path)) + ':'}{what}{item} 更正为"
                     f"“{highlight.md(value)}”({highlight.md(r.who)} {str(r.at or '')[:16].replace('T', ' ')})—— {highlight.md(r.note)}")
    more = f"\n- ……另有 {len(lost) - 20} 项" if len(lost) > 20 else ""
    st.warning(f"{where}内容已改变,{len(lost)} 项更正未能沿用到新版本(原依据的句子在新版本中找不到),"
               "这些更正没有生效,请重新核对后再更正:\n" + "\n".join(lines) + more, icon=":material/history:")
    if _writable() and st.button("不再保留这些未沿用的更正", key=f"lost_discard_{path or 'all'}",
                                 icon=":material/delete:"):
        try:
            n = corrections.discard_lost(db_path(), path)
        except Exception as exc:
            st.error(f"未删除:{type(exc).__name__}: {highlight.md(exc)}", icon=":material/error:")
        else:
            st.session_state["_fix_msg"] = f"已删除 {n} 项未沿用的更正。"
            st.rerun()


def _save(write, changes: dict) -> None:
    if not changes:
        st.warning("没有要保存的更改。")
        return
    try:
        n = write()
    except corrections.CorrectionError as exc:
        st.error(f"未保存:{highlight.md(exc)}", icon=":material/error:")
    except Exception as exc:
        st.error(f"未保存:{type(exc).__name__}: {highlight.md(exc)}", icon=":material/error:")
    else:
        st.session_state["_fix_msg"] = f"已保存 {n} 项更正。"
        for k in ("fix_unit_pick", "fix_unit_free", "fix_type", "fix_region", "fix_year", "fix_period",
                  "fix_isrep", "fix_undo"):
            st.session_state.pop(k, None)
        st.rerun()


def saved_message() -> None:
    if msg := st.session_state.pop("_fix_msg", None):
        st.success(msg, icon=":material/check_circle:")


def items_editor(kind: str, rep: pd.Series, items: pd.DataFrame) -> None:
    """Mark metrics / shortcomings wrong or move them to another category, in a table. A
    metric moved to 其他(不计入) leaves the taxonomy (and every total)."""
    from pipeline.store.effective import OTHER_BUCKET

    if items.empty or not _writable():
        return
    cats = list(activity_categories() if kind == "metric" else shortcoming_categories())
    if kind == "metric":
        cats.append(OTHER_BUCKET)
    current = items["category"].fillna("")
    shown = pd.DataFrame({"标为错误": items["wrong"].astype(bool), "类别": current, "原文片段": items["text"]})
    edited = st.data_editor(
        shown, key=f"items_{kind}_{rep.report_id}", hide_index=True, width="stretch", disabled=["原文片段"],
        column_config={"类别": st.column_config.SelectboxColumn("类别", options=sorted(set(cats) | set(current))),
                       "标为错误": st.column_config.CheckboxColumn("标为错误", help="不是真实的活动计数/问题表述")})
    if st.button("保存对上表的更正", key=f"items_save_{kind}_{rep.report_id}", icon=":material/save:"):
        todo = []
        for i in range(len(items)):
            it, new = items.iloc[i], edited.iloc[i]
            changes = {}
            if bool(new["标为错误"]) != bool(it["wrong"]):
                changes["wrong"] = "true" if new["标为错误"] else None
            if new["类别"] != current.iloc[i]:
                cat = "其他" if new["类别"] == OTHER_BUCKET else new["类别"]   # a name outside the taxonomy
                changes["category"] = None if cat == it["category_original"] else cat
            if changes:
                todo.append(dict(text=it["text"], ordinal=int(it["item_ordinal"]), changes=changes,
                                 original_category=it["category_original"]))
        target = "metric" if kind == "metric" else "shortcoming"
        _save(lambda: corrections.save_items(db_path(), target, rep.report_id, todo, who()),
              {i: 1 for i in range(len(todo))})


# ---------------------------------------------------------------- 待核查 (总览)
def review_section(df: pd.DataFrame, f: dict) -> None:
    """待核查 on 总览: the reports to look at (`query.review` rows), each with a link."""
    st.subheader("待核查")
    if df.empty:
        st.caption("当前筛选下没有需要核查的报告。")
        return
    st.caption(f"共 {len(df)} 篇报告需要看一眼:疑似非工作报告、单位未明确署名或未识别、未匹配名单、"
               "没有年份或年份/类型为推测。点“查看报告”在报告浏览中打开并更正;更正后的字段不再列入。")
    shown = df.assign(link=[links.report_link(r, f) for r in df["report_id"]],
                      year=df["year"].map(lambda y: None if pd.isna(y) else int(y)))[
        ["reasons", "unit", "year", "title", "link", "report_id"]]
    tables.table(shown, "总览-待核查", "review", f, capped=True,
             column_config={"查看报告": st.column_config.LinkColumn(display_text="查看报告", width="small")})


# ---------------------------------------------------------------- category descriptions
def taxonomy_help(kind: str) -> None:
    """The one-line description of every category (data/*_taxonomy.toml), in an expander."""
    from pipeline.store.effective import OTHER_BUCKET

    cats = activity_categories() if kind == "metric" else shortcoming_categories()
    rows = [{"类别": n, "说明": d} for n, d in cats.items()]
    if kind == "metric":
        rows.append({"类别": OTHER_BUCKET, "说明": "不属于以上意识形态工作类别的计数(如维修、安装、人员数),"
                                                   "列出供核查,不计入任何合计。"})
    with st.expander("各类别的含义", icon=":material/help:"):
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
