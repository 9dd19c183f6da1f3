"""The list filters are rows of one table (`pipeline.queries.filters.LIST_FILTERS`): each row's SQL
condition, options query, description, file-name slug and URL parameters are generated
from it and agree with each other on the sample database."""
from __future__ import annotations

from pipeline.queries import filters as F
from pipeline.queries import query
from tests.conftest import db_rows


def test_every_row_filters_offers_and_describes_its_column(sample_db):
    opts = query.filter_options.uncached({}, db=sample_db)
    assert set(opts) == {"years", *(lf.key for lf in F.LIST_FILTERS)}
    for lf in F.LIST_FILTERS:
        values = opts[lf.key]
        assert values, lf.key
        # the options are the column's distinct values, and filtering by one keeps its reports only
        assert sorted(values) == sorted(r[0] for r in db_rows(
            sample_db, f"SELECT DISTINCT {lf.column} FROM reports WHERE {lf.column} IS NOT NULL"))
        cond, params = F.where({lf.key: [values[0]]})
        n = db_rows(sample_db, f"SELECT count(*) FROM reports r WHERE {cond}", params)[0][0]
        assert n == db_rows(sample_db, f"SELECT count(*) FROM reports WHERE {lf.column} = ?", [values[0]])[0][0] > 0
        assert F.describe({lf.key: [values[0]]}) == f"{lf.short}:{values[0]}"
        assert F.slug({lf.key: [values[0]]}) == f"{lf.short}-{values[0]}"
        assert F.url_params({lf.key: [values[0]]}) == [(lf.param, values[0])]


def test_units_are_offered_most_reported_first(sample_db):
    units = query.filter_options.uncached({}, db=sample_db)["units"]
    counts = dict(db_rows(sample_db, "SELECT unit, count(*) FROM reports GROUP BY unit"))
    assert [counts[u] for u in units] == sorted((counts[u] for u in units), reverse=True)


def test_keys_params_and_columns_come_from_the_table():
    assert F.FILTER_KEYS == ("year_min", "year_max", "units", "unit_types", "regions", "include_nonreports")
    assert F.URL_PARAMS == ("years", "unit", "unit_type", "region", "nonreports")
    assert F.LIST_COLUMNS == {"units": "unit", "unit_types": "unit_type", "regions": "region"}
    assert F.describe({"bogus": 1, "year_max": 2020}) == "2020年及以前"     # stale keys dropped


def test_nonreports_switch_in_sql_words_and_links():
    """Essays and other non-reports are out unless the filter includes them."""
    assert F.where({})[0] == "coalesce(r.is_report, TRUE)"
    assert F.where({"include_nonreports": True}) == ("TRUE", [])
    assert F.where({"include_nonreports": False})[0] == "coalesce(r.is_report, TRUE)"
    assert F.describe({"include_nonreports": True}) == "含非工作报告"
    assert F.url_params({"include_nonreports": "1"}) == [("nonreports", "1")]
