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


def pipeline_version() -> str:
    """Hash of the pipeline's code and data files: a change re-extracts stored files."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted([*PACKAGE_DIR.glob("*.py"), *DATA_FILES.glob("*")]):
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]
