"""总结看板 - the app's entry point: `streamlit run app.py` (or `make run`).

An `st.navigation` frame (dashboard/frame.py): page config, the optional password gate
(dashboard/auth.py), our sidebar navigation and the shared filters are drawn here once per
run, then the page runs: 总览 (pages/0_总览.py) at `/`, each file in `pages/` at its
old URL (`/活动指标`, ...). All SQL is in `pipeline/queries/`; the database is `ZONGJIE_DB`
(default data/zongjie.duckdb).
"""
from __future__ import annotations

from dashboard import frame

# Streamlit runs this file as __main__. A worker process that multiprocessing starts from a
# process that ran it (an ingest from the 数据导入 page, Dask's workers) re-imports it as
# __mp_main__: there it must draw nothing (outside a Streamlit run, st.navigation fails).
if __name__ == "__main__":
    frame.run()
