"""Dashboard UI (Streamlit): `frame` for the app's `st.navigation` frame (run by app.py: gate,
sidebar, navigation, then the page), `ui` for what every page shares (the sidebar, filters,
tables/charts/downloads, escaping), `auth` for the optional password gate and who
may import, `overview` for the 总览 page's content (the default page), `uploads` for the safe
handling of uploaded files. The other pages are `pages/*.py`, the SQL in `pipeline/queries/query.py`,
whose results `cache` keeps (`st.cache_data`), installed on import of this package."""
from . import cache  # noqa: F401  (installs the query cache for every page)
