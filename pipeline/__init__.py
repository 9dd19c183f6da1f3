"""总结看板 ingestion pipeline: report files -> clean, attributed, extracted rows in DuckDB.

A library first, the CLI (`python -m pipeline`) a thin wrapper over it:

    from pipeline import ingest, export
    summary = ingest.ingest_paths(["data/sample"], db="data/zongjie.duckdb")
    export.export_jsonl("data/zongjie.duckdb", "out.jsonl")

Stages, one module each, in order: read, decode, clean, split, attribute, segment,
metrics + shortcomings (extract), tokenize, store. `process` chains the pure ones for one
file; `ingest` runs them over many files and hands results to `store`.
"""
__version__ = "0.1.0"
