"""Chinese names for what the store holds: column headers, periods, where a value came from,
a one-line description of a filter, and how a number, a year or a file name reads. The dashboard, the workbook and the brief all label
tables with these, so a header reads the same on screen, in Excel and on paper."""
from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from pipeline import records
from pipeline.queries.filters import LIST_FILTERS, _years, known
from pipeline.queries.filters import describe as fdescribe

# A stored column's label is declared with its record (pipeline/records.py); the rest name
# what the queries compute (counts, sums, scores) and the supervisor's tables.
LABELS: dict[str, str] = {
    **records.labels(),
    "reports": "报告数", "units": "单位数", "years": "年份数", "files": "文件数", "chars": "总字数",
    "year_first": "最早年度", "year_last": "最晚年度",
    "check": "检查项代码", "item": "检查项", "count": "数量",
    "exact_sum": "精确合计", "approx_sum": "约数合计", "placeholders": "占位条数",
    "mentions": "提及条数", "statements": "问题条数", "n_years": "出现年数", "n_units": "单位数",
    "unit_list": "涉及单位", "per_10k_chars": "每万字频次",
    "n_group": "本组次数", "n_rest": "其余次数", "score": "显著度", "llr": "显著度(对数似然比)",
    "left": "左侧上下文", "right": "右侧上下文",
    "link": "查看报告", "statement": "问题表述", "clause": "原文片段",
    # roster, corrections, 待核查
    "corrected": "已更正", "roster_name": "名单单位", "match_kind": "名单匹配方式", "match_score": "匹配相似度",
    "unit_original": "原识别单位", "unit_type_original": "原识别类型", "region_original": "原识别地区",
    "year_original": "原识别年度", "period_original": "原识别期间", "is_report_original": "原判断是工作总结",
    "counted": "计入合计", "duplicate": "重复表述", "wrong": "标为错误",
    "category_original": "原类别", "item_ordinal": "同文序号", "reasons": "待核查原因", "in_roster": "在名单中",
    "duplicates": "重复表述条数", "uncounted_sum": "不计入合计", "aliases": "别名", "name": "单位",
}
PERIODS = {"full_year": "全年", "half_year": "上半年", "quarter": "季度", "month": "月度"}
SCRIPTS = {"simplified": "简体", "traditional": "繁体", "mixed": "繁简混合"}

# Where a report's metadata value was found (reports.sources, JSON field -> how).
SOURCE_NAMES = {"title": "标题", "body": "正文", "text": "正文", "path": "文件路径", "manifest": "导入清单",
                "unit": "由单位名推断", "keywords": "正文关键词", "none": "未找到", "title/body": "标题/正文",
                "publish_date": "发布日期", "header": "页眉信息", "signature": "落款或署名行",
                "context": "正文语境", "default": "默认"}
FIELD_NAMES = {"title": "标题", "unit": "单位", "unit_type": "单位类型", "region": "地区", "year": "年度",
               "period": "期间", "publish_date": "发布日期"}
# How a report's unit was matched to the roster (reports_eff.match_kind).
MATCH_KINDS = {"exact": "名称一致", "alias": "别名", "variant": "去掉地区/党委等后一致", "fuzzy": "模糊匹配",
               "correction": "人工更正"}


def zh(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with Chinese column headers (unknown columns keep their name)."""
    return df.rename(columns={c: LABELS.get(c, c) for c in df.columns})


def sources_text(raw: Any) -> str:
    """reports.sources (JSON, English keys) as a reader says it: `单位:标题;年度:正文`."""
    try:
        src = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    except (TypeError, ValueError):
        return "" if raw is None else str(raw)
    if not isinstance(src, dict):
        return str(raw)
    return ";".join(f"{FIELD_NAMES.get(k, k)}:{SOURCE_NAMES.get(str(v), str(v))}" for k, v in src.items()
                    if v not in (None, ""))


def describe(filters: dict | None, *, full: bool = False) -> str:
    """The filter in words (`pipeline.queries.filters.describe`); `full` lists every chosen value
    (the brief's cover line and the workbook's 说明 sheet) instead of the first three."""
    if not full:
        return fdescribe(filters)
    f = known(filters)
    parts = [p for p in [_years(f, "–")] if p]
    for lf in LIST_FILTERS:
        if f.get(lf.key):
            parts.append(f"{lf.short}:{'、'.join(f[lf.key])}")
    return ";".join(parts) or "全部数据"


def year_label(y: Any) -> str:
    return "年份不详" if y is None or y is pd.NA or (isinstance(y, float) and pd.isna(y)) else str(int(y))


def whole(x: Any) -> Any:
    """A float that is a whole number as an int (12.0 -> 12), anything else unchanged.

    >>> whole(12.0), whole(2.5), whole("x")
    (12, 2.5, 'x')
    """
    return int(x) if isinstance(x, float) and x.is_integer() else x


def fmt_num(x: Any) -> str:
    """Thousands separated, one decimal only when needed, – for a missing value (screen and brief).

    >>> fmt_num(1234.0), fmt_num(12.5), fmt_num(None)
    ('1,234', '12.5', '–')
    """
    if x is None or pd.isna(x):
        return "–"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def shown_name(path: Any) -> str:
    """A file as users know it: its name, not where the server keeps it.

    >>> shown_name("/srv/uploads/ab12/甲局.docx"), shown_name(None)
    ('甲局.docx', '')
    """
    return "" if path is None else re.split(r"[\\/]", str(path))[-1]
