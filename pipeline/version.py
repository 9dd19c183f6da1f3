"""The extraction version: which code and rules decide what is stored for a file.

Why: a stored file is re-extracted when this version changes. It used to hash a
hand-kept list of modules, so a new module the chain imported but the list forgot left
stale rows. Now the list is read off the import graph: every module `process` (the
per-file chain) and `store` (what becomes a row) import, directly or not, plus every file
in the rules folder. The query layer, keyword statistics, export and the CLI are not
imported by the chain, so editing them re-extracts nothing.

`import_graph` is also what `tests/test_architecture.py` walks to prove there is no cycle.
"""
from __future__ import annotations

import ast
import hashlib
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOTS = ("extract.process", "store")     # the per-file chain, and the writer that turns its results into rows


def modules(package_dir: Path = PACKAGE_DIR) -> dict[str, Path]:
    """Dotted name (relative to the package) -> file, for every module of the package."""
    out = {}
    for p in sorted(package_dir.rglob("*.py")):
        rel = p.relative_to(package_dir).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts) or "__init__"] = p
    return out


def _imports(name: str, path: Path, known: dict[str, Path], package: str,
             cache: dict[str, list[str]] | None = None) -> set[str]:
    """The package modules `path` imports, at any depth in the file (function-level
    imports too: they run as surely, only later). `cache`: what each source imports, keyed
    by its content (`_cached_graph`), so an unchanged file is not parsed again."""
    source = path.read_bytes()
    key = f"{package}:{name}:{path.name}:{hashlib.sha256(source).hexdigest()}"
    if cache is not None and key in cache:
        return {m for m in cache[key] if m in known} - {name}
    found = _parse_imports(name, path.name == "__init__.py", source, package)
    if cache is not None:
        cache[key] = sorted(found)
    return {m for m in found if m in known} - {name}


def _parse_imports(name: str, is_pkg: bool, source: bytes, package: str) -> set[str]:
    """Every dotted module name (relative to the package) the source imports."""
    here = name.split(".") if name != "__init__" else []
    base_pkg = here if is_pkg else here[:-1]
    found: set[str] = set()

    def add(dotted: list[str]) -> None:
        found.add(".".join(dotted) or "__init__")

    for node in ast.walk(ast.parse(source.decode("utf-8"))):
        if isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == package:
                    for k in range(1, len(parts) + 1):      # import pipeline.a.b runs a and a.b
                        add(parts[1:k])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base_pkg[:len(base_pkg) - (node.level - 1)] if node.level > 1 else base_pkg
                target = anchor + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == package:
                target = node.module.split(".")[1:]
            else:
                continue
            add(target)
            for a in node.names:                 # from . import x / from .pkg import sub
                add(target + [a.name])
    return found


def import_graph(package_dir: Path = PACKAGE_DIR, cache_folder: Path | None = None) -> dict[str, set[str]]:
    """module -> the package modules it imports.

    Parsing every module took 0.45 s of each ingest (a one-file upload too), so with a
    `cache_folder` (the private one, `config.cache_dir`) what each file imports is cached by
    its content; a changed file is parsed again, and a missing or unreadable cache only
    costs the parse."""
    known = modules(package_dir)
    cache, path = _load_cache(cache_folder)
    size = len(cache)
    graph = {m: _imports(m, p, known, package_dir.name, cache) for m, p in known.items()}
    if path is not None and len(cache) != size:
        _save_cache(path, cache)
    return graph


_CACHE_NAME = "import_graph.json"


def _load_cache(folder: Path | None) -> tuple[dict[str, list[str]], Path | None]:
    import json

    if folder is None:
        return {}, None
    path = folder / _CACHE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and all(isinstance(v, list) for v in data.values()):
            return data, path
    except (OSError, ValueError):
        pass
    return {}, path


def _save_cache(path: Path, cache: dict[str, list[str]]) -> None:
    """Atomic (a reader never sees half a file); bounded (old contents are dropped)."""
    import json
    import os
    import tempfile

    if len(cache) > 2000:
        cache = dict(list(cache.items())[-1000:])
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import_graph.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(cache, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        pass


def extraction_modules(package_dir: Path = PACKAGE_DIR, roots: tuple[str, ...] = ROOTS,
                       cache_folder: Path | None = None) -> list[str]:
    """The roots and everything they import, transitively, sorted.

    >>> {"extract.process", "extract.tokenize", "rules", "store"} <= set(extraction_modules())
    True
    >>> {"queries.query", "outputs.export", "queries.keywords", "__main__"} & set(extraction_modules())
    set()
    """
    graph = import_graph(package_dir, cache_folder)
    seen: set[str] = set()
    todo = [r for r in roots if r in graph]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(graph[m])
    return sorted(seen)


# Rules files no extraction stage reads (the 考核 rules are applied at query time): editing
# them must not re-extract every stored file.
# check_cues.toml: its own derived table (check_sentences.py); followup_rules.toml: query time
NOT_EXTRACTION_RULES = frozenset({"check_rules.toml", "check_cues.toml", "followup_rules.toml"})


def pipeline_version(package_dir: Path = PACKAGE_DIR, rules_dir: Path | None = None,
                     cache_folder: Path | None = None) -> str:
    """Hash of the extraction code and the rules files: a change re-extracts stored files."""
    if rules_dir is None:
        from pipeline.rules import rules_dir as current

        rules_dir = current()
    known = modules(package_dir)
    h = hashlib.sha256()
    paths = [known[m] for m in extraction_modules(package_dir, cache_folder=cache_folder)] + sorted(Path(rules_dir).glob("*"))
    for p in paths:
        if p.is_file() and p.name not in NOT_EXTRACTION_RULES:
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]
