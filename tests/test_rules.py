"""The rules folder is checked before anything is written: each rules file broken in turn
(missing key, bad TOML, bad regex, bad line) ends `python -m pipeline ingest` with exit
code 2 and a Chinese message naming the file and line, and the published database is left
exactly as it was."""
from __future__ import annotations

import re
import shutil

import pytest

from pipeline import rules, store
from pipeline.__main__ import main
from tests.conftest import SAMPLE, table_counts

_counts = table_counts


@pytest.fixture()
def published(sample_db, tmp_path):
    """A copy of the sample database (the session's one stays untouched)."""
    db = tmp_path / "published.duckdb"
    shutil.copy(sample_db, db)
    return db


@pytest.fixture()
def rules_copy(tmp_path, monkeypatch):
    folder = tmp_path / "rules"
    shutil.copytree(rules.BUNDLED, folder)
    monkeypatch.setenv("ZONGJIE_RULES_DIR", str(folder))
    return folder


def _sub(path, pattern: str, repl: str) -> int:
    """Apply the first match of `pattern` (multiline); return the 1-based line it is on."""
    text = path.read_text(encoding="utf-8")
    m = re.search(pattern, text, flags=re.M)
    assert m, (path.name, pattern)
    path.write_text(text[:m.start()] + m.expand(repl) + text[m.end():], encoding="utf-8")
    return text.count("\n", 0, m.start()) + 1


def _append(path, extra: str) -> int:
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    path.write_text(text + extra, encoding="utf-8")
    return text.count("\n") + 1


# (file, how to break it, what the message must say). Each returns the line it broke.
BREAKS = [
    # a required table or key renamed: the message points at the misspelt name
    ("metric_rules.toml", lambda p: _sub(p, r"^\[measures\]", "[measure]"), "measures"),
    ("metric_rules.toml", lambda p: _sub(p, r"^\[phrase\]", "[phrases]"), "phrase"),
    ("activity_taxonomy.toml", lambda p: _sub(p, r"^\[\[category\]\]", "[[categry]]"), "category"),
    ("sections.toml", lambda p: _sub(p, r"^problems_cue =", "problem_cue ="), "problems_cue"),
    ("shortcoming_cues.toml", lambda p: _sub(p, r"^negative =", "negatives ="), "negative"),
    ("shortcoming_taxonomy.toml", lambda p: _sub(p, r"^name = ", "nam = "), "name"),
    ("unit_types.toml", lambda p: _sub(p, r"^\[self\]", "[selfs]"), "self"),
    ("attribution.toml", lambda p: _sub(p, r"^\[party\]", "[partys]"), "party"),
    ("attribution.toml", lambda p: _sub(p, r"^posts = \[", "post = ["), "posts"),
    ("attribution.toml", lambda p: _sub(p, r'^tails = \["', 'tails = ["", "'), "不能是空字符串"),
    ("attribution.toml", lambda p: _sub(p, r'^full_form_extra = \["局"\]', 'full_form_extra = ["公安局"]'), "每项须为一个字"),
    ("clean_words.toml", lambda p: _sub(p, r"^\[site_talk\]", "[site_talks]"), "site_talk"),
    ("sections.toml", lambda p: _sub(p, r"^ordinals =", "ordinal ="), "ordinals"),
    ("shortcoming_cues.toml", lambda p: _sub(p, r"^lack =", "lacks ="), "lack"),
    ("manifest_values.toml", lambda p: _sub(p, r"^\[columns\]", "[column]"), "columns"),
    # not TOML at all
    *[(name, lambda p: _append(p, "[unclosed\n"), "TOML 格式错误") for name in rules.SCHEMAS],
    # a regex that does not compile
    ("metric_rules.toml", lambda p: _sub(p, r'^breakdown = "', 'breakdown = "('), "正则表达式有误"),
    ("metric_rules.toml", lambda p: _sub(p, r'^before = "', 'before = "('), "].before"),
    ("sections.toml", lambda p: _sub(p, r'^problems = \["', 'problems = ["(", "'), "正则表达式有误"),
    ("shortcoming_cues.toml", lambda p: _sub(p, r'^stop = \["', 'stop = ["[", "'), "正则表达式有误"),
    ("shortcoming_taxonomy.toml", lambda p: _sub(p, r'^patterns = \["', 'patterns = ["(?P<", "'), "正则表达式有误"),
    ("boilerplate.txt", lambda p: _append(p, "[any]\n(unclosed\n") + 1, "正则表达式有误"),
    # a wrong type or shape
    ("unit_types.toml", lambda p: _sub(p, r'^"我局" = .*$', '"我局" = "局"'), "应为列表"),
    ("unit_types.toml", lambda p: _sub(p, r'^"我局" =', '"本局" ='), "我"),
    ("metric_rules.toml", lambda p: _sub(p, r"^skip_inside_quotes = true", 'skip_inside_quotes = "yes"'), "true/false"),
    ("boilerplate.txt", lambda p: _append(p, "[footer]\n"), "未知的分节"),
    ("userdict.txt", lambda p: _append(p, "两个维护 很多 nz\n"), "词 [词频] [词性]"),
]


@pytest.mark.parametrize("name,brk,says", BREAKS, ids=[f"{n}-{s}" for n, _, s in BREAKS])
def test_broken_rules_stop_ingest_before_the_database(name, brk, says, rules_copy, published, capsys):
    before, version = _counts(published), store.data_version(published)
    line = brk(rules_copy / name)
    rc = main(["ingest", str(SAMPLE), "--db", str(published), "--workers", "1", "--rebuild"])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"规则文件 {name}:{line}" in err, err
    assert says in err and "数据库未改动" in err, err
    assert _counts(published) == before and before["reports"] == 14
    assert store.data_version(published) == version          # not even rewritten


@pytest.mark.parametrize("name", sorted(rules.TEXT_FILES))
def test_a_missing_rules_file_stops_ingest(name, rules_copy, published, capsys):
    (rules_copy / name).unlink()
    assert main(["ingest", str(SAMPLE), "--db", str(published), "--workers", "1"]) == 2
    assert f"规则文件 {name}:文件不存在" in capsys.readouterr().err
    assert _counts(published)["reports"] == 14


def test_map_checks_rules_too(rules_copy, tmp_path, capsys):
    _sub(rules_copy / "sections.toml", r"^\[patterns\]", "[pattern]")
    assert main(["map", str(SAMPLE), "--out", str(tmp_path / "parts"), "--workers", "1"]) == 2
    assert "sections.toml" in capsys.readouterr().err
    assert not (tmp_path / "parts").exists()


def test_library_callers_get_the_error(rules_copy, published):
    """The 数据导入 page calls `ingest_paths` itself: it gets a RulesError to show."""
    from pipeline.ingest import ingest_paths

    _sub(rules_copy / "unit_types.toml", r"^\[keywords\]", "[keyword]")
    with pytest.raises(rules.RulesError) as exc:
        ingest_paths([SAMPLE], db=published, workers=1)
    assert exc.value.file == "unit_types.toml" and exc.value.line and "keywords" in str(exc.value)


def test_bundled_rules_pass_and_a_copy_is_used(rules_copy):
    rules.check_all(rules.BUNDLED)
    rules.check_all()                                   # the copy, unchanged
    _sub(rules_copy / "region_exclude.txt", r"^全市$", "全市\n某某试验区")
    assert "某某试验区" in rules.load("region_exclude.txt")
    assert "某某试验区" not in rules.parse(rules.BUNDLED / "region_exclude.txt")


def test_error_names_line_of_a_nested_key():
    text = 'a = 1\n[t]\nx = 2\n[[arr]]\nk = "v"\n[[arr]]\nk = "w"\n'
    assert rules._locate(text, ("arr", 1, "k")) == (7, "arr[2].k")
    assert rules._locate(text, ("t", "x")) == (3, "t.x")
    assert rules._locate(text, ("t", "missing")) == (2, "t.missing")


@pytest.fixture()
def fresh_attribute_rules():
    """Attribute's compiled rules re-read from the rules folder now, and again afterwards."""
    from pipeline.extract import attribute, attribution_base, units

    caches = (attribution_base.unit_config, attribution_base.words, units._self_regex, units._suffix_types,
              units._suffix_index, units._generic, units._name_ends)
    for c in caches:
        c.cache_clear()
    rules.reset_regexes()
    yield attribute
    for c in caches:
        c.cache_clear()
    rules.reset_regexes()


def test_self_references_come_from_unit_types(rules_copy, fresh_attribute_rules):
    """An entry added to [self] in unit_types.toml is a self-reference (it once had no effect:
    attribute.py hard-coded the same words in a regex)."""
    from pipeline.extract import units

    attribute = fresh_attribute_rules
    body = "今年以来，我馆认真落实意识形态工作责任制，组织学习12次。"
    assert attribute._type_for_generic(body) is None and not attribute.attribute(None, body, "x.txt").is_report
    _sub(rules_copy / "unit_types.toml", r'^"我局" = ', '"我馆" = ["馆", "医院"]\n"我局" = ')
    attribute.unit_config.cache_clear()
    units._self_regex.cache_clear()
    assert units._self_refs(body) == ["馆"]
    assert attribute._type_for_generic(body) == "医院"
    a = attribute.attribute(None, body, "x.txt")
    assert a.is_report and a.unit_type == "医院"


def test_attribution_words_come_from_the_rules_file(rules_copy, fresh_attribute_rules):
    """A post added to [title] posts in attribution.toml is cut from a 述职 title's unit (the
    words once sat in a regex in attribute.py)."""
    from pipeline.extract import units

    attribute = fresh_attribute_rules
    title = "攸县县委宣传部干事2022年度意识形态工作述职报告"
    assert units.unit_from_title(title) is None
    _sub(rules_copy / "attribution.toml", r'^posts = \["', 'posts = ["干事", "')
    attribute.words.cache_clear()
    rules.reset_regexes()
    assert units.unit_from_title(title) == "攸县县委宣传部"


def test_every_rules_file_has_a_schema():
    """A new file under pipeline/data/ must get a schema (or a text kind) in rules.py, else
    `check_all` would not look at it."""
    assert {p.name for p in rules.rule_files(rules.BUNDLED)} == set(rules.SCHEMAS) | set(rules.TEXT_FILES)
