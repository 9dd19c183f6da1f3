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
from typing import Any

FILTER_KEYS = ("year_min", "year_max", "units", "unit_types", "regions", "include_nonreports")
LIST_COLUMNS = {"units": "unit", "unit_types": "unit_type", "regions": "region"}


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
    for key, col in LIST_COLUMNS.items():
        if key in f:
            conds.append(f"list_contains(?::VARCHAR[], {alias}.{col})")
            params.append(f[key])
    if not f.get("include_nonreports"):
        conds.append(f"coalesce({alias}.is_report, TRUE)")
    return (" AND ".join(conds) or "TRUE"), params
