"""Stage 7b - shortcoming statements: each 存在问题 passage cut into its items, each item
given keyword-based categories.

Why rules and data files: a supervisor compares statements across units and years, so every
cut and every category must be explainable (which cue split it, which words put it in its
category) and editable without code. The passages are the 存在问题 sections found by
`segment` (a heading, a marker line, or a "…但也还存在一些不足" sentence mid-paragraph);
`data/shortcoming_cues.toml` says how a passage is cut into statements, and
`data/shortcoming_taxonomy.toml` which words put a statement in which category.

Matching runs on `simple` (the simplified copy, same offsets); statements are sliced from
`text`, so a traditional report keeps its own script.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.records import Shortcoming
from pipeline.rules import LazyRegex, alternation
from pipeline.rules import load as load_rules
from pipeline.text.numerals import ENUM_DIGITS, enum_chinese
from pipeline.text.sentences import END as SENTENCE_END
from pipeline.extract.segment import HEADING_STYLES, classify, heading_number, heading_style, problem_cue, sentences


# Shortcoming: the record this stage produces, declared with its stored columns in pipeline/records.py


# ---------------------------------------------------------------- rules from the data files
@functools.lru_cache(maxsize=1)
def _cues() -> dict[str, re.Pattern]:
    pats = load_rules("shortcoming_cues.toml")["patterns"]
    out = {}
    for k, v in pats.items():
        if k == "negative":
            out[k] = re.compile("|".join(re.escape(w) for w in v))
        elif k in ("inline_list", "single"):
            out[k] = [re.compile(p) for p in v]     # named groups: one pattern at a time
        else:
            out[k] = re.compile("|".join(v))
    return out


@dataclass(frozen=True)
class Category:
    name: str
    rules: tuple[re.Pattern, ...]            # every keyword (escaped) and pattern, in file order
    keywords: tuple[str, ...] = ()           # the plain keywords again: found by `str.find`
    patterns: tuple[re.Pattern, ...] = ()    # the regex patterns alone
    any_keyword: re.Pattern | None = None    # finds a statement holding any keyword (one scan)


@functools.lru_cache(maxsize=1)
def taxonomy() -> tuple[Category, ...]:
    """The categories of `data/shortcoming_taxonomy.toml`, in file order (= tie order)."""
    cats = load_rules("shortcoming_taxonomy.toml")["category"]
    out = []
    for c in cats:
        keywords = tuple(c.get("keywords", []))
        patterns = tuple(re.compile(p) for p in c.get("patterns", []))
        plain = tuple(k for k in keywords if k)
        out.append(Category(c["name"], tuple(re.compile(re.escape(k)) for k in keywords) + patterns,
                            keywords=plain, patterns=patterns,
                            any_keyword=re.compile("|".join(map(re.escape, plain))) if plain else None))
    return tuple(out)


_HEAD_END = re.compile(r"[，,。；;：:]")


def categorize(statement: str) -> tuple[str, list[str], list[str]]:
    """(primary category, every matching category best first, trigger words) of a statement.

    `statement` is simplified text. See the top of `data/shortcoming_taxonomy.toml`.

    >>> categorize("对外宣传力度不大,在纸媒上发表的稿件少")[0]
    '宣传力度/外宣不足'
    """
    cats = taxonomy()
    m = _HEAD_END.search(statement)
    head_end = m.start() if m else len(statement)
    scored, triggers = [], []
    for order, cat in enumerate(cats):
        found: dict[str, bool] = {}          # trigger -> inside the headline
        if cat.any_keyword is not None and cat.any_keyword.search(statement):
            for w in cat.keywords:
                # a keyword's matches are its occurrences: is there one, is the first in the headline
                i = statement.find(w)
                if i >= 0:
                    found[w] = found.get(w, False) or i < head_end
        for rule in cat.patterns:
            if not rule.search(statement):   # most miss: one call is cheaper than an iterator
                continue
            for hit in rule.finditer(statement):
                w = hit.group()
                if w:
                    found[w] = found.get(w, False) or hit.start() < head_end
        if not found:
            continue
        # a trigger inside a longer one of the same category is the same evidence
        found = {w: h for w, h in found.items() if not any(w != o and w in o for o in found)}
        scored.append((-sum(found.values()), -len(found), order, cat.name))
        triggers += [w for w in found if w not in triggers]
    if not scored:
        return cats[-1].name, [cats[-1].name], []
    scored.sort()
    names = [n for *_, n in scored]
    return names[0], names, triggers


# ---------------------------------------------------------------- enumerators
_CN_DIGITS = ENUM_DIGITS

_PUNCT_BEFORE = set("。；;，,：:！!？?\n )）")
_SHI_NOT_AFTER = set("第统唯同单专万之" + _CN_DIGITS)   # 统一是 / 唯一是 / 十一是(as part of 二十一是)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def _shi(passage: str, n: int, frm: int, strict: bool = False) -> tuple[int, int] | None:
    """Span of the enumerator "N是" (一是/二是…) at or after `frm`; one after punctuation
    or a line start is preferred, else (not `strict`) any not glued to a word (工作三是: a
    lost full stop)."""
    word = enum_chinese(n) + "是"
    loose = None
    i = passage.find(word, frm)
    while i >= 0:
        prev = passage[i - 1] if i > 0 else "\n"
        if prev == "第":
            return i - 1, i + len(word)
        if prev in _PUNCT_BEFORE or prev.isspace():
            return i, i + len(word)
        if loose is None and not strict and prev not in _SHI_NOT_AFTER:
            loose = (i, i + len(word))
        i = passage.find(word, i + 1)
    return loose


def _line_starts(passage: str) -> list[int]:
    out, pos = [], 0
    for line in passage.split("\n"):
        out.append(pos + len(line) - len(line.lstrip()))
        pos += len(line) + 1
    return out


def _numbered_line(passage: str, at: int, style: str | None, n: int) -> tuple[int, int] | None:
    line = passage[at:passage.find("\n", at) if "\n" in passage[at:] else len(passage)]
    st = heading_style(line)
    if st is None or st == "ordinal_word" or (style and st != style) or heading_number(line) != n:
        return None
    m = dict(HEADING_STYLES)[st].match(line)
    end = at + m.end()
    while end < len(passage) and passage[end] in "，,、:：. ":
        end += 1
    return at, end




# where an inline enumerator may stand: after one of these characters, whitespace or at a line
# start (2.5万 is no enumerator)
_INLINE_AFTER = {"ordinal": "。；;，,：:", "di": "。；;，,：:", "qi": "。；;，,：:", "wenti": "。；;，,：:",
                 "arabic": "。；;：:", "cn_dun": "。；;：:"}


@functools.lru_cache(maxsize=512)
def _inline_pattern(kind: str, n: int) -> re.Pattern | None:
    """The inline enumerator number `n` of `kind` itself; `_inline` checks what precedes it.

    Compiled once per (kind, n); the pattern opens with its own characters, so `re` can skip
    ahead to them instead of trying a "line start or after punctuation" test at every
    character of the passage.
    """
    if kind == "ordinal":       # 首先，…其次，… (`[words] ordinals` in sections.toml, in order)
        ordinals = load_rules("sections.toml")["words"]["ordinals"]
        if n > len(ordinals):
            return None
        pat = rf"(?:{re.escape(ordinals[n - 1])}{'|第三' if n == 3 else ''})[，,、：:]"
    elif kind == "di":      # 第一，…第二，…
        pat = rf"第{enum_chinese(n)}[，,、：:]"
    elif kind == "qi":      # 其一，…其二，…
        pat = rf"其{enum_chinese(n)}[，,、：:是]"
    elif kind == "wenti":   # 问题一：…问题二：… (问题1：)
        pat = rf"问题(?:{enum_chinese(n)}|{n})[，,、：:]"
    elif kind == "paren_ar":   # (1)…(2)…
        pat = rf"[(（]{n}[)）]"
    elif kind == "paren_cn":   # （一）…（二）…
        pat = rf"[(（]{enum_chinese(n)}[)）]"
    elif kind == "arabic":     # "：1.…；2.…" (after punctuation only: 2.5万 is no enumerator)
        pat = rf"{n}[.．、](?!\d)"
    elif kind == "cn_dun":     # "…的问题。一、…。二、…" (headings run into one paragraph: k09)
        pat = rf"{enum_chinese(n)}、"
    else:
        return None
    return re.compile(pat)


def _inline(passage: str, frm: int, kind: str, n: int) -> tuple[int, int] | None:
    """Span of enumerator number `n` of an inline `kind` at or after `frm`."""
    if kind == "circled":
        if n > len(_CIRCLED):
            return None
        i = passage.find(_CIRCLED[n - 1], frm)
        return (i, i + 1) if i >= 0 else None
    pat = _inline_pattern(kind, n)
    if pat is None:
        return None
    after = _INLINE_AFTER.get(kind)
    m = pat.search(passage, frm)
    while m and after and m.start() > 0 and passage[m.start() - 1] not in after \
            and not passage[m.start() - 1].isspace():
        m = pat.search(passage, m.start() + 1)      # glued to a word: look further on
    return (m.start(), m.end()) if m else None


def _series(passage: str, frm: int) -> tuple[str | None, list[tuple[int, int]]]:
    """Spans of the enumerators of the first numbered series that starts at or after `frm`:
    一是/二是…, numbered lines (1. / (1) / （一） / 第一，), inline (1)(2) / 第一，第二， /
    问题一：问题二： / ①② / 首先…其次… / 一、…二、…. The earliest series with two or more items wins. (kind, spans);
    (None, []) if none."""
    found = []
    first_line = None
    for at in _line_starts(passage):
        if at >= frm and _numbered_line(passage, at, None, 1):
            first_line = at
            break
    for kind in ("shi", "line", "circled", "ordinal", "di", "qi", "wenti", "paren_ar", "paren_cn", "arabic", "cn_dun"):
        if kind == "shi":
            hit = _shi(passage, 1, frm, strict=True)
        elif kind == "line":
            hit = _numbered_line(passage, first_line, None, 1) if first_line is not None else None
        else:
            hit = _inline(passage, frm, kind, 1)
        if not hit:
            continue
        spans = [hit]
        style = heading_style(passage[hit[0]:]) if kind == "line" else None
        while True:
            n = len(spans) + 1
            if kind == "shi":
                nxt = _shi(passage, n, spans[-1][1])
            elif kind == "line":
                nxt = None
                for at in _line_starts(passage):
                    if at > spans[-1][0]:
                        nxt = _numbered_line(passage, at, style, n)
                        if nxt:
                            break
            else:
                nxt = _inline(passage, spans[-1][1], kind, n)
            if not nxt:
                break
            spans.append(nxt)
        found.append((len(spans) < 2, hit[0], spans, kind))
    if not found:
        return None, []
    best = min(found)
    return best[3], best[2]


# ---------------------------------------------------------------- statements
_TRIM = "。；;，,：:、.．!！?？ \t\u3000\n"


def _trim(s: str, a: int, b: int) -> tuple[int, int]:
    while a < b and s[a] in _TRIM:
        a += 1
    while b > a and s[b - 1] in _TRIM:
        b -= 1
    return a, b


def _paragraph_end(s: str, at: int, limit: int) -> int:
    """End of the paragraph holding `at`; a long line that stops without punctuation runs on
    into the next (a page break in the source: "…制\\n度和…")."""
    while True:
        nl = s.find("\n", at, limit)
        if nl < 0:
            return limit
        line_start = s.rfind("\n", 0, nl) + 1
        line = s[line_start:nl].rstrip()
        nxt = s[nl + 1:limit].lstrip(" \t\u3000")
        if len(line) >= 25 and line and line[-1] not in _TRIM and nxt and not nxt.startswith("\n") \
                and heading_style(nxt.split("\n", 1)[0]) is None and not _shi_start(nxt):
            at = nl + 1
            continue
        return nl


_SHI_START = re.compile(rf"^第?[{_CN_DIGITS}]{{1,3}}是")


def _shi_start(line: str) -> bool:
    return bool(_SHI_START.match(line))


def _cut_at_stop(s: str, a: int, b: int) -> int:
    """Cut a statement before a sentence (or a heading line) that starts the plan or a closing
    remark: "今后，…" / "针对以上问题，…" / "（二）整改措施"."""
    stop = _cues()["stop"]
    pos = a
    for line in s[a:b].split("\n"):
        lead = len(line) - len(line.lstrip())
        if pos + lead > a and heading_style(line.strip()) and classify(line.strip()) == "下一步":
            return pos + lead
        for so, sent in sentences(line):
            if pos + so > a and stop.search(sent.lstrip()):
                return pos + so + len(sent) - len(sent.lstrip())
        pos += len(line) + 1
    return b


_COLON_AND_MORE = re.compile(r"[：:].{6,}")


def _heading_only(s: str, a: int, b: int) -> int:
    """A numbered heading on its own line followed by its explanation: the heading only."""
    nl = s.find("\n", a, b)
    if nl < 0 or not s[nl:b].strip():
        return b
    line = s[a:nl].rstrip()
    if line and len(line) <= 60 and line[-1] not in "。；;！!？?" and "。" not in line \
            and not _COLON_AND_MORE.search(line):     # "一是认识不到位：部分…" is a wrapped line
        return nl
    return b


def _is_plan(item: str) -> bool:
    c = _cues()
    return bool(c["plan_start"].search(item)) and not c["negative"].search(item)


def _split_runon(s: str, a: int, b: int) -> list[tuple[int, int]]:
    """Cut a statement where a lack-predicate runs straight into the next sentence."""
    c = _cues()
    cuts = []
    for m in c["runon"].finditer(s, a, b):
        rest = s[m.end():b]
        if rest and not c["runon_not"].match(rest):
            cuts.append(m.end())
    out, prev = [], a
    for cut in cuts:
        if cut - prev >= 6 and b - cut >= 6:
            out.append((prev, cut))
            prev = cut
    out.append((prev, b))
    return out


def _cut(s: str, a: int, b: int, seps: str) -> list[tuple[int, int]]:
    """Spans of s[a:b] between separators (the separators left out)."""
    pieces, prev = [], a
    for i in range(a, b):
        if s[i] in seps:
            pieces.append((prev, i))
            prev = i + 1
    pieces.append((prev, b))
    return pieces


def _clause_split(s: str, a: int, b: int) -> list[tuple[int, int]]:
    """A list's clauses: split on ；, else on 、 when every part says something is lacking."""
    part = s[a:b]
    seps = "；;" if "；" in part or ";" in part else "、"
    pieces = _cut(s, a, b, seps)
    pieces = [p for p in (_trim(s, x, y) for x, y in pieces) if p[1] - p[0] >= 2]
    if seps == "、" and len(pieces) > 1 and not all(_cues()["negative"].search(s[x:y]) for x, y in pieces):
        return [_trim(s, a, b)]
    return pieces


def _passage_start(s: str, sec) -> int:
    """Where the statements may begin: after a heading or marker line."""
    a, b = sec.start, sec.end
    nl = s.find("\n", a, b)
    line_end = nl if nl >= 0 else b
    if sec.heading and sec.style is not None:
        line = s[a:line_end].strip()
        if len(line) <= len(sec.heading) + 2:
            return line_end
        i = s.find(sec.heading, a, line_end)
        if i >= 0:
            return i + len(sec.heading)
    return a


def _cue_start(s: str, a: int, b: int) -> tuple[int, int] | None:
    """(start, end) of the first sentence admitting problems in [a, b), if any."""
    pos = a
    for line in s[a:b].split("\n"):
        for so, sent in sentences(line):
            if problem_cue(sent, first=True):
                return pos + so, pos + so + len(sent)
        pos += len(line) + 1
    return None


_LIST_LEAD = re.compile(r"(一些|着|的)+")
_ANNOUNCES_LIST = re.compile("以下|如下|下列")


def _statements(s: str, sec) -> list[tuple[int, int]]:
    """Spans (in the report) of the statements of one 存在问题 section."""
    c = _cues()
    if sec.style not in (None, "marker") and sec.heading and (sec.item or classify(sec.heading) != "存在问题"):
        # a numbered item announced by "…存在以下问题。" / "…还存在一些不足：": the heading is the
        # statement (with its explanation when both are on one line: "1.认识不到位。少数…");
        # `item` also covers a headline that reads like a problems heading ("3.…能力不足")
        a = sec.start
        b = _heading_only(s, a, _paragraph_end(s, a, sec.end))
        hit = _numbered_line(s[a:b], 0, None, heading_number(s[a:b]) or 0)
        leaves = _sub_items(s, b, sec.end, 1) if b < sec.end else []
        return leaves or [_trim(s, a + (hit[1] if hit else 0), b)]
    a, b = _passage_start(s, sec), sec.end
    b = _cut_at_stop(s, a, b) if a < b else b
    if not s[a:b].strip():
        return []
    cue = _cue_start(s, a, b)
    frm = cue[0] if cue else a
    if cue:
        # the cue's own sentence lists the problems (…但也存在一些问题,比如A,B,C等。): they are the
        # statements, not a numbered series further on (王元正强调…一是…四是…: the remedies, ab03)
        inline = _inline_list(s, frm, min(_sentence_end(s, cue[1], b) + 1, b))
        if inline:
            return inline
    kind, series = _series(s[a:b], frm - a)
    if series:
        series = [(a + x, a + y) for x, y in series]
        items = _from_series(s, b, kind, series, 0)
        if cue and _RISK_ONLY.search(s[cue[0]:cue[1]]) and not _LACK_WORDS.search(s[cue[0]:cue[1]]):
            # "风险主要有以下几点：" lists risks; only the ones the unit owns as a lack count
            items = [sp for sp in items if c["negative"].search(s[sp[0]:sp[1]])]
        if not items:
            return []
        plans = [_is_plan(s[x:y]) for x, y in items]
        if 2 * sum(plans) >= len(items):
            # mostly things to do ("一是强化组织领导…四是树先进立"): a work list under a title
            # that mentions 不足, not a problems list; keep only items that admit a lack
            return [sp for sp, plan in zip(items, plans) if not plan and c["negative"].search(s[sp[0]:sp[1]])]
        return [sp for sp, plan in zip(items, plans) if not plan]
    seg = s[frm:b]
    inline = _inline_list(s, frm, b)
    if inline:
        return inline
    m = c["colon_list"].search(seg)
    if m and s[frm + m.end():b].split("\n", 1)[0].strip():
        x = frm + m.end()
        y = _sentence_end(s, x, b)
        return _clause_split(s, x, y)
    if _ENDS_WITH_COLON.search(s[a:b]) and "\n" not in s[a:b].strip():
        return []           # one paragraph that announces the numbered items below it ("…具体如下：")
    # sentence mode: the sentences after the cue (same paragraph), then each paragraph
    after = cue[1] if cue else (frm + m.end() if m else a)
    out = []
    line_end = s.find("\n", after, b)
    line_end = b if line_end < 0 else line_end
    for so, sent in sentences(s[after:line_end]):
        x, y = _trim(s, after + so, after + so + len(sent))
        if y > x and c["negative"].search(s[x:y]) and not c["announce"].search(s[x:y + 1]):
            out += _split_runon(s, x, y)
    pos = line_end
    while pos < b:
        x = pos + 1
        y = _paragraph_end(s, x, b)
        x, y2 = _trim(s, x, y)
        if y2 > x and c["negative"].search(s[x:y2]) and not _is_plan(s[x:y2]):
            out.append((x, y2))
        pos = max(y, x)
        if pos >= b:
            break
    if not out and cue and not c["announce"].search(s[cue[0]:cue[1]]) \
            and not _ANNOUNCES_LIST.search(s[cue[0]:cue[1]]):
        for pat in c["single"]:
            m = pat.search(s, cue[0], cue[1])
            if m and not c["generic"].match(m.group("item")):
                out.append(_trim(s, m.start("item"), m.end("item")))
                break
    return out


def _from_series(s: str, b: int, kind: str, series: list[tuple[int, int]], depth: int) -> list[tuple[int, int]]:
    """The statements of an enumerated series (enumerator spans in the report) ending by `b`.

    An item is the text up to the next enumerator (the last: to the end of its paragraph),
    minus a closing or plan sentence. A numbered heading on its own line is the statement by
    itself, unless its explanation below holds a series of its own ("（一）…\n1.…\n一是…二是…"):
    then the innermost items are the statements.
    """
    spans = []
    for k, (x, y) in enumerate(series):
        last = k + 1 == len(series)
        nxt = b if last else series[k + 1][0]
        stop = _cut_at_stop(s, y, nxt)
        head_end = _heading_only(s, y, stop)
        if head_end < stop:                       # a heading line with its explanation below
            spans += _sub_items(s, head_end, stop, depth + 1) or [_trim(s, y, head_end)]
            continue
        end = _cut_at_stop(s, y, _paragraph_end(s, y, b)) if last else stop
        # "首先，机构不健全。一是…。二是…。" - an item that holds its own 一是/二是 series
        inner = _sub_items(s, y, end, depth + 1) if kind != "shi" else []
        spans += inner or [_trim(s, y, end)]
    return spans


def _sub_items(s: str, a: int, b: int, depth: int) -> list[tuple[int, int]]:
    """Items of a series (two or more) inside the explanation under a heading item."""
    if depth > 2 or a >= b:
        return []
    kind, sub = _series(s[a:b], 0)
    if len(sub) < 2:
        return []
    return _from_series(s, b, kind, [(a + x, a + y) for x, y in sub], depth)


def _clause_split_inline(s: str, a: int, b: int) -> list[tuple[int, int]]:
    """Items of an inline list: cut at semicolons when it has them (an item may hold a comma:
    "A；B弱化，C不够；D"), else at 、 and commas."""
    seps = "；;" if any(c in "；;" for c in s[a:b]) else "、；;，,"
    pieces = _cut(s, a, b, seps)
    if "、" in seps:
        # two qualities sharing one lack (…工作的重要性、全员性认识不足) are one statement: a piece that
        # ends in 性 before a 、 joins the next (ab13)
        out: list[tuple[int, int]] = []
        for x, y in pieces:
            if out and s[out[-1][1] - 1] == "性" and s[out[-1][1]] == "、":
                out[-1] = (out[-1][0], y)
            else:
                out.append((x, y))
        pieces = out
    return pieces


_SENTENCE_END = SENTENCE_END
_ENDS_WITH_COLON = re.compile(r"[：:]\s*$")
# a cue that names only risks (风险, 隐患) and no lack (问题, 不足) opens no problem list
_RISK_ONLY = LazyRegex(lambda: alternation(load_rules("shortcoming_cues.toml")["words"]["risk"]))
_LACK_WORDS = LazyRegex(lambda: alternation(load_rules("shortcoming_cues.toml")["words"]["lack"]))


def _inline_list(s: str, a: int, b: int) -> list[tuple[int, int]]:
    """The statements of the first `inline_list` pattern found in s[a:b] (…存在A、B等问题), else []."""
    seg = s[a:b]
    for pat in _cues()["inline_list"]:
        m = pat.search(seg)
        if m:
            x, y = a + m.start("items"), a + m.end("items")
            lead = _LIST_LEAD.match(s[x:y])
            if lead:
                x += lead.end()
            return [p for p in (_trim(s, i, j) for i, j in _clause_split_inline(s, x, y)) if p[1] > p[0]]
    return []


def _sentence_end(s: str, a: int, b: int) -> int:
    m = _SENTENCE_END.search(s, a, b)
    return m.start() if m else b


_ENUMERATOR = re.compile(r"\s*(?:[(（]?[0-9一二三四五六七八九十]{1,3}[)）]|[0-9]{1,2}\s*[.．、]|[一二三四五六七八九十]{1,3}[、.．]|[一二三四五六七八九十]是)\s*")


def _headless_lists(s: str, sections) -> list[tuple[int, int]]:
    """A numbered list whose problems heading was lost (a page cut, a template gap): two or
    more consecutive lines numbered from 1, each admitting a lack ("1.网络监管还需进一步强化…"
    / "2.…时效性还需进一步强化"), none of them a plan, in work or unclassified text (the
    items may each have become a section of their own). The items are the statements."""
    c = _cues()
    where = [(sec.start, sec.end) for sec in sections if sec.kind in ("工作开展", "其他")]

    def item(line: str) -> bool:
        body = line.strip()
        lead = _ENUMERATOR.match(body)
        rest = body[lead.end():] if lead else body
        return (len(body) <= 90 and bool(c["negative"].search(rest)) and not _is_plan(rest)
                and not c["plan_start"].search(rest))

    out: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    pos = 0
    for line in s.split("\n") + [""]:
        a, b = pos, pos + len(line)
        pos = b + 1
        inside = any(x <= a < y for x, y in where)
        n = heading_number(line) if inside and line.strip() else None
        if n is not None and n == len(run) + 1 and item(line):
            run.append((a, b))
            continue
        if len(run) >= 2:
            for x, y in run:
                m = _ENUMERATOR.match(s, x)
                out.append(_trim(s, m.end() if m else x, y))
        run = [(a, b)] if n == 1 and item(line) else []
    return out


def extract_shortcomings(text: str, simple: str, sections) -> list[Shortcoming]:
    """Every shortcoming statement of a report, in order, with its categories."""
    out: list[Shortcoming] = []
    seen: list[tuple[int, int]] = []
    groups = [(sec, _statements(simple, sec)) for sec in sections if sec.kind == "存在问题"]
    for a, b in _headless_lists(simple, sections):
        owner = max((sec for sec in sections if sec.start <= a), key=lambda sec: sec.start)
        groups.append((owner, [(a, b)]))
    groups.sort(key=lambda g: g[1][0][0] if g[1] else g[0].start)      # report order
    for sec, spans in groups:
        for a, b in spans:
            if b - a < 2 or any(a < y and x < b for x, y in seen):
                continue
            seen.append((a, b))
            cat, cats, trig = categorize(simple[a:b])
            out.append(Shortcoming(section_index=sec.index, position=len(out) + 1, text=text[a:b],
                                   category=cat, categories=cats, triggers=trig, start=a, end=b))
    return out
