"""总结看板 ingestion pipeline: report files -> clean, attributed, extracted rows in DuckDB.

A library first, the CLI (`python -m pipeline`) a thin wrapper over it:

    from pipeline import ingest
    from pipeline.outputs import export
    summary = ingest.ingest_paths(["data/sample"], db="data/zongjie.duckdb")
    export.export_jsonl("data/zongjie.duckdb", "out.jsonl")

Sub-packages, imports pointing one way (queries/outputs -> store <- ingest -> extract -> text):
`load` (read, decode, manifest), `text` (clean, textmap, script, numerals), `extract` (split,
attribute, segment, metrics, shortcomings, tokenize; `process` chains them for one file),
`store` (the schema and writer; effective views, corrections, roster, copies), `queries`
(filters, query, keywords, checks, labels: what the dashboard asks, no Streamlit), `outputs`
(export, sheets, workbook, brief). At the top: `ingest` (runs the chain over many files and
hands results to the store), `rules` (every file under data/, loaded and checked in one
place), `settings` (every ZONGJIE_* variable), `config`, `version` (the extraction version,
from the import graph), `limits`, the CLI `__main__`. See docs/architecture.md.
"""
__version__ = "0.1.0"
