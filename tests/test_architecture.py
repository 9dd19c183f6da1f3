"""How the modules meet: no import cycle in `pipeline/`, no Streamlit in it, and an
extraction version that follows the import graph (a module the chain starts to import
changes the version; a module it does not import never does)."""
from __future__ import annotations

import ast
import shutil

from pipeline import rules, version
from pipeline.version import PACKAGE_DIR, extraction_modules, import_graph, pipeline_version


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_bites():
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_pipeline_has_no_import_cycle():
    graph = {m: deps - {"__init__"} for m, deps in import_graph().items()}   # the package docstring imports nothing
    assert graph["extract.process"] >= {"load.read", "load.decode", "extract.tokenize"} and "extract.process" in graph["ingest"]   # the walk sees imports
    assert _cycles(graph) == []


def test_pipeline_never_imports_streamlit():
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            assert not any(n.split(".")[0] == "streamlit" for n in names), path.name


def test_extraction_modules_come_from_the_chain():
    mods = set(extraction_modules())
    assert {"load.read", "load.decode", "load.document", "text.script", "text.clean", "text.textmap",
            "extract.split", "extract.attribute", "extract.attribution_base", "extract.places", "extract.units",
            "extract.years", "extract.segment", "extract.metrics", "text.numerals",
            "extract.shortcomings", "extract.tokenize", "extract.process", "store", "rules"} <= mods
    assert not mods & {"queries.query", "queries.keywords", "queries.filters", "outputs.export", "ingest", "__main__"}


def test_a_module_the_chain_imports_changes_the_version(tmp_path):
    pkg = tmp_path / "pipeline"
    shutil.copytree(PACKAGE_DIR, pkg, ignore=shutil.ignore_patterns("__pycache__", "data"))
    v0 = pipeline_version(pkg, rules.BUNDLED)
    assert v0 == pipeline_version(PACKAGE_DIR, rules.BUNDLED)
    # a new module (text.sentences is taken, and the chain imports it)
    (pkg / "text" / "probe.py").write_text("END = '。'\n", encoding="utf-8")
    assert pipeline_version(pkg, rules.BUNDLED) == v0             # nobody imports it yet
    seg = pkg / "extract" / "segment.py"
    seg.write_text(seg.read_text(encoding="utf-8").replace(
        "from __future__ import annotations\n", "from __future__ import annotations\n\nfrom pipeline.text.probe import END\n", 1),
        encoding="utf-8")
    v1 = pipeline_version(pkg, rules.BUNDLED)
    assert v1 != v0 and "text.probe" in extraction_modules(pkg)
    (pkg / "text" / "probe.py").write_text("END = '。！？'\n", encoding="utf-8")
    v2 = pipeline_version(pkg, rules.BUNDLED)
    assert v2 != v1                                                # its edits count from now on
    q = pkg / "queries" / "query.py"
    q.write_text(q.read_text(encoding="utf-8") + "\n# a dashboard query changed\n", encoding="utf-8")
    assert pipeline_version(pkg, rules.BUNDLED) == v2              # not part of extraction


def test_a_rules_edit_changes_the_version(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(rules.BUNDLED, folder)
    v0 = pipeline_version(PACKAGE_DIR, folder)
    with open(folder / "stopwords.txt", "a", encoding="utf-8") as fh:
        fh.write("总体而言\n")
    assert pipeline_version(PACKAGE_DIR, folder) != v0


def test_relative_imports_of_subpackages_resolve(tmp_path):
    """Ready for the planned sub-packages: `from ..text import numerals` inside one."""
    pkg = tmp_path / "pipeline"
    (pkg / "extract").mkdir(parents=True)
    (pkg / "text").mkdir()
    for f in ("__init__.py", "extract/__init__.py", "text/__init__.py", "text/numerals.py", "store.py"):
        (pkg / f).write_text("", encoding="utf-8")
    (pkg / "extract" / "metrics.py").write_text("from ..text import numerals\nimport pipeline.store\n", encoding="utf-8")
    graph = version.import_graph(pkg)
    assert graph["extract.metrics"] == {"__init__", "text", "text.numerals", "store"}


# Which layers each layer may import (besides its own and the base: settings, rules, config,
# version, limits, the package itself). Imports point one way:
# dashboard -> queries/outputs -> store <- ingest -> extract -> load/text, and under extract and
# store both, records (the typed records and the tables they become; it imports nothing).
BASE = {"__init__", "settings", "rules", "config", "version", "limits"}
MAY_IMPORT = {
    "records": set(),
    "text": set(),
    "load": {"text"},
    "extract": {"load", "text", "records"},
    "store": {"records"},
    "queries": {"store", "text", "records"},     # text: a search term simplified the way the texts were
    "outputs": {"queries", "store", "records"},
    "ingest": {"load", "text", "extract", "store", "records"},
    "warm": {"extract", "load", "text"},
    "engines": {"ingest", "store", "warm", "records"},     # where `pipeline map` runs the chain (process pool, Dask)
}
# Edges against the picture, on purpose: the roster types its unit names with the
# extraction's own unit-type rules, so a name is typed the same in a report and in the roster.
# And the 查重 writer compares reports in the same comparable form the workers signed them
# in (text.shingles: characters, MinHash, bands - one definition for both sides).
# (and its placeholder flags use the same fast-regex helper, text.patterns)
ALLOWED_EDGES = {("store.roster", "extract.units"), ("store.roster", "extract.attribution_base"),
                 ("store.copies", "text.shingles"),
                 ("store.copies", "text.patterns")}


def _layer(module: str) -> str:
    return module.split(".")[0]


def _violations(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    bad = []
    for mod, deps in sorted(graph.items()):
        layer = _layer(mod)
        if layer in BASE or layer == "__main__":
            continue
        allowed = MAY_IMPORT[layer] | {layer} | BASE
        bad += [(mod, d) for d in sorted(deps) if _layer(d) not in allowed and (mod, d) not in ALLOWED_EDGES]
    return bad


def test_layers_import_one_way():
    assert _violations(import_graph()) == []


def test_the_layer_check_bites():
    assert _violations({"text.clean": {"store"}, "store": {"text.clean", "rules"}, "queries.query": {"store"},
                        "store.roster": {"extract.units"}, "store.copies": {"extract.split"}}) == [
        ("store", "text.clean"), ("store.copies", "extract.split"), ("text.clean", "store")]


def test_records_import_nothing_from_the_package():
    """records sits below extract and store: both import it, it imports neither (nor anything)."""
    graph = import_graph()
    assert graph["records"] == set()
    assert "records" in graph["extract.process"] and "records" in graph["store"]
    assert "records" in extraction_modules()          # so a change to a record re-extracts


def test_base_modules_import_no_layer():
    for mod in BASE - {"__init__"}:
        assert {_layer(d) for d in import_graph()[mod]} <= BASE, mod


# ---------------------------------------------------------------- the dashboard
# One row per module of dashboard/: may it reach the database itself? The shared helpers
# receive DataFrames (pages pass them in); the few reads they need go through `cache`, the
# dashboard's query access. `review` (the roster and correction forms) writes through the
# store's writer but reads nothing itself either; the frame is what a page is.
DASHBOARD_MODULES = {
    "__init__": "helper", "registry": "helper", "widgets": "helper", "links": "helper",
    "downloads": "helper", "tables": "helper", "charts": "helper", "theme": "helper", "highlight": "helper",
    "word_cloud": "helper", "states": "helper", "chrome": "helper", "messages": "helper", "uploads": "helper",
    "auth": "helper", "ingest_job": "helper",
    "overview": "helper", "cache": "query access", "frame": "frame", "review": "writer",
}
# what a helper must not import: the query runner and the other query modules, the store
DATABASE = ("pipeline.queries.query", "pipeline.queries.checks", "pipeline.queries.keywords",
            "pipeline.queries.followup", "pipeline.store")


def _dashboard_imports(path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return out


def _dashboard_violations(imports: dict[str, set[str]]) -> list[tuple[str, str]]:
    bad = []
    for mod, names in sorted(imports.items()):
        for name in sorted(names):
            if name.split(".")[0] in ("pages", "app"):
                bad.append((mod, name))
            elif DASHBOARD_MODULES.get(mod) == "helper" and name.startswith(DATABASE):
                bad.append((mod, name))
            elif DASHBOARD_MODULES.get(mod) == "writer" and name.startswith(DATABASE[:-1]):
                bad.append((mod, name))
    return bad


def test_dashboard_helpers_run_no_queries():
    folder = PACKAGE_DIR.parent / "dashboard"
    files = {p.stem: p for p in folder.glob("*.py")}
    assert set(files) == set(DASHBOARD_MODULES), "a new dashboard module needs its row in DASHBOARD_MODULES"
    for name, path in files.items():
        if name != "__init__":
            assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"dashboard/{name}.py: say why it exists"
    assert _dashboard_violations({m: _dashboard_imports(p) for m, p in files.items()}) == []


def test_the_dashboard_check_bites():
    assert _dashboard_violations({"tables": {"pipeline.queries.query", "pipeline.queries.labels"},
                                  "cache": {"pipeline.queries.query"}, "frame": {"pipeline.store.roster"},
                                  "review": {"pipeline.store.roster", "pipeline.queries.query"},
                                  "overview": {"pipeline.store"}, "charts": {"pages"}}) == [
        ("charts", "pages"), ("overview", "pipeline.store"), ("review", "pipeline.queries.query"),
        ("tables", "pipeline.queries.query")]


def test_pipeline_never_imports_the_dashboard():
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        names = _dashboard_imports(path)
        assert not any(n.split(".")[0] == "dashboard" for n in names), path.name


def test_the_import_graph_cache_is_keyed_by_content(tmp_path):
    """A cached graph equals a parsed one, and an edited module is parsed again (a stale
    graph would leave stale rows: the version decides re-extraction)."""
    import shutil

    from pipeline import version

    pkg = tmp_path / "pipeline"
    shutil.copytree(PACKAGE_DIR, pkg, ignore=shutil.ignore_patterns("__pycache__", "data"))
    cache = tmp_path / "cache"
    cache.mkdir()
    parsed = version.import_graph(pkg)
    assert version.import_graph(pkg, cache) == parsed            # first call fills the cache
    assert (cache / "import_graph.json").exists()
    assert version.import_graph(pkg, cache) == parsed            # second call reads it
    probe = pkg / "text" / "probe.py"
    probe.write_text("X = 1\n", encoding="utf-8")
    seg = pkg / "extract" / "segment.py"
    seg.write_text(seg.read_text(encoding="utf-8") + "\nfrom pipeline.text import probe  # noqa\n", encoding="utf-8")
    assert "text.probe" in version.import_graph(pkg, cache)["extract.segment"]
    assert version.import_graph(pkg, cache) == version.import_graph(pkg)
