"""What the dashboard asks of the store, as plain functions `fn(con, filters, ...) -> DataFrame`:
`filters` (the one table of filters: SQL, prose, URL key, widget), `query` (metrics,
shortcomings, reports, coverage, copies), `keywords`, `checks` (the 考核 verdicts), `labels`
(column names and values in Chinese). No Streamlit here: the dashboard caches these calls.
"""
