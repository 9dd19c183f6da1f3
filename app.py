"""总结看板 - the 总览 page and the app's entry point: `streamlit run app.py` (or `make run`).

Streamlit's `pages/` layout: this file is the main page (总览, at the root URL) and each
file in `pages/` is another page, run on its own without this file. So every page,
this one included, starts with the one shared call `ui.page_setup(<title>)`: page config,
the optional password gate (dashboard/auth.py), our sidebar navigation and the shared
filters (dashboard/ui.py). All SQL is in `pipeline/query.py`; the database is `ZONGJIE_DB`
(default data/zongjie.duckdb).
"""
from __future__ import annotations

from dashboard import overview, ui

f = ui.page_setup("总览")
overview.render(f)
