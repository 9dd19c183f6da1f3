"""Stage 6 - segment: a report body -> sections, each classified by what it is for.

Kinds: 工作开展 (what was done), 存在问题 (shortcomings), 下一步 (plans), 其他 (preamble,
essays). Sections start at top-level headings in any common style (一、 / (一) / 一. / 1. /
(3) / 第一 / 首先) and at inline markers (存在不足：, 但也还存在一些问题和不足, 下一步，…).
The keyword lists that classify a heading live in `pipeline/data/sections.toml`.
"""
from __future__ import annotations

import functools
import re

from pipeline.records import Section
from pipeline.rules import LazyRegex, alternation
from pipeline.rules import load as load_rules
from pipeline.text.numerals import ENUM_DIGITS, enum_number
from pipeline.text.sentences import SENTENCE

_CN = ENUM_DIGITS
# heading styles, each with a name; a report's top level is the first style it uses
HEADING_STYLES: list[tuple[str, re.Pattern | LazyRegex]] = [
    ("cn_dun", re.compile(rf"^[{_CN}]{{1,3}}\s*[、]")),                 # 一、
    ("cn_dot", re.compile(rf"^[{_CN}]{{1,3}}\s*[.．]")),                # 一.
    ("di", re.compile(rf"^第[{_CN}]{{1,3}}(?:(?:部分|方面)\s*[、，,:：.．]?|\s*[、，,:：.．])")),  # 第一，/ 第一部分 (not 第一时间)
    ("paren_cn", re.compile(rf"^[(（][{_CN}]{{1,3}}[)）]")),             # (一)
    ("arabic", re.compile(r"^\d{1,2}\s*[.．、](?!\d)")),                 # 1. / 1、
    ("paren_ar", re.compile(r"^[(（]\d{1,2}[)）]")),                    # (3)
    ("ordinal_word", LazyRegex(lambda: rf"^(?:{words('ordinals', 'ordinal_more')})[，,、:：]")),  # 首先，
]
SECTION_KINDS = ("工作开展", "存在问题", "下一步", "其他")


def words(*keys: str) -> str:
    """The `[words]` lists `keys` of sections.toml as one regex alternation, in order."""
    w = load_rules("sections.toml")["words"]
    return alternation([x for k in keys for x in w[k]])


# Section: the record this stage produces, declared with its stored columns in pipeline/records.py


class AnyOf:
    """The OR of a list of patterns, for yes/no tests: `search` / `match` return a match of
    the first pattern that has one (not necessarily the leftmost), or None.

    Why not one joined `a|b|c` pattern: `re` skips ahead to where a pattern can start only
    when it opens with a literal or a character class, and a joined pattern never does, so
    it is tried at every character. Tried one by one, each pattern keeps its fast scan
    (problem cues over a report: about twice as fast). On short texts (headings) the
    joined pattern is cheaper: one call instead of one per pattern.
    """

    def __init__(self, patterns) -> None:
        self.patterns = tuple(re.compile(p) for p in patterns)
        self._searches = tuple(p.search for p in self.patterns)
        self._matches = tuple(p.match for p in self.patterns)

    def search(self, text: str) -> re.Match | None:
        for search in self._searches:
            m = search(text)
            if m:
                return m
        return None

    def match(self, text: str) -> re.Match | None:
        for match in self._matches:
            m = match(text)
            if m:
                return m
        return None


# searched in every sentence of a report, so kept apart (see AnyOf); the others test headings,
# openings and the odd cue sentence
_PER_SENTENCE = frozenset({"problems_cue"})


@functools.lru_cache(maxsize=1)
def _rules() -> dict[str, re.Pattern | AnyOf]:
    rules = load_rules("sections.toml")
    out = {k: AnyOf(v) if k in _PER_SENTENCE else re.compile("|".join(v)) for k, v in rules["patterns"].items()}
    # a problems heading run into its paragraph, its first item straight after it
    out["runin_heading"] = re.compile(f"(?:{out['problems_head'].pattern})(?=(?:{out['runin_items'].pattern}))")
    return out


# all styles in one pattern: an alternation tries its branches in order, so the first style
# that matches wins, as in a loop over HEADING_STYLES, for one call instead of seven
_ANY_HEADING = LazyRegex(lambda: "|".join(f"(?P<{name}>{pat.pattern})" for name, pat in HEADING_STYLES))


def heading_style(line: str) -> str | None:
    m = _ANY_HEADING.match(line)
    return m.lastgroup if m else None        # the style's group encloses any group of its own


_HEADLINE = re.compile(r"^(.{2,50}?)[。；;]")


def _headline(line: str) -> str:
    """The heading text: the line up to its first full stop (headings often run on)."""
    m = _HEADLINE.match(line)
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




_HEADING_NUMBER = re.compile(r"^[(（]?第?([一二三四五六七八九十]{1,3}|\d{1,2})")


def heading_number(line: str) -> int | None:
    """The number a heading line starts with: '（三）…' -> 3, '2.…' -> 2, '第四，' -> 4."""
    m = _HEADING_NUMBER.match(line.strip())
    if not m:
        return None
    g = m.group(1)
    return int(g) if g.isdigit() else enum_number(g)


def sentences(line: str) -> list[tuple[int, str]]:
    """(offset in line, sentence) for each sentence of a paragraph, split after 。！？.

    A sentence ends after a run of sentence marks. Most paragraphs use 。 alone; they are cut
    with `str.split`, several times faster than the regex (`text.sentences.SENTENCE`) the others need.
    """
    if "！" in line or "？" in line or "!" in line or "?" in line:
        return [(m.start(), sent) for m in SENTENCE.finditer(line) if (sent := m.group()).strip()]
    pieces = line.split("。")
    last = len(pieces) - 1
    out, pos, i = [], 0, 0
    while i < last:                     # pieces[i] is followed by a 。
        j = i + 1
        while j < last and not pieces[j]:
            j += 1                      # 。。: an empty piece continues the run of marks
        sent = pieces[i] + "。" * (j - i)
        if sent.strip():
            out.append((pos, sent))
        pos += len(sent)
        i = j
    if pieces[last].strip():            # the tail after the last 。
        out.append((pos, pieces[last]))
    return out


def problem_cue(sentence: str, first: bool) -> bool:
    """Does this sentence start a problems passage? `first`: it opens its paragraph."""
    r = _rules()
    cue = (first and r["problems_opening"].search(sentence[:150])) or r["problems_cue"].search(sentence)
    # the exception last: most sentences are no cue at all, so it is rarely needed
    return (bool(cue) and not r["problems_cue_not"].search(sentence)) or bool(r["problems_found"].search(sentence))


def segment(text: str, simple: str | None = None) -> list[Section]:
    """Split `text` (one report) into sections. `simple` is its simplified copy (same length).

    Headings of the report's top-level style start sections; so do inline markers, which
    may start mid-paragraph (the sentence "但也还存在一些不足。" starts a 存在问题 section, and
    inside a problems passage a sentence "今后，…" / "下半年，…" starts the 下一步 part). A
    problems sentence announcing a list ("还存在以下问题。", "…还存在一些不足：") makes the
    numbered headings that follow it, in order 1, 2, 3…, 存在问题 sections too (`item`: their
    heading line is a statement); a plan heading ("3.下一步打算") ends the list.
    """
    simple = simple if simple is not None else text
    r = _rules()
    lines, pos = [], 0          # (offset, line, stripped line, its heading style)
    for line in simple.split("\n"):
        s = line.strip()
        lines.append((pos, line, s, heading_style(s) if s else None))
        pos += len(line) + 1
    # the top level is the first heading style used by a short or run-on heading line
    top = next((st for *_, st in lines if st and st != "ordinal_word"), None)
    starts: list[tuple[int, str | None, str | None, str]] = []   # (offset, heading, style, kind)
    parent = "其他"   # kind of the current top-level section
    list_expect = 0   # >0: a problems list was announced; the number of the next item
    list_style = None
    items: set[int] = set()   # offsets of the sections that are items of an announced problems list
    state: dict = {}  # carried between paragraphs by _scan_paragraph
    for off, line, s, st in lines:
        if not s:
            continue
        lead = len(line) - len(line.lstrip())
        current = starts[-1][3] if starts else "其他"
        if list_expect:
            if st is not None and st != "ordinal_word" and list_style in (None, st) \
                    and heading_number(s) == list_expect and classify(_headline(s)) != "下一步":
                if st == top or current != "存在问题":
                    starts.append((off + lead, _headline(s), st, "存在问题"))
                    items.add(off + lead)
                list_style, list_expect = st, list_expect + 1
                continue
            if st is not None or list_style is None:
                list_expect, list_style = 0, None
        short = _short_heading(s) if st is None else None
        if st is not None and st == top:
            head = _problems_headline(r, _headline(s))
            parent = classify(head)
            starts.append((off + lead, head, st, parent))
            if parent == "存在问题" and r["list_intro"].search(s):
                list_expect, list_style = 1, None
            _scan_rest(r, off + lead, s, head, starts, state)
        elif r["marker"].match(s) or (short and classify(short) == "存在问题"):
            # "存在不足：" / an unnumbered heading line "存在问题及整改措施"
            if current != "存在问题":
                starts.append((off + lead, _headline(s), "marker", "存在问题"))
            list_expect, list_style = 1, None
        elif short and current != "下一步" and classify(short) == "下一步" and r["next_strong"].search(short):
            starts.append((off + lead, _headline(s), "marker", "下一步"))   # "下一步工作打算"
        elif st is None or st == "ordinal_word":     # a paragraph ("首先，…" too)
            _scan_paragraph(r, off + lead, s, starts, len(s) > 20, state)
            if starts and starts[-1][3] == "存在问题" and (
                    r["list_intro"].search(s)
                    or (starts[-1][2] not in (None, "marker") and _COLON_END.search(s) and not _REPORT_INTRO.search(s))):
                # "…还存在以下问题。", or under a problems heading "医院现状是…具体如下："
                list_expect, list_style = 1, None
        else:                                        # a sub-heading
            head = _problems_headline(r, _headline(s))
            kind = classify(head)
            plan_after_problems = current == "下一步" and len(starts) > 1 and starts[-2][3] == "存在问题"
            if kind == "存在问题" and current != "存在问题":
                # "（三）存在的问题" inside a work section
                starts.append((off + lead, head, st, "存在问题"))
                list_expect, list_style = 1, None
            elif kind == "下一步" and current != "下一步" and (current == "存在问题" or r["next_strong"].search(head)):
                # "（二）下一步打算" after the problems, or a plainly named plan
                starts.append((off + lead, head, st, "下一步"))
            elif starts and starts[-1][2] != top and current != parent and parent != "其他" \
                    and not plan_after_problems:
                # a sub-heading after a marker passage or a problems/plan sub-section: back to
                # the parent's kind (but a plan that follows the problems runs on: its
                # sub-headings are plan items)
                starts.append((off + lead, head, st, parent))
            _scan_rest(r, off + lead, s, head, starts, state)
    sections: list[Section] = []
    first = starts[0][0] if starts else len(simple)
    if first > 0 and simple[:first].strip():
        sections.append(Section(0, "其他", None, 0, first, None))
    for k, (off, head, st, kind) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(simple)
        while end > off and simple[end - 1] in "\n \t\u3000":
            end -= 1
        sections.append(Section(len(sections), kind, head, off, end, st, item=off in items))
    if not sections and simple.strip():
        sections.append(Section(0, "其他", None, 0, len(simple), None))
    return sections


_RUNNING_TEXT = re.compile(r"[，,：:；;]")


def _problems_headline(r: dict, head: str) -> str:
    """A problems heading that runs on into its text without a full stop ("二、存在问题针对反馈的
    涉商舆情,…仍存在以下问题:一是工作合力仍需提升"): the heading is its words ("二、存在问题"), so
    the items after it are read as statements, not as part of the heading."""
    m = r["problems_head"].match(head)
    if m and _RUNNING_TEXT.search(head, m.end()):
        return head[:m.end()].strip()
    return head


def _short_heading(line: str) -> str | None:
    """An unnumbered heading line ("存在的问题和不足", "下一步工作打算"): short, no sentence
    punctuation, no counts. Its text without a final colon, else None."""
    t = line.strip().rstrip("：:").strip()
    if not t or len(t) > 24 or _SENTENCE_PUNCT.search(t):
        return None
    if _DIGIT.search(_YEAR.sub("", t)):
        return None
    return t


_SENTENCE_PUNCT = re.compile(r"[。，,；;！!？?、]")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"\d{4}年")
_COLON_END = re.compile(r"[：:]\s*$")
_REPORT_INTRO = LazyRegex(lambda: rf"{words('report_intro_lead')}|({words('report_intro')})如下")


def _scan_rest(r: dict, off: int, line: str, head: str, starts: list, state: dict) -> None:
    """A heading line that runs on ("（一）加强学习。…但也还存在一些不足。…"): scan the rest."""
    rest = line[len(head):] if line.startswith(head) else ""
    if rest.strip():
        _scan_paragraph(r, off + len(head), rest, starts, True, state, opening=False)


def _scan_paragraph(r: dict, off: int, para: str, starts: list, long_enough: bool, state: dict,
                    opening: bool = True) -> None:
    """Sentence by sentence: where a problems passage, or the plan after one, begins.

    `state` carries across paragraphs: after a one-sentence list ("…存在A、B等问题。") the
    next sentence returns to the kind the list interrupted. `opening`: `para` opens a
    paragraph (False for the rest of a heading line).
    """
    current = starts[-1][3] if starts else "其他"
    for i, (so, sent) in enumerate(sentences(para)):
        first = i == 0 and opening
        at = off if i == 0 else off + so
        if i == 0 and not opening:
            at = off + len(sent) - len(sent.lstrip("。；;，,：: \t"))
        if current != "存在问题":
            runin = r["runin_heading"].match(sent)
            if runin:             # "…的引导。二、存在问题1、认识不到位。": a heading, its items after it
                starts.append((at + len(sent) - len(sent.lstrip()), runin.group().strip(), "marker", "存在问题"))
                state["before"], current = current, "存在问题"
                continue
            if (not first or long_enough) and problem_cue(sent, first=first):
                starts.append((at, _headline(para) if i == 0 and r["marker"].match(para) else None,
                               "marker", "存在问题"))
                state["before"], current = current, "存在问题"
                # "…还存在A、B、C等问题。" is a whole passage in one sentence
                cue_m = r["problems_cue"].search(sent)
                if cue_m and "等" in cue_m.group() and not _COLON_END.search(sent) \
                        and not r["list_intro"].search(sent):
                    state["inline_at"] = at
                continue
            if first and r["next_opening"].match(sent) and current != "下一步":
                starts.append((at, None, "marker", "下一步"))
                current = "下一步"
            continue
        if r["next_opening"].match(sent.lstrip()) or r["next_after_problems"].match(sent.lstrip()):
            starts.append((at, None, "marker", "下一步"))
            current = "下一步"
        elif starts and state.get("inline_at") == starts[-1][0] and at > starts[-1][0]:
            starts.append((at, None, "marker", state.get("before", "其他")))
            current = starts[-1][3]
