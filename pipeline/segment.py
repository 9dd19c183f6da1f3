"""Stage 6 - segment: a report body -> sections, each classified by what it is for.

Kinds: 工作开展 (what was done), 存在问题 (shortcomings), 下一步 (plans), 其他 (preamble,
essays). Sections start at top-level headings in any common style (一、 / (一) / 一. / 1. /
(3) / 第一 / 首先) and at inline markers (存在不足：, 但也还存在一些问题和不足, 下一步，…).
The keyword lists that classify a heading live in `pipeline/data/sections.toml`.
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass

from .config import data_file

_CN = "一二三四五六七八九十"
# heading styles, each with a name; a report's top level is the first style it uses
HEADING_STYLES: list[tuple[str, re.Pattern]] = [
    ("cn_dun", re.compile(rf"^[{_CN}]{{1,3}}\s*[、]")),                 # 一、
    ("cn_dot", re.compile(rf"^[{_CN}]{{1,3}}\s*[.．]")),                # 一.
    ("di", re.compile(rf"^第[{_CN}]{{1,3}}(?:部分|方面)?\s*[、，,:：.．]?")),  # 第一，/ 第一部分
    ("paren_cn", re.compile(rf"^[(（][{_CN}]{{1,3}}[)）]")),             # (一)
    ("arabic", re.compile(r"^\d{1,2}\s*[.．、](?!\d)")),                 # 1. / 1、
    ("paren_ar", re.compile(r"^[(（]\d{1,2}[)）]")),                    # (3)
    ("ordinal_word", re.compile(r"^(?:首先|其次|再次|最后|此外)[，,、:：]")),  # 首先，
]
SECTION_KINDS = ("工作开展", "存在问题", "下一步", "其他")


@dataclass
class Section:
    index: int
    kind: str
    heading: str | None
    start: int          # offsets into the report text
    end: int
    style: str | None   # heading style, or 'marker' for an inline marker, None for the preamble


@functools.lru_cache(maxsize=1)
def _rules() -> dict:
    with open(data_file("sections.toml"), "rb") as fh:
        rules = tomllib.load(fh)
    return {k: re.compile("|".join(v)) for k, v in rules["patterns"].items()}


def heading_style(line: str) -> str | None:
    for name, pat in HEADING_STYLES:
        if pat.match(line):
            return name
    return None


def _headline(line: str) -> str:
    """The heading text: the line up to its first full stop (headings often run on)."""
    m = re.match(r"^(.{2,50}?)[。；;]", line)
    return (m.group(1) if m else line[:60]).strip()


def classify(heading: str, body: str = "") -> str:
    """Kind of a section from its heading (and first words of its body).

    >>> classify("二、存在问题和差距"), classify("三、下一步努力方向"), classify("一、工作开展情况")
    ('存在问题', '下一步', '工作开展')
    """
    r = _rules()
    h = heading or ""
    if r["problems"].search(h) and not r["problems_not"].search(h):
        return "存在问题"
    if r["next"].search(h):
        return "下一步"
    if not h and r["problems_opening"].search(body[:120]):
        return "存在问题"
    if not h and r["next_opening"].match(body):
        return "下一步"
    return "工作开展"


def segment(text: str, simple: str | None = None) -> list[Section]:
    """Split `text` (one report) into sections. `simple` is its simplified copy (same length)."""
    simple = simple if simple is not None else text
    r = _rules()
    lines, pos = [], 0
    for line in simple.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    # the top level is the first heading style used by a short or run-on heading line
    top = None
    for _, line in lines:
        st = heading_style(line.strip())
        if st and st != "ordinal_word":
            top = st
            break
    starts: list[tuple[int, str | None, str | None, str]] = []   # (offset, heading, style, kind)
    parent = "其他"   # kind of the current top-level section
    for off, line in lines:
        s = line.strip()
        if not s:
            continue
        st = heading_style(s)
        current = starts[-1][3] if starts else "其他"
        if st is not None and st == top:
            head = _headline(s)
            parent = classify(head)
            starts.append((off, head, st, parent))
        elif r["marker"].match(s):
            if current != "存在问题":
                starts.append((off, _headline(s), "marker", "存在问题"))
        elif r["problems_opening"].search(s[:150]) and len(s) > 20 and not st:
            if current != "存在问题":
                starts.append((off, None, "marker", "存在问题"))
        elif r["next_opening"].match(s) and not st:
            if current != "下一步":
                starts.append((off, None, "marker", "下一步"))
        elif st is not None and starts and starts[-1][2] == "marker" and current != parent and parent != "其他":
            # a sub-heading after an inline marker passage: back to the parent's kind
            starts.append((off, _headline(s), st, parent))
    sections: list[Section] = []
    first = starts[0][0] if starts else len(simple)
    if first > 0 and simple[:first].strip():
        sections.append(Section(0, "其他", None, 0, first, None))
    for k, (off, head, st, kind) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(simple)
        end = end - 1 if end > off and simple[end - 1: end] == "\n" else end
        sections.append(Section(len(sections), kind, head, off, end, st))
    if not sections and simple.strip():
        sections.append(Section(0, "其他", None, 0, len(simple), None))
    return sections
