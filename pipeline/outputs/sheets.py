"""Tables as a spreadsheet user expects them, for every download (CSV and .xlsx) and the
workbook of a whole filter.

One conversion, `for_spreadsheet`, is applied to every table before it leaves the app:
  * a text cell starting with = + - @ tab or CR gets a leading ' (OWASP's advice against
    CSV formula injection: Excel would run `=HYPERLINK(…)` and shows `--社区` as #NAME?);
  * whole-number float columns become integers (years 2021, not 2021.0);
  * flags become 是/否; reports.sources (JSON, English keys) becomes Chinese text;
  * 查看报告 links become absolute (`ZONGJIE_BASE_URL`, default the served address), so
    they open from a file on someone's desktop.

The .xlsx writer keeps types (numbers are numbers, dates are dates), freezes the header
row, sets widths from the content and writes text as text (never a formula). XlsxWriter:
write-only, pure Python, no dependencies (about 8 s per million cells here; a CSV is 10x
faster, so the CSV stays the first button).
"""
from __future__ import annotations

import io
import numbers
import re
from collections.abc import Mapping
from urllib.parse import quote, urlencode

import pandas as pd

from pipeline import settings
from pipeline.queries.labels import LABELS, sources_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LINK_COLUMNS = (LABELS["link"], "link")
SOURCES_COLUMNS = (LABELS["sources"], "sources")
YEAR_COLUMNS = (LABELS["year"], "year")
READER_PATH = "报告浏览"          # the reader page's URL path (dashboard/registry.py PAGES)
DEFAULT_BASE_URL = "http://localhost:8501"
XLSX_MAX_ROWS = 1_048_575          # Excel's limit, header row excluded
XLSX_MAX_CHARS = 32_767            # Excel's limit for one cell
XLSX_MAX_LINKS = 65_530            # Excel's limit of hyperlinks per sheet
TRUNCATED = "…(超出 Excel 单元格上限,已截断)"


def base_url(served: str | None = None) -> str:
    """Where the dashboard is reached, for links in files: `ZONGJIE_BASE_URL`, else the
    address the request came to (`served`), else http://localhost:8501."""
    return (settings.get("ZONGJIE_BASE_URL") or served or DEFAULT_BASE_URL).rstrip("/")


def reader_link(report_id: str, base: str | None = None, params: list[tuple[str, str]] | None = None) -> str:
    """Absolute link to a report in 报告浏览."""
    query = urlencode([("report", report_id), *(params or [])], quote_via=quote)
    return f"{base_url(base)}/{READER_PATH}?{query}"


def escape_cell(v):
    """A text cell Excel would read as a formula, prefixed with '; anything else unchanged."""
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v
    return v


def _is_flag(s: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(s):
        return True
    if s.dtype != object:
        return False
    vals = s.dropna()
    return len(vals) > 0 and all(isinstance(v, bool) for v in vals)


def _absolute(link, base: str):
    if not isinstance(link, str) or not link or re.match(r"^[a-z][a-z0-9+.-]*://", link, re.I):
        return link
    return f"{base}/{link.lstrip('/')}"


def for_spreadsheet(df: pd.DataFrame, base: str | None = None, *, escape: bool = True) -> pd.DataFrame:
    """The frame as it goes into a CSV or workbook (see the module docstring). `escape`
    False for .xlsx, where text is written as text and an apostrophe would show."""
    out = df.copy()
    root = base_url(base)
    for col in out.columns:
        s = out[col]
        if _is_flag(s):
            out[col] = s.map(lambda v: "" if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))
                             else ("是" if v else "否")).astype(object)
            continue
        if pd.api.types.is_float_dtype(s):
            vals = s.dropna()
            if len(vals) and bool(((vals % 1) == 0).all()) and vals.abs().max() < 2 ** 53:
                out[col] = s.astype("Int64")
            continue
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            continue
        if col in YEAR_COLUMNS:      # "2021" as shown on a page (beside 年份不详) is the number 2021
            s = s.map(lambda v: int(v) if isinstance(v, str) and v.isdigit() and len(v) == 4 else v)
        if col in SOURCES_COLUMNS:
            s = s.map(lambda v: sources_text(v) if isinstance(v, str) else v)
        if col in LINK_COLUMNS:
            s = s.map(lambda v: _absolute(v, root))
        if escape:
            s = s.map(escape_cell)
        out[col] = s
    return out


def csv_bytes(df: pd.DataFrame, base: str | None = None) -> bytes:
    """UTF-8 with BOM (Excel then opens Chinese text correctly), escaped and typed."""
    return for_spreadsheet(df, base).to_csv(index=False).encode("utf-8-sig")


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "", str(name)).strip("'") or "表"
    base = base[:31]
    out, i = base, 2
    while taken is not None and out in taken:
        suffix = f"({i})"
        out, i = base[:31 - len(suffix)] + suffix, i + 1
    if taken is not None:
        taken.add(out)
    return out


def _width(text: str) -> int:
    """Display width: a CJK character is about two Latin ones."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _write_sheet(wb, ws, df: pd.DataFrame, formats: dict) -> int:
    """One table on one sheet; returns how many rows were left out (Excel's row limit)."""
    dropped = max(0, len(df) - XLSX_MAX_ROWS)
    if dropped:
        df = df.head(XLSX_MAX_ROWS)
    cols = list(df.columns)
    widths = [_width(str(c)) for c in cols]
    for j, c in enumerate(cols):
        ws.write_string(0, j, str(c), formats["head"])
    links = 0
    for j, c in enumerate(cols):
        s = df[c]
        is_link = c in LINK_COLUMNS
        is_int = pd.api.types.is_integer_dtype(s)
        is_num = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        is_date = pd.api.types.is_datetime64_any_dtype(s)
        sample = 0
        for i, v in enumerate(s.tolist(), start=1):
            if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
                continue
            if is_date:
                ws.write_datetime(i, j, pd.Timestamp(v).to_pydatetime(), formats["date"])
                sample = max(sample, 10)
            elif (is_num and not isinstance(v, str)) or (isinstance(v, numbers.Real) and not isinstance(v, bool)):
                whole = is_int or float(v).is_integer()
                fmt = formats["year"] if c in YEAR_COLUMNS else formats["int"] if whole else formats["num"]
                ws.write_number(i, j, float(v), fmt)
                sample = max(sample, len(f"{v:,}"))
            elif is_link and isinstance(v, str) and v.startswith("http") and len(v) < 2000 \
                    and links < XLSX_MAX_LINKS:
                ws.write_url(i, j, v, formats["link"], string="打开")
                links += 1
                sample = max(sample, 4)
            else:
                text = str(v)
                if len(text) > XLSX_MAX_CHARS:
                    text = text[:XLSX_MAX_CHARS - len(TRUNCATED)] + TRUNCATED
                ws.write_string(i, j, text, formats["text"])
                if i <= 1000:
                    sample = max(sample, _width(text[:200]))
        widths[j] = max(widths[j], sample)
    for j, w in enumerate(widths):
        ws.set_column(j, j, min(max(w + 2, 6), 60))
    ws.freeze_panes(1, 0)
    if cols:
        ws.autofilter(0, 0, max(len(df), 1), len(cols) - 1)
    return dropped


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], base: str | None = None,
               notes: list[tuple[str, str]] | None = None) -> bytes:
    """A workbook with one sheet per table (Chinese headers expected), typed columns, frozen
    header row and widths from the content. `notes` (label, text) rows go on a first sheet
    说明 (the filter, the date); tables longer than Excel allows are cut and say so there."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False, "nan_inf_to_errors": True})
    formats = {
        "head": wb.add_format({"bold": True, "bg_color": "#E3ECFA", "border": 1, "text_wrap": True,
                               "valign": "top"}),
        "text": wb.add_format({"valign": "top"}),
        "int": wb.add_format({"num_format": "#,##0", "valign": "top"}),
        "year": wb.add_format({"num_format": "0", "valign": "top"}),        # 2021, not 2,021
        "num": wb.add_format({"num_format": "#,##0.##", "valign": "top"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        "link": wb.add_format({"font_color": "#1F4E9A", "underline": 1, "valign": "top"}),
    }
    taken: set[str] = set()
    note_rows = list(notes or [])
    note_ws = wb.add_worksheet(sheet_name("说明", taken)) if notes else None
    for name, df in sheets.items():
        ws = wb.add_worksheet(sheet_name(name, taken))
        dropped = _write_sheet(wb, ws, for_spreadsheet(df, base, escape=False), formats)
        if dropped:
            note_rows.append((name, f"超出 Excel 行数上限,未写入最后 {dropped:,} 行"))
    if note_ws is not None:
        _write_sheet(wb, note_ws, pd.DataFrame(note_rows, columns=["项目", "内容"]), formats)
    wb.close()
    return buf.getvalue()
