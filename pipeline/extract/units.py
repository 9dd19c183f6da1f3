"""Who reported: a unit's name and its kind.

`unit_type_of` types a name by its longest listed suffix (unit_types.toml). Each path that
finds a name is one function: the title (`unit_from_title_any`), a signature or by-line
(`unit_from_signature`, which also dates the text), the folder layout (`unit_from_path`), and
in the body (`body_units`, best first) the opening sentence's subject, the unit's own
documents, self-references (我局 -> the named …局), clause subjects, a subject named again and
again. `shown_name` is the last guard every found name passes; `attribute.attribute`
decides between the paths.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Iterator
from datetime import date
from pathlib import PurePath

from pipeline.rules import LazyRegex, alternation
from pipeline.extract.attribution_base import (
    ANON_CHARS, arabic_years, unit_config, words, _ADDRESSEE, _ANON, _BLANK_YEAR, _DATE, _lines, _MASKED_DATE,
    _parse_date, _w, _YEAR)
from pipeline.extract.places import place_names, _has_place, _level, _place_index, _starts_with_place


@functools.lru_cache(maxsize=1)
def _suffix_types() -> list[tuple[str, str]]:
    pairs = [(s, t) for t, spec in unit_config()["types"].items() for s in spec["suffixes"]]
    return sorted(pairs, key=lambda p: -len(p[0]))


@functools.lru_cache(maxsize=1)
def _suffix_index() -> tuple[dict[str, str], tuple[int, ...], frozenset[str]]:
    """(suffix -> type, the first listed winning as in `_suffix_types`; the suffix lengths,
    longest first; the suffixes as a set)."""
    types: dict[str, str] = {}
    for suffix, typ in _suffix_types():
        types.setdefault(suffix, typ)
    return types, tuple(sorted({len(s) for s in types if s}, reverse=True)), frozenset(types)


_PARTY_TAIL = LazyRegex(lambda: rf"({_w('party.tails')}|(?:{_w('party.committee_of')})委员会)$")


@functools.lru_cache(maxsize=1)
def _name_ends() -> frozenset[str]:
    """The characters a name `unit_type_of` types can end with: a suffix's last or a party
    tail's (委员会 too). The scans that try every prefix of a run skip the others."""
    return frozenset({s[-1] for s in _suffix_index()[2] if s} | {t[-1] for t in words()["party"]["tails"]} | {"会"})


_MASK_CHARS = frozenset(ANON_CHARS)      # what a masked name opens with: the cheap test first
_MASKED_BODY = LazyRegex(lambda: rf"{_ANON}\s*({alternation(unit_config().get('masked_bodies', {})) or '(?!)'})")


def unit_type_of(unit: str | None) -> str | None:
    """Type from the unit's suffix; the longest suffix wins (one dictionary look-up per
    suffix length, not an endswith per suffix).

    >>> unit_type_of("县公安局"), unit_type_of("敖泉镇"), unit_type_of("市安监局")
    ('政法', '乡镇街道', '党政机关')
    """
    if not unit:
        return None
    if unit[0] in _MASK_CHARS and (masked := _MASKED_BODY.fullmatch(unit)):      # x党工委: [masked_bodies]
        return unit_config()["masked_bodies"][masked.group(1)]
    u = _PARTY_TAIL.sub("", unit) or unit
    types, lengths, _ = _suffix_index()
    for n in lengths:
        if n <= len(u):
            typ = types.get(u[-n:])
            if typ is not None:
                return _inside_type(u, typ)
    return types.get("")            # an empty suffix, if one were listed, ends every name


def _inside_type(unit: str, typ: str) -> str:
    """A type's `inside` words override a generic suffix: 中国人寿…支公司 is 金融, not 企业;
    扬中市公安局新闻中心 is 政法, not 党政机关. For an office-like suffix (站, 中心, 所) the level
    it belongs to decides (`[sub_units]`: 团结村新时代文明实践站 is 社区村, XX镇文化馆 is 乡镇街道)."""
    if typ not in ("企业", "党政机关", "其他"):
        return typ
    for t, spec in unit_config()["types"].items():
        if t != typ and any(w in unit for w in spec.get("inside", ())):
            return t
    subs = unit_config().get("sub_units", {})
    if typ in ("党政机关", "其他") and unit.endswith(tuple(subs.get("suffixes", ()))):
        for level, words in subs.get("levels", {}).items():
            if any(w in unit for w in words):
                return level
    return typ


@functools.lru_cache(maxsize=1)
def _unit_regex() -> re.Pattern:
    suffixes = sorted({s for s, _ in _suffix_types()}, key=len, reverse=True)
    alt = "|".join(map(re.escape, suffixes))
    return re.compile(rf"((?:中共)?[\u4e00-\u9fff*＊×\-—_]{{1,14}}?(?:{alt}))")


@functools.lru_cache(maxsize=1)
def _false_names() -> tuple[str, ...]:
    return tuple(_lines("unit_false_names.txt"))


def _false_name(unit: str) -> bool:
    """`工作格局`, `文明村镇`: ends like a unit, is not one (unit_false_names.txt)."""
    return unit.endswith(_false_names())


def signature_block(simple: str) -> tuple[int, str | None, date | None]:
    """The signature at the end of a report: `中共XX县审计局党组\n2021年12月20日`
    (or `二〇二一年十二月二十日`, or the two on one line). Returns (offset where the block
    starts, the signing unit line or None, the date or None); (len, None, None) if none."""
    lines = simple.rstrip().split("\n")
    end = len(simple.rstrip())
    pos = end
    unit, when = None, None
    for line in reversed(lines[-3:]):
        t = line.strip().strip("()（）")
        if not t:
            pos -= len(line) + 1
            continue
        m = _DATE.search(t)
        if m and when is None and len(t) <= 40 and not re.search(r"[，。；,;]", t):
            when = _parse_date(m)
            rest = (t[: m.start()] + t[m.end():]).strip(" ()（）")
            if rest and _signer(rest):
                unit = rest
            pos -= len(line) + 1
            continue
        if unit is None and _signer(t):
            unit = t
            pos -= len(line) + 1
            continue
        break
    if unit is None and when is None:
        return len(simple), None, None
    return max(pos + 1, 0), unit, when


_NOT_A_SIGNER = LazyRegex(lambda: rf"^({_w('signature.not_a_signer')})")


def _signer(line: str) -> bool:
    """A bare unit name on a line of its own (a signature or a by-line)."""
    return (3 <= len(line) <= 30 and not _NOT_A_SIGNER.match(line) and not re.search(r"[，。；,;：:、]", line) and not re.search(r"\d", line)
            and bool(unit_type_of(line)) and not _false_name(_strip_party(line)) and not _is_generic(_strip_party(line)))


# ---------------------------------------------------------------- unit
# The opening sentence's subject: `[time clause，][在…下，]<unit>[党组][班子]<verb>`
_SUBJECT = LazyRegex(lambda: (
    rf"^(?:[^，。,\n]{{0,30}}?(?:{_w('subject.time_clause_ends')})[，,]\s*)?(?:在[^。]{{1,80}}?(?:下|中)[，,]\s*){{0,3}}"
    rf"(?:{_w('subject.time_words')})?(?:我们)?"
    rf"([局镇乡院校委办厅所行村](?={_w('party.bodies')}|班子|"
    rf"{_w('subject.short_verbs')})"
    rf"|{_ANON}(?={_w('subject.short_verbs')})"
    rf"|(?:中共)?(?:[\u4e00-\u9fff]|{_ANON}){{2,20}}?)"
    rf"(?:{_w('party.bodies')})?(?:班子)?"
    rf"(?:{_w('subject.verbs')}|"
    r"将(?=[^，。]{0,30}作为)|"
    rf"(?:{_w('subject.topics')})工作(?:{_w('subject.topic_verbs')}))"
))
_BOUNDARY = r"(?:^|(?<=[，。、；：,;:\s“”\"《（(是的和与及为将把向由对在于])|(?<=作为)|(?<=现将))"   # 于: 立足于阳光学院 (ab13)


@functools.lru_cache(maxsize=1)
def _self_regex() -> re.Pattern:
    """Self-references from `[self]` in unit_types.toml (我局 -> `局`), plus the `本` forms
    listed in `[self_forms] ben` (本局党组, 本镇). Group 1 is the suffix, whichever prefix was used."""
    cfg = unit_config()
    mine = sorted((k[1:] for k in cfg["self"]), key=len, reverse=True)
    ben = sorted(cfg.get("self_forms", {}).get("ben", []), key=len, reverse=True)
    ben_alt = rf"(?<![基根日资成])本({'|'.join(map(re.escape, ben))})(?![业部级务身地])" if ben else "(?!)()"
    return re.compile(rf"我({'|'.join(map(re.escape, mine))})|{ben_alt}")


def _self_refs(simple: str) -> list[str]:
    """The suffixes of every self-reference in `simple` (我局, 本局 -> 局)."""
    return [a or b for a, b in _self_regex().findall(simple)] if "本" in simple or "我" in simple else []


def _main_self(simple: str) -> str | None:
    """The suffix of the report's usual self-reference. An area (我县, 我市: `[self_forms]
    area`) only when the report never calls itself anything else: a township speaks of 我县
    too, but names itself 我镇."""
    selfs = Counter(_self_refs(simple))
    area = set(unit_config().get("self_forms", {}).get("area", []))
    own = Counter({k: n for k, n in selfs.items() if k not in area})
    best = (own or selfs).most_common(1)
    return best[0][0] if best else None


def _has_self(simple: str) -> bool:
    return bool(_self_refs(simple))


@functools.lru_cache(maxsize=1)
def _generic() -> tuple[frozenset[str], frozenset[str]]:
    """(words that name no particular unit: 单位, 党委, 县政府 …; those of them that do name
    the reporting unit as the subject of the opening sentence) - `[generic]` in unit_types.toml."""
    g = unit_config()["generic"]
    return frozenset(g["units"]), frozenset(g["subject_ok"])


_PARTY_COMMITTEE = re.compile(r"^(.+?)(?:总支部|支部)?委员会$")
_PARTY_STRIP = LazyRegex(lambda: rf"({_w('party.strip')})$")
_PARTY_COMMITTEE_OF = LazyRegex(lambda: rf"^(.+?)(?:{_w('party.committee_of')})委员会$")


def _strip_party(unit: str) -> str:
    """The unit behind its party body: 县审计局党组 -> 县审计局; 中共灵璧县公安局委员会 (a
    signature's full form of 公安局党委) -> 灵璧县公安局, 中共沣西村支部委员会 -> 沣西村. A
    committee of a place (中共XX县委员会, the county committee itself) stays as written."""
    u = unit
    for _ in range(2):                  # 局党委党支部 -> 局
        stripped = _PARTY_STRIP.sub("", u)
        # a masked name keeps its body: *党工委, x党工委 (c18, h08) name a unit, `*` alone does not
        u = stripped if stripped and not re.fullmatch(_ANON, stripped) else u
    m = _PARTY_COMMITTEE_OF.match(u)     # 中学党支部委员会 -> 中学
    if m and not u.startswith("中共") and unit_type_of(m.group(1)):
        u = m.group(1)
    if u.startswith("中共"):
        u = u[2:]
        m = _PARTY_COMMITTEE.match(u)
        if m and unit_type_of(m.group(1)):
            u = m.group(1)
    return u or unit


def _is_generic(unit: str) -> bool:
    """A word that names a kind of unit, not a unit: 办公室, 公司, 学校, 中心 (any bare suffix)."""
    return unit in _generic()[0] or unit in _suffix_index()[2]


def _anonymised(unit: str) -> bool:
    return bool(re.search(_ANON, unit))


_TITLE_LEAD = LazyRegex(lambda: rf"^(?:{_w('title.lead')}|第[0-9一二三四五六七八九十]{{1,3}}篇|(?:{_YEAR}|{_BLANK_YEAR})\s*年度?"
                                 rf"|{_w('title.lead_halves')}|[一二三四1-4]季度|度|\d{{1,2}}(?![\d年]))+")


# a post after the unit in a 述职 title (攸县县委宣传部部长2022年度…述职报告)
_POST_TITLE = LazyRegex(lambda: rf"(?:常务)?副?(?:{_w('title.posts')})$")
# where the unit's name ends in a title, for a named unit and for a bare kind of unit
_TITLE_NAME = LazyRegex(lambda: rf"^(.{{2,24}}?)(?:{_YEAR}|{_BLANK_YEAR}|{_w('title.name_end')}|\s)")
_TITLE_KIND = LazyRegex(lambda: rf"^(.{{1,8}}?)(?:{_YEAR}|{_BLANK_YEAR}|{_w('title.generic_name_end')}|\s)")


def _title_core(title: str) -> str:
    """Where a title's unit may open: no spaces, no lead words or year, and after a main
    title's slogan (`凝心聚力担使命 奋楫扬帆新征程——北海艺术设计学院2022年宣传思想工作综述`,
    `…(十一)——2023年秦州区宣传思想文化工作综述`)."""
    # (a subtitle alone keeps its dash: ——2024年濮阳市…综述; but ——镇2022年… is a masked name)
    t = re.sub(r"^(?:.{2,40}?(?:——|--|－－)(?=[\u4e00-\u9fff\d]{4})|(?:——|--|－－)(?=\d{4}))", "",
               re.sub(r"\s+", "", title.strip()))
    t = _TITLE_LEAD.sub("", arabic_years(t))
    t = re.sub(r"^(.{2,4}?)\1", r"\1", t)          # a site's doubled word: 街道街道
    return re.sub(r"^\d{4}(?![\d年])", "", t)      # 2023社区党建工作总结: a bare year opens no name


def unit_from_title(title: str | None) -> str | None:
    """`行署办公室2018年度思想宣传及意识形态工作总结` -> `行署办公室`. Anonymised names
    (`XX县人民医院…`) are left to `unit_from_title_any`."""
    u, explicit = unit_from_title_any(title)
    return u if explicit else None


def unit_from_title_any(title: str | None) -> tuple[str | None, bool]:
    """(unit, explicit) from a title; anonymised names come back with explicit False."""
    if not title:
        return None, False
    m = _TITLE_NAME.match(_title_core(title))
    if not m:
        return _title_head_unit(_title_core(title)), True
    cand = _strip_party(re.sub(r"(?<=.)在$", "", m.group(1).strip(" 、,，")))
    post = _POST_TITLE.search(cand)       # 县委宣传部部长…述职报告: the unit is the 宣传部
    if post and unit_type_of(cand[:post.start()]):
        cand = _strip_party(cand[:post.start()])
    masked_kind = bool(re.fullmatch(rf"{_ANON}[\u4e00-\u9fff]{{1,4}}", cand))     # XX部门, **村: a masked name
    if _is_area(cand):
        return cand, True               # `…——2023年秦州区宣传思想文化工作综述`: an area's own report
    if (not unit_type_of(cand) or (_is_generic(cand) and cand not in _generic()[1])
            or (_false_name(cand) and not masked_kind) or re.search(r"[我本]", cand)):
        return None, False
    return cand, not _anonymised(cand)


_TITLE_GENRE = LazyRegex(lambda: rf"(?:{_w('preamble.genres')}|综述)$")


def _title_head_unit(core: str) -> str | None:
    """The named unit a report's title opens with when no topic word ends the name
    (`县交运局宣贯省农村公路条例工作总结`, `沁裕煤矿职工思想调研报告`): the longest run of four
    characters or more that is a named unit (a placed one, or a level's organ), in a title
    that ends in the kind of report it is."""
    if not _TITLE_GENRE.search(core):
        return None
    for end in range(min(len(core) - 2, 16), 3, -1):
        u = core[:end]
        if (_named_unit(u) == u and shown_name(u) and not _splits_word(core, end)
                and not _NOT_A_NAME.search(u[:len(u) - _suffix_len(u)])
                and not _opens_with_action(u)):
            return u
    return None


def generic_unit_from_title(title: str | None) -> str | None:
    """The bare kind of unit a template title opens with (`学校2020年意识形态工作总结`,
    `县委关于…的报告`, `街道街道意识形态工作总结` as a site generates it): no name, but
    it says what kind of unit reports."""
    if not title:
        return None
    m = _TITLE_KIND.match(_title_core(title))
    if not m:
        return None
    cand = m.group(1)
    core = _strip_party(cand)
    return cand if unit_type_of(cand) and _is_generic(core) and not _false_name(core) else None
def _expand(unit: str, simple: str, named: int = 0) -> str:
    """The unit as the text names itself. A bare level (县 in 县政协机关, the run of Han
    characters before the mention being just that) is taken when the body uses it for a
    third of the mentions or more (title `政协机关`, body 县政协机关 half the time); a place
    name only when most mentions carry it - otherwise the place is the `region` and the unit
    keeps the title's form (行署办公室 23 times, 阿里地区行署办公室 3; 双浮镇中心卫生院 in the
    title, 太和县双浮镇中心卫生院 once in the signature). The end of a longer name is neither
    (城西湖乡沣西村 gives no 乡沣西村). `named`: mentions outside `simple` (the title)."""
    # up to 6 Han characters before each mention (str.find, not a regex built per unit:
    # a new pattern per file thrashes the re cache on the ingest hot path)
    m: Counter = Counter()
    mentions = named
    i = simple.find(unit)
    while i >= 0:
        mentions += 1
        k = i
        while k > 0 and i - k < 6 and "\u4e00" <= simple[k - 1] <= "\u9fff":
            k -= 1
        if k < i:
            m[simple[k:i]] += 1
        i = simple.find(unit, i + len(unit))
    level: Counter = Counter()
    levels = words()["places"]["bare_levels"]
    place: Counter = Counter()      # each mention counted once, for the longest place it ends with
    for prefix, n in m.items():
        if prefix in levels:
            level[prefix] += n
            continue
        for k in range(len(prefix) - 1):
            if prefix[k:] in place_names():
                place[prefix[k:]] += n
                break
    for pre, n in place.most_common(1):
        if 2 * n > mentions:
            return pre + unit
    for pre, n in level.most_common(1):
        if 3 * n >= mentions:
            return pre + unit
    return unit


_NAMED_NOT_START = LazyRegex(lambda: rf"^({_w('named.not_start')})")


def _opens_with_action(name: str) -> bool:
    """Whether a found name opens with the words a clause about an action opens with, or a
    verb whose object the unit is (`[names] not_start`: 围绕, 按照, 提升, 维护…): a piece of a
    sentence, whichever path found it."""
    return name.startswith(tuple(unit_config().get("names", {}).get("not_start", ())))


def named_units(simple: str, suffix: str) -> Counter:
    """Named units ending in `suffix` (from a self-reference 我局 -> …局), counted."""
    out: Counter = Counter()
    for m in re.finditer(rf"{_BOUNDARY}([\u4e00-\u9fff]{{1,10}}?{re.escape(suffix)})(?![\u4e00-\u9fff]{{0,1}}(?:的正确领导|领导下))", simple):
        u = re.split(r"[在对把将为与和及的是由于向从被了给让使]", m.group(1))[-1]
        core = u[: -len(suffix)]
        if (len(core) >= 2 and u not in _generic()[0] and not _false_name(u) and not re.search(r"[我本]|全" + suffix + "$", u)
                and not _NAMED_NOT_START.match(u) and not _opens_with_action(u) and not _prose_in_name(u)):
            out[u] += 1
    return out


def _first_sentences(text: str, n: int = 4) -> list[str]:
    """The first `n` sentences (or lines) of `text`, each with its end mark; short lines (a
    repeated title, a by-line, a caption's first words) and table rows are passed over."""
    out = [m.group() for m in re.finditer(r"[^。！？!?\n]+[。！？!?]?", text)
           if len(m.group()) >= 16 and "|" not in m.group()]
    return out[:n]


@functools.lru_cache(maxsize=1)
def _body_name_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(the unit's own plan document: 制定印发《*市中医医院2025年意识形态工作要点》,
    制定了《洪都小学教材、教辅和课外读物专项排查工作实施方案》;
    a name opening a clause as the subject of its ideology work: …的第一年，阿力得尔苏木宣传
    思想文化工作将以…). The name must end in a listed unit suffix."""
    name = _unit_regex().pattern
    w = _w
    # the year may come first (制定了《xx年孟塬乡对外宣传工作要点》), a few words may come between
    # the verb and the title (修订实施了包括《南京中华中等专业学校宣传工作实施方案(试行)》在内的…),
    # a bracketed status after the kind
    doc = re.compile(rf"(?:{w('named.doc_verbs')})[\u4e00-\u9fff]{{0,4}}?了?(?:包括)?《(?:(?:{_YEAR}|{_BLANK_YEAR})\s*年度?)?"
                     rf"{name}(?:{_YEAR}\s*年度?)?[^》]{{0,24}}"
                     rf"(?:{w('named.doc_kinds')})(?:[(（][\u4e00-\u9fff]{{1,4}}[)）])?》")
    clause = re.compile(rf"(?:^|(?<=[，,。；;\n]))\s*{name}(?:{w('party.bodies_named')})?"
                        rf"(?:{w('named.clause_topics')})工作"
                        rf"(?:{w('named.clause_verbs')})")
    # the name in the report's own announcement: 现将临江市工业和信息化局网络意识形态工作…情况报告如下
    announce = re.compile(rf"(?:{w('named.announce')}){name}(?:{w('party.bodies_named')})?(?:{_YEAR}\s*年度?)?"
                          rf"(?:{w('named.announce_periods')})?"
                          rf"(?:网络)?(?:{w('named.announce_topics')})")
    return doc, clause, announce


def _named_unit(cand: str) -> str | None:
    """`cand` as a reporting unit: a listed suffix, not a generic word, not a false name."""
    core = _strip_party(cand)
    if unit_type_of(core) and not _is_generic(core) and not _false_name(core) and not re.search(r"[我本全各该被]", core):
        return core
    return None


def _suffix_len(unit: str) -> int:
    """Length of the longest listed suffix `unit` ends with (0 if none)."""
    types, lengths, _ = _suffix_index()
    return next((n for n in lengths if n <= len(unit) and unit[-n:] in types), 0)


_CLAUSE_OPENER = LazyRegex(lambda: rf"^(?:{_w('clause.openers')})")
_OF_YEAR = LazyRegex(lambda: rf"的(?:{_w('clause.of_year')})")
_NOT_A_NAME = LazyRegex(lambda: rf"[的了着]|{_w('clause.not_name')}")


def _splits_word(run: str, end: int) -> bool:
    """Whether a name ending at `end` would cut one of `[names] never_split` in two
    (组织县委理论学习中心组集中学|习: 中学 is a school's suffix, 学习 the word)."""
    for w in unit_config().get("names", {}).get("never_split", ()):
        for i in range(1, len(w)):
            if run.endswith(w[:i], 0, end) and run.startswith(w[i:], end):
                return True
    return False


# a national body's name opens with these, not with a place (中国人民银行枣庄市分行)
_NATIONAL = LazyRegex(lambda: rf"^(?:{alternation(unit_config().get('names', {}).get('national', ())) or '(?!)'})")
_PROVINCE = LazyRegex(lambda: rf"^(?:{alternation(unit_config().get('names', {}).get('provinces', ())) or '(?!)'})")
# an organ of an unnamed level (市文明办, 县委外宣办, 区交通局): short, and the level opens it
_LEVEL_ORGAN = LazyRegex(lambda: rf"^(?:{_w('places.bare_levels')})委?[\u4e00-\u9fff]")
_LEVEL_ORGAN_MAX = 7


_LOCAL_KINDS = ("乡镇街道", "社区村")
_LOCAL_NAME = range(3, 7)     # characters: 洗马镇, 五合乡, 新六十栋社区


def _runs_on(name: str, after: str) -> bool:
    """Whether the character after a local name continues its suffix into a word (组织村|民:
    no village named 组织村; `[names] local_runs_on`)."""
    return bool(after) and after in unit_config().get("names", {}).get("local_runs_on", {}).get(name[-1], "")


def _local_name(name: str) -> bool:
    """A town's or a village's own name (洗马镇, 五合乡): placed by its level, as reports name them."""
    return len(name) in _LOCAL_NAME and unit_type_of(name) in _LOCAL_KINDS and not _is_generic(name)


def _anchored(name: str, level_min: int = 3) -> bool:
    """A name a reader can place: it opens with a region (永宁县…), a national prefix
    (中国人民银行…), a province's short name (宁夏银川市…), or a level with an organ of at
    least `level_min` characters in all (市政协, 县委外宣办; never 县局)."""
    return bool(_starts_with_place(name) or _NATIONAL.match(name) or _PROVINCE.match(name)
                or (_LEVEL_ORGAN.match(name) and level_min <= len(name) <= _LEVEL_ORGAN_MAX))


# a name with no place in it is short (临商银行朱保支行, 中国银行总行机关); a longer run
# ending in 法庭/银行 is prose (纷纷表示更加尽职尽责地做好法庭)
_UNPLACED_MAX = 10


def _clause_initial_unit(opening: str, local: bool = False) -> str | None:
    """A named unit opening a clause of the first sentences, as a news-style piece speaks of
    itself (`近日，根据总行工作要求，临商银行朱保支行把握…`): the last resort when the text
    has no subject, no self-reference and no signature. At each clause start the longest
    run of Han characters (up to 28) that is a named unit and is followed by more text
    (not 的/和/与…) wins: 中国银行总行机关各级党组织… gives 中国银行总行机关."""
    for sentence in _first_sentences(opening):
        for clause in re.finditer(r"(?:^|(?<=[，,。；;]))\s*([\u4e00-\u9fff]{2,32})([:：(（])?", sentence):
            run = _CLAUSE_OPENER.sub("", clause.group(1))
            best = None
            # a news headline's speaker ends the run (中国人民银行枣庄市分行：推动…), or a name before
            # its bracketed kind (市妇幼保健院(集团)2015年度宣传工作总结表彰大会…)
            last = len(run) + 1 if clause.group(2) else len(run)
            for end in range(2, min(last, 29)):
                if run[end - 1] not in _name_ends():
                    continue
                cand = run[:end]
                # a generic name allowed as a subject (县委宣传部牵头组织…) is one here too
                u = _named_unit(cand) or (cand if cand in _generic()[1] else None)
                if (u and cand == u and (end == len(run) or run[end] not in "的和与及等" or _OF_YEAR.match(run[end:]))
                        and (_anchored(u, level_min=4) or (_suffix_len(u) >= 2 and len(u) <= _UNPLACED_MAX)
                             or (local and _local_name(u) and not _runs_on(u, run[end:end + 1])))
                        and not _prose_in_name(u)):
                    if not _splits_word(run, end):     # not 集中学|习
                        best = u
            # prose words in the name, not in its suffix (县委宣传部 is a name; 宣传思想文化中心 a topic)
            if best and not _opens_with_action(best) and not _NOT_A_NAME.search(best[:len(best) - _suffix_len(best)]):
                return best
    return None


_TIMED_CLAUSE = LazyRegex(lambda: rf"(?:{_w('clause.timed')})[，,]\s*(?=[\u4e00-\u9fff]{{2,16}})")


def _timed_clause_unit(simple: str) -> str | None:
    """A named unit opening a clause after a time word anywhere in the body (`目前，农建中心
    参加…学习强国的人数为28人`): a report with no subject sentence names itself where it gives
    a figure. Only after 目前 (the state it reports now), so an essay's topic words (中心组,
    各部门) and the examples it cites (近年来，北京大学建立了…) do not count."""
    runs = "。".join(simple[m.end():m.end() + 24] for m in _TIMED_CLAUSE.finditer(simple[:6000]))
    return _clause_initial_unit(runs + "。") if runs else None


_DATED_OPENING = re.compile(r"\s*(?:\d{4}|20[xX×*＊_]{1,2}|[二〇○零一二三四五六七八九]{4})[^，,。\n]{0,14}?年度?[，,]")


def _dated_subject_unit(simple: str) -> str | None:
    """A named unit as the subject of a sentence that opens with its year, past an essay-like
    opening (`20xx—20xx学年度,滨河小学对外宣传工作在张娟校长亲自指导下…`): where a piece that
    first talks about its topic turns to its own year's work."""
    for m in _SENTENCE_OR_LINE.finditer(simple[:_DATED_SUBJECT_WITHIN]):
        sentence = m.group().strip()
        if not _DATED_OPENING.match(sentence):
            continue
        sm = _SUBJECT.match(sentence)
        cand = sm.group(1) if sm else None
        if cand and _named_unit(cand) == cand and not _is_generic(cand) and not _anonymised(cand):
            return cand
    return None


_DATED_SUBJECT_WITHIN = 1500    # characters: the opening and the first turn to the work


_SENTENCE_OR_LINE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


@functools.lru_cache(maxsize=8)     # asked by `body_units` and again by `_first_body_unit`'s guards
def _repeated_subject_unit(simple: str) -> str | None:
    """A named unit or an area opening clauses again and again (`镇平县电业局面对着…` …
    `镇平县电业局以党员干部为主体…`; `尚义县迅速制定宣传方案` … `为积极送…下基层,尚义县在…`;
    a headline `洗马镇:让疫情防控宣传持续升温` and `8月5日,洗马镇集中制作…`): a third-person
    piece about one unit or one area names it where it acts. Every clause start in the body
    counts (`_clause_subject`); the name must recur more than any other and be named in the
    piece's first lines (an essay cites other units as examples mid-text: 近年来，北京大学
    建立了…, twice in the sample's 004). The last resort, tried only when no other path found a
    name."""
    found: Counter = Counter()
    for m in _CLAUSE_START.finditer(simple[:6000]):
        u = _clause_subject(m.group(1))
        if u:
            found[u] += 1
    for short in sorted(found, key=len):
        if short not in found:          # merged into a name before it
            continue
        # 安阳市文峰区 … 文峰区 …, 清溪镇文明办 … 镇文明办 …: one body, named in full once and
        # counted under the full name; a longer run whose front is no place (只有分公司) is the
        # short name's
        longer = [v for v in found if v != short and v.endswith(short)]
        placed = [v for v in longer if _starts_with_place(v) or _local_name(v[:len(v) - len(short) + 1])]
        for v in longer:
            if v not in placed:
                found[short] += found.pop(v)
        if placed:
            found[max(placed, key=lambda v: (found[v], len(v)))] += found.pop(short)
    top = found.most_common(2)      # the first of equals
    if not top or top[0][1] < 2 or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return top[0][0] if 0 <= simple.find(top[0][0]) < _NAMED_EARLY else None


# a clause's first characters: at a line's or a sentence's start, after a comma or a colon
# (a quotation's close, a space between a run-in heading and its text: 夯实宣传工作基础 文峰区将…)
_CLAUSE_START = re.compile(r"(?:^|(?<=[。！？；，,;：:”」 \t　]))[ \t　]*([\u4e00-\u9fff]{2,24})", re.M)


def _area_prefix(run: str) -> int:
    """Length of the chain of region names `run` opens with (安阳市文峰区 -> 6), 0 if none."""
    names, _, longest = _place_index()
    pos = 0
    while True:
        k = next((k for k in range(min(longest, len(run) - pos), 1, -1) if run[pos:pos + k] in names), 0)
        if not k:
            return pos
        pos += k


def _clause_subject(run: str) -> str | None:
    """The unit or the area a clause opening with `run` is about: the longest named unit
    opening it that a reader can place (`_anchored`, a town's own name, or a short name with a
    two-character suffix: 玉溪中院), else a county- or city-level area alone (楚雄市宣传思想战线…,
    安阳市文峰区多层次…)."""
    for end in range(len(run), 1, -1):
        if run[end - 1] not in _name_ends():
            continue
        cand = run[:end]
        u = _named_unit(cand)
        if (u == cand and (_anchored(u, level_min=4) or _local_name(u)
                           or (_suffix_len(u) >= 2 and len(u) <= _UNPLACED_MAX))
                and not (end < len(run) and (run[end] in "的和与及等" or _runs_on(u, run[end])))
                and not _splits_word(run, end) and not _prose_in_name(u) and shown_name(u)
                and not _NOT_A_NAME.search(u[:len(u) - _suffix_len(u)])
                and not _opens_with_action(u)):
            return u
    return _area_subject(run)


def _area_subject(run: str) -> str | None:
    """The county- or city-level area a clause opening with `run` is about (楚雄市宣传思想战线…,
    安阳市文峰区多层次…), not one it qualifies (文峰区的…)."""
    k = _area_prefix(run)
    if k and _level(run[:k]) in (1, 2) and k < len(run) and run[k] not in "的和与及等、":
        return run[:k]
    return None


_NAMED_EARLY = 400      # characters: where the piece introduces what it is about


@functools.lru_cache(maxsize=1)
def _full_form_extra() -> frozenset[str]:
    """What a full name may add to its short form: a level left out, 公安 for 公安局."""
    places = words()["places"]
    return frozenset(places["bare_levels"]) | frozenset(places["full_form_extra"])


def _full_form(unit: str, simple: str) -> str:
    """The full name the text also uses for a short form it opens with (温泉公安 -> 温泉县公安局,
    the short form's characters in order inside a longer valid name of the same kind, the
    added characters only a level or 局: 隧道公司 is not 隧道工程有限公司)."""
    typ = unit_type_of(unit)
    best = unit
    i = simple.find(unit[:2])
    while i >= 0 and typ:
        window = simple[i:i + len(unit) + 4]
        for end in range(len(window), len(unit), -1):
            cand = window[:end]
            it = iter(cand)
            extra = Counter(cand) - Counter(unit)
            if (all(c in it for c in unit) and set(extra) <= _full_form_extra() and _named_unit(cand) == cand
                    and unit_type_of(cand) == typ and len(cand) > len(best)):
                best = cand
                break
        i = simple.find(unit[:2], i + 2)
    return best


def spelled_out(unit: str, simple: str) -> str:
    """`unit` named by a standard short form of its kind (`[places] abbreviations`: 临渭区疾控中心)
    as the text also spells it out with the same words before it (临渭区疾病预防控制中心); else
    `unit`. Never a form the text does not hold."""
    for short, _, full in (pair.partition(":") for pair in words()["places"].get("abbreviations", ())):
        if unit.endswith(short) and len(unit) > len(short):
            longer = unit[:-len(short)] + full
            # … unless the short form is what the text goes by (郧阳区检察院 nine times, the
            # full name once: ac06)
            if longer != unit and longer in simple and 3 * simple.count(longer) >= simple.count(unit):
                return longer
    return unit


def _own_document_unit(simple: str) -> str | None:
    """The unit whose own plan document the text names (制定印发《*市中医医院2025年…要点》): the
    longest name before the year (《中国邮政储蓄银行金华市分行2020年安全宣传月活动方案》 gives the
    branch, not the bank)."""
    m = _body_name_patterns()[0].search(simple)
    if not m:
        return None
    rest = re.match(r"[\u4e00-\u9fff]{0,14}", simple[m.end(1):]).group()
    for end in range(len(rest), 0, -1):
        longer = m.group(1) + rest[:end]
        if (_named_unit(longer) == longer and not _prose_in_name(longer)
                and not _splits_word(m.group(1) + rest, len(longer))):
            return longer
    return _named_unit(m.group(1))


def _clause_subject_unit(opening: str) -> str | None:
    _, clause, announce = _body_name_patterns()
    for pattern in (announce, clause):
        for m in pattern.finditer(opening):
            u = _named_unit(m.group(1))
            if u:
                return u
    return None


def _title_like_opening(simple: str) -> str | None:
    """A body that opens with its title run into the text (`市文旅广体局2021年度落实…总结
    报告市文旅广体局…`): the unit the title part names."""
    simple = _PIECE_NUMBER.sub("", simple, count=1)     # 1、霞光中心小学思想政治工作自查报告为了…
    m = re.match(rf"^[^，。,\n]{{2,40}}?(?:{_YEAR}|{_BLANK_YEAR})\s*年", simple)
    if m:
        return unit_from_title_any(simple[:80])[0]
    # no year: a title that ends in the kind of report it is, run into the first sentence
    m = _RUN_IN_KIND.match(simple)
    work = _RUN_IN_WORK.search(m.group(1)) if m else None
    return _named_unit(m.group(1)[:work.start()]) if work else None


_RUN_IN_WORK = LazyRegex(lambda: _w("title.run_in_work"))
_PIECE_NUMBER = re.compile(r"^\d{1,2}[、.．]\s*(?=\D)")
_RUN_IN_KIND = LazyRegex(lambda: rf"^([^，。,\n]{{4,40}}?(?:{_w('title.run_in_kinds')}))(?=[\u4e00-\u9fff])")


_MASKED_LOCAL = LazyRegex(lambda: _w("named.masked_local"))


# the unit a speech or an article names as its speaker: 我代表市政协向…, a by-line dated in
# brackets after a run-in title (…志愿服务工作区委宣传部(2019年7月5日)X区被…)
_SPEAKER = re.compile(r"我(?:谨)?代表([\u4e00-\u9fff]{2,16}?)(?=向|对|，|,|表示)"
                      r"|([\u4e00-\u9fff]{2,16})[(（]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[)）]")


def _speaker_unit(opening: str) -> str | None:
    """The first speaker the opening names that is a unit: the longest tail of the run that
    opens with a place, a national prefix or a level (市政协, 区委宣传部), or is a generic name
    allowed as a subject (县委宣传部); never prose (…志愿服务工作区委宣传部 gives 区委宣传部)."""
    for m in _SPEAKER.finditer(opening):
        run = m.group(1) or m.group(2)
        for i in range(len(run) - 1):
            cand = run[i:]
            if cand in _generic()[1]:
                return cand
            if _named_unit(cand) and not _prose_in_name(cand) and "工作" not in cand and _anchored(cand):
                return _strip_party(cand)
    return None


_ABBREVIATED = re.compile(r"([\u4e00-\u9fff]{2,30})[(（]\s*(?:以下)?简称\s*[“\"「]?([\u4e00-\u9fff]{2,16})[”\"」]?\s*[)）]")


def _abbreviated_unit(opening: str) -> str | None:
    """A unit introduced with its short name: 国网青岛市即墨区供电公司党委(以下简称“公司党委”),
    甘肃建投隧道工程有限公司(简称“甘肃建投隧道公司”). The short name when it names the unit
    on its own (the report calls itself so), else the full name (公司党委 is any company's)."""
    for m in _ABBREVIATED.finditer(opening):
        run, short = m.groups()
        full = next((c for c in (run[i:] for i in range(len(run) - 1))
                     if _named_unit(c) == _strip_party(c) and (_has_place(c) or len(c) == len(run))), None)
        if full is None:
            continue
        alias = _named_unit(short)
        return alias if alias and not _is_generic(alias) else _strip_party(full)
    return None


_NAME_FRONT = re.compile(r"^(?:[【\[][^】\]]{0,8}[】\]]|[:：、,，.\s]|正文)+")     # a collection's piece marker, stray punctuation
_BREADCRUMB = re.compile(r"[>＞»›|｜/]")         # 首页>工作计划>正文党委宣传部: the last step is the name
_TOPIC_END = LazyRegex(lambda: rf"(?:{alternation(unit_config().get('names', {}).get('topic_end', ()))})工作$")
_YEAR_IN_NAME = re.compile(r"\d{4}\s*年")                                     # a date, never part of a name
# words of report prose that no unit's name holds (`[names] never_inside`): whatever path
# found a candidate, one holding them is a piece of a sentence (纷纷表示更加尽职尽责地做好法庭);
# the words of names that hold one (`[names] inside_words`: 中等专业学校) are read past first
_PROSE_IN_NAME = LazyRegex(lambda: (
    rf"(?:{alternation(unit_config().get('names', {}).get('inside_words', ())) or '(?!)'})"
    rf"|({alternation(unit_config().get('names', {}).get('never_inside', ())) or '(?!)'})"))


def _prose_in_name(unit: str) -> bool:
    """Whether `unit` holds a word of report prose (`[names] never_inside`)."""
    return any(m.group(1) for m in _PROSE_IN_NAME.finditer(unit))


# a post a name never ends in (`[names] posts`): 区委常委 is a person's seat, 县人大常委会 a unit
_POST_AT_END = LazyRegex(lambda: rf"(?:{alternation(unit_config().get('names', {}).get('posts', ())) or '(?!)'})$")


def shown_name(unit: str) -> str | None:
    """A found unit name as a supervisor will see it: without a collection's piece marker or
    stray punctuation in front (【篇一】交通运输局), without the work it does at the end (X镇党委
    宣传工作 -> X镇; XX宣传思想文化工作 names no unit), after a breadcrumb's last step, and None when it
    holds report prose or a date: a piece of a sentence is never shown as a unit
    (纷纷表示更加尽职尽责地做好法庭, 意识形态工作纳入学校, 2012年公司).

    >>> shown_name("【篇一】交通运输局"), shown_name("X镇党委宣传工作"), shown_name("意识形态工作纳入学校")
    ('交通运输局', 'X镇', None)
    """
    unit = _NAME_FRONT.sub("", _BREADCRUMB.split(unit)[-1])
    if len(unit) >= 4 and unit[-1] == unit[-2] and unit_type_of(unit[:-1]):
        unit = unit[:-1]        # 繁阳镇镇、村(居)开展…: the town, then its levels (镇、村); no name doubles its suffix
    topic = _TOPIC_END.search(unit)
    if topic:
        unit = _strip_party(unit[:topic.start()]) if unit_type_of(unit[:topic.start()]) else ""
    if (not unit or _prose_in_name(unit) or _YEAR_IN_NAME.search(unit) or _POST_AT_END.search(unit)
            or unit.startswith(tuple(unit_config().get("names", {}).get("never_start", ())))):
        return None
    return unit


def _is_area(name: str) -> bool:
    """A county, district or city known by name (双桥区, 含山县) and nothing more."""
    return name[-1:] in unit_config().get("self_forms", {}).get("area", ()) and name in _place_index()[0]


_COUNTY_LIKE = re.compile(r"[\u4e00-\u9fff]{2,4}[县区旗]")
_AT_WORK = LazyRegex(lambda: rf"(?:{_w('subject.topics')})工作")


def _area_at_work(m: re.Match, sentence: str) -> bool:
    """A county-like name the gazetteer lacks (松岭区, a district of a 地区) as the subject of its
    own ideology or publicity work (`2025年,松岭区宣传思想文化工作以…`): the area's report."""
    name = m.group(1)
    return bool(_COUNTY_LIKE.fullmatch(name) and not _is_generic(name) and not _false_name(name)
                and not name.startswith(tuple(words()["named"]["not_start"]))
                and _AT_WORK.match(sentence, m.end(1)))


def _first_body_unit(simple: str) -> tuple[str | None, bool, str | None]:
    """The first of `body_units` the last guard lets through; but a generic form (学校, from
    我校) gives way to a name of the same kind found further on (20xx学年度,滨河小学对外宣传工作在…,
    past an essay-like opening): a name the text states beats the generic form of a self-reference
    (of another kind only when the self-reference is an area's and the name is the subject
    named again and again)."""
    first = None
    for u, explicit, how in body_units(simple):
        if not shown_name(u):
            continue
        if explicit:
            if first is None or unit_type_of(u) == unit_type_of(first[0]):
                if u in _generic()[1] or (_LEVEL_ORGAN.match(u) and not _starts_with_place(u)):
                    # an organ of an unnamed level (县宣传部牵头…) in a piece about one area of
                    # that level, named again and again (尚义县迅速制定… 尚义县在…): the area's report
                    # … or to the same organ named in full (清溪镇文明办 … 镇文明办 … 清溪镇文明办)
                    area = _repeated_subject_unit(simple)
                    if area and ((_is_area(area) and u.startswith(area[-1])) or area.endswith(u)):
                        return area, True, how
                return u, explicit, how
            if (_main_self(simple) in unit_config().get("self_forms", {}).get("area", ())
                    and u == _repeated_subject_unit(simple)):
                # the generic of an area's self-reference (我市: 市委) gives way to a unit of
                # another kind acting again and again (交通集团开展… 交通集团在全市…): a city's
                # firm or school says 我市 too
                return u, explicit, how
            continue
        if first is None:
            if not _is_generic(u):
                return u, explicit, how
            first = (u, explicit, how)
    return first or (None, False, None)


_HEADLINE_MARKS = re.compile(r"[，。；,;：:！!？?、]")


def _headline_unit(simple: str) -> str | None:
    """A news item's headline, a short line before the body opening with a placed unit
    (`西安市碑林法院宣传信息工作受上级法院表彰`) that the body names again, in full, without its
    place (碑林法院党组高度重视…) or by its level and kind (辽源市地税局 … 市局): the item's unit,
    though its first sentence's subject is whoever commended it (西安市中级人民法院发文表彰…)."""
    lines = [t for t in (x.strip() for x in simple[:400].split("\n")) if t]
    for line in lines[:3]:
        if len(line) > 40 or _HEADLINE_MARKS.search(line):
            break           # the body has begun: a short line after it is a caption
        if len(line) < 8:
            continue
        after = simple.find(line) + len(line)       # the body after the headline (counted in place, not copied)
        for end in range(min(len(line) - 2, 20), 3, -1):       # the longest name the body repeats
            u = line[:end]
            if (line[end - 1] not in _name_ends() or _named_unit(u) != u or not _anchored(u)
                    or _splits_word(line, end) or _prose_in_name(u) or _opens_with_action(u) or not shown_name(u)):
                continue
            place = _area_prefix(u)
            short = u[place:]
            # …or by its level and its kind's last character (辽源市地税局 … 辽源市局结合…, 根据市局建议: ad04)
            level = u[place - 1] + u[-1] if 2 <= place < len(u) - 2 and u[place - 1] in "省市县区州旗" else ""
            if (simple.count(u, after) + (simple.count(short, after) if len(short) >= 3 and unit_type_of(short) else 0)
                    + (simple.count(level, after) if level else 0)) >= 2:
                return u
    return None


def _masked_full_form(unit: str, simple: str) -> str:
    """A subject that is a mask alone (`x严格落实…`, `*始终坚持…`) by the masked name the text
    gives it elsewhere, with its kind (`紧紧围绕x党工委工作大局`, `x党工委自觉把…`: x党工委), the most
    frequent such form if the text gives it twice (a mask also stands for numbers and other
    places: ×篇, ×村); else the mask as written."""
    if not re.fullmatch(_ANON, unit):
        return unit
    forms = Counter(f for f in re.findall(re.escape(unit) + r"([\u4e00-\u9fff]{1,6})", simple[:6000])
                    for f in [_unit_prefix(f)] if f)
    best = forms.most_common(1)
    return unit + best[0][0] if best and best[0][1] >= 2 else unit


def _unit_prefix(run: str) -> str | None:
    """The shortest start of `run` that ends in a listed unit suffix (党工委工作大局 -> 党工委)."""
    for end in range(1, len(run) + 1):
        if unit_type_of(run[:end]) and _suffix_len(run[:end]) == end:
            return run[:end]
    return None


def _self_units(simple: str, suffix: str, anon_level: str | None) -> Iterator[tuple[str, bool, str]]:
    """The names a self-reference (我局, 我镇 …) points at, best first, then its generic form."""
    names = named_units(simple, suffix)
    # of the self-reference's kind: 我区 is a district, so …社区 is no name of it; an area
    # speaking of itself (我县) may be named by the area alone (含山县)
    kinds = set(unit_config()["self"].get("我" + suffix, [None])[1:])
    area = suffix in unit_config().get("self_forms", {}).get("area", ())
    if kinds:
        names = Counter({u: n for u, n in names.items()
                         if unit_type_of(u) in kinds or (area and unit_type_of(u) is None)})
    if suffix not in words()["named"]["local_selves"]:
        # `…局` after a verb (`统筹推进局系统`) is no name: want a place prefix or repetition
        names = Counter({u: n for u, n in names.items()
                         if n >= 2 or re.match(r"[省市县区州旗]", u) or _starts_with_place(u)
                         or (len(u) >= 4 and _suffix_len(u) >= 2)})      # 我行 … 滨海支行
    tails = Counter(u[-len(suffix) - 1:] for u in names)
    shared = [t for t, n in tails.items() if n >= 2 and len(names) >= 2]
    if shared and suffix in words()["named"]["shared_name_selves"]:
        # 美丽侯村、幸福侯村、百年侯村: the words before the name vary, the name is what they share
        yield shared[0], True, "body"
    if names:
        def score(kv):
            name, n = kv
            placed = bool(re.match(r"[省市县区镇乡]", name) or _starts_with_place(name))
            return n + 2 * placed - 0.5 * (len(name) > 6)
        best = max(names.items(), key=score)[0]
        yield best, True, "body"
    generic = unit_config()["self"].get("我" + suffix, [suffix])[0]
    yield (anon_level or "") + generic, False, "body"


def body_units(simple: str) -> Iterator[tuple[str, bool, str]]:
    """(unit, explicit, how) from the opening sentence, self-references and signatures, best
    first: the caller takes the first that `shown_name` lets through, so a path that found a
    piece of a sentence (院党委书记褚茂平等医院) gives way to the next instead of to nothing."""
    head = _headline_unit(simple)
    if head:
        yield head, not _anonymised(head), "body"
    first = _ADDRESSEE.sub("", simple[:600])[:500]
    m = None
    for sentence in _first_sentences(first):     # an essay-like opening, a caption may come first
        m = _SUBJECT.match(sentence)
        if m and not _MASKED_DATE.match(m.group(1)) and (re.search(_ANON, m.group(1)) or unit_type_of(m.group(1))
                                                          or _is_area(m.group(1)) or _area_at_work(m, sentence)):
            break
        m = None
    anon_level = None
    if m and (_is_area(m.group(1)) or _area_at_work(m, sentence)):
        yield m.group(1), True, "body"      # 近年来,双桥区积极加强…: the area's own bodies report
    if m:
        cand = m.group(1)
        if re.search(_ANON, cand):
            level = re.match(r"^(?:中共)?([省市县区镇乡])", cand)
            anon_level = level.group(1) if level else None
            if unit_type_of(cand) or _MASKED_LOCAL.search(cand):
                yield _strip_party(cand), False, "body"
        elif unit_type_of(cand) and not _false_name(cand) and not re.search(r"[我本]", cand):
            core = _strip_party(cand)
            if not _is_generic(core) or core in _generic()[1]:
                yield _full_form(core, simple), True, "body"
            if not _has_self(simple):   # `公司党委认真…` and no 我X: the generic word is all there is
                # … unless the text names it in full elsewhere (临商银行朱保支行 … 支行历来高度重视)
                full = _clause_initial_unit(first)
                if full and full.endswith(core):
                    yield _full_form(full, simple), not _anonymised(full), "body"
                yield core, False, "body"
    named = (_title_like_opening(first) or _own_document_unit(simple[:3000]) or _clause_subject_unit(first)
             or _abbreviated_unit(simple[:1500]) or _speaker_unit(simple[:1500]))
    if named:
        yield named, not _anonymised(named), "body"
    suffix = _main_self(simple)
    # an area's self-reference said once (加大我县平安创建工作力度, 表彰我省…先进个人) in a piece whose
    # subject is a named body: a name opening a clause comes first (ag01)
    weak = bool(suffix) and suffix in unit_config().get("self_forms", {}).get("area", ()) \
        and Counter(_self_refs(simple))[suffix] == 1
    if suffix and not weak:
        yield from _self_units(simple, suffix, anon_level)
    if m and re.search(_ANON, m.group(1)):
        yield _masked_full_form(_strip_party(m.group(1)), simple), False, "body"
    named = _clause_initial_unit(first)
    if named:
        yield _full_form(named, simple), not _anonymised(named), "body"
    if weak:
        yield from _self_units(simple, suffix, anon_level)
    named = _timed_clause_unit(simple) or _dated_subject_unit(simple) or _repeated_subject_unit(simple)
    if named:
        yield named, not _anonymised(named), "body"
    # last, a town's or village's own name opening a clause of the first sentences, named once
    # (近期,易家渡镇多措并举…; …开展,近日,双龙镇举行了…)
    named = _clause_initial_unit(first, local=True) or _opened_area(first)
    if named:
        yield named, not _anonymised(named), "body"


_OPENED_CLAUSE = LazyRegex(lambda: rf"(?:^|(?<=[，,。；;]))\s*(?:{_w('clause.openers')})[，,]\s*([\u4e00-\u9fff]{{2,24}})")


def _opened_area(opening: str) -> str | None:
    """A county- or city-level area opening the clause after a time opener in the first
    sentences (`按照…的原则,今年以来,安阳市文峰区多层次…展开了政法综治宣传工作`): the area's
    own report, though it names itself once. Last resort, as a town's own name is."""
    for sentence in _first_sentences(opening):
        for m in _OPENED_CLAUSE.finditer(sentence):
            area = _area_subject(m.group(1))
            if area:
                return area
    return None


_AFFILIATION = re.compile(r"^([^,，;；]{3,30})[,，]\s*[^()（）]{0,30}?\d{6}$")    # ends in a postcode


def unit_from_signature(simple: str) -> tuple[str | None, bool]:
    """(unit, explicit) from a signature block at the end (`中共XX县审计局党组\n2021年12月20日`)
    or a by-line under the title (`中共盐池县审计局党组` alone on one of the first lines, or a
    journal article's affiliation with its postcode).
    An anonymised name (`XX县审计局`) keeps its form and is not explicit."""
    _, signer, _ = signature_block(simple)
    if signer is None:
        for line in simple.split("\n")[:2]:
            t = line.strip().strip("()（）")
            # a journal article's affiliation under its author: (宁夏职业技术学院,宁夏回族自治区 银川 750021)
            aff = _AFFILIATION.match(t)
            t = aff.group(1) if aff else t
            if _signer(t):
                signer = t
                break
    if signer is None:
        # a speech's by-line under its title: the speaker's unit, then the speaker (黄梅镇中心学校 刘国栋老师)
        # (the cleaner joins the two: 黄梅镇中心学校刘国栋老师), the speaker named with a post or 同志/老师
        for line in simple[:600].split("\n")[:8]:
            m = _SPEAKER_LINE.match(line.strip())
            head = m.group(1) if m else ""
            unit = next((u for u in (head[:-n].rstrip(" \t\u3000") for n in (3, 2)) if _signer(u)), None)
            if unit:
                signer = unit
                break
    if signer is None:
        return None, False
    unit = _strip_party(signer)
    return unit, not _anonymised(unit)


_SPEAKER_LINE = LazyRegex(lambda: rf"^([\u4e00-\u9fff]{{3,24}}[ \t\u3000]*[\u4e00-\u9fff]{{2,3}})(?:{_w('title.posts')}|同志|老师)$")


_NOT_A_UNIT_FILE = LazyRegex(lambda: rf"{_w('title.not_a_unit_file')}|\d{{3}}")


_SITE_OWNER = LazyRegex(lambda: rf"(?:{_w('signature.site_greeting')})\s*([\u4e00-\u9fff]{{3,24}}?)\s*(?:{_w('signature.site_kind')})")


_BYLINE = LazyRegex(lambda: (
    r"(?m)^[ \t\u3000]*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)[ \t\u3000]*(?:\d{1,2}:\d{2}(?::\d{2})?)?"
    rf"[ \t\u3000]*(?:(?:{_w('signature.byline_labels')})[:：][ \t\u3000]*)?([\u4e00-\u9fff]{{3,24}})[ \t\u3000]*$"
    # or the label first, anywhere on a line (来源:威海市立医院 发布时间: 2020年12月30日)
    rf"|(?:{_w('signature.byline_labels')})[:：][ \t\u3000]*([\u4e00-\u9fff]{{3,24}})(?=[ \t\u3000]|$)"))


def site_owner(header: str, generic: str, opening: str = "") -> str | None:
    """The unit whose own site the page is, as its greeting names it (`欢迎访问文山州中医医院
    官方网站`) or a news item's byline under its headline (`2013-12-30 15:04南宁市第二人民医院`, a line
    the cleaner drops as a date line; `来源:威海市立医院 发布时间:…`; `opening` is the report's text
    before cleaning), when it is of the kind the report's self-reference says (我院 -> …院): a
    document site's greeting (欢迎来到天天文库) or a news site's byline (来源:大众网) names no unit
    of that kind."""
    m = _SITE_OWNER.search(header)
    names = [m.group(1)] if m else []
    names += [b.group(1) or b.group(2) for b in _BYLINE.finditer(header[-600:] + "\n" + opening[:600])]
    for name in names:
        if generic and name.endswith(generic) and unit_type_of(name) and not _is_generic(name) and shown_name(name):
            return name
    return None


def unit_from_path(path: str) -> tuple[str | None, int | None]:
    """Folder layout `…/2021/县政府办公室.docx`: (unit from the file stem, year from a folder)."""
    p = PurePath(path)
    year = None
    for part in reversed(p.parts[:-1]):
        m = re.fullmatch(rf"({_YEAR})\s*年?(度)?", part)
        if m:
            year = int(m.group(1))
            break
    stem = re.sub(r"[\s_\-]+", "", p.stem)
    unit = None
    if year and not _NOT_A_UNIT_FILE.search(stem) and unit_type_of(stem):
        unit = _strip_party(stem)
    return unit, year
