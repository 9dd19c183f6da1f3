"""Streamlit's own chrome in Chinese, and a page that prints cleanly.

Streamlit (1.67) has no translations: its widgets, tooltips and status words are English
("Select all", "No results", "Search", "Fullscreen", "Running...", "Stop", "Main menu",
the error box) and `<html lang="en">`. What can be configured away is, in
.streamlit/config.toml: `client.toolbarMode = "minimal"` removes the top-right menu
(Print, Record screen, theme: the browser's own Ctrl-P prints, with the stylesheet below),
`client.showErrorDetails = "none"` keeps tracebacks out of the page. What can be replaced
is: every table and chart has our own CSV/Excel buttons (formula-escaped), so the data
grid's "Download as CSV" (raw values, a CSV-injection risk) is hidden. The rest is
translated in the browser by one small fixed script (`ZH`, `ZH_PATTERNS`: exact
strings, never data) that also sets `lang="zh-CN"` and sets the print zoom of charts.

The print stylesheet (`@media print`): sidebar, header, toolbars, buttons and our
download rows hidden; the main column full width; charts scaled to the A4 width;
data grids (a canvas that prints only the rows on screen) replaced by the plain HTML
copy `tables.table` writes for print; headings kept with what follows, charts and tables not
split across pages.
"""
from __future__ import annotations

import json

import streamlit as st

# Streamlit 1.67's English strings (whole text of an element, tooltip, aria-label or
# placeholder) -> Chinese. Only exact matches are replaced, outside report text.
ZH: dict[str, str] = {
    # multiselect / selectbox
    "Select all": "全选", "No results": "无匹配项", "Clear all": "全部清除", "Remove": "移除",
    "Choose an option": "请选择", "Choose options": "请选择", "Selected values": "已选",
    "Dismiss": "关闭", "Open": "展开", "Close": "关闭",
    # data grid toolbar and fullscreen
    "Search": "搜索", "Fullscreen": "全屏", "Close fullscreen": "退出全屏", "Exit fullscreen": "退出全屏",
    "Show/hide columns": "显示/隐藏列", "Add row": "添加行", "Delete row(s)": "删除行",
    "Delete rows": "删除行", "Copy to clipboard": "复制", "Clear": "清除", "Show all": "全部显示",
    "Hide all": "全部隐藏", "Reset": "重置",
    # data grid column menu (click a header), its formats and summary figures
    "Dataframe column menu": "列菜单", "Sort ascending": "升序", "Sort descending": "降序",
    "Pin column": "固定列", "Unpin column": "取消固定", "Hide column": "隐藏列", "Autosize": "自动列宽",
    "Format": "格式", "Copy column name": "复制列名", "Automatic": "自动", "Localized": "本地格式",
    "Plain": "纯数字", "Percent": "百分比", "Scientific": "科学计数", "Accounting": "会计格式",
    "Compact": "紧凑", "Calendar": "日历", "Distance": "距离", "Duration": "时长", "Dollar": "美元",
    "Euro": "欧元", "Yen": "日元", "Count": "计数", "Distinct": "不同值", "Empty": "空值", "Sum": "合计",
    "Average": "平均", "Median": "中位数", "Minimum": "最小", "Maximum": "最大", "Range": "范围",
    "Standard deviation": "标准差", "Average length": "平均长度", "Minimum length": "最短",
    "Maximum length": "最长", "Values": "取值", "Top values frequency chart": "常见值频次图",
    "Based on sample": "基于抽样", "Clear selection": "清除选择", "Type to search": "输入以搜索",
    "Close Search": "关闭搜索", "Next Result": "下一个", "Previous Result": "上一个", "No data": "无数据",
    "Select...": "请选择…", "Cancel": "取消", "Edit": "编辑",
    "Scroll tabs left": "向左滚动标签", "Scroll tabs right": "向右滚动标签",
    "Script execution error": "页面运行出错", "Try again": "重试", "Traceback:": "错误追踪:",
    # app chrome
    "Running...": "运行中…", "Stop": "停止", "Main menu": "菜单", "Collapse sidebar": "收起侧栏",
    "Expand sidebar": "展开侧栏", "Sidebar": "侧栏", "Skip to main content": "跳到正文",
    "Link to heading": "本节链接", "Print": "打印", "Record screen": "录屏", "Settings": "设置",
    "About": "关于", "Rerun": "重新运行", "Clear cache": "清除缓存", "System": "跟随系统", "Light": "浅色",
    "Dark": "深色", "Please wait...": "请稍候…", "Connecting": "正在连接", "Connection error": "连接中断",
    "Source": "来源", "Copy": "复制", "Copied": "已复制", "Close file": "移除文件",
    "Delete": "删除", "Upload": "选择文件", "Browse files": "选择文件",
    "Drag and drop files here": "拖放文件到此处", "file upload": "上传文件", "Drag and drop file here": "拖放文件到此处",
    # the error box when an exception escapes a page (client.showErrorDetails = "none")
    "This app has encountered an error. The original error message is redacted to prevent data leaks. "
    "Full error details have been recorded in the logs (if you're on Streamlit Cloud, click on "
    "'Manage app' in the lower right of your app).":
        "页面出错了。为保护数据,错误详情未在页面显示,已记录在服务器日志中。请刷新页面;若仍出错,请联系管理员。",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:":
        "无法连接到看板服务。请稍后刷新页面;若仍无法连接,请联系管理员重新启动服务。",
}
# (JavaScript regular expression, replacement) for strings with a variable part.
ZH_PATTERNS: list[tuple[str, str]] = [
    (r"^Help for (.+)$", "$1 的说明"),
    (r"^Fullscreen: (.+)$", "全屏:$1"),
    (r"^Remove (.+)$", "移除 $1"),
    (r"^(.+) — start$", "$1(起)"),
    (r"^(.+) — end$", "$1(止)"),
    (r"^(\d+) options? available\.?$", "共 $1 个选项"),
    (r"^(\d+) results? available\.?$", "共 $1 个结果"),
    (r"^Limit (\d+\s*[KMG]B) per file(.*)$", "每个文件不超过 $1$2"),
    (r"^(\d+\s*[KMG]B) per file$", "每个文件不超过 $1"),
]

# Rendered chart width that fits an A4 page (portrait, 12 mm margins) at 96 dpi.
PRINT_WIDTH_PX = 690

CSS = """<style>
/* the data grid's own CSV export writes raw cells (no formula escaping): ours is under every table */
[data-testid="stElementToolbarButton"]:has(button[aria-label="Download as CSV"]){display:none}
/* the element holding the script takes no room */
[data-testid="stElementContainer"]:has(script[data-zj-chrome]){display:none}
/* tables for print only (tables.table): hidden on screen */
.zj-print{display:none}
/* a tap shows what a hover shows: the reader's highlighted text opens its extraction */
.zj-reader mark[tabindex]:focus{outline:2px solid #4E79A7}
.zj-reader mark[tabindex]:focus::after{content:"〔" attr(title) "〕";font-size:13px;color:#1F4E9A;
  background:#E3ECFA;border-radius:4px;padding:0 4px;margin-left:2px}
@media print{
  @page{size:A4 portrait;margin:12mm}
  html,body{background:#fff !important}
  [data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],[data-testid="stExpandSidebarButton"],
  [data-testid="stHeader"],[data-testid="stToolbar"],[data-testid="stDecoration"],[data-testid="stStatusWidget"],
  [data-testid="stElementToolbar"],[data-testid="stDownloadButton"],[data-testid="stButton"],
  [data-testid="stBaseButton-secondary"],[data-testid="stFormSubmitButton"],[data-testid="stFileUploader"],
  [data-testid="stPageLink"],[data-testid="stPopover"],.modebar-container,.zj-noprint,
  [class*="st-key-zjdl-"],[class*="st-key-zjtbl-"] [data-testid="stDataFrame"]
    {display:none !important}
  .zj-print{display:block !important}
  .zj-print table{width:100%;border-collapse:collapse;font-size:9pt}
  .zj-print th,.zj-print td{border:1px solid #999;padding:2px 4px;text-align:left;vertical-align:top}
  .zj-print thead{display:table-header-group}
  .zj-print tr{break-inside:avoid;page-break-inside:avoid}
  [data-testid="stApp"],[data-testid="stAppViewContainer"],[data-testid="stMain"],.stMain,section.main
    {position:static !important;overflow:visible !important;height:auto !important;margin:0 !important;
     padding:0 !important;width:100% !important;max-width:100% !important;inset:auto !important}
  [data-testid="stMainBlockContainer"],.block-container{max-width:100% !important;padding:0 !important}
  .js-plotly-plot{zoom:var(--zj-print-zoom,1)}
  [data-testid="stPlotlyChart"],[data-testid="stImage"],[data-testid="stMetric"],[data-testid="stAlert"],
  [data-testid="stHorizontalBlock"]{break-inside:avoid;page-break-inside:avoid}
  h1,h2,h3,h4{break-after:avoid;page-break-after:avoid}
  .zj-reader{max-height:none !important;overflow:visible !important;border:none !important}
  [data-testid="stTabs"] [role="tablist"]{display:none}
  a{color:inherit !important;text-decoration:none !important}
}
</style>"""

_SCRIPT = """<script data-zj-chrome="1">
(function(){
document.documentElement.lang = "zh-CN";
if (window.__zjChrome) { window.__zjChrome.run(); return; }
const ZH = %s, PATTERNS = %s.map(([p, r]) => [new RegExp(p), r]);
const ATTRS = ["title", "aria-label", "placeholder"];
const SKIP = ".zj-reader, .zj-kwic, .zj-print, code, [translate='no']";
function tr(s) {
  if (!s) return null;
  const t = s.trim();
  if (!t || !/[A-Za-z]/.test(t)) return null;
  if (Object.prototype.hasOwnProperty.call(ZH, t)) return s.replace(t, ZH[t]);
  for (const [re, rep] of PATTERNS) if (re.test(t)) return s.replace(t, t.replace(re, rep));
  return null;
}
function fixNode(n) {
  if (n.nodeType === 3) {
    const p = n.parentElement;
    if (!p || p.closest(SKIP) || p.closest("[data-testid='stIconMaterial']")) return;
    const v = tr(n.nodeValue); if (v !== null && v !== n.nodeValue) n.nodeValue = v;
  } else if (n.nodeType === 1) {
    if (n.closest(SKIP)) return;
    for (const a of ATTRS) { const v = n.getAttribute(a); if (v) { const w = tr(v); if (w !== null && w !== v && !(a === "aria-label" && v === "Download as CSV")) n.setAttribute(a, w); } }
  }
}
function walk(root) {
  if (root.nodeType === 3) { fixNode(root); return; }
  if (root.nodeType !== 1) return;
  fixNode(root);
  const it = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  let n; while ((n = it.nextNode())) fixNode(n);
}
function zoomCharts() {
  for (const g of document.querySelectorAll(".js-plotly-plot")) {
    const w = g.getBoundingClientRect().width;
    if (w > 0) g.style.setProperty("--zj-print-zoom", String(Math.min(1, %d / w)));
  }
}
let queued = false;
function run() { queued = false; document.documentElement.lang = "zh-CN"; walk(document.body); zoomCharts(); }
const obs = new MutationObserver(muts => {
  for (const m of muts) {
    if (m.type === "childList") m.addedNodes.forEach(walk);
    else if (m.type === "characterData") fixNode(m.target);
    else if (m.type === "attributes") fixNode(m.target);
  }
  if (!queued) { queued = true; setTimeout(run, 300); }
});
obs.observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true,
                            attributeFilter: ATTRS});
// the root element is outside body: keep its lang if anything sets it back
// (no tag names in this script: Streamlit's sanitizer drops a script whose text holds one)
new MutationObserver(() => { if (document.documentElement.lang !== "zh-CN") document.documentElement.lang = "zh-CN"; })
  .observe(document.documentElement, {attributes: true, attributeFilter: ["lang"]});
// A tap on a chart: plotly computes what is under the pointer on mousemove only, so on
// a touch screen a tap had no hover label and its click selected nothing. Tell plotly where
// the finger is first: the tap then shows the label and selects the bar or cell.
document.addEventListener("touchstart", ev => {
  const t = ev.touches && ev.touches[0], el = ev.target;
  if (!t || !el || !el.closest || !el.closest(".js-plotly-plot")) return;
  el.dispatchEvent(new MouseEvent("mousemove", {bubbles: true, cancelable: true, view: window,
                                                clientX: t.clientX, clientY: t.clientY}));
}, {capture: true, passive: true});
window.addEventListener("resize", zoomCharts);
window.addEventListener("beforeprint", zoomCharts);
window.__zjChrome = {run};
run();
})();
</script>"""


def script() -> str:
    """The translation script (fixed code and the two tables above; no data)."""
    return _SCRIPT % (json.dumps(ZH, ensure_ascii=False), json.dumps(ZH_PATTERNS, ensure_ascii=False),
                      PRINT_WIDTH_PX)


def inject() -> None:
    """Once per page run, first thing (the password form too): the stylesheet and the
    script. The script keeps one observer per browser tab across page switches."""
    # One element (a style-only st.html goes to Streamlit's event container, which a rerun
    # may clear); the element is hidden by its own stylesheet, the style still applies.
    st.html(CSS + script(), unsafe_allow_javascript=True)


# Streamlit's uploader speaks English ("Upload", "200MB per file") and has no setting for
# it: the words are hidden and ours shown in their place (the limits are in the caption).
UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] span{font-size:0}
[data-testid="stFileUploaderDropzoneInstructions"] span::after{content:"拖放文件到此处";font-size:14px}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p{font-size:0}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after{content:"选择文件";
  font-size:14px}
</style>"""
