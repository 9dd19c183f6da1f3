"""Dashboard UI helpers (Streamlit): `ui` for what every page shares, `uploads` for the
safe handling of uploaded files. Pages live in `views/`, the SQL in `pipeline/query.py`."""
