"""Query caching is a dashboard concern: `pipeline.queries.query` stays free of Streamlit and runs
every query through one keyed function; here that function is wrapped in `st.cache_data`.
Importing the `dashboard` package installs it, so every page gets cached queries."""
from __future__ import annotations

import streamlit as st

from pipeline.queries import query

query.use_cache(st.cache_data(show_spinner=False, max_entries=1024))
