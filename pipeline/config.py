"""Paths and limits the pipeline derives from its settings (`pipeline.settings` holds every
`ZONGJIE_*` variable; this module turns them into paths and byte counts).

`ZONGJIE_DB` names the DuckDB file for the CLI, the app and the tests alike.
"""
from __future__ import annotations

import os
from pathlib import Path

from pipeline import settings

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_FILES = PACKAGE_DIR / "data"          # editable domain knowledge (taxonomies, word lists)
DEFAULT_DB = settings.BY_NAME["ZONGJIE_DB"].default

# Files larger than this are rejected before reading (bounded memory; see README "Operating it").
MAX_FILE_BYTES = settings.get("ZONGJIE_MAX_FILE_MB") * 1024 * 1024


def db_path() -> Path:
    return Path(settings.get("ZONGJIE_DB"))


def data_file(name: str) -> Path:
    """A file in the rules folder (`rules.rules_dir()`: `ZONGJIE_RULES_DIR` or the bundled one)."""
    from pipeline.rules import rules_dir

    return rules_dir() / name


def cache_dir() -> Path | None:
    """A private folder for tables derived from installed files (the t2s fast path, jieba's
    place names), or None when there is none we can trust.

    A cache decides what the pipeline extracts, so it is never read from a folder someone
    else could write to: `$ZONGJIE_CACHE_DIR`, else `<tmp>/zongjie-<uid>`, created 0700, and
    used only if we own it and it is not group- or world-writable.
    """
    import tempfile

    d = Path(settings.get("ZONGJIE_CACHE_DIR") or Path(tempfile.gettempdir()) / f"zongjie-{os.getuid()}")
    try:
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = d.stat()
    except OSError:
        return None
    if st.st_uid != os.getuid() or st.st_mode & 0o022:
        return None
    return d


def pipeline_version() -> str:
    """Hash of the extraction code (found from the import graph) and the rules folder:
    a change re-extracts stored files. See `pipeline.version` (what each module imports is
    cached in the private cache folder, by content)."""
    from pipeline.version import pipeline_version as version

    return version(cache_folder=cache_dir())
