"""总结看板 ingestion pipeline: report files -> clean, attributed, extracted rows in DuckDB.

A library first, the CLI (`python -m pipeline`) a thin wrapper over it:

    from pipeline import ingest, export
    summary = ingest.ingest_paths(["data/sample"], db="data/zongjie.duckdb")
    export.export_jsonl("data/zongjie.duckdb", "out.jsonl")

Stages, one module each, in order: read, decode, clean, split, attribute, segment,
metrics + shortcomings (extract), tokenize, store. `process` chains the pure ones for one
file; `ingest` runs them over many files and hands results to `store`.

Around them: `rules` (the files under data/, loaded and checked in one place), `settings`
(every ZONGJIE_* variable), `manifest` (the import manifest), `version` (the extraction
version, from the import graph), `document` (what read hands to decode). The dashboard
reads through `filters` (the filter table), `query` and `keywords`; none imports Streamlit.
See docs/architecture.md.
"""
__version__ = "0.1.0"
