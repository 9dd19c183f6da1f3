"""The dashboard's query access: `pipeline.queries.query` stays free of Streamlit and runs
every query through one keyed function, wrapped here in `st.cache_data` (importing the
`dashboard` package installs it). The few reads the shared pieces need (filter options, the
category list, whether there are reports, why the database is unreadable) are named here, so
no other dashboard helper module runs a query itself."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pipeline.queries import query

query.use_cache(st.cache_data(show_spinner=False, max_entries=1024))

RAW_EXTRACTS = query.RAW_EXTRACTS


def filter_options() -> dict[str, list]:
    """What the sidebar offers: years, units, unit types, regions."""
    return query.filter_options()


def categories() -> dict[str, list[str]]:
    """Metric and shortcoming categories, for the one color map (`theme.category_colors`)."""
    return query.categories()


def report_total() -> int:
    """Reports in the database, no filter (an empty page says whether there are none)."""
    return int(query.overview({}).iloc[0]["reports"])


def raw_extract(kind: str, filters: dict) -> pd.DataFrame:
    """One raw extraction table under the filter (built only when its download is clicked)."""
    return query.raw_extract(kind, filters)


def db_problem() -> str | None:
    """What is wrong with the database file, for the user (corrupt, not ours, unreadable)."""
    from pipeline import store
    from pipeline.config import db_path

    return _db_problem(str(db_path()), store.data_version())


@st.cache_data(max_entries=8, show_spinner=False)
def _db_problem(path: str, version: tuple) -> str | None:
    from pipeline import store

    return store.diagnose(path)
