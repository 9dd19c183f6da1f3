"""Settings read from the environment, in one place.

`ZONGJIE_DB` names the DuckDB file for the CLI, the app and the tests alike.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_FILES = PACKAGE_DIR / "data"          # editable domain knowledge (taxonomies, word lists)
DEFAULT_DB = "data/zongjie.duckdb"

# Files larger than this are rejected before reading (bounded memory; see README "Operating it").
MAX_FILE_BYTES = int(os.environ.get("ZONGJIE_MAX_FILE_MB", "50")) * 1024 * 1024


def db_path() -> Path:
    return Path(os.environ.get("ZONGJIE_DB") or DEFAULT_DB)


def data_file(name: str) -> Path:
    return DATA_FILES / name


# Modules whose code decides what is stored for a file. The query layer, keyword queries,
# export, CLI and orchestration read or move data without changing it, so editing them
# must not force every stored file to be re-extracted.
EXTRACTION_MODULES = ("read", "decode", "clean", "textmap", "split", "attribute", "segment", "metrics",
                      "numerals", "shortcomings", "tokenize", "process", "store")


def pipeline_version() -> str:
    """Hash of the extraction code and the data files: a change re-extracts stored files."""
    import hashlib

    h = hashlib.sha256()
    paths = [PACKAGE_DIR / f"{m}.py" for m in EXTRACTION_MODULES] + sorted(DATA_FILES.glob("*"))
    for p in paths:
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]
