"""Stage 7a - extract activity metrics: `组织党员干部集体学习33次` -> (组织党员干部集体学习, 33, 次).

Why rules and word lists rather than a model: the reports are formulaic, the counts are a
number plus a measure word, and a supervisor must be able to see (and edit) why a number was
or was not counted. Most numbers followed by a measure word are NOT activity counts -
slogans (四个意识), enumerators (从以下3个方面), routines (每月召开一次), staffing (抽调6名
干部), ordinals (第2名) - so the work is in the exclusions. Every word list lives in
`pipeline/data/metric_rules.toml` (what counts) and `pipeline/data/activity_taxonomy.toml`
(which category), never here.

The steps are small pure functions over the simplified copy of a report (same offsets as
the original, so `text` and `sentence` are sliced from the original script):

>>> [(c.value, c.measure, c.approx) for c in find_counts("开展集中学习8次，捐款18000余元，撰写二十余篇")]
[(8.0, '次', False), (18000.0, '元', True), (20.0, '篇', True)]
>>> [(m.phrase, m.value, m.measure) for m in extract_metrics("今年以来，组织党员干部集体学习33次。", "今年以来，组织党员干部集体学习33次。", [])]
[('组织党员干部集体学习', 33.0, '次')]
>>> [m.value for m in extract_metrics("每月召开一次支委会，增强“四个意识”。", "每月召开一次支委会，增强“四个意识”。", [])]
[]
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from pipeline.records import Metric
from pipeline.rules import load as load_rules
from pipeline.text.numerals import CHINESE_CHARS, MAGNITUDES, parse_number


# Metric: the record this stage produces, declared with its stored columns in pipeline/records.py


@dataclass
class Count:
    """One number + measure word found in the simplified text (before any judgement)."""
    num_start: int       # the numeral
    num_end: int
    end: int             # end of the count (measure word and 以上/左右)
    numeral: str
    measure: str         # simplified, as written (万元, 人次, 万人次)
    value: float | None
    approx: bool
    placeholder: bool
    chinese: bool
    base_measure: str = ""   # `measure` without its 万/亿 (人次 for 万人次)

    def measure_in(self, measures) -> bool:
        """The measure as written or its base is one of `measures` (万字 / 字, 万人 / 人)."""
        return self.measure in measures or self.base_measure in measures


@dataclass
class Rule:
    kind: str
    before: re.Pattern | None = None
    after: re.Pattern | None = None
    word: re.Pattern | None = None
    measures: frozenset = frozenset()
    numeral: str | None = None
    unless_report: re.Pattern | None = None     # the rule does not hold in a report this finds


_BRACKETED = re.compile(r"[(（][^()（）]{0,40}[)）]")


@dataclass
class StockList:
    """A stock description lists several figures (现有居民3260户9800余人, 辖19个行政村、3个社区):
    the counts after one dropped as a stock figure go with it. See [stock_list] in metric_rules.toml."""
    kinds: frozenset            # exclusion kinds that describe a stock (structure, statistic, staffing)
    measures: frozenset         # measures a listed figure may have (people, organisations, places)
    gap: re.Pattern             # the words between two figures of one list (matched whole)
    gap_not: re.Pattern | None  # words that start a statement of their own (an activity verb)

    def continues(self, c: Count, gap: str) -> bool:
        """Is count `c`, `gap` after the end of a stock figure, the next figure of its list?
        Names in brackets after a figure (…好人3人(张三、李四、王五)、…) are no part of the gap."""
        gap = _BRACKETED.sub("", gap)
        return (c.measure_in(self.measures) and bool(self.gap.match(gap))
                and not (self.gap_not is not None and self.gap_not.search(gap)))


@dataclass
class Rules:
    count: re.Pattern
    event: frozenset
    magnitudes: dict        # 万/亿 -> factor: kept in the measure as written, multiplied out by `normalise`
    aliases: dict
    approx_prefix: re.Pattern
    round_prefix: re.Pattern | None
    cn_not_after: re.Pattern
    bare_round_needs_prefix: bool
    lone_er_is_ordinal: bool
    composite_from: float            # a Chinese numeral this large counts with any measure
    lone_yi_needs: re.Pattern
    exclude: list[Rule]
    clause_delims: str
    sentence_delims: str
    skip_kinds: frozenset
    skip_quotes: bool
    quote_pairs: list[str]
    lead: re.Pattern
    trail: re.Pattern
    breakdown: re.Pattern
    categories: list[tuple[str, frozenset, tuple[str, ...]]] = field(default_factory=list)
    measure_categories: frozenset = frozenset()     # measures that decide a category alone
    fallback: str = "其他"
    count_start: re.Pattern | None = None           # a character `count` can start at
    keyword_finders: list[re.Pattern | None] = field(default_factory=list)   # per category, see `_any_of`
    stock: StockList | None = None
    place_name_before: re.Pattern | None = None     # 三堂镇: a numeral + measure that is a name
    place_name_not_measures: frozenset = frozenset()


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _any_of(words) -> re.Pattern | None:
    """A pattern found in a text iff one of `words` is in it (None for no words): one
    C-level scan instead of a Python `in` per word."""
    return re.compile("|".join(re.escape(w) for w in words)) if words else None


def compile_rules(rules: dict, taxonomy: dict) -> Rules:
    """Both data files (as dicts) -> compiled `Rules`; a bad regex fails here, loudly."""
    ms = rules["measures"]
    aliases = dict(ms.get("aliases", {}))
    magnitudes = {k: float(v) for k, v in ms.get("magnitudes", {}).items()}
    measures = [*ms["event"], *ms["other"], *aliases]
    ap = rules["approx"]
    cn = "".join(ch for ch in CHINESE_CHARS if ch not in MAGNITUDES)
    placeholder = "Xx×*＊_□○"      # the first characters of the `ph` alternatives below
    count = re.compile(
        r"(?<![0-9.\-~～A-Za-z_*＊×□○])"
        rf"(?:(?P<ph>[Xx×]{{1,3}}|[*＊]{{1,4}}|_{{1,8}}|□{{1,4}}|○{{1,4}})|(?P<ar>[0-9]+(?:\.[0-9]+)?)"
        # a bare 万 is a number only as a lower bound (万余册 = 10,000 册, approx)
        rf"|(?<![{CHINESE_CHARS}])(?P<cn>[{cn}]+|[{''.join(MAGNITUDES)}](?=(?:{_alternation(ap['infix'])}))))"
        rf"(?P<in1>{_alternation(ap['infix'])})?(?P<mag>{_alternation(magnitudes)})?(?P<in2>{_alternation(ap['infix'])})?"
        rf"(?P<measure>{_alternation(measures)})(?P<suffix>{_alternation(ap['suffix'])})?"
    )
    excl = [Rule(kind=r["kind"],
                 before=re.compile(r["before"]) if r.get("before") else None,
                 after=re.compile(r["after"]) if r.get("after") else None,
                 word=re.compile(r["word"]) if r.get("word") else None,
                 measures=frozenset(r.get("measures", ())), numeral=r.get("numeral"),
                 unless_report=re.compile(r["unless_report"]) if r.get("unless_report") else None)
            for r in rules.get("exclude", [])]
    ch = rules["chinese"]
    ph = rules["phrase"]
    cats = [(c["name"], frozenset(c.get("measures", ())), tuple(c.get("keywords", ())))
            for c in taxonomy.get("category", [])]
    sl = rules.get("stock_list")
    stock = StockList(kinds=frozenset(sl["kinds"]), measures=frozenset(sl["measures"]), gap=re.compile(sl["gap"]),
                      gap_not=re.compile(sl["gap_not"]) if sl.get("gap_not") else None) if sl else None
    return Rules(
        count=count, event=frozenset(ms["event"]), magnitudes=magnitudes,
        aliases=aliases, approx_prefix=re.compile(f"(?:{_alternation(ap['prefix'])})$"),
        round_prefix=re.compile(f"(?:{_alternation(ap['round_prefix'])})$") if ap.get("round_prefix") else None,
        cn_not_after=re.compile(ch["not_after"]), bare_round_needs_prefix=ch["bare_round_needs_prefix"],
        lone_er_is_ordinal=ch["lone_er_is_ordinal"], composite_from=float(ch.get("composite_counts_from", 1e18)), lone_yi_needs=re.compile(ch["lone_yi_number_first_needs"]),
        exclude=excl, clause_delims=rules["clause_delimiters"], sentence_delims=rules["sentence_delimiters"],
        skip_kinds=frozenset(rules.get("skip_section_kinds", ())), skip_quotes=rules.get("skip_inside_quotes", True),
        quote_pairs=list(rules.get("quote_pairs", [])),
        lead=re.compile("(?:" + "|".join(ph["lead"]) + ")"),     # used with .match
        trail=re.compile("(?:" + "|".join(ph["trail"]) + ")$"),
        breakdown=re.compile(ph["breakdown"]),
        categories=cats, fallback=taxonomy.get("fallback", "其他"),
        measure_categories=frozenset(m for _, ms_, _ in cats for m in ms_),
        count_start=re.compile(f"[{re.escape(placeholder)}0-9{cn}{''.join(MAGNITUDES)}]"),
        keyword_finders=[_any_of(keywords) for _, _, keywords in cats],
        stock=stock,
        place_name_before=re.compile(_alternation(ch["place_name_before"])) if ch.get("place_name_before") else None,
        place_name_not_measures=frozenset(ch.get("place_name_not_measures", ())),
    )


@functools.lru_cache(maxsize=1)
def rules() -> Rules:
    return compile_rules(load_rules("metric_rules.toml"), load_rules("activity_taxonomy.toml"))


# ---------------------------------------------------------------- finding counts

def _prefixed(before: str, numeral: str, r: Rules) -> bool:
    """An approximate prefix right before the number (近30次, 上千人)."""
    return bool(r.approx_prefix.search(before)
                or numeral[:1] in "百千万" and r.round_prefix is not None and r.round_prefix.search(before))


def _count_matches(simple: str, r: Rules):
    """`r.count.finditer(simple)`, but trying the pattern only where a count can start.

    The pattern opens with lookbehinds, so `re` cannot skip ahead by its first character and
    tries every position; a count starts with a numeral or placeholder character
    (`r.count_start`), a few per cent of a report.
    """
    if r.count_start is None:
        yield from r.count.finditer(simple)
        return
    end = 0
    match = r.count.match
    for c in r.count_start.finditer(simple):
        pos = c.start()
        if pos >= end:                  # finditer's matches do not overlap
            m = match(simple, pos)      # lookbehinds still see the text before `pos`
            if m:
                end = m.end()
                yield m


def find_counts(simple: str, r: Rules | None = None) -> list[Count]:
    """Every number + measure word in `simple`, with its value; nothing judged yet.

    >>> [(c.numeral, c.value, c.measure, c.approx) for c in find_counts("筹措资金近百万元，157.3万余元")]
    [('百', 100.0, '万元', True), ('157.3', 157.3, '万元', True)]
    >>> [(c.value, c.measure, c.placeholder) for c in find_counts("集中学习X次，采用X余篇，参与5000多人(次)")]
    [(None, '次', True), (None, '篇', True), (5000.0, '人次', False)]
    """
    r = r or rules()
    out = []
    for m in _count_matches(simple, r):
        numeral = m.group("ph") or m.group("ar") or m.group("cn")
        measure = r.aliases.get(m.group("measure"), m.group("measure"))
        mag = m.group("mag")
        approx = bool(m.group("in1") or m.group("in2") or m.group("suffix"))
        approx = approx or _prefixed(simple[max(0, m.start() - 4):m.start()], numeral, r)
        value = None
        if m.group("ph"):
            placeholder = True
        else:
            placeholder = False
            parsed = parse_number(numeral)
            if parsed is None:
                continue                      # 五一, 一三五: not one number
            value, vague = parsed
            approx = approx or vague
        base = measure
        if mag:
            measure = mag + measure          # as written: 3.2万人次 -> 3.2 万人次
        out.append(Count(m.start(), m.start() + len(numeral), m.end(), numeral, measure, value, approx,
                         placeholder, bool(m.group("cn")), base))
    return out


def normalise(value: float | None, measure: str, magnitudes: dict | None = None) -> tuple[float | None, str]:
    """A count as written -> the same count in its base measure, for sums and comparisons.

    A leading 万/亿 (`[measures] magnitudes` in metric_rules.toml) leaves the measure and its
    factor goes into the value; any other measure is its own base. The one definition of
    "comparable": the store keeps both forms, the dashboard sums the base.

    >>> normalise(3.2, "万人次"), normalise(5.2, "万元"), normalise(1.86, "亿元"), normalise(12, "次")
    ((32000.0, '人次'), (52000.0, '元'), (186000000.0, '元'), (12, '次'))
    >>> normalise(None, "万册"), normalise(4, "万字", {"万": 10000})
    ((None, '册'), (40000.0, '字'))
    """
    if magnitudes is None:
        magnitudes = rules().magnitudes
    for prefix, factor in magnitudes.items():
        if len(measure) > len(prefix) and measure.startswith(prefix):
            return (None if value is None else round(float(value) * factor, 6)), measure[len(prefix):]
    return value, measure


# ---------------------------------------------------------------- judging counts

def chinese_reason(c: Count, before: str, after: str, r: Rules | None = None) -> str | None:
    """Why a count written in Chinese numerals is a word, not a count (or None).

    >>> f = lambda s, i: chinese_reason(find_counts(s)[0], s[:i], s[find_counts(s)[0].end:])
    >>> f("增强四个意识", 2), f("开展了一次自查", 3), f("不允许二次传播", 3), f("女子百人健步走", 2)
    ('slogan or enumerator', None, 'ordinal', 'figure of speech')
    """
    r = r or rules()
    if not c.chinese:
        return None
    if r.cn_not_after.search(before):
        return "part of a word"
    if (r.bare_round_needs_prefix and c.numeral[0] in "百千" and not _prefixed(before[-4:], c.numeral, r)
            and not c.approx):     # 百余场, 千余份, 百余人: a vague count
        return "figure of speech"
    if r.lone_er_is_ordinal and c.numeral == "二":
        return "ordinal"
    if not c.approx and not c.measure_in(r.event) and not (len(c.numeral) > 1 and (c.value or 0) >= r.composite_from):
        return "slogan or enumerator"
    if c.numeral == "一" and _number_first(after) and not r.lone_yi_needs.search(before):
        return "article or routine"
    return None


def _number_first(after: str) -> bool:
    """The count modifies the words after it (`5次召开…`, `一次自查`), not ends its clause."""
    return bool(after) and after[0] not in "、和及与（(" and not after[0].isdigit()


def exclusion(c: Count, before: str, after: str, r: Rules | None = None, off: frozenset = frozenset()) -> str | None:
    """The kind of the first exclusion rule that matches, else None; the rules at the indices
    in `off` do not hold in this report (their `unless_report` found it: `_rules_off`).

    >>> f = lambda s: exclusion(find_counts(s)[-1], s[:find_counts(s)[-1].num_start], s[find_counts(s)[-1].end:])
    >>> f("每半年召开1次"), f("抽调6名干部"), f("公示期满1个月"), f("获得第2名"), f("集体学习33次")
    ('routine', 'staffing', 'duration', 'ordinal', None)
    """
    r = r or rules()
    if c.value == 0 and not c.placeholder:
        return "zero"                       # 轮台车间0篇: nothing was done
    why = chinese_reason(c, before, after, r)
    if why:
        return why
    for i, rule in enumerate(r.exclude):
        if i in off:
            continue
        if rule.measures and not c.measure_in(rule.measures):
            continue
        if rule.numeral and rule.numeral != ("chinese" if c.chinese else "arabic"):
            continue
        if rule.before is not None and not rule.before.search(before):
            continue
        if rule.after is not None and not rule.after.search(after):
            continue
        if rule.word is not None and not rule.word.match(c.base_measure + after):
            continue
        return rule.kind
    return None


# ---------------------------------------------------------------- text helpers

def spans(text: str, delims: str) -> list[tuple[int, int]]:
    """(start, end) of the pieces between delimiter characters (delimiters left out).

    >>> spans("甲，乙。丙", "，。")
    [(0, 1), (2, 3), (4, 5)]
    """
    cuts = [m.start() for m in _delimiter_pattern(delims).finditer(text)]
    return list(zip([0] + [c + 1 for c in cuts], cuts + [len(text)]))


@functools.lru_cache(maxsize=16)
def _delimiter_pattern(delims: str) -> re.Pattern:
    """Compiled once per delimiter set (a per-call f-string pattern costs a cache lookup or a
    recompile)."""
    return re.compile("[" + re.escape(delims) + "]")


def quoted_spans(text: str, pairs: list[str], limit: int = 80) -> list[tuple[int, int]]:
    """Spans inside quotation marks or title marks (at most `limit` chars, one line).

    >>> quoted_spans("增强“四个意识”和《条例》", ["“”", "《》"])
    [(3, 7), (10, 12)]
    """
    out = []
    for pair in pairs:
        op, cl = pair[0], pair[-1]
        i = text.find(op)
        while i >= 0:
            j = text.find(cl, i + 1)
            if j < 0:
                break
            if j - i <= limit and "\n" not in text[i:j]:
                out.append((i + 1, j))
                i = text.find(op, j + 1)
            else:
                i = text.find(op, i + 1)
    return sorted(out)


def _merge(spans_: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans -> non-overlapping ones (a quote inside a title, 《关于“十个一”的通知》).

    >>> _merge([(0, 9), (3, 5), (12, 14)])
    [(0, 9), (12, 14)]
    """
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans_):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


_EDGE = " ，,、；;:：。-—_·"
_JOIN = "、和及与"


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def trim(simple: str, start: int, end: int, r: Rules | None = None) -> tuple[int, int]:
    """Narrow [start, end) to the activity words: drop time frames, adverbs, connectors.

    >>> s = "今年以来共开展中心组学习"; a, b = trim(s, 0, len(s)); s[a:b]
    '开展中心组学习'
    >>> s = "、受益群众达"; a, b = trim(s, 0, len(s)); s[a:b]
    '受益群众'
    """
    r = r or rules()
    while True:
        a, b = start, end
        while a < b and simple[a] in _EDGE:
            a += 1
        m = r.lead.match(simple, a, b)
        if m and m.end() > a:
            a = m.end()
        while b > a and simple[b - 1] in _EDGE:
            b -= 1
        m = r.trail.search(simple[a:b])
        if m and m.start() < m.end():
            b = a + m.start()
        if (a, b) == (start, end):
            return a, b
        start, end = a, b


def clean_phrase(s: str, r: Rules | None = None) -> str:
    """`trim` on a plain string.

    >>> clean_phrase("2018年，组织开展集体学习"), clean_phrase("我局先后")
    ('组织开展集体学习', '')
    """
    a, b = trim(s, 0, len(s), r)
    return s[a:b]


def keyword_category(phrase: str, r: Rules | None = None) -> str | None:
    """The first category with a keyword in `phrase`, or None.

    >>> keyword_category("班子成员讲党课"), keyword_category("妇女干部")
    ('党课', None)
    """
    r = r or rules()
    return next((name for (name, _, _), kw in zip(r.categories, r.keyword_finders) if kw and kw.search(phrase)),
                None)


def categorize(phrase: str, measure: str, r: Rules | None = None) -> str:
    """The first taxonomy category whose measures or keywords fit (simplified phrase).

    >>> categorize("组织党员干部集体学习", "次"), categorize("理论中心组专题学习研讨", "次"), categorize("捐款捐物", "元")
    ('集中学习', '中心组学习', '经费')
    """
    r = r or rules()
    for (name, measures, _), kw in zip(r.categories, r.keyword_finders):
        if measure in measures or (kw and kw.search(phrase)):
            return name
    return r.fallback


def _span_at(pos: int, spans_: list[tuple[int, int]], starts: list[int]) -> tuple[int, int] | None:
    """The span (sorted, non-overlapping) holding `pos`, found by bisection."""
    k = bisect.bisect_right(starts, pos) - 1
    return spans_[k] if k >= 0 and spans_[k][0] <= pos <= spans_[k][1] else None


class _Pieces:
    """The piece of `text` between delimiters that holds an offset, as `spans` would cut it,
    found on demand: a report has hundreds of clauses but only a few counts."""

    def __init__(self, text: str, delims: str) -> None:
        self.n = len(text)
        self.text, self.reversed = text, text[::-1]
        self.delim = _delimiter_pattern(delims)

    def at(self, pos: int) -> tuple[int, int]:
        """(start, end) of the piece holding `pos`; a delimiter at `pos` ends the piece."""
        back = self.delim.search(self.reversed, self.n - pos)    # the last delimiter before pos
        ahead = self.delim.search(self.text, pos)
        return (self.n - back.start() if back else 0), (ahead.start() if ahead else self.n)


class _Sections:
    """(index, kind) of the section holding an offset: the last one starting at or before it."""

    def __init__(self, sections) -> None:
        self.sections = sorted(sections or (), key=lambda s: s.start)
        self.starts = [s.start for s in self.sections]

    def at(self, pos: int) -> tuple[int, str]:
        k = bisect.bisect_right(self.starts, pos) - 1
        return (self.sections[k].index, self.sections[k].kind) if k >= 0 else (0, "其他")


# ---------------------------------------------------------------- the stage

@dataclass
class _Seen:
    metric: Metric
    simple_phrase: str
    sub: bool
    sentence_start: int


def place_names(simple: str, counts: list[Count], r: Rules) -> frozenset[str]:
    """Chinese numeral + measure words that the report also writes before a place word
    (`三堂镇`): the name of a place wherever they stand in it.

    >>> s = "三堂镇文化站开展活动。在三堂举办培训三场,走访三个村。"
    >>> sorted(place_names(s, find_counts(s), rules()))
    ['三堂']
    """
    if r.place_name_before is None:
        return frozenset()
    return frozenset(simple[c.num_start:c.end] for c in counts
                     if c.chinese and not c.approx and not c.measure_in(r.place_name_not_measures)
                     and r.place_name_before.match(simple, c.end))


def _rules_off(simple: str, r: Rules) -> frozenset:
    """The exclusion rules that do not hold in this report: an `unless_report` pattern found it
    (the honours a unit gave at its own commendation meeting are counts, as the seeds count
    `对各类先进共计33人进行了表彰`; the same words in another report are honours received)."""
    return frozenset(i for i, rule in enumerate(r.exclude) if rule.unless_report is not None
                     and rule.unless_report.search(simple))


def extract_metrics(text: str, simple: str, sections) -> list[Metric]:
    """Activity counts of one report. Match on `simple`; `text` (same offsets) for output."""
    r = rules()
    counts = find_counts(simple, r)
    if not counts:
        return []
    off = _rules_off(simple, r)
    sections = _Sections(sections)
    quoted = _merge(quoted_spans(simple, r.quote_pairs)) if r.skip_quotes else []
    q_starts = [a for a, _ in quoted]
    sentences = _Pieces(simple, r.sentence_delims)
    clauses = _Pieces(simple, r.clause_delims)
    seen: list[_Seen] = []
    groups: list[tuple[int, int, list[Count]]] = []     # the kept counts of each clause, in order
    last_dropped: tuple[int, bool] = (-1, False)    # (sentence start, dropped?) of the last count
    last_stock: tuple[int, int] | None = None       # (sentence start, end) of the last count if a stock figure
    names = place_names(simple, counts, r)
    for c in counts:
        if names and c.chinese and simple[c.num_start:c.end] in names:
            continue                    # 三堂镇 … 已分别在三堂: a place's name, not 3 堂
        cs, ce = clauses.at(c.num_start)
        if ce == c.num_start:           # a numeral that is itself a delimiter belongs to no clause
            continue
        q = _span_at(c.num_start, quoted, q_starts)
        if q is not None and c.num_start < q[1]:
            continue
        if sections.at(c.num_start)[1] in r.skip_kinds:
            continue
        ss = sentences.at(c.num_start)[0]
        before = simple[cs:c.num_start]
        why = exclusion(c, before, simple[c.end:ce], r, off)
        # the next figure of a stock list (现有居民3260户9800余人, 下设党支部5个，党员216名)
        if not why and r.stock is not None and last_stock is not None and last_stock[0] == ss \
                and r.stock.continues(c, simple[last_stock[1]:c.num_start]):
            why = "stock list"
        drop = bool(why)
        # a breakdown of a count that is not a metric (现有党员42名，其中预备党员2名) is not one
        if not drop and r.breakdown.search(before.lstrip(_EDGE)) and last_dropped == (ss, True):
            drop = True
        last_dropped = (ss, drop)
        last_stock = (ss, c.end) if why == "stock list" or (r.stock is not None and why in r.stock.kinds) else None
        if not drop:
            if not groups or groups[-1][0] != cs:
                groups.append((cs, ce, []))
            groups[-1][2].append(c)
    for cs, ce, group in groups:
        _clause_metrics(group, text, simple, cs, ce, sections, sentences, seen, r)
    return [s.metric for s in seen]


def _clause_metrics(group, text, simple, cs, ce, sections, sentences, seen, r) -> None:
    """Text span and phrase of each kept count of one clause, appended to `seen`.

    Chinese puts a count after its activity (集体学习33次) or before its object (5次召开…,
    17名党员领导干部…发言). Words between two counts belong to the later count unless a
    connector (、和及与) or the clause end closes them first; then they are the earlier
    count's object.
    """
    seg = cs
    prev: tuple[str, str] = ("", "")
    for k, c in enumerate(group):
        nxt = group[k + 1].num_start if k + 1 < len(group) else ce
        pa, pb = trim(simple, seg, c.num_start, r)
        post_raw = simple[c.end:nxt]
        qa, qb = trim(simple, c.end, nxt, r)
        closed = k + 1 == len(group) or post_raw.rstrip()[-1:] in tuple(_JOIN)
        has_object = bool(post_raw) and (_is_han(post_raw[0]) or post_raw[0] in "“《「(（")
        if qb > qa and has_object and (pb == pa or closed):   # number first: the words after are its object
            if closed:
                t_end = c.end + len(post_raw.rstrip().rstrip(_JOIN))
                qb, next_seg = min(qb, t_end), t_end
            else:
                t_end, next_seg = nxt, c.end
            parts = [(pa, pb), (qa, qb)]
        else:
            t_end, next_seg = c.end, c.end
            parts = [(pa, pb)]
        parts = [(a, b) for a, b in parts if b > a]
        phrase_s = "".join(simple[a:b] for a, b in parts)
        phrase_t = "".join(text[a:b] for a, b in parts)
        if not phrase_s:
            phrase_s, phrase_t = prev
        t_start = seg
        while t_start < c.num_start and simple[t_start] in _EDGE + _JOIN:
            t_start += 1
        ss, se = sentences.at(c.num_start)
        # a breakdown (其中地厅级14人次、县处级7人次；妇女干部3人次): prefix the parent's
        # phrase; a later count that names an activity of its own (讲党课6次) is not one
        own = keyword_category(phrase_s, r)
        sub = bool(r.breakdown.search(simple[seg:c.num_start].lstrip(_EDGE)))
        last = seen[-1] if seen else None
        if not sub and last is not None and last.sub and last.sentence_start == ss and own is None:
            sub = last.metric.base_measure == c.base_measure
        parent = next((s for s in reversed(seen) if not s.sub and s.sentence_start == ss
                       and s.metric.base_measure == c.base_measure), None) if sub else None
        if parent is not None:
            phrase_s = parent.simple_phrase + r.breakdown.sub("", phrase_s)
            phrase_t = parent.metric.phrase + r.breakdown.sub("", phrase_t)
        else:
            sub = False
        idx, kind = sections.at(c.num_start)
        category = categorize(phrase_s, c.base_measure, r) if own is None or c.measure_in(r.measure_categories) \
            else own
        base_value, base_measure = normalise(c.value, c.measure, r.magnitudes)
        m = Metric(section_index=idx, section_kind=kind, phrase=phrase_t,
                   category=category, value=c.value, measure=c.measure,
                   approx=c.approx, placeholder=c.placeholder, text=text[t_start:t_end],
                   start=t_start, end=t_end, sentence=text[ss:se + (se < len(text) and text[se] != "\n")].strip(),
                   base_value=base_value, base_measure=base_measure)
        seen.append(_Seen(m, phrase_s, sub, ss))
        prev = (phrase_s, phrase_t)
        seg = next_seg
