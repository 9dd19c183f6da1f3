"""No domain word list in pipeline code: the words live in rules files under pipeline/data/
(checked by pipeline/rules.py, hashed into the extraction version), and the code builds its
regexes from them. An entry added to a list in code once had no effect because the same
words sat in a rules file too (issue 10); this scan keeps new lists out of the code."""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from pipeline import rules
from pipeline.version import PACKAGE_DIR, pipeline_version

# four or more Chinese words as regex alternatives: 党组|党委|党支部|党总支, 次|场|期|篇
_RUN = re.compile(r"[\u4e00-\u9fff]+(?:\|[\u4e00-\u9fff]+){3,}")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
MIN_ITEMS = 4

# What must stay in code, each with its reason. Key: (module path under pipeline/, the name
# the literal is assigned to).
ALLOWED = {
    # the export contract's enum values (../shared/gold/FORMAT.md: unit_type is one of these
    # nine); the scorer and the database's CHECKs read the same words, a rules edit must not
    # change them
    ("extract/attribution_base.py", "UNIT_TYPES"): "export contract enum",
    # the four section kinds are the contract's section.kind values and the store's keys
    ("extract/segment.py", "SECTION_KINDS"): "export contract enum",
}


def word_lists(source: str) -> list[tuple[str, int, str]]:
    """(owner, line, what) for each word list in `source`: a string holding several Chinese
    words as regex alternatives, or a tuple/list/set of `MIN_ITEMS` or more Chinese strings.
    The owner is the name the literal is assigned to (or the function it sits in)."""
    tree = ast.parse(source)
    owner: dict[int, str] = {}

    def claim(node: ast.AST, name: str) -> None:
        for sub in ast.walk(node):
            owner.setdefault(id(sub), name)

    for node in ast.walk(tree):                  # assignments first, the innermost name wins
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if names:
                claim(node.value, names[0])
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            claim(node, node.name)
    found = []
    for node in ast.walk(tree):
        who = owner.get(id(node), "<module>")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for m in _RUN.finditer(node.value):
                found.append((who, node.lineno, m.group()))
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
                     and _CJK.fullmatch(e.value)]
            if len(words) >= MIN_ITEMS:
                found.append((who, node.lineno, " ".join(words)))
    return found


def test_the_scan_bites():
    assert word_lists('_POST = re.compile(r"(?:部长|书记|局长|主任)$")\n') == [("_POST", 1, "部长|书记|局长|主任")]
    assert word_lists('def f(s):\n    return re.search(rf"{x}(?:制定|印发|出台|修订)", s)\n') == [
        ("f", 2, "制定|印发|出台|修订")]
    assert word_lists('M = r"\\n(?=(?:次|场|期|篇))"\n') == [("M", 1, "次|场|期|篇")]
    assert word_lists('LEVELS = ("省", "市", "县", "区")\n') == [("LEVELS", 1, "省 市 县 区")]
    assert word_lists('def f(u):\n    return u in {"镇", "乡", "街道", "社区"}\n') == [("f", 2, "镇 乡 街道 社区")]
    # structure is not a word list: classes, three words, ASCII alternatives
    assert word_lists('A = re.compile(r"[一二三四]季度|今年|全年")\nB = ("a", "b", "c", "d")\n') == []


def _modules():
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_word_list_in_pipeline_code():
    found = []
    for path in _modules():
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        for who, line, what in word_lists(path.read_text(encoding="utf-8")):
            if (rel, who) not in ALLOWED:
                found.append(f"pipeline/{rel}:{line} {who}: {what}")
    assert found == [], "word lists belong in a rules file under pipeline/data/:\n" + "\n".join(found)


def test_the_allowlist_is_still_needed():
    """An allowed list that left the code leaves the allowlist too."""
    seen = {(p.relative_to(PACKAGE_DIR).as_posix(), who) for p in _modules()
            for who, _, _ in word_lists(p.read_text(encoding="utf-8"))}
    assert set(ALLOWED) <= seen


@pytest.mark.parametrize("name", ["attribution.toml", "clean_words.toml", "sections.toml", "manifest_values.toml"])
def test_a_word_file_edit_changes_the_version(name, tmp_path):
    """The extraction version hashes the whole rules folder, the new word files with it."""
    folder = tmp_path / "rules"
    shutil.copytree(rules.BUNDLED, folder)
    v0 = pipeline_version(PACKAGE_DIR, folder)
    with open(folder / name, "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    assert pipeline_version(PACKAGE_DIR, folder) != v0


def test_words_keep_their_order_and_are_escaped():
    """The order decides which of two words at the same place a regex takes (本年度 before 本年)."""
    assert rules.alternation(["本年度", "本年", "a.b"]) == r"本年度|本年|a\.b"
    rx = rules.LazyRegex(lambda: rf"^(?:{rules.alternation(['本年度', '本年'])})")
    assert rx.match("本年度工作").group() == "本年度" and rx.pattern == "^(?:本年度|本年)"
    import copy
    import pickle

    assert pickle.loads(pickle.dumps(rx)).match("本年").group() == "本年" and copy.deepcopy(rx).pattern == rx.pattern


def test_built_regexes_match_as_before():
    """A few of the regexes now built from the words, against what the old literals matched."""
    from pipeline.extract import places, segment, shortcomings, split, units, years
    from pipeline.text import clean

    assert units._PARTY_TAIL.sub("", "县审计局机关党委") == "县审计局"
    assert units._PARTY_TAIL.sub("", "中学党支部委员会") == "中学"
    assert units._POST_TITLE.search("县委宣传部常务副部长").start() == 5
    assert years._HALF.search("2021年中，") and not years._HALF.search("今年中央")
    assert years._THIS_YEAR.search("本年度") and years._QUARTER.search("前三季度")
    assert places._level("宁夏回族自治区") == 0 and places._level("阿里地区") == 1 and places._level("盐池县") == 2
    assert units._full_form("温泉公安", "温泉公安认真落实…温泉县公安局") == "温泉县公安局"
    assert units._SUBJECT.match("今年以来，县审计局党组认真落实").group(1) == "县审计局"
    assert segment.heading_style("此外，还要") == "ordinal_word" and segment.heading_style("首先，") == "ordinal_word"
    assert shortcomings._inline_pattern("ordinal", 3).pattern == "(?:再次|第三)[，,、：:]"
    assert shortcomings._inline_pattern("ordinal", 5) is None
    assert split._OPENING.match("上半年，") and not split._OPENING.match("关于")
    assert clean._SITE_TALK.search("欢迎下载") and not clean._SITE_TALK.search("我局认真落实")
