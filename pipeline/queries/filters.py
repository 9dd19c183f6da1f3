"""The shared report filter: one dict, one function that turns it into SQL.

Every dashboard query and keyword statistic narrows the reports the same way, so the
filter lives here once (Datasette keeps its filters in one module for the same reason):

    year_min, year_max          inclusive bounds on reports.year (reports without a year drop out)
    units, unit_types, regions  lists of allowed values; None or [] means no restriction
    include_nonreports          True brings back what is not a work report (essays, site
                                preambles, is_report false); by default they are out of every count

`where()` returns a condition on `reports AS alias` with `?` placeholders and the values
to bind: nothing a user picked or typed is ever pasted into SQL.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any



@dataclass(frozen=True)
class ListFilter:
    """One "pick some values of a column" filter. Everything about it is in this row: the
    SQL condition (`where`), the description and file-name slug (`describe`, `slug`), the
    URL parameter and sidebar widget key (`param`), the widget's label and its options query
    (`options_sql`). A new filter (期间, 报告类型) is one more row."""
    key: str          # in the filter dict
    column: str       # on `reports`
    param: str        # URL query parameter = sidebar widget key
    label: str        # sidebar widget label
    short: str        # in descriptions and file names
    order: str = "value"   # option order: "value" (alphabetical) or "count" (most reports first)

    def options_sql(self) -> str:
        """The values on offer: the corrected/roster values of the reports (`reports_eff`,
        pipeline/store/effective.py) and the roster's own (a unit that never reported can be picked)."""
        roster_col = {"unit": "name"}.get(self.column, self.column)
        by = f"sum(n) DESC, {self.column}" if self.order == "count" else self.column
        return (f"SELECT {self.column} FROM (SELECT {self.column}, 1 AS n FROM reports_eff "
                f"UNION ALL SELECT {roster_col}, 0 FROM roster) WHERE {self.column} IS NOT NULL "
                f"GROUP BY {self.column} ORDER BY {by}")


LIST_FILTERS = (
    ListFilter("units", "unit", "unit", "单位", "单位", order="count"),
    ListFilter("unit_types", "unit_type", "unit_type", "单位类型", "类型"),
    ListFilter("regions", "region", "region", "地区", "地区"),
)
YEARS_PARAM = "years"     # the year range: URL parameter (given twice: from, to) and slider key
NONREPORTS_PARAM = "nonreports"   # 包含非工作报告: URL parameter (=1) and sidebar toggle key
FILTER_KEYS = ("year_min", "year_max", *(f.key for f in LIST_FILTERS), "include_nonreports")
LIST_COLUMNS = {f.key: f.column for f in LIST_FILTERS}
URL_PARAMS = (YEARS_PARAM, *(f.param for f in LIST_FILTERS), NONREPORTS_PARAM)


def normalize(filters: Mapping | None) -> dict:
    """Drop empty keys, coerce years to int, sort and de-duplicate lists (a stable cache key).

    >>> normalize({"units": ["乙局", "甲局", "甲局"], "regions": [], "year_min": "2020"})
    {'units': ['乙局', '甲局'], 'year_min': 2020}
    """
    out: dict[str, Any] = {}
    for key, value in (filters or {}).items():
        if key not in FILTER_KEYS:
            raise ValueError(f"unknown filter key {key!r}; expected some of {FILTER_KEYS}")
        if value is None or value == "" or (not isinstance(value, (str, int)) and len(value) == 0):
            continue
        if key == "include_nonreports":
            if value is True or str(value).lower() in ("1", "true"):
                out[key] = True
        elif key in ("year_min", "year_max"):
            out[key] = int(value)
        else:
            vals = [value] if isinstance(value, str) else list(value)
            vals = sorted({str(v) for v in vals if v is not None and str(v) != ""})
            if vals:
                out[key] = vals
    return dict(sorted(out.items()))


def where(filters: Mapping | None, alias: str = "r") -> tuple[str, list]:
    """SQL condition on `reports AS alias` and its parameters (essays out unless included).

    >>> where({"year_min": 2020, "units": ["县政府办公室"], "regions": []})
    ('r.year >= ? AND list_contains(?::VARCHAR[], r.unit) AND coalesce(r.is_report, TRUE)', [2020, ['县政府办公室']])
    """
    if not alias.isidentifier():
        raise ValueError(f"bad table alias {alias!r}")
    f = normalize(filters)
    conds: list[str] = []
    params: list = []
    if "year_min" in f:
        conds.append(f"{alias}.year >= ?")
        params.append(f["year_min"])
    if "year_max" in f:
        conds.append(f"{alias}.year <= ?")
        params.append(f["year_max"])
    for lf in LIST_FILTERS:
        if lf.key in f:
            conds.append(f"list_contains(?::VARCHAR[], {alias}.{lf.column})")
            params.append(f[lf.key])
    if not f.get("include_nonreports"):
        conds.append(f"coalesce({alias}.is_report, TRUE)")
    return (" AND ".join(conds) or "TRUE"), params


def known(filters: Mapping | None) -> dict:
    """The filter normalised, keys it does not know (stale URL parameters) dropped."""
    return normalize({k: v for k, v in (filters or {}).items() if k in FILTER_KEYS})


def _years(f: Mapping, sep: str) -> str | None:
    a, b = f.get("year_min"), f.get("year_max")
    if a is None and b is None:
        return None
    if a == b:
        return f"{a}年"
    return f"{a}年起" if b is None else f"{b}年及以前" if a is None else f"{a}{sep}{b}年"


def describe(filters: Mapping | None) -> str:
    """The filter in words, for captions and exports.

    >>> describe({"year_min": 2019, "year_max": 2021, "unit_types": ["学校"], "units": list("甲乙丙丁")})
    '2019–2021年;单位:丁、丙、乙等4个;类型:学校'
    >>> describe({})
    '全部数据'
    """
    f = known(filters)
    parts = [p for p in [_years(f, "–")] if p]
    for lf in LIST_FILTERS:
        vals = f.get(lf.key)
        if vals:
            parts.append(f"{lf.short}:{'、'.join(vals[:3])}{f'等{len(vals)}个' if len(vals) > 3 else ''}")
    if f.get("include_nonreports"):
        parts.append("含非工作报告")
    return ";".join(parts) or "全部数据"


def slug(filters: Mapping | None) -> str:
    """A short description for download file names (not yet made file-name safe).

    >>> slug({"year_min": 2020, "regions": ["谷城县"], "units": ["甲局", "乙局", "丙局"]})
    '2020年起_单位-丙局等3个_地区-谷城县'
    """
    f = known(filters)
    parts = [p for p in [_years(f, "-")] if p]
    for lf in LIST_FILTERS:
        vals = f.get(lf.key)
        if vals:
            parts.append(lf.short + "-" + ("+".join(vals) if len(vals) <= 2 else f"{vals[0]}等{len(vals)}个"))
    if f.get("include_nonreports"):
        parts.append("含非工作报告")
    return "_".join(parts) or "全部"


def url_params(filters: Mapping | None, years: list[int] | tuple[int, ...] = ()) -> list[tuple[str, str]]:
    """The URL query parameters that reproduce `filters` (what the sidebar widgets read);
    an open end of the year range is filled from `years`, the years on offer.

    >>> url_params({"year_min": 2020, "unit_types": ["学校", "医院"]}, years=[2018, 2021])
    [('years', '2020'), ('years', '2021'), ('unit_type', '医院'), ('unit_type', '学校')]
    """
    f = known(filters)
    out: list[tuple[str, str]] = []
    if "year_min" in f or "year_max" in f:
        out += [(YEARS_PARAM, str(f.get("year_min", min(years)))), (YEARS_PARAM, str(f.get("year_max", max(years))))]
    for lf in LIST_FILTERS:
        out += [(lf.param, v) for v in f.get(lf.key, [])]
    if f.get("include_nonreports"):
        out.append((NONREPORTS_PARAM, "1"))
    return out
