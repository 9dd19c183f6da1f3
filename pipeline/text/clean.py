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
import re
from pathlib import Path
from dataclasses import dataclass
from typing import Callable

from pipeline import rules
from pipeline.text.script import to_simplified
from pipeline.text.sentences import SENTENCE
from pipeline.text.textmap import Mapped


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
# Horizontal space (no-break, ideographic, tabs, zero-width), as the inside of a character
# class: runs of it become one space here, and a boilerplate pattern's `\s` means it (`one_line`).
_HSPACE = r" \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff"
normalize_spaces = Step("normalize_spaces", re.compile(f"[{_HSPACE}]+"), " ")
# Spaces next to a Han character or CJK punctuation are PDF/web artefacts: `培訓達 200 余人次`.
# A blank left where a name was removed (`XX 同志`, `** 社区`) belongs to the word next to it.
drop_cjk_spaces = Step(
    "drop_cjk_spaces",
    re.compile(rf"(?= )(?:(?<=[{_HAN}{_CJK_PUNCT}0-9]) +(?=[{_HAN}{_CJK_PUNCT}])|(?<=[{_HAN}{_CJK_PUNCT}]) +(?=[0-9(])"
               rf"|(?<=[Xx*＊×_]{{2}}) +(?=[{_HAN}])|(?<=[{_HAN}]) +(?=[Xx*＊×_]{{2}})"
               # a one-letter placeholder between Han characters: `受众人数达到 X 人`
               rf"|(?<=[{_HAN}]) +(?=[Xx*＊] *[{_HAN}])|(?<=[{_HAN}][Xx*＊]) +(?=[{_HAN}])|(?<=[{_HAN}] [Xx*＊]) +(?=[{_HAN}]))"),
    needs=(" ",),
)
# A count broken from its measure word by a wrapped line (`组织专题学习会 X\n场`, a PDF's
# line end): the break goes, so the count reads whole.
join_count_breaks = Step(
    "join_count_breaks",
    rules.LazyRegex(lambda: rf"(?<=[0-9Xx*＊])\n(?=(?:{_words('count_breaks', 'measures')})(?:[，,。；;、\s]|$|[\u4e00-\u9fff]))"),
    needs=("\n",),
)
# Pages copied without their line breaks keep a space where a break was. Before the spaces
# next to Han characters are dropped, such a space becomes a line break again (one
# character for one, so offsets hold) where what follows is plainly a new line:
# - a heading (`一、`, `(二)`) after a sentence end or a site's cut (`……`): `…汇报如下: 一、总体情况 (一)加强…`;
# - a numbered item `(二)` after any text: `…较少。 (二)…不严 (三)…`;
# - the body after a title that opens the line: `学校 2020 年意识形态工作总结 以深入学习…`.
restore_heading_breaks = Step(
    "restore_heading_breaks",
    re.compile(r"(?<=[。：:；;！？!?”）)…]) (?=[一二三四五六七八九十]{1,3}、)"
               r"|(?<=[^\s，,、]) (?=[(（][一二三四五六七八九十]{1,3}[)）])"),
    "\n", needs=(" ",),
)
_RUN_IN_TITLE = rules.LazyRegex(lambda: (
    rf"(?m)^(?!{_words('run_in_title', 'not_opening')})((?:[^\s。，,；;！？!?：:]{{1,6}} ){{0,2}}[^\s。，,；;！？!?：:]{{0,30}}?"
    rf"(?:{_words('run_in_title', 'topics')})[^\s。，,；;！？!?：:]{{0,30}}?"
    rf"(?:{_words('run_in_title', 'genres')}))(?: \(\d\))? (?=[^\s篇【第(（])"))


def _run_in_title_spans(text: str) -> list[tuple[int, int]]:
    """The space after a title that opens a line and runs on into the body."""
    return [(m.end() - 1, m.end()) for m in _RUN_IN_TITLE.finditer(text)]


strip_line_edges = Step("strip_line_edges", re.compile(r"(?m)(?= )(?:^ +| +$)"), needs=(" ",))
collapse_blank_lines = Step("collapse_blank_lines", re.compile(r"\n{2,}"), "\n", needs=("\n\n",))

_FULLWIDTH = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(r[0], r[1] + 1)}


@dataclass(frozen=True)
class SpanStep:
    """A step that deletes the spans a function finds, or, with `replace`, puts that one
    character in place of each (one-character) span so offsets hold; usable on `str` and
    on `Mapped`."""
    name: str
    spans: Callable[[str], list[tuple[int, int]]]
    replace: str | None = None

    def __call__(self, text: str) -> str:
        return self.mapped(Mapped.identity(text)).text

    def mapped(self, m: Mapped) -> Mapped:
        spans = self.spans(m.text)
        if self.replace is None:
            return m.delete_spans(spans)
        if not spans:
            return m
        chars = list(m.text)
        for a, _ in spans:
            chars[a] = self.replace
        return Mapped("".join(chars), m.pos)       # same length: the map is unchanged


restore_title_break = SpanStep("restore_title_break", _run_in_title_spans, replace="\n")

# ... and the space that ended such a heading: `一、基本情况 晒经学区党支部,现有…` lost it when
# the spaces next to Han characters were dropped, and the body's first words ran into the
# heading (基本情况晒经学区: no unit name to be found). A heading (2-24 characters, no
# punctuation: `二、当前意识形态领域存在的主要薄弱环节和风险点 在看到…`) opening a line, then a
# space, then a Han character: the space is a line break.
_HEADING_END = re.compile(r"(?m)^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])"
                          r"[^\s。，,、；;：:！？!?]{2,24}( )(?=[\u4e00-\u9fff])")


def _heading_end_spans(text: str) -> list[tuple[int, int]]:
    return [m.span(1) for m in _HEADING_END.finditer(text)] if " " in text else []


restore_heading_end = SpanStep("restore_heading_end", _heading_end_spans, replace="\n")


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

_TOC_HEAD = re.compile(r"(?m)^[ \t]*(?:目\s*录|提\s*纲|目录\s*/\s*提纲|文章目录)\s*[:：]?[\s.…·]*$")   # on simplified text
# cheap guard, either script: most texts have no 目录 at all (and 目/提 alone are everywhere)
_TOC_WORD = re.compile(r"目\s*[录錄]|提\s*[纲綱]")
_TOC_LINE_END = re.compile(r"[。！？!?；;]")


def _toc_spans(text: str) -> list[tuple[int, int]]:
    """A table of contents printed before the report (`目录/提纲:……` then heading lines):
    its lines repeat the report's headings, so a 存在问题 heading in it is no statement.
    The block runs from the 目录 line over the short unpunctuated lines below it, up to the
    first line that reads as text or repeats a listed line (where the report starts). The
    head is looked for in simplified characters (`目錄/提綱:` of a traditional page)."""
    if not _TOC_WORD.search(text):
        return []
    m = _TOC_HEAD.search(to_simplified(text))      # same length: offsets hold
    if not m or m.start() > len(text) // 2:
        return []
    pos = m.end() + 1
    listed: set[str] = set()
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        line = re.sub(r"\s+", "", text[pos:end])
        if line and (len(line) > 60 or _TOC_LINE_END.search(line) or line in listed):
            break                   # text, or the first listed heading again: the report itself
        listed.add(line)
        pos = end + 1
    return [(m.start(), min(pos, len(text)))]


drop_table_of_contents = SpanStep("drop_table_of_contents", _toc_spans)

# A forum's anti-copy "jammer" (Discuz inserts random strings between a post's lines, so a
# copy carries them: `! F$ z G) e$ m! w7 M 一座城市的奋进…`, `…“唱响”世界。4 I7 H4 b$ v" b$ v4 N2 q`):
# five or more space-separated tokens of 1-3 ASCII symbols, at least two mixing a letter with a
# digit or a sign. Plain ASCII words, numbers, dates and table bars never mix so.
_JAMMER = re.compile(r"(?<![!-~])(?:[!-~]{1,3} ){4,}[!-~]{1,3}(?![!-~])")
_MIXED = re.compile(r"(?=[!-~]*[A-Za-z])(?=[!-~]*[^A-Za-z])[!-~]{2,3}")


def _jammer_spans(text: str) -> list[tuple[int, int]]:
    if " " not in text:
        return []
    out = []
    for m in _JAMMER.finditer(text):
        if sum(1 for t in m.group().split(" ") if _MIXED.fullmatch(t)) >= 2:
            out.append(m.span())
    return out


strip_jammer = SpanStep("strip_jammer", _jammer_spans)


# A hijacked site's gambling keywords in place of a name, parts joined by `_` (clean_words
# [spam]): `365bet赌城投注_365手机app_365bet365娱乐`. Each part: ASCII, then up to four Chinese
# characters before a listed word, repeated; two or more parts, a letter and a gambling word among them.
_SPAM = rules.LazyRegex(lambda: (
    rf"(?:[0-9A-Za-z]{{0,12}}(?:[\u4e00-\u9fff]{{0,4}}?(?:{_words('spam', 'words')}))+_)+"
    rf"[0-9A-Za-z]{{0,12}}(?:[\u4e00-\u9fff]{{0,4}}?(?:{_words('spam', 'words')}))+"))

_GAMBLING = rules.LazyRegex(lambda: _words("spam", "gambling"))


def _spam_spans(text: str) -> list[tuple[int, int]]:
    # the pattern is tried at every character: only where a gambling word is (a page with
    # template masks, __镇, has none; 0.2 ms per file saved on the benchmark corpus)
    if "_" not in text or not _GAMBLING.search(text):
        return []
    return [m.span() for m in _SPAM.finditer(text)
            if re.search(r"[A-Za-z]", m.group()) and _GAMBLING.search(m.group())]


strip_spam = SpanStep("strip_spam", _spam_spans)


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


def _words(section: str, key: str) -> str:
    """A word list of clean_words.toml as a regex alternation, in the file's order."""
    return rules.alternation(rules.load("clean_words.toml")[section][key])


_HAS_FULLWIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def fold_width(text: str) -> str:
    """Full-width digits and Latin letters -> ASCII (one to one; punctuation untouched)."""
    return text.translate(_FULLWIDTH) if _HAS_FULLWIDTH.search(text) else text


def one_line(pattern: str) -> str:
    r"""A boilerplate pattern whose `\s` stays within its line. Each pattern matches a whole
    line, but `\s` also matches a line break: `文档简介\s*[:：]?.*` took the blank line and
    the whole next line with it, and a page whose body sat on one line after its 文档简介
    heading lost all of it. `\s` outside a class and in a positive class becomes horizontal
    space; a negated class (`[^\s，。]`) keeps the line break out already."""
    out, i, cls, negated = [], 0, False, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            pair = pattern[i:i + 2]
            if pair == "\\s":
                pair = pair if negated else _HSPACE if cls else f"[{_HSPACE}]"
            out.append(pair)
            i += 2
            continue
        if c == "[" and not cls:
            cls, negated = True, pattern.startswith("[^", i)
            # a ] right after [ or [^ is a literal in Python's re
            j = i + (2 if negated else 1)
            out.append(pattern[i:j])
            if j < len(pattern) and pattern[j] == "]":
                out.append("]")
                j += 1
            i = j
            continue
        if c == "]" and cls:
            cls = False
        out.append(c)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=4)
def boilerplate_patterns(path: str | None = None) -> dict[str, re.Pattern | None]:
    """{'any'|'head'|'line'|'tail': pattern} compiled from `pipeline/data/boilerplate.txt`."""
    # parsed and checked by `pipeline.rules` (a bad pattern or section names file:line)
    groups = rules.parse(Path(path), "boilerplate.txt") if path else rules.load("boilerplate.txt")
    groups = {k: [one_line(p) for p in pats] for k, pats in groups.items()}
    compiled = {k: re.compile("(?m)^(?:" + "|".join(f"(?:{p})" for p in pats) + r")$\n?") if pats else None
                for k, pats in groups.items()}
    # [line] patterns are tried line by line (after the cheap prose guard), not scanned over
    # the whole text: most lines are report prose and never need the regex at all
    compiled["line_full"] = re.compile("|".join(f"(?:{p})" for p in groups["line"])) if groups["line"] else None
    compiled["head_full"] = re.compile("|".join(f"(?:{p})" for p in groups["head"])) if groups["head"] else None
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
    if pats["head"]:
        head_end = min(len(simple) * 2 // 5, 3000)
        cut = simple.find("\n", head_end)      # whole lines only: the regex stops at a line end
        for m in pats["head"].finditer(simple, 0, cut + 1 if cut >= 0 else len(simple)):
            if m.start() < head_end:
                spans.append(_head_span(simple, m.start(), m.end(), pats["head_full"]))
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


_SITE_TALK = rules.LazyRegex(lambda: _words("site_talk", "words"))


def _head_span(text: str, start: int, end: int, pattern: re.Pattern) -> tuple[int, int]:
    """The part of a matched preamble line to drop: the whole line, unless the report itself
    runs on after the site's last preamble sentence on the same line ("…希望对大家有所帮助！
    我支部以培育…"): then up to the end of that sentence."""
    line = text[start:end].rstrip("\n")
    last = None
    for m in SENTENCE.finditer(line):
        if m.group().strip() and pattern.fullmatch(m.group()):
            last = m.end()
    rest = line[last:] if last is not None else ""
    if len(rest.strip()) < 20 or _SITE_TALK.search(rest):
        return start, end
    return start, start + last


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
    normalize_newlines, strip_pinyin, fold_width, join_spaced_out, normalize_spaces, strip_jammer, strip_spam,
    strip_line_edges, restore_heading_breaks, restore_heading_end, restore_title_break, restore_title_break, strip_boilerplate,
    drop_table_of_contents,
    join_count_breaks, drop_cjk_spaces, strip_line_edges, collapse_blank_lines, trim,
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
