"""数据导入: upload reports (files or a .zip) and an optional manifest, ingest them with a
progress bar, see the result per file. Other pages pick the new data up on their next run
(the query cache is keyed on the database file's version)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, chrome, frame, highlight, messages, review, states, tables, uploads
from pipeline.queries import labels
from pipeline.queries import query as q
from pipeline.config import MAX_FILE_BYTES, db_path

frame.filters()   # the frame stops here unless importing is allowed (dashboard/auth.py)


RESULT = "_zj_upload_result"

st.title("数据导入")
st.caption(f"支持 {' '.join(uploads.UPLOAD_EXTS)};单个文档不超过 "
           f"{MAX_FILE_BYTES // 1048576} MB,单次上传不超过 {uploads.MAX_UPLOAD_MB} MB,"
           f"压缩包解压后不超过 {uploads.MAX_ZIP_TOTAL_BYTES // 1048576} MB。")

st.html(chrome.UPLOADER_CSS)

with st.form("upload", clear_on_submit=False, border=True):
    # Every type is accepted here and refused below with our own Chinese reason (.doc ->
    # 另存为 .docx): with `type=` Streamlit refuses on its own, in English, on hover only.
    files = st.file_uploader("报告文件或 .zip 压缩包(可多选)", accept_multiple_files=True,
                             max_upload_size=uploads.MAX_UPLOAD_MB, key="up_files")
    manifest = st.file_uploader("导入清单(可选,CSV 表格)", key="up_manifest",
                                help="第一行为列名:file(上传时的文件名,压缩包内写包内路径)、unit(单位)、"
                                     "year(年度)、unit_type(单位类型)、region(地区)、period(期间),"
                                     "除 file 外均可省略。清单中的值优先于从文本识别的值。")
    template = st.checkbox("这些文件是范文模板(查重时作为复制来源,不作为被查报告)", key="up_template",
                           help="如从文库网站下载的范文。查重页会显示哪些报告照抄了范文。")
    go = st.form_submit_button("开始导入", type="primary", icon=":material/upload:")

if go:
    if not auth.import_allowed()[0]:      # the frame has checked; the one write path checks again
        st.stop()
    if not files:
        st.warning("请先选择要上传的文件。")
    else:
        if manifest is not None and uploads.extension(manifest.name) != ".csv":
            st.warning(f"导入清单须为 .csv 文件,「{highlight.md(manifest.name)}」未使用。"
                       "可在 Excel 中“另存为” CSV UTF-8。", icon=":material/warning:")
            manifest = None
        try:
            batch = uploads.save_uploads([(u.name, u.getvalue()) for u in files],
                                         (manifest.name, manifest.getvalue()) if manifest else None)
        except uploads.UploadError as exc:
            st.error(str(exc), icon=":material/error:")
            st.stop()
        bar = st.progress(0.0, text="准备导入…(若另一个导入任务正在进行,将排队等它结束)")

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / total if total else 1.0, text=f"正在导入 {done}/{total}:{name}")

        summary, failed = None, None
        if batch.paths:
            # in a child process (dashboard/ingest_job.py): a hostile file cannot take the server down
            from dashboard.ingest_job import IngestFailed, run_ingest
            try:
                summary = run_ingest(batch.paths, db=db_path(), manifest=batch.manifest, progress=progress,
                                     template=template)
            except IngestFailed as exc:  # the database refused (busy, disk full…): say so, keep the files
                failed = f"导入失败:{exc}"
        bar.progress(1.0, text="导入完成")
        st.session_state[RESULT] = (batch, summary, failed)
        st.rerun()   # the sidebar's options (units, years) then include the new reports

if RESULT in st.session_state:
    batch, summary, failed = st.session_state[RESULT]
    if failed:
        st.error(highlight.md(failed), icon=":material/error:")
    status: dict[str, tuple[str, str]] = {}
    if summary is not None:
        status.update({p: ("已导入", "") for p in summary.ingested})
        status.update({p: ("未变(已导入过)", "") for p in summary.unchanged})
        status.update({p: ("拒收", r) for p, r in summary.rejected})
        for note in summary.notes:
            st.info(highlight.md(note), icon=":material/info:")
    skipped = sum(1 for item in batch.items if item.stored is None)
    kind, line = messages.summary(len(summary.ingested) if summary else 0, summary.reports if summary else 0,
                                  len(summary.unchanged) if summary else 0, len(summary.rejected) if summary else 0,
                                  skipped)
    {"success": st.success, "warning": st.warning, "error": st.error}[kind](
        line, icon={"success": ":material/check_circle:", "warning": ":material/warning:",
                    "error": ":material/block:"}[kind])
    per_source = {}
    with states.guard():
        counts = q.reports_by_source(None, tuple(str(p) for p in batch.paths))
        per_source = dict(zip(counts["source"], counts["reports"]))
    rows = []
    for item in batch.items:
        if item.stored is None:
            rows.append({"上传文件": item.original, "结果": item.status, "报告数": None,
                         "说明": messages.refusal(item.original, item.reason)})
        else:
            st_, reason = status.get(str(item.stored), ("未导入", ""))
            rows.append({"上传文件": item.original, "结果": st_,
                         "报告数": per_source.get(str(item.stored)), "说明": reason})
    result = pd.DataFrame(rows)
    refused = result[result["结果"].isin(["跳过", "拒收"])]
    if len(refused):
        # the reasons as text, readable on a phone and without opening the table
        st.markdown("\n".join(f"- **{highlight.md(r['上传文件'])}**:{highlight.md(r['说明'])}"
                               for _, r in refused.head(20).iterrows())
                    + (f"\n- ……另有 {len(refused) - 20} 个,见下表" if len(refused) > 20 else ""))
    st.subheader("逐个文件的结果")
    if batch.manifest_note:
        st.caption(batch.manifest_note)
    tables.table(result, "数据导入-结果", "up_result", labelled=True)
    st.caption("其他页面刷新或切换后即显示新数据。")
    if st.button("清除结果", key="up_clear"):
        del st.session_state[RESULT]
        st.rerun()

with states.guard():
    review.saved_message()
    review.lost_corrections_notice(q.lost_corrections(None, None))
    review.roster_panel()

with st.expander("已拒收的文件(全库)"), states.guard():
    rej = q.rejects().assign(path=lambda d: d["path"].map(labels.shown_name))
    if rej.empty:
        st.caption("没有拒收的文件。")
    else:
        tables.table(rej, "数据导入-拒收文件", "up_rejects")
