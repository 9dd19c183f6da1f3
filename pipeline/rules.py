"""The rules folder (`pipeline/data/`), loaded and checked in one place.

Why: the extraction stages read a dozen editable files (TOML tables, word lists, regex
lists). A typo in one of them used to surface as a `KeyError` inside every worker, so each
file was rejected and its stored reports deleted. Now every file has a schema here (which
keys must be there, of which type, which strings are regexes), `check_all()` runs them
all before an ingest opens the database, and a mistake ends the run with a `RulesError`
that names the file, the line and the key, in Chinese:

    规则文件 metric_rules.toml 第 29 行,[measure]:缺少必需的表 [measures]

`load(name)` gives a stage its file, parsed and checked (cached per file version). The folder is
`ZONGJIE_RULES_DIR` when set (a copy to try edits on), else the bundled `pipeline/data/`.
"""
from __future__ import annotations

import difflib
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import settings

BUNDLED = Path(__file__).resolve().parent / "data"


def rules_dir() -> Path:
    """The folder the rules are read from (`ZONGJIE_RULES_DIR`, else the bundled one)."""
    return Path(settings.get("ZONGJIE_RULES_DIR") or BUNDLED)


class RulesError(ValueError):
    """A rules file that cannot be used; the message names file, line and key."""

    def __init__(self, file: str, problem: str, line: int | None = None, key: str | None = None):
        self.file, self.problem, self.line, self.key = file, problem, line, key
        where = f"{file}:{line}" if line else file
        super().__init__(f"规则文件 {where}" + (f"(键 {key})" if key else "") + f":{problem}")


# ---------------------------------------------------------------- schema
# A schema is a small tree of these; `check(value, at)` raises `_Bad(problem, at)` where
# `at` is the key path ("measures", "event") used to find the line in the file.
class _Bad(Exception):
    def __init__(self, problem: str, at: tuple):
        self.problem, self.at = problem, at


class Str:
    def check(self, v, at):
        if not isinstance(v, str):
            raise _Bad(f"应为字符串,实为 {_kind(v)}", at)


class Bool:
    def check(self, v, at):
        if not isinstance(v, bool):
            raise _Bad(f"应为 true/false,实为 {_kind(v)}", at)


class Num:
    def check(self, v, at):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise _Bad(f"应为数字,实为 {_kind(v)}", at)


class Regex(Str):
    def check(self, v, at):
        super().check(v, at)
        try:
            re.compile(v)
        except re.error as exc:
            raise _Bad(f"正则表达式有误 {v!r}({exc})", at) from None


@dataclass
class List:
    item: Any = Str()
    min_len: int = 0

    def check(self, v, at):
        if not isinstance(v, list):
            raise _Bad(f"应为列表 [...],实为 {_kind(v)}", at)
        if len(v) < self.min_len:
            raise _Bad(f"列表至少要有 {self.min_len} 项", at)
        for x in v:
            self.item.check(x, at)


@dataclass
class Table:
    """Named keys; `required` ones must be there. Keys not listed are allowed (a stage may
    read a new key before this schema learns it), with `rest` checking their values, unless
    they look like a misspelt listed key (`categry`)."""
    fields: dict
    required: tuple = ()
    rest: Any = None

    def check(self, v, at):
        if not isinstance(v, dict):
            raise _Bad(f"应为表,实为 {_kind(v)}", at)
        for k in self.required:
            if k not in v:
                what = "表" if isinstance(self.fields.get(k), (Table, MapOf, Tables)) else "键"
                where = f"表 [{'.'.join(map(str, at))}] 中" if at else "文件顶层"
                # a misspelt name ([measure] for [measures]) is where the line number points
                near = difflib.get_close_matches(k, [x for x in v if x not in self.fields], n=1)
                hint = f"({near[0]} 是否为 {k} 的误写?)" if near else ""
                raise _Bad(f"{where}缺少必需的{what} {k}{hint}", (*at, near[0]) if near else at)
        for k, x in v.items():
            spec = self.fields.get(k, self.rest)
            if spec is not None:
                spec.check(x, (*at, k))
            elif near := difflib.get_close_matches(k, self.fields, n=1, cutoff=0.8):
                raise _Bad(f"未知的键 {k}({near[0]} 的误写?)", (*at, k))


@dataclass
class MapOf:
    """Any keys, each value of one kind (`key` checks the key itself)."""
    value: Any
    key: Any = None

    def check(self, v, at):
        if not isinstance(v, dict):
            raise _Bad(f"应为表,实为 {_kind(v)}", at)
        for k, x in v.items():
            if self.key is not None:
                self.key.check(k, (*at, k))
            self.value.check(x, (*at, k))


@dataclass
class Tables:
    """An array of tables (`[[category]]`)."""
    item: Table

    def check(self, v, at):
        if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
            raise _Bad(f"应为表数组 [[{'.'.join(map(str, at))}]]", at)
        for i, x in enumerate(v):
            self.item.check(x, (*at, i))


@dataclass
class Matches:
    pattern: str
    hint: str

    def check(self, v, at):
        if not isinstance(v, str) or not re.fullmatch(self.pattern, v):
            raise _Bad(f"{v!r} 不符合要求:{self.hint}", at)


def _kind(v) -> str:
    return {str: "字符串", bool: "布尔值", int: "整数", float: "数字", list: "列表", dict: "表"}.get(type(v), type(v).__name__)


_WORDS, _REGEXES = List(Str()), List(Regex())
_NONEMPTY = List(Matches(r"(?s).+", "不能是空字符串"), min_len=1)     # an empty word would match everywhere
_CHARS = List(Matches(r"(?s).", "每项须为一个字"), min_len=1)         # compared character by character


def _words_table(*keys: str) -> Table:
    """A table of word lists, each required and non-empty (joined into a regex alternation)."""
    return Table({k: _NONEMPTY for k in keys}, required=keys)


_MANIFEST_COLUMNS = ("file", "unit", "year", "unit_type", "region", "period")
_COPY_COMPARE = ("run_chars", "shingle_chars", "sample", "num_perm", "bands", "rows", "max_candidates",
                 "template_min_equal", "min_share", "min_chars")

SCHEMAS: dict[str, Any] = {
    "metric_rules.toml": Table({
        "clause_delimiters": Str(), "sentence_delimiters": Str(), "skip_section_kinds": _WORDS,
        "skip_inside_quotes": Bool(), "quote_pairs": _WORDS,
        "measures": Table({"event": _WORDS, "other": _WORDS, "magnitudes": MapOf(Num()), "aliases": MapOf(Str())},
                          required=("event", "other")),
        "approx": Table({"prefix": _WORDS, "round_prefix": _WORDS, "infix": _WORDS, "suffix": _WORDS},
                        required=("prefix", "infix", "suffix")),
        "chinese": Table({"not_after": Regex(), "bare_round_needs_prefix": Bool(), "lone_er_is_ordinal": Bool(),
                          "lone_yi_number_first_needs": Regex(), "composite_counts_from": Num(),
                          "place_name_before": _WORDS, "place_name_not_measures": _WORDS},
                         required=("not_after", "bare_round_needs_prefix", "lone_er_is_ordinal",
                                   "lone_yi_number_first_needs")),
        "exclude": Tables(Table({"kind": Str(), "before": Regex(), "after": Regex(), "word": Regex(),
                                 "measures": _WORDS, "numeral": Matches("chinese|arabic", "chinese 或 arabic"),
                                 "unless_report": Regex()},
                                required=("kind",))),
        "stock_list": Table({"kinds": _WORDS, "measures": _WORDS, "gap": Regex(), "gap_not": Regex()},
                            required=("kinds", "measures", "gap")),
        "phrase": Table({"lead": _REGEXES, "trail": _REGEXES, "breakdown": Regex()},
                        required=("lead", "trail", "breakdown")),
    }, required=("clause_delimiters", "sentence_delimiters", "measures", "approx", "chinese", "phrase")),
    "activity_taxonomy.toml": Table({
        "fallback": Str(),
        "category": Tables(Table({"name": Str(), "description": Str(), "measures": _WORDS, "keywords": _WORDS},
                                 required=("name",))),
    }, required=("category",)),
    "sections.toml": Table({
        "patterns": Table({}, required=("problems", "problems_not", "next", "next_strong", "marker",
                                        "problems_opening", "problems_cue", "problems_cue_not", "problems_head", "runin_items",
                                        "list_intro",
                                        "next_opening", "next_after_problems"), rest=_REGEXES),
        "titles": Table({"genre": Regex(), "report_title": Regex(), "topic": Regex(), "not_a_title": Regex()},
                        required=("genre", "report_title", "topic", "not_a_title")),
        "words": _words_table("ordinals", "ordinal_more", "report_intro_lead", "report_intro", "opening"),
    }, required=("patterns", "titles", "words")),
    "shortcoming_cues.toml": Table({
        "patterns": Table({"negative": _WORDS}, required=("inline_list", "single", "generic", "announce", "colon_list",
                                                          "stop", "negative", "plan_start", "runon", "runon_not"),
                          rest=_REGEXES),
        "words": _words_table("risk", "lack"),
    }, required=("patterns", "words")),
    # the words the clean stage joins into its regexes (pipeline/text/clean.py)
    "clean_words.toml": Table({
        "run_in_title": _words_table("not_opening", "topics", "genres"),
        "site_talk": _words_table("words"),
        "count_breaks": _words_table("measures"),
    }, required=("run_in_title", "site_talk", "count_breaks")),
    "shortcoming_taxonomy.toml": Table({
        "category": Tables(Table({"name": Str(), "description": Str(), "keywords": _WORDS, "patterns": _REGEXES},
                                 required=("name",))),
    }, required=("category",)),
    "unit_types.toml": Table({
        "types": MapOf(Table({"suffixes": _WORDS, "inside": _WORDS}, required=("suffixes",))),
        # 我局 = [generic unit name, type, other possible types...]
        "self": MapOf(List(Str(), min_len=2), key=Matches("我.+", "自称须以“我”开头,如 我局")),
        "keywords": MapOf(_WORDS),
        "self_forms": Table({"ben": _WORDS, "area": _WORDS}),     # 本局 forms; areas (我县) used last
        "generic": Table({"units": _WORDS, "subject_ok": _WORDS}, required=("units", "subject_ok")),
        "sub_units": Table({"suffixes": _WORDS, "levels": MapOf(_WORDS)}),
        # words a unit's name never opens with, never cuts in two, never holds; the work a name
        # may end in (X镇党委宣传工作); the prefixes a national body's name opens with
        "names": Table({"not_start": _WORDS, "never_split": _WORDS, "never_inside": _WORDS, "inside_words": _WORDS,
                        "posts": _WORDS,
                        "never_start": _WORDS, "local_runs_on": MapOf(Str()), "topic_end": _WORDS,
                        "national": _WORDS, "provinces": _WORDS}),
        "fallback": Table({"party_body": Str(), "type": Str(), "area": Str()}),  # the type of a report that gives no clue
    }, required=("types", "self", "keywords", "generic")),
    "manifest_values.toml": Table({
        "periods": Table({"full_year": _WORDS, "half_year": _WORDS, "quarter": _WORDS},
                         required=("full_year", "half_year", "quarter")),
        "unit_types": MapOf(_WORDS),
        # a manifest's column headers (pipeline/load/manifest.py)
        "columns": Table({c: _WORDS for c in _MANIFEST_COLUMNS},
                         required=_MANIFEST_COLUMNS),
    }, required=("periods", "unit_types", "columns")),
    # the words the attribute stage reads units, years and periods with (pipeline/extract/
    # attribution_base.py, places.py, units.py, years.py)
    "attribution.toml": Table({
        "party": _words_table("tails", "committee_of", "strip", "bodies", "bodies_named"),
        "signature": _words_table("not_a_signer", "publish", "site_greeting", "site_kind", "byline_labels"),
        "preamble": _words_table("verbs", "genres", "collection"),
        "period": _words_table("multi_year", "half", "half_more", "second_half", "second_half_not_before",
                               "summary_not_before", "mid_year_before", "quarter", "this_year",
                               "relative_halves", "intro_ends", "year_not_before", "plan_kinds", "review",
                               "deploy", "announce_verbs"),
        "title": _words_table("lead", "lead_halves", "posts", "name_end", "generic_name_end", "not_a_unit_file",
                              "run_in_work", "run_in_kinds"),
        "subject": _words_table("time_clause_ends", "time_words", "short_verbs", "verbs", "topics", "topic_verbs"),
        "named": _words_table("doc_verbs", "doc_kinds", "clause_topics", "clause_verbs", "announce", "announce_periods",
                              "announce_topics", "not_start", "masked_local", "local_selves", "shared_name_selves"),
        "clause": _words_table("openers", "of_year", "not_name", "timed"),
        "places": Table({"levels": MapOf(Num()), "not_regions": _NONEMPTY, "bare_levels": _CHARS,
                         "full_form_extra": _CHARS},
                        required=("levels", "not_regions", "bare_levels", "full_form_extra")),
    }, required=("party", "signature", "preamble", "period", "title", "subject", "named", "clause", "places")),
    "tokenize.toml": Table({"numbered": Str()}, required=("numbered",)),
    # matching report units against the roster (pipeline/store/roster.py)
    "roster_match.toml": Table({"party_suffixes": _WORDS, "party_prefixes": _WORDS, "region_suffixes": _WORDS,
                                "max_region_chars": Num(), "fuzzy_threshold": Num()},
                               required=("party_suffixes", "region_suffixes", "max_region_chars", "fuzzy_threshold")),
    # 查重 (pipeline/store/copies.py)
    "copy_rules.toml": Table({
        "compare": Table({k: Num() for k in _COPY_COMPARE}, required=_COPY_COMPARE),
        "flag": Table({"high_share": Num(), "min_name_chars": Num(), "edge_chars": Num(), "min_counts": Num(),
                       "specific_unit": Regex(), "placeholders": _REGEXES,
                       "congress": Tables(Table({"label": Str(), "from_year": Num(), "pattern": Regex()},
                                                required=("label", "from_year", "pattern")))},
                      required=("high_share", "min_name_chars", "edge_chars", "min_counts", "specific_unit",
                                "placeholders")),
    }, required=("compare", "flag")),
    # 考核 (pipeline/queries/checks.py)
    "check_rules.toml": Table({
        "full_score": Num(), "deduct_unmentioned": Bool(), "skip_sections": _WORDS, "problem_sections": _WORDS,
        "rule": Tables(Table({
            "id": Matches(r"[A-Za-z][A-Za-z0-9_]{0,39}", "以字母开头的字母、数字或下划线,如 zhuanti_yanjiu"),
            "name": Str(), "kind": Matches("count|yes_no", "count 或 yes_no"), "categories": _WORDS,
            "measures": _WORDS, "cue": Regex(), "cue_not": Regex(), "op": Matches(">=", "目前只支持 >="),
            "threshold": Num(), "period": Matches("year|half_year", "year 或 half_year"), "applies_to": _WORDS,
            "points": Num(), "source": Str()},
            required=("id", "name", "kind", "cue", "op", "threshold", "period", "points"))),
    }, required=("rule",)),
    # the words that make a sentence a 考核 candidate (pipeline/store/check_sentences.py)
    "check_cues.toml": Table({"keywords": List(Str(), min_len=1)}, required=("keywords",)),
    # 整改跟踪 (pipeline/queries/followup.py)
    "followup_rules.toml": Table({
        "item_delimiters": Regex(), "min_item_chars": Num(), "not_item": Regex(), "marker": Regex(),
        "generic": _WORDS, "min_shared": Num(), "min_share": Num(), "skip_sections": _WORDS},
        required=("item_delimiters", "min_item_chars", "not_item", "marker", "generic", "min_shared", "min_share",
                  "skip_sections")),
}

# Text files: `lines` one entry a line, `words` several a line, `userdict` jieba's format,
# `boilerplate` regexes under [any]/[line]/[tail].
TEXT_FILES = {
    "region_exclude.txt": "lines", "regions_extra.txt": "lines", "regions_gbt2260.txt": "lines", "unit_false_names.txt": "lines",
    "stopwords.txt": "words", "userdict.txt": "userdict", "boilerplate.txt": "boilerplate",
    "standard_phrases.txt": "phrases",
}
BOILERPLATE_SECTIONS = ("any", "head", "line", "tail")


# ---------------------------------------------------------------- regexes from word lists
def alternation(words) -> str:
    """`words` as a regex alternation, each escaped, in the given order (the order decides
    which of two words starting at the same place a regex takes)."""
    return "|".join(map(re.escape, words))


class LazyRegex:
    """A compiled regex built from rules words on first use. The compiled pattern's methods
    are then bound on the instance, so `X.search` costs what a module-level `re.compile`'s
    does; built late so that a broken rules file is reported by `check_all` (file, line, key)
    and not as an import error. `reset()` builds it again from the rules on next use."""
    _ATTRS = ("search", "match", "fullmatch", "sub", "subn", "finditer", "findall", "split",
              "pattern", "flags", "groups", "groupindex")

    def __init__(self, build, flags: int = 0):
        self._build, self._flags = build, flags
        _LAZY.append(self)

    def __getattr__(self, name):
        if name not in LazyRegex._ATTRS:
            raise AttributeError(name)
        rx = re.compile(self._build(), self._flags)
        for a in LazyRegex._ATTRS:
            setattr(self, a, getattr(rx, a))
        return getattr(rx, name)

    def reset(self) -> None:
        for a in LazyRegex._ATTRS:
            self.__dict__.pop(a, None)

    def __reduce__(self):
        """Pickled (a worker, a copy) as the compiled pattern it stands for."""
        return re.compile, (self.pattern, self.flags)


_LAZY: list[LazyRegex] = []


def reset_regexes() -> None:
    """Every `LazyRegex` built again from the rules on next use (tests that edit a rules copy)."""
    for rx in _LAZY:
        rx.reset()


# ---------------------------------------------------------------- loading
def load(name: str) -> Any:
    """The rules file `name`, parsed and checked (a dict for TOML, a list for text files)."""
    path = rules_dir() / name
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None                       # parse() says what is wrong
    return _load(str(path), name, stamp)


@functools.lru_cache(maxsize=64)
def _load(path: str, name: str, stamp) -> Any:
    """Cached per file version (an edited file is read again)."""
    return parse(Path(path), name)


def parse(path: Path, name: str | None = None) -> Any:
    """Read and check one rules file; `name` picks its schema (default: the file's name)."""
    name = name or path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RulesError(path.name, "文件不存在") from None
    except OSError as exc:
        raise RulesError(path.name, f"无法读取({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulesError(path.name, "不是 UTF-8 编码", line=raw[:exc.start].count(b"\n") + 1) from None
    if name.endswith(".toml"):
        return _parse_toml(text, path.name, SCHEMAS.get(name))
    kind = TEXT_FILES.get(name, "lines")
    return _TEXT_PARSERS[kind](text, path.name)


def _parse_toml(text: str, file: str, schema) -> dict:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise RulesError(file, f"TOML 格式错误({msg})", line=int(m.group(1)) if m else None) from None
    if schema is not None:
        try:
            schema.check(data, ())
        except _Bad as bad:
            line, key = _locate(text, bad.at)
            raise RulesError(file, bad.problem, line=line, key=key) from None
    return data


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]#]+?)\s*\]\]?")
_KEYLINE = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=""")


def _key_parts(s: str) -> tuple:
    return tuple(p.strip().strip("\"'") for p in re.findall(r"""(?:"[^"]*"|'[^']*'|[^.]+)""", s))


def _locate(text: str, at: tuple) -> tuple[int | None, str | None]:
    """The line of the deepest part of key path `at` that the file spells out, and the key
    path (`measures.event`; `exclude[3].before` for the third [[exclude]])."""
    lines: dict[tuple, int] = {}
    table: tuple = ()
    counts: dict[tuple, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        h = _HEADER.match(line)
        if h:
            parts = _key_parts(h.group(2))
            if h.group(1) == "[[":
                i = counts.get(parts, 0)
                counts[parts] = i + 1
                lines.setdefault(parts, n)             # the array itself: its first table
                parts = (*parts, i)
            table = parts
            lines.setdefault(table, n)
            continue
        k = _KEYLINE.match(line)
        if k:
            lines.setdefault((*table, k.group(1).strip("\"'")), n)
    line = None
    for depth in range(len(at), -1, -1):
        if at[:depth] in lines:
            line = lines[at[:depth]]
            break
    if not at:
        return line, None
    key = ""
    for p in at:
        key += f"[{p + 1}]" if isinstance(p, int) else (f".{p}" if key else str(p))
    return line, key


# ---------------------------------------------------------------- text files
def _parse_lines(text: str, file: str) -> list[str]:
    """One entry a line; blank lines and lines starting with # are skipped."""
    return [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("#")]


def _parse_words(text: str, file: str) -> list[list[str]]:
    """Rows of space-separated words; blank lines and # comments skipped."""
    rows = []
    for line in text.splitlines():
        line = line.strip().lstrip("\ufeff")
        if line and not line.startswith("#"):
            rows.append(line.split())
    return rows


def _parse_userdict(text: str, file: str) -> list[list[str]]:
    """jieba's user-dictionary rows `word [freq] [tag]`."""
    rows = _parse_words(text, file)
    numbered = [(n, l.strip().lstrip("\ufeff")) for n, l in enumerate(text.splitlines(), 1)]
    numbered = [(n, l) for n, l in numbered if l and not l.startswith("#")]
    for (n, _), row in zip(numbered, rows):
        if len(row) > 3 or (len(row) == 3 and not row[1].isdigit()):
            raise RulesError(file, f"格式应为“词 [词频] [词性]”,实为 {' '.join(row)!r}", line=n)
    return rows


def _parse_boilerplate(text: str, file: str) -> dict[str, list[str]]:
    """{'any'|'head'|'line'|'tail': [regex, ...]}; lines before any [section] are [line]."""
    groups: dict[str, list[str]] = {k: [] for k in BOILERPLATE_SECTIONS}
    current = "line"
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.fullmatch(r"\s*\[(\w+)\]\s*", line):
            current = line.strip()[1:-1]
            if current not in groups:
                raise RulesError(file, f"未知的分节 [{current}](可用 {', '.join(BOILERPLATE_SECTIONS)})", line=n)
            continue
        try:
            re.compile(line)
        except re.error as exc:
            raise RulesError(file, f"正则表达式有误 {line!r}({exc})", line=n) from None
        groups[current].append(line)
    return groups


def _parse_phrases(text: str, file: str) -> list[str]:
    """One phrase a line, or `re:` and a regular expression (checked here)."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        if line.startswith("re:"):
            try:
                re.compile(line[3:])
            except re.error as exc:
                raise RulesError(file, f"正则表达式有误 {line[3:]!r}({exc})", line=n) from None
        out.append(line)
    return out


_TEXT_PARSERS = {"lines": _parse_lines, "words": _parse_words, "userdict": _parse_userdict,
                 "boilerplate": _parse_boilerplate, "phrases": _parse_phrases}


def rule_files(folder: Path | None = None) -> list[Path]:
    """Every file the stages read from the rules folder (README and hidden files aside)."""
    folder = folder or rules_dir()
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix in (".toml", ".txt"))


def check_all(folder: Path | None = None) -> None:
    """Parse and check every rules file (uncached: reads what is on disk now); the first
    problem raises `RulesError`. Run before anything is opened for writing."""
    folder = Path(folder or rules_dir())
    if not folder.is_dir():
        raise RulesError(str(folder), "规则文件夹不存在")
    for name in [*SCHEMAS, *TEXT_FILES]:
        parse(folder / name, name)
