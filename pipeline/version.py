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


def _imports(name: str, path: Path, known: dict[str, Path], package: str) -> set[str]:
    """The package modules `path` imports, at any depth in the file (function-level
    imports too: they run as surely, only later)."""
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if name != "__init__" else []
    base_pkg = here if is_pkg else here[:-1]
    found: set[str] = set()

    def add(dotted: list[str]) -> None:
        mod = ".".join(dotted) or "__init__"
        if mod in known:
            found.add(mod)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
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
    found.discard(name)
    return found


def import_graph(package_dir: Path = PACKAGE_DIR) -> dict[str, set[str]]:
    """module -> the package modules it imports."""
    known = modules(package_dir)
    return {m: _imports(m, p, known, package_dir.name) for m, p in known.items()}


def extraction_modules(package_dir: Path = PACKAGE_DIR, roots: tuple[str, ...] = ROOTS) -> list[str]:
    """The roots and everything they import, transitively, sorted.

    >>> {"extract.process", "extract.tokenize", "rules", "store"} <= set(extraction_modules())
    True
    >>> {"queries.query", "outputs.export", "queries.keywords", "__main__"} & set(extraction_modules())
    set()
    """
    graph = import_graph(package_dir)
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
NOT_EXTRACTION_RULES = frozenset({"check_rules.toml"})


def pipeline_version(package_dir: Path = PACKAGE_DIR, rules_dir: Path | None = None) -> str:
    """Hash of the extraction code and the rules files: a change re-extracts stored files."""
    if rules_dir is None:
        from pipeline.rules import rules_dir as current

        rules_dir = current()
    known = modules(package_dir)
    h = hashlib.sha256()
    paths = [known[m] for m in extraction_modules(package_dir)] + sorted(Path(rules_dir).glob("*"))
    for p in paths:
        if p.is_file() and p.name not in NOT_EXTRACTION_RULES:
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]
