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
from dataclasses import dataclass
from typing import Callable

from .config import data_file
from .textmap import Mapped


@functools.lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert


def to_simplified(text: str) -> str:
    """Traditional -> simplified (OpenCC t2s), guaranteed length-preserving so offsets hold.

    >>> to_simplified("意識形態工作責任制")
    '意识形态工作责任制'
    """
    out = _t2s()(text)
    if len(out) == len(text):
        return out
    conv = _t2s()  # a phrase rule changed the length: fall back to character by character
    return "".join(c if len(c) == 1 else ch for ch, c in ((ch, conv(ch)) for ch in text))


def script_of(text: str) -> str:
    """'traditional' when a noticeable share of characters change under t2s."""
    sample = text[:5000]
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if not han:
        return "simplified"
    changed = sum(1 for a, b in zip(sample, to_simplified(sample)) if a != b)
    return "traditional" if changed / han > 0.05 else "simplified"


@dataclass(frozen=True)
class Step:
    """One regex substitution, usable on `str` and on `Mapped`."""
    name: str
    pattern: re.Pattern
    repl: str = ""

    def __call__(self, text: str) -> str:
        return self.pattern.sub(self.repl, text)

    def mapped(self, m: Mapped) -> Mapped:
        return m.sub(self.pattern, self.repl)


_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"

normalize_newlines = Step("normalize_newlines", re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]"), "\n")
# `態(tài)`: pinyin after a Han character, recognised by a tone mark; `(一)` `(十页)` survive.
strip_pinyin = Step(
    "strip_pinyin",
    re.compile(rf"(?<=[{_HAN}])[(（][a-zA-Zü{_TONED}]*[{_TONED}][a-zA-Zü{_TONED}]*[)）]"),
)
# Runs of any horizontal space (no-break, ideographic, tabs, zero-width) -> one space.
normalize_spaces = Step("normalize_spaces", re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+"), " ")
# Spaces next to a Han character or CJK punctuation are PDF/web artefacts: `培訓達 200 余人次`.
drop_cjk_spaces = Step(
    "drop_cjk_spaces",
    re.compile(rf"(?<=[{_HAN}{_CJK_PUNCT}0-9]) +(?=[{_HAN}{_CJK_PUNCT}])|(?<=[{_HAN}{_CJK_PUNCT}]) +(?=[0-9(])"),
)
strip_line_edges = Step("strip_line_edges", re.compile(r"(?m)^ +| +$"))
collapse_blank_lines = Step("collapse_blank_lines", re.compile(r"\n{2,}"), "\n")
trim = Step("trim", re.compile(r"^\s+|\s+$"))

_FULLWIDTH = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(r[0], r[1] + 1)}


def fold_width(text: str) -> str:
    """Full-width digits and Latin letters -> ASCII (one to one; punctuation untouched)."""
    return text.translate(_FULLWIDTH)


@functools.lru_cache(maxsize=4)
def boilerplate_patterns(path: str | None = None) -> tuple[re.Pattern | None, re.Pattern | None]:
    """(line pattern, tail pattern) compiled from `pipeline/data/boilerplate.txt`."""
    groups: dict[str, list[str]] = {"line": [], "tail": []}
    current = "line"
    for raw in open(path or data_file("boilerplate.txt"), encoding="utf-8"):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.strip() in ("[line]", "[tail]"):
            current = line.strip()[1:-1]
            continue
        re.compile(line)  # fail loudly, naming the bad pattern
        groups[current].append(line)
    compiled = tuple(
        re.compile("(?m)^(?:" + "|".join(f"(?:{p})" for p in pats) + r")$\n?") if pats else None
        for pats in (groups["line"], groups["tail"])
    )
    return compiled  # type: ignore[return-value]


def _boilerplate_spans(text: str) -> list[tuple[int, int]]:
    line_pat, tail_pat = boilerplate_patterns()
    simple = to_simplified(text)  # patterns are written in simplified; same length
    spans = [m.span() for m in line_pat.finditer(simple)] if line_pat else []
    if tail_pat:
        for m in tail_pat.finditer(simple):
            if m.start() > len(simple) * 2 / 3:
                spans = [s for s in spans if s[1] <= m.start()] + [(m.start(), len(simple))]
                break
    return sorted(spans)


def strip_boilerplate(text: str) -> str:
    """Drop whole lines of site chrome listed in `pipeline/data/boilerplate.txt`.

    >>> strip_boilerplate("当前位置: 首页 >> 正文\\n一、工作开展情况\\n藏ICP备18000418号-1")
    '一、工作开展情况\\n'
    """
    return Mapped.identity(text).delete_spans(_boilerplate_spans(text)).text


STEPS: list[Step | Callable] = [
    normalize_newlines, strip_pinyin, fold_width, normalize_spaces, strip_line_edges,
    strip_boilerplate, drop_cjk_spaces, strip_line_edges, collapse_blank_lines, trim,
]


def clean(text: str | Mapped) -> Mapped:
    """Run every step in order, keeping the offset map."""
    m = text if isinstance(text, Mapped) else Mapped.identity(text)
    for step in STEPS:
        if isinstance(step, Step):
            m = step.mapped(m)
        elif step is fold_width:
            m = m.translate(_FULLWIDTH)
        elif step is strip_boilerplate:
            m = m.delete_spans(_boilerplate_spans(m.text))
    return m


def clean_text(text: str) -> str:
    """The cleaned string alone."""
    return clean(text).text
