"""Dashboard UI helpers (Streamlit): `ui` for what every page shares (`ui.page_setup`, the
sidebar, tables/charts/downloads, escaping), `auth` for the optional password gate and who
may import, `overview` for the 总览 page's content (run by app.py), `uploads` for the safe
handling of uploaded files. The other pages are `pages/*.py`, the SQL in `pipeline/query.py`,
whose results `cache` keeps (`st.cache_data`), installed on import of this package."""
from . import cache  # noqa: F401  (installs the query cache for every page)
