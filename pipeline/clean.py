"""Stage 3 - clean: pure `str -> str` steps, composed into one pipeline that keeps offsets.

Each step is a `Step`: call it on a string for the plain function (handy in tests and
notebooks), or let `clean()` run them all on a `Mapped` text so every character still
knows its offset in the file.

>>> strip_pinyin("意識形態(tài)工作(一)")
'意識形態工作(一)'
>>> fold_width("２０２１年ＡＢ")
'2021年AB'
>>> drop_cjk_spaces("組建了 36 人 隊伍 All Rights")
'組建了36人隊伍 All Rights'
"""
from __future__ import annotations

import functools
import json
import logging
import os
import re
from pathlib import Path
from dataclasses import dataclass
from typing import Callable

from .config import cache_dir, data_file
from .textmap import Mapped


@functools.lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert


def to_simplified(text: str) -> str:
    """Traditional -> simplified (OpenCC t2s), guaranteed length-preserving so offsets hold.

    Stages call this on the whole text, on each line and on titles of the same file; most
    files are simplified already, so a text t2s cannot change (`t2s_unchanged`, one regex
    scan) is returned as it is, without a call into OpenCC (which costs several times more,
    most of it per call).

    >>> to_simplified("意識形態工作責任制")
    '意识形态工作责任制'
    """
    return text if t2s_unchanged(text) else _convert(text)


def _convert(text: str) -> str:
    """OpenCC t2s itself, made length-preserving."""
    out = _t2s()(text)
    if len(out) == len(text):
        return out
    conv = _t2s()  # a phrase rule changed the length: fall back to character by character
    return "".join(c if len(c) == 1 else ch for ch, c in ((ch, conv(ch)) for ch in text))


# ---------------------------------------------------------------- t2s fast path
# OpenCC only changes a text where a dictionary entry whose value differs from its key
# matches. So a text holding no character t2s changes on its own (長, 乾, 於 …) and none of
# the few phrases that change only as a whole (反覆 回覆 瞭解 藉助 沈思 …: their characters
# alone stay) is returned unchanged, and so is every piece of it. The two lists come from
# the installed OpenCC's own dictionaries (dumped with its `opencc_dict` tool, each entry
# checked with the converter itself) and are cached in the temp dir keyed by a hash of
# the config and dictionary files, as jieba caches its prefix dictionary. Without the tool
# (another OpenCC build) there is no fast path: every text goes through OpenCC, as before.

_T2S_CACHE_FORMAT = 1
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class T2sTable:
    chars: str                  # characters t2s changes on their own
    phrases: tuple[str, ...]    # phrases t2s changes that contain none of `chars`
    phrase_chars: str           # in each of `phrases`, the characters that change

    @functools.cached_property
    def scan(self) -> re.Pattern:
        """One regex class: `chars`, `phrase_chars`, and (kept out of the exact lists: a
        long list of astral characters makes a slow regex class) any astral character or
        lone surrogate, which then take the slow, exact path."""
        bmp = [c for c in self.chars + self.phrase_chars if ord(c) < 0x10000 and not "\ud800" <= c <= "\udfff"]
        return re.compile(_char_class(bmp, extra="\ud800-\udfff\U00010000-\U0010ffff"))

    @functools.cached_property
    def phrase_lookup(self) -> tuple[frozenset, re.Pattern | None, int]:
        """(phrase_chars as a set, a regex of the phrases, the longest phrase's length)."""
        if not self.phrases:
            return frozenset(), None, 0
        alt = "|".join(map(re.escape, sorted(self.phrases, key=len, reverse=True)))
        return frozenset(self.phrase_chars), re.compile(alt), max(map(len, self.phrases))


def _char_class(chars, extra: str = "") -> str:
    """A regex class of `chars` as ranges (a few thousand CJK characters: one bitmap)."""
    cps = sorted({ord(c) for c in chars})
    out, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        out.append(re.escape(chr(cps[i])) + ("-" + re.escape(chr(cps[j])) if j > i else ""))
        i = j + 1
    return "[" + "".join(out) + extra + "]" if out or extra else "(?!)"


def t2s_unchanged(text: str) -> bool:
    """True when OpenCC t2s is sure to return `text` unchanged (False: it may change it,
    or there is no table for this OpenCC). One regex scan; a character of one of the
    phrases (覆 of 全覆盖) costs a phrase search in the few characters around it.

    >>> t2s_unchanged("意识形态工作全覆盖"), t2s_unchanged("意識形態"), t2s_unchanged("反覆研究")
    (True, False, False)
    """
    table = t2s_table()
    if table is None:
        return False
    for m in table.scan.finditer(text):
        in_phrase, phrases, longest = table.phrase_lookup
        if m.group() not in in_phrase:
            return False                # a character t2s changes
        i = m.start()                   # a phrase holding it lies within `longest` of it
        if phrases.search(text, max(0, i - longest + 1), i + longest):
            return False
    return True


@functools.lru_cache(maxsize=1)
def t2s_table() -> T2sTable | None:
    """The installed OpenCC's t2s table (see above), from the temp-dir cache or built."""
    try:
        import opencc

        sources = _t2s_sources(getattr(opencc.OpenCC("t2s"), "config", ""))
    except Exception as exc:            # no table, no fast path; never a wrong answer
        _log.debug("t2s fast path off: %s", exc)
        return None
    if sources is None:
        return None
    cache = _t2s_cache_path(sources, getattr(opencc, "__version__", "?"))
    try:
        if cache is None:               # no private cache folder: build the table every time
            raise FileNotFoundError
        with open(cache, encoding="utf-8") as fh:
            raw = json.load(fh)
        table = T2sTable(raw["chars"], tuple(raw["phrases"]), raw["phrase_chars"])
        if (raw.get("format") == _T2S_CACHE_FORMAT and isinstance(table.chars, str)
                and isinstance(table.phrase_chars, str) and all(isinstance(p, str) for p in table.phrases)):
            return table
    except (OSError, ValueError, KeyError, TypeError):
        pass                            # missing or unreadable: build it again
    try:
        table = _build_t2s_table(sources)
    except Exception as exc:
        _log.debug("t2s fast path off: %s", exc)
        return None
    if cache is None:
        return table
    try:
        tmp = f"{cache}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"format": _T2S_CACHE_FORMAT, "chars": table.chars, "phrases": list(table.phrases),
                       "phrase_chars": table.phrase_chars}, fh, ensure_ascii=False)
        os.replace(tmp, cache)          # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        pass
    return table


def _t2s_sources(config: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(config path, [(dictionary file, its type)]) of an OpenCC config, None if it names a
    dictionary this code cannot read."""
    if not config or not os.path.isfile(config):
        return None
    with open(config, encoding="utf-8") as fh:
        spec = json.load(fh)
    found: list[tuple[str, str]] = []

    def walk(node) -> bool:
        if isinstance(node, list):
            return all(walk(v) for v in node)
        if not isinstance(node, dict):
            return True
        if "file" in node:
            path = os.path.join(os.path.dirname(config), node["file"])
            if node.get("type") not in ("ocd2", "ocd", "text") or not os.path.isfile(path):
                return False
            found.append((path, node["type"]))
        return all(walk(v) for v in node.values())

    return (config, found) if walk(spec) and found else None


def _t2s_cache_path(sources: tuple[str, list[tuple[str, str]]], version: str) -> str | None:
    import hashlib

    h = hashlib.sha256(f"{_T2S_CACHE_FORMAT}|{version}".encode())
    for path in [sources[0]] + [p for p, _ in sources[1]]:
        h.update(path.encode("utf-8", "surrogateescape"))
        with open(path, "rb") as fh:
            h.update(fh.read())
    d = cache_dir()
    return str(d / f"zongjie_t2s.{h.hexdigest()[:20]}.json") if d else None


def _opencc_dict_tool() -> str | None:
    import opencc

    path = os.path.join(os.path.dirname(opencc.__file__), "clib", "bin", "opencc_dict")
    return path if os.access(path, os.X_OK) else None


def _dict_keys(path: str, kind: str) -> list[str]:
    """The keys of one OpenCC dictionary (text: read; ocd2/ocd: dumped by `opencc_dict`)."""
    import subprocess
    import tempfile

    if kind == "text":
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    else:
        tool = _opencc_dict_tool()
        if tool is None:
            raise FileNotFoundError("opencc_dict not found")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "dict.txt")
            subprocess.run([tool, "-i", path, "-o", out, "-f", kind, "-t", "text"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            with open(out, encoding="utf-8") as fh:
                text = fh.read()
    keys = [line.split("\t", 1)[0] for line in text.split("\n") if line]
    if not keys:
        raise ValueError(f"no entries read from {path}")
    return keys


def _build_t2s_table(sources: tuple[str, list[tuple[str, str]]]) -> T2sTable:
    """Every key of every dictionary the t2s config uses, run through the converter: what
    t2s does to a key on its own is what it does wherever that entry matches."""
    conv = _t2s()
    keys = sorted({k for path, kind in sources[1] for k in _dict_keys(path, kind)})
    chars: set[str] = set()
    changed: list[tuple[str, str]] = []
    for k in keys:
        out = conv(k)
        if out == k:
            continue
        if len(k) == 1:
            chars.add(k)
        else:
            changed.append((k, out))
    phrases, phrase_chars = [], set()
    for k, out in changed:
        if chars.isdisjoint(k):         # otherwise `chars` already catches it
            phrases.append(k)
            # the text holds the phrase only if it holds one of the characters that change
            phrase_chars.update([a for a, b in zip(k, out) if a != b] if len(out) == len(k) else k)
    if not chars:
        raise ValueError("t2s changes no character: not the dictionaries expected")
    return T2sTable("".join(sorted(chars)), tuple(phrases), "".join(sorted(phrase_chars)))


_HAN_RE = re.compile("[\u4e00-\u9fff]")


def script_of(text: str, simple: str | None = None) -> str:
    """'traditional' when a noticeable share of characters change under t2s.
    Pass the simplified copy when you have it (it is the expensive part).

    >>> script_of("意識形態工作責任制"), script_of("意识形态工作责任制")
    ('traditional', 'simplified')
    """
    sample = text[:3000]
    simple = simple[:3000] if simple is not None else to_simplified(sample)
    if sample == simple:            # the common case, decided by one C-level comparison
        return "simplified"
    han = len(_HAN_RE.findall(sample))
    if not han:
        return "simplified"
    changed = sum(map(str.__ne__, sample, simple))
    return "traditional" if changed / han > 0.05 else "simplified"


@dataclass(frozen=True)
class Step:
    """One regex substitution, usable on `str` and on `Mapped`.

    `needs`: substrings one of which must be in the text for the pattern to match at all.
    Checking them (C-speed `in`) lets most texts skip the regex scan: patterns that open
    with a look-behind are tried at every character, which is the ingest hot path.
    `guard`: a pattern the text must also contain, for what `in` cannot say (a tone mark),
    a regex that opens with a character class, which `re` scans for quickly."""
    name: str
    pattern: re.Pattern
    repl: str = ""
    needs: tuple[str, ...] = ()
    guard: re.Pattern | None = None

    def applies(self, text: str) -> bool:
        return ((not self.needs or any(n in text for n in self.needs))
                and (self.guard is None or self.guard.search(text) is not None))

    def __call__(self, text: str) -> str:
        return self.pattern.sub(self.repl, text) if self.applies(text) else text

    def mapped(self, m: Mapped) -> Mapped:
        return m.sub(self.pattern, self.repl) if self.applies(m.text) else m


_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PY = f"a-zA-Zü\u0251\u0261{_TONED}"   # pinyin letters, incl. the ɑ/ɡ of pinyin fonts

normalize_newlines = Step("normalize_newlines", re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]"), "\n",
                          needs=("\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"))
# `態(tài)`: pinyin after a Han character, recognised by a tone mark; `(一)` `(十页)` survive.
# A space before or inside the brackets (`態 (tài)`, `(lùn )`) goes with it.
# A pattern that opens with a look-behind or an anchor is tried at every character; a
# look-ahead for the character each of its matches starts with, `(?=[ (（])`, changes no
# match and lets `re` give up at once everywhere else (drop_cjk_spaces: 8x faster).
strip_pinyin = Step(
    "strip_pinyin",
    re.compile(rf"(?=[ \u00a0\u3000(（])(?<=[{_HAN}])[ \u00a0\u3000]?[(（] ?[{_PY}]*[{_TONED}][{_PY}]* ?[)）]"),
    needs=("(", "（"),
    guard=re.compile(f"[{_TONED}]"),      # nearly every text has brackets, few a tone mark
)
# Runs of any horizontal space (no-break, ideographic, tabs, zero-width) -> one space.
normalize_spaces = Step("normalize_spaces", re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+"), " ")
# Spaces next to a Han character or CJK punctuation are PDF/web artefacts: `培訓達 200 余人次`.
# A blank left where a name was removed (`XX 同志`, `** 社区`) belongs to the word next to it.
drop_cjk_spaces = Step(
    "drop_cjk_spaces",
    re.compile(rf"(?= )(?:(?<=[{_HAN}{_CJK_PUNCT}0-9]) +(?=[{_HAN}{_CJK_PUNCT}])|(?<=[{_HAN}{_CJK_PUNCT}]) +(?=[0-9(])"
               rf"|(?<=[Xx*＊×_]{{2}}) +(?=[{_HAN}])|(?<=[{_HAN}]) +(?=[Xx*＊×_]{{2}}))"),
    needs=(" ",),
)
strip_line_edges = Step("strip_line_edges", re.compile(r"(?m)(?= )(?:^ +| +$)"), needs=(" ",))
collapse_blank_lines = Step("collapse_blank_lines", re.compile(r"\n{2,}"), "\n", needs=("\n\n",))

_FULLWIDTH = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(r[0], r[1] + 1)}


@dataclass(frozen=True)
class SpanStep:
    """A step that deletes spans a function finds; usable on `str` and on `Mapped`."""
    name: str
    spans: Callable[[str], list[tuple[int, int]]]

    def __call__(self, text: str) -> str:
        return self.mapped(Mapped.identity(text)).text

    def mapped(self, m: Mapped) -> Mapped:
        return m.delete_spans(self.spans(m.text))


_SPACED_LINE = re.compile(r"(?m)^.*$")
_SPACE_IN_SPACED = re.compile(r"(?<=[^ \t]) +(?=[^ \t])")


def _spaced_out_spans(text: str) -> list[tuple[int, int]]:
    """Spaces of lines a PDF converter spread out character by character
    (`县 审 计 局 2 0 2 1 年`): a line of at least six space-separated pieces, most of
    them one character long. Spaces next to a Latin letter stay (`Party Building`); a line
    with tabs is a table row (cells `1\t2\t3`), left alone."""
    spans: list[tuple[int, int]] = []
    for line in _SPACED_LINE.finditer(text):
        s = line.group()
        if "\t" in s:
            continue
        pieces = s.split()
        if len(pieces) < 6 or sum(len(p) == 1 for p in pieces) < 0.6 * len(pieces):
            continue
        for m in _SPACE_IN_SPACED.finditer(s):
            a, b = s[m.start() - 1], s[m.end()]
            if not (a.isascii() and a.isalpha()) and not (b.isascii() and b.isalpha()):
                spans.append((line.start() + m.start(), line.start() + m.end()))
    return spans


join_spaced_out = SpanStep("join_spaced_out", _spaced_out_spans)


def _edge_space_spans(text: str) -> list[tuple[int, int]]:
    r"""Leading and trailing whitespace: what `re.sub(r"^\s+|\s+$", "", text)` deletes
    (re's `\s` is str.isspace), found by str.strip instead of a regex `\s+$` tried at
    every character."""
    n = len(text)
    a = n - len(text.lstrip())
    if a == n:
        return [(0, n)] if n else []
    b = len(text.rstrip())
    return ([(0, a)] if a else []) + ([(b, n)] if b < n else [])


trim = SpanStep("trim", _edge_space_spans)


_HAS_FULLWIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def fold_width(text: str) -> str:
    """Full-width digits and Latin letters -> ASCII (one to one; punctuation untouched)."""
    return text.translate(_FULLWIDTH) if _HAS_FULLWIDTH.search(text) else text


_SECTIONS = ("any", "line", "tail")


@functools.lru_cache(maxsize=4)
def boilerplate_patterns(path: str | None = None) -> dict[str, re.Pattern | None]:
    """{'any'|'line'|'tail': pattern} compiled from `pipeline/data/boilerplate.txt`."""
    groups: dict[str, list[str]] = {k: [] for k in _SECTIONS}
    current = "line"
    lines = Path(path or data_file("boilerplate.txt")).read_text(encoding="utf-8").splitlines()
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.fullmatch(r"\s*\[(\w+)\]\s*", line):
            current = line.strip()[1:-1]
            if current not in groups:
                raise ValueError(f"boilerplate.txt:{n}: unknown section [{current}] (use {_SECTIONS})")
            continue
        try:
            re.compile(line)
        except re.error as exc:  # fail loudly, naming the bad pattern
            raise ValueError(f"boilerplate.txt:{n}: bad pattern {line!r}: {exc}") from None
        groups[current].append(line)
    compiled = {k: re.compile("(?m)^(?:" + "|".join(f"(?:{p})" for p in pats) + r")$\n?") if pats else None
                for k, pats in groups.items()}
    # [line] patterns are tried line by line (after the cheap prose guard), not scanned over
    # the whole text: most lines are report prose and never need the regex at all
    compiled["line_full"] = re.compile("|".join(f"(?:{p})" for p in groups["line"])) if groups["line"] else None
    return compiled


_PROSE_END = re.compile(r"[。；;！？!?]")


def is_prose(line: str) -> bool:
    """A line that reads as report text: long enough and holding a sentence end.

    >>> is_prose("今年以来,我局通过微信公众号发布2021年度意识形态工作动态信息56条,网站点击量大幅提升。")
    True
    >>> is_prose("发布时间:2018-11-12 来源: 点击数:")
    False
    """
    return len(line.strip()) > 30 and bool(_PROSE_END.search(line))


def _boilerplate_spans(text: str) -> list[tuple[int, int]]:
    pats = boilerplate_patterns()
    simple = to_simplified(text)  # patterns are written in simplified; same length
    spans = [m.span() for m in pats["any"].finditer(simple)] if pats["any"] else []
    line_full = pats["line_full"]
    if line_full is not None:
        pos, n = 0, len(simple)
        for line in simple.split("\n"):
            end = pos + len(line)
            if line and not is_prose(line) and line_full.fullmatch(line):
                spans.append((pos, min(end + 1, n)))
            pos = end + 1
    spans = _merge(spans)
    if pats["tail"]:
        for m in pats["tail"].finditer(simple):
            if m.start() > len(simple) * 2 / 3:
                spans = [s for s in spans if s[1] <= m.start()] + [(m.start(), len(simple))]
                break
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        elif s < e:
            out.append((s, e))
    return out


def strip_boilerplate(text: str) -> str:
    """Drop whole lines of site chrome listed in `pipeline/data/boilerplate.txt`.

    >>> strip_boilerplate("当前位置: 首页 >> 正文\\n一、工作开展情况\\n藏ICP备18000418号-1")
    '一、工作开展情况\\n'
    """
    return Mapped.identity(text).delete_spans(_boilerplate_spans(text)).text


STEPS: list[Step | SpanStep | Callable] = [
    normalize_newlines, strip_pinyin, fold_width, join_spaced_out, normalize_spaces, strip_line_edges,
    strip_boilerplate, drop_cjk_spaces, strip_line_edges, collapse_blank_lines, trim,
]


def clean(text: str | Mapped) -> Mapped:
    """Run every step in order, keeping the offset map."""
    m = text if isinstance(text, Mapped) else Mapped.identity(text)
    for step in STEPS:
        if isinstance(step, (Step, SpanStep)):
            m = step.mapped(m)
        elif step is fold_width:
            m = m.translate(_FULLWIDTH) if _HAS_FULLWIDTH.search(m.text) else m
        elif step is strip_boilerplate:
            m = m.delete_spans(_boilerplate_spans(m.text))
        else:  # pragma: no cover - a new step must say how it keeps the map
            raise TypeError(f"clean step {step!r} has no offset-keeping form")
    return m


def clean_text(text: str) -> str:
    """The cleaned string alone."""
    return clean(text).text
