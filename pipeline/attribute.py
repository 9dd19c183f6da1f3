"""Stage 5 - attribute: who reported, for which year and period, from where.

Every value comes with its source, strongest first:
manifest > path (folder layout `2021/县政府办公室.docx`) > title > body > publish_date.
Rules read the simplified copy (same length as the cleaned text, so offsets agree).
Domain lists live in `pipeline/data/` (unit_types.toml, regions_extra.txt, region_exclude.txt).
"""
from __future__ import annotations

import functools
import os
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from .config import data_file

_YEAR = r"(?:19[89]\d|20[0-4]\d)"
_ANON = r"[*＊×Xx某_\-—－]{1,6}"   # removed names: 市***党组, --社区, XX县, 某局


@dataclass
class Attribution:
    title: str | None = None
    unit: str | None = None
    unit_explicit: bool = False
    unit_type: str = "其他"
    region: str | None = None
    year: int | None = None
    period: str | None = None
    is_report: bool = True
    publish_date: date | None = None
    sources: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- domain data
@functools.lru_cache(maxsize=1)
def unit_config() -> dict:
    with open(data_file("unit_types.toml"), "rb") as fh:
        return tomllib.load(fh)


@functools.lru_cache(maxsize=1)
def _suffix_types() -> list[tuple[str, str]]:
    pairs = [(s, t) for t, spec in unit_config()["types"].items() for s in spec["suffixes"]]
    return sorted(pairs, key=lambda p: -len(p[0]))


def unit_type_of(unit: str | None) -> str | None:
    """Type from the unit's suffix; the longest suffix wins.

    >>> unit_type_of("县公安局"), unit_type_of("敖泉镇"), unit_type_of("市安监局")
    ('政法', '乡镇街道', '党政机关')
    """
    if not unit:
        return None
    u = re.sub(r"(党组|党委|党支部|党总支|党工委|机关党委)$", "", unit) or unit
    for suffix, typ in _suffix_types():
        if u.endswith(suffix):
            return typ
    return None


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


def _lines(path: str) -> list[str]:
    return [l.strip() for l in open(data_file(path), encoding="utf-8") if l.strip() and not l.startswith("#")]


@functools.lru_cache(maxsize=1)
def gazetteer() -> re.Pattern:
    """Region names: jieba's own `ns` words with an administrative suffix + regions_extra.txt."""
    import jieba

    names = set(_lines("regions_extra.txt"))
    exclude = set(_lines("region_exclude.txt"))
    dict_path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    suffix = re.compile(r"(省|自治区|市|地区|自治州|州|盟|县|自治县|区|旗)$")
    with open(dict_path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "ns":
                w = parts[0]
                m = suffix.search(w)
                if (m and len(w) - len(m.group()) >= 2 and not re.match(r"[一二三四五六七八九十东西南北中新老]", w[0])
                        and not re.search(r"(城市|城区|市区|山区|库区|地区|特区|新区|园区|景区)$", w)):
                    names.add(w)
    names -= exclude
    alt = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(f"(?:{alt})")


_LEVEL = {"省": 0, "自治区": 0, "市": 1, "地区": 1, "自治州": 1, "州": 1, "盟": 1, "县": 2, "自治县": 2, "区": 2, "旗": 2}


def _level(name: str) -> int:
    for suf in ("自治区", "自治州", "自治县", "地区"):
        if name.endswith(suf):
            return _LEVEL[suf]
    return _LEVEL.get(name[-1], 3)


# ---------------------------------------------------------------- year & period
_PUBLISH = re.compile(rf"(?:发布|发表|发布于|更新|日期|时间)[^\n\d]{{0,8}}({_YEAR})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})")


def publish_date(header: str) -> date | None:
    """The page's publish date from its header lines (`发布时间:2018-11-12`)."""
    m = _PUBLISH.search(header)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def year_from_title(title: str | None) -> int | None:
    """`行署办公室2018年度…总结` -> 2018; `20__年` (a blank) -> None."""
    if not title:
        return None
    m = re.search(rf"(?<!\d)({_YEAR})(?!\d)(?!\s*年?(?:以来|至|-|—|到))", title)
    return int(m.group(1)) if m else None


_MULTI_YEAR = re.compile(rf"近年来|近[两二三四五几]年|{_YEAR}\s*年?以来|{_YEAR}\s*[-—~至到]\s*{_YEAR}|[一二三四五]年来|历年来")
_HALF = re.compile(r"上半年|半年来|半年以来|半年工作|1\s*[-—~至到]\s*6\s*月|一至六月|前半年|年中")
_QUARTER = re.compile(r"第?[一二三四1-4]季度|前三季度")
_THIS_YEAR = re.compile(r"今年|本年度?|一年来|年初以来|全年")
_INTRO_CUE = re.compile(r"现将[^。]{0,60}?(?:如下|汇报|报告)|[^。]{0,60}总结如下|[^。]{0,40}汇报如下")


def body_year(simple: str) -> int | None:
    """A year the body says it covers: `2018年,…` at the start, `2020年上半年`, or a plan
    document of the year (`《2021年…工作要点》`). `2015年以来` is a starting point, not a year."""
    opening = simple[:400]
    for m in re.finditer(rf"({_YEAR})\s*年(度)?(?!以来|以前|前|底前|至|到|-)", opening):
        return int(m.group(1))
    m = re.search(rf"《[^》]{{0,10}}?({_YEAR})\s*年度?[^》]{{0,30}}(要点|计划|方案|安排|总结)》", simple)
    if m:
        return int(m.group(1))
    return None


def period_of(title: str | None, simple: str) -> str | None:
    intro_end = simple.find("\n") if 0 < simple.find("\n") < 600 else 400
    intro = simple[: max(intro_end, 120)]
    cue = _INTRO_CUE.search(simple[:2500])
    for text in filter(None, [title, cue.group() if cue else None, intro]):
        if _QUARTER.search(text):
            return "quarter"
        if _HALF.search(text):
            return "half_year"
    if _MULTI_YEAR.search(intro) and not _THIS_YEAR.search(intro):
        return None
    return "full_year"


# ---------------------------------------------------------------- unit
_SUBJECT = re.compile(
    r"^(?:[^，。,\n]{0,30}?(?:以来|以來|期间|来)[，,]\s*)?(?:在[^。]{1,80}?(?:下|中)[，,]\s*)?"
    rf"((?:中共)?(?:[\u4e00-\u9fff]|{_ANON}){{2,20}}?)"
    r"(?:党组|党委|党支部|党总支|党工委)?(?:班子)?"
    r"(?:认真|坚持|始终|深入|紧紧|严格|全面|切实|高度|积极|把|以|按照|围绕|牢固|紧扣|着力|不断|进一步|结合|狠抓|聚焦|扎实|坚决)"
)
_BOUNDARY = r"(?:^|(?<=[，。、；：,;:\s“”\"《（(是的和与及为将把向由对在])|(?<=由于)|(?<=作为)|(?<=现将))"
_SELF = re.compile(r"我(局|办|委|厅|部|处|所|中心|镇|乡|街道|社区|村|校|院|公司|集团|行)")
_GENERIC_UNITS = {"单位", "部门", "机关", "办公室", "党组", "党委", "支部", "党支部", "领导班子", "班子", "全局", "全办",
                  "全镇", "局", "办", "镇", "乡", "委", "市委", "县委", "区委", "省委", "政府", "市政府", "县政府",
                  "区政府", "宣传部", "市委宣传部", "县委宣传部", "区委宣传部"}


def _strip_party(unit: str) -> str:
    return re.sub(r"^中共", "", re.sub(r"(党组|党委|党支部|党总支|党工委)$", "", unit)) or unit


def unit_from_title(title: str | None) -> str | None:
    """`行署办公室2018年度思想宣传及意识形态工作总结` -> `行署办公室`."""
    if not title:
        return None
    t = re.sub(r"^(关于|中共)", "", title.strip())
    m = re.match(rf"^(.{{2,24}}?)(?:{_YEAR}|20__|关于|落实|意识形态|思想宣传|宣传思想|年度|上半年|下半年|党建|\s)", t)
    if not m:
        return None
    cand = _strip_party(m.group(1).strip(" 、,，"))
    if unit_type_of(cand) and cand not in _GENERIC_UNITS and not re.search(_ANON, cand):
        return cand
    return None


def _expand(unit: str, simple: str) -> str:
    """Prefer the fuller form the body uses: title `政协机关` + body `县政协机关`."""
    m = Counter(re.findall(rf"([\u4e00-\u9fff]{{1,6}}?){re.escape(unit)}", simple))
    for prefix, _ in m.most_common():
        for k in range(len(prefix)):
            pre = prefix[k:]
            if pre in ("省", "市", "县", "区", "州", "旗", "镇", "乡") or gazetteer().fullmatch(pre):
                return pre + unit
    return unit


def named_units(simple: str, suffix: str) -> Counter:
    """Named units ending in `suffix` (from a self-reference 我局 -> …局), counted."""
    out: Counter = Counter()
    for m in re.finditer(rf"{_BOUNDARY}([\u4e00-\u9fff]{{1,10}}?{re.escape(suffix)})(?![\u4e00-\u9fff]{{0,1}}(?:的正确领导|领导下))", simple):
        u = re.split(r"[在对把将为与和及的是由于向从被了给让使]", m.group(1))[-1]
        core = u[: -len(suffix)]
        if (len(core) >= 2 and u not in _GENERIC_UNITS and not _false_name(u) and not re.search(r"[我本]|全" + suffix + "$", u)
                and not re.match(r"^(全|各|该|此|其|每|一|两|二|三|上级|下属|相关|有关|基层)", u)):
            out[u] += 1
    return out


def unit_from_body(simple: str) -> tuple[str | None, bool, str | None]:
    """(unit, explicit, how) from the opening sentence, self-references and signatures."""
    first = simple[:300]
    m = _SUBJECT.match(first)
    anon_level = None
    if m:
        cand = m.group(1)
        if re.search(_ANON, cand):
            level = re.match(r"^(?:中共)?([省市县区镇乡])", cand)
            anon_level = level.group(1) if level else None
            if unit_type_of(cand) or re.search(r"社区|村|镇|街道", cand):
                return _strip_party(cand), False, "body"
        elif unit_type_of(cand) and cand not in _GENERIC_UNITS and not _false_name(cand) and not re.search(r"[我本]", cand):
            return _strip_party(cand), True, "body"
    selfs = Counter(_SELF.findall(simple))
    if selfs:
        suffix = selfs.most_common(1)[0][0]
        names = named_units(simple, suffix)
        if suffix not in ("镇", "乡", "街道", "社区", "村"):
            # `…局` after a verb (`统筹推进局系统`) is no name: want a place prefix or repetition
            names = Counter({u: n for u, n in names.items()
                             if n >= 2 or re.match(r"[省市县区州旗]", u) or gazetteer().match(u)})
        if names:
            def score(kv):
                name, n = kv
                placed = bool(re.match(r"[省市县区镇乡]", name) or gazetteer().match(name))
                return n + 2 * placed - 0.5 * (len(name) > 6)
            best = max(names.items(), key=score)[0]
            return best, True, "body"
        generic, _ = unit_config()["self"].get("我" + suffix, [suffix, None])
        return (anon_level or "") + generic, False, "body"
    if m and re.search(_ANON, m.group(1)):
        return _strip_party(m.group(1)), False, "body"
    return None, False, None


def unit_from_signature(simple: str) -> str | None:
    """A signature block at the end: `中共XX县审计局党组\\n2021年12月20日`."""
    tail = simple.strip().split("\n")[-3:]
    for line in reversed(tail):
        line = line.strip()
        if 3 <= len(line) <= 30 and not re.search(r"[，。；,;]", line) and unit_type_of(line) \
                and not re.search(r"\d", line):
            return _strip_party(line)
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
    if year and not re.search(r"总结|报告|汇报|意识形态|\d{3}", stem) and unit_type_of(stem):
        unit = _strip_party(stem)
    return unit, year


# ---------------------------------------------------------------- region
def region_of(unit: str | None, title: str | None, simple: str) -> str | None:
    gaz = gazetteer()
    for text in (unit, title):
        if text:
            hits = gaz.findall(text)
            if hits:
                return "".join(dict.fromkeys(hits))[:20]
    counts = Counter(gaz.findall(simple))
    if not counts:
        return None
    # The most mentioned name; a city and a county it names both -> `吴忠市盐池县`.
    best = max(counts.items(), key=lambda kv: (kv[1], -simple.find(kv[0])))[0]
    if _level(best) == 2:
        upper = [n for n in counts if _level(n) == 1 and simple.find(n + best) >= 0]
        if upper:
            return upper[0] + best
    return best


# ---------------------------------------------------------------- all together
def attribute(title: str | None, simple: str, path: str, header: str = "",
              manifest: dict | None = None) -> Attribution:
    """Attribute one report. `simple` is the report body in simplified characters,
    `header` the file's text before the body (publish dates live there)."""
    a = Attribution(title=title)
    manifest = {k: v for k, v in (manifest or {}).items() if v not in (None, "")}
    stitle = title
    a.sources["title"] = "title" if title else "none"
    a.publish_date = publish_date(header)

    # year
    path_unit, path_year = unit_from_path(path)
    for value, source in ((manifest.get("year"), "manifest"), (path_year, "path"), (year_from_title(stitle), "title"),
                          (year_from_title(PurePath(path).stem), "path"), (body_year(simple), "body")):
        if value:
            a.year, a.sources["year"] = int(value), source
            break
    if a.year is None and a.publish_date and _THIS_YEAR.search(simple[:600]):
        a.year, a.sources["year"] = a.publish_date.year, "publish_date"

    # period
    if manifest.get("period"):
        a.period, a.sources["period"] = manifest["period"], "manifest"
    else:
        a.period = period_of(stitle, simple)
        if a.period == "full_year" and a.year is None and not _THIS_YEAR.search(simple[:600]):
            a.period = None
        a.sources["period"] = "title/body" if a.period else "none"

    # unit
    if manifest.get("unit"):
        a.unit, a.unit_explicit, a.sources["unit"] = manifest["unit"], True, "manifest"
    elif path_unit:
        a.unit, a.unit_explicit, a.sources["unit"] = path_unit, True, "path"
    else:
        u = unit_from_title(stitle)
        if u:
            a.unit, a.unit_explicit, a.sources["unit"] = _expand(u, simple), True, "title"
        else:
            sig = unit_from_signature(simple)
            if sig:
                a.unit, a.unit_explicit, a.sources["unit"] = sig, True, "signature"
            else:
                u, explicit, how = unit_from_body(simple)
                if u:
                    a.unit, a.unit_explicit, a.sources["unit"] = (_expand(u, simple) if explicit else u), explicit, how
    if a.unit is None:
        a.sources["unit"] = "none"

    # unit type
    if manifest.get("unit_type"):
        a.unit_type, a.sources["unit_type"] = manifest["unit_type"], "manifest"
    else:
        typ = unit_type_of(a.unit)
        if typ:
            a.unit_type, a.sources["unit_type"] = typ, "unit"
        else:
            kw = unit_config()["keywords"]
            scores = {t: sum(simple.count(w) for w in words) for t, words in kw.items()}
            best = max(scores.items(), key=lambda kv: kv[1])
            a.unit_type, a.sources["unit_type"] = (best[0], "keywords") if best[1] >= 5 else ("其他", "none")

    # region
    if manifest.get("region"):
        a.region, a.sources["region"] = manifest["region"], "manifest"
    else:
        a.region = region_of(a.unit if a.unit_explicit else None, stitle, simple)
        a.sources["region"] = "text" if a.region else "none"

    # an essay about ideology work in general names no unit and speaks of no "we"
    a.is_report = bool(a.unit) or bool(_SELF.search(simple)) or bool(_INTRO_CUE.search(simple[:3000]))
    return a
