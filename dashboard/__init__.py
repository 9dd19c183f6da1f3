"""Dashboard UI (Streamlit): `frame` for the app's `st.navigation` frame (run by app.py: gate,
sidebar, navigation, then the page); what every page shares, one concern per module:
`registry` (the pages), `widgets` (sidebar filters ⇄ URL), `links`, `downloads`, `tables`,
`charts`, `theme` (colours, font), `highlight` (escaping, the reader's marks), `word_cloud`,
`states` (headers, empty states, database errors); `auth` for the optional password gate and
who may import, `overview` for the 总览 coverage matrix, `review` for the roster and
correction forms (writes through the store), `uploads` for the safe handling of uploaded files. The SQL is in `pipeline/queries/`; `cache` keeps its results (`st.cache_data`,
installed on import of this package) and is the helpers' only way to the database."""
from . import cache  # noqa: F401  (installs the query cache for every page)
