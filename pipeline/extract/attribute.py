"""Stage 5 - attribute: who reported, for which year and period, from where.

Every value comes with its source, strongest first:
manifest > path (folder layout `2021/县政府办公室.docx`) > title > body > publish_date.
Rules read the simplified copy (same length as the cleaned text, so offsets agree).
Domain lists live in `pipeline/data/` (unit_types.toml, attribution.toml, regions_extra.txt,
region_exclude.txt); the regexes keep the structure and join those words in (`_w`).

This module decides; the finding is done in four modules imported one way,
attribution_base <- places <- units <- years <- attribute:
`units` (each path that finds a unit's name, and `shown_name`, the last guard), `years`
(year and period), `places` (the gazetteer), `attribution_base` (the rules files and the
patterns all of them share). Here: the manifest's values, the order the paths are tried in,
the unit type from context when no name says it, the region, and whether the text reads as
a report at all.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from pipeline.rules import LazyRegex
from pipeline.text.script import to_simplified
from pipeline.rules import load as load_rules
from pipeline.extract.attribution_base import unit_config, UNIT_TYPES, words, _ANON, _lines, _w, _YEAR
from pipeline.extract.places import find_places, _jieba_places, _level, _starts_with_place
from pipeline.extract.units import (
    generic_unit_from_title, shown_name, site_owner, unit_from_path, unit_from_signature,
    unit_from_title_any, unit_type_of, spelled_out, _anonymised, _expand, _first_body_unit, _has_self, _is_generic,
    _main_self, _strip_party, _title_core, _area_prefix)
from pipeline.extract.years import (
    body_year, multi_year, period_of, preamble_title, publish_date, reference_date, reviewed_year,
    unmasked_title_year, year_from_title, _INTRO_CUE, _opening, _RELATIVE_YEAR, _THIS_YEAR, _YEARLY)


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


# ---------------------------------------------------------------- region
@functools.lru_cache(maxsize=1)
def _short_counties() -> frozenset[str]:
    """One-character counties (泗县, 沛县, 歙县) from jieba's `ns` words. Too short to look
    for in running text (外县, 产粮大县), they are only trusted opening a unit or a title."""
    return _jieba_places()[1] - set(_lines("region_exclude.txt"))


def region_of(unit: str | None, title: str | None, simple: str) -> str | None:
    for text in (unit, title):
        if text:
            hits = find_places(text)
            if hits:
                return "".join(dict.fromkeys(hits))[:20]
            if text[:2] in _short_counties():
                return text[:2]
    counts = Counter(find_places(simple))
    if not counts:
        return None
    # The most mentioned name; a city and a county it names both -> `吴忠市盐池县`.
    best = max(counts.items(), key=lambda kv: (kv[1], -simple.find(kv[0])))[0]
    if _level(best) == 2:
        upper = [n for n in counts if _level(n) == 1 and simple.find(n + best) >= 0]
        if upper:
            return upper[0] + best
    return best


# ---------------------------------------------------------------- manifest values
def _manifest_words() -> dict:
    """{'periods': period -> words, 'unit_types': type -> words} (data/manifest_values.toml)."""
    return load_rules("manifest_values.toml")


def manifest_values(row: dict | None) -> dict:
    """A manifest row as typed values; blanks and values that cannot be read are dropped
    (`2021年` -> 2021, `上半年` -> half_year, `乡镇` -> 乡镇街道)."""
    out: dict = {}
    for k, v in (row or {}).items():
        v = str(v).strip() if v is not None else ""
        if not v:
            continue
        if k == "year":
            m = re.search(_YEAR, v)
            if m:
                out["year"] = int(m.group())
        elif k == "period":
            low = v.lower()
            for period, words in _manifest_words()["periods"].items():
                if low in words:
                    out["period"] = period
                    break
        elif k == "unit_type":
            if v in UNIT_TYPES:
                out["unit_type"] = v
            else:
                out["unit_type"] = next((t for t, words in _manifest_words()["unit_types"].items() if v in words),
                                        unit_type_of(v) or "其他")
        elif k in ("unit", "region"):
            out[k] = v
    return out


def _type_for_generic(simple: str) -> str | None:
    """Type implied by the report's self-reference (我院, 我行, 我校) when it never names
    itself; an ambiguous one (我院: 医院, 法院/检察院 or 学院) is settled by keywords."""
    suffix = _main_self(simple)
    if not suffix:
        return None
    spec = unit_config()["self"].get("我" + suffix)
    if not spec:
        return None
    candidates = spec[1:]
    if len(candidates) > 1:
        kw = unit_config()["keywords"]
        scores = {t: sum(simple.count(w) for w in kw.get(t, ())) for t in candidates}
        best = max(candidates, key=lambda t: (scores[t], -candidates.index(t)))
        return best
    return candidates[0] if candidates else None


def _context_scores(simple: str) -> list[tuple[int, str]]:
    """(cues, type) for each kind in `[context.cues]`, most cues first."""
    cues = unit_config().get("context", {}).get("cues", {})
    return sorted(((sum(simple.count(w) for w in words), t) for t, words in cues.items()), reverse=True)


def context_type(simple: str) -> str | None:
    """The kind of unit the text's people and work speak of (员工, 全行, 患者…) for a report
    that names no unit: `min_score` cues, leading the next kind by `min_lead`."""
    ctx = unit_config().get("context", {})
    ranked = _context_scores(simple)
    if not ranked:
        return None
    (top, typ), second = ranked[0], (ranked[1][0] if len(ranked) > 1 else 0)
    if top < ctx.get("override_score", 5) and any(w in simple for w in ctx.get("area", ())):
        return None
    return typ if top >= ctx.get("min_score", 2) and top - second >= ctx.get("min_lead", 1) else None


_LEVEL_START = LazyRegex(lambda: rf"(?:{_w('places.bare_levels')})")


def context_override(unit: str | None, typ: str | None, simple: str) -> str | None:
    """An office-like name that says nothing of its parent body (平高电气研发中心, 政治部宣传处,
    总行机关, 水电基础局) typed 党政机关 by its suffix: the text's cues decide when one kind
    has `override_score` of them and twice the next. A name that opens with a place (市交通
    运输局, 区委统战部) is a government office and keeps its type."""
    if typ != "党政机关" or not unit:
        return None
    ctx = unit_config().get("context", {})
    core = _strip_party(unit)
    if not core.endswith(tuple(ctx.get("override_suffixes", ()))) or _anonymised(core):
        return None
    if _LEVEL_START.match(core) or _starts_with_place(core):
        return None
    ranked = _context_scores(simple)
    if not ranked:
        return None
    (top, best), second = ranked[0], (ranked[1][0] if len(ranked) > 1 else 0)
    return best if top >= ctx.get("override_score", 5) and top >= 2 * second else None


def _reads_as_report(unit: str | None, simple: str, work_done: bool = False) -> bool:
    """One unit's report rather than an essay about ideology work in general: it names a
    unit, speaks of a "we" (我局, 本镇), announces itself (现将…汇报如下) or counts work done
    (`work_done`: an activity metric was found; an essay counts nothing)."""
    return bool(unit) or work_done or _has_self(simple) or bool(_INTRO_CUE.search(simple[:3000]))


# a title that ends in a report's kind (第二季度意识形态领域分析研判报告): a unit's report, though
# its text names nobody
_REPORT_TITLE = LazyRegex(lambda: rf"(?:{_w('title.unit_report_kinds')})$")


# ---------------------------------------------------------------- all together
# a unit that is only a party body (XX党委 once the name is masked, ***党组)
_BARE_PARTY_BODY = LazyRegex(lambda: rf"(?:机关)?(?:{_w('party.bodies')})?")


def attribute(title: str | None, simple: str, path: str, header: str = "",
              manifest: dict | None = None, collection_title: str | None = None,
              work_done: bool = False, opening: str = "", title_lines: tuple[str, ...] = ()) -> Attribution:
    """Attribute one report. `simple` is the report body in simplified characters,
    `header` the file's text before the body (publish dates live there), `opening` the
    report's own start before cleaning (a news item's byline lives there; simplified here, when read),
    `title_lines` the title-like lines above the body, as written (a combined title holding the
    chosen one: `区文化和旅游局2021年工作总结及2022年工作计划` over `2021年工作总结`; simplified here, when read),
    `collection_title` the heading of the collection page the report is part of, if any
    (`2021年意识形态工作总结8篇`: its year holds for parts whose own title has none),
    `work_done` whether activity counts were found in it (a report, not an essay)."""
    a = Attribution(title=title)
    manifest = manifest_values(manifest)
    stitle = title
    a.sources["title"] = "title" if title else "none"
    a.publish_date = publish_date(header)

    # year: manifest > path > title > file name > body > collection heading > today's words
    # read against a date
    path_unit, path_year = unit_from_path(path)
    announced = preamble_title(header) if not stitle else None
    for value, source in ((manifest.get("year"), "manifest"), (path_year, "path"), (year_from_title(stitle), "title"),
                          (unmasked_title_year(stitle, header), "title"),
                          (year_from_title(PurePath(path).stem), "path"), (body_year(simple), "body"),
                          (year_from_title(collection_title), "title"), (year_from_title(announced), "title")):
        if value:
            a.year, a.sources["year"] = int(value), source
            break
    if a.sources.get("year") in ("title", "body") and reviewed_year(simple, a.year) \
            and period_of(stitle or announced, simple) not in ("half_year", "quarter"):
        # also a body's year: 召开2022年度…工作会…回顾总结了2021年全院宣传思想工作 (a meeting's
        # report); not a half-year's summary that mentions the year's opening meeting (f23)
        a.year, a.sources["year"] = a.year - 1, "body"
    if a.year is None and _RELATIVE_YEAR.search(simple[:600]) and not multi_year(simple):
        ref, source = reference_date(simple, header)
        if ref:
            # a summary dated in January looks back on the year just ended
            a.year, a.sources["year"] = (ref.year - 1 if ref.month == 1 else ref.year), source

    if a.year is None:
        a.sources["year"] = "none"

    # period
    if manifest.get("period"):
        a.period, a.sources["period"] = manifest["period"], "manifest"
    else:
        a.period = period_of(stitle or announced, simple)
        if (a.period == "full_year" and a.year is None and not _THIS_YEAR.search(simple[:600])
                and not _YEARLY.search(" ".join(filter(None, [stitle, _opening(simple)])))):
            a.period = None
        a.sources["period"] = "title/body" if a.period else "none"

    # unit: manifest > path > a name the text states (title, signature, opening) > an
    # anonymised name (XX县审计局) > the generic form of a self-reference (我局 -> 局)
    if manifest.get("unit"):
        a.unit, a.unit_explicit, a.sources["unit"] = manifest["unit"], True, "manifest"
    elif path_unit:
        a.unit, a.unit_explicit, a.sources["unit"] = path_unit, True, "path"
    else:
        t_unit, t_explicit = unit_from_title_any(stitle)
        if not t_unit and stitle:
            # the chosen title is the first part's heading of a longer title above it that names the unit
            for line in map(to_simplified, title_lines):
                if stitle in line and len(line) > len(stitle):
                    t_unit, t_explicit = unit_from_title_any(line)
                    if t_unit:
                        break
        s_unit, s_explicit = unit_from_signature(simple)
        # a name the last guard would drop (a site's banner as a signature) is no name found:
        # the next path is tried
        t_unit = t_unit if t_unit and shown_name(t_unit) else None
        s_unit = s_unit if s_unit and shown_name(s_unit) else None
        if t_unit and t_explicit:
            a.unit, a.unit_explicit, a.sources["unit"] = _expand(t_unit, simple, named=1), True, "title"
        elif s_unit and s_explicit:
            a.unit, a.unit_explicit, a.sources["unit"] = s_unit, True, "signature"
        else:
            u, explicit, how = _first_body_unit(simple)
            if u and explicit:
                a.unit, a.unit_explicit, a.sources["unit"] = _expand(u, simple), True, how
            elif t_unit or s_unit:
                a.unit, a.unit_explicit = t_unit or s_unit, False
                a.sources["unit"] = "title" if t_unit else "signature"
            elif u and (site := site_owner(header, u, to_simplified(opening))):
                # 我院 on the hospital's own site: the site's greeting or the item's byline names it
                a.unit, a.unit_explicit, a.sources["unit"] = site, True, "header"
            elif u:
                a.unit, a.unit_explicit, a.sources["unit"] = u, False, how
            elif generic_unit_from_title(stitle):
                a.unit, a.unit_explicit, a.sources["unit"] = generic_unit_from_title(stitle), False, "title"
    if a.unit and a.sources.get("unit") not in ("manifest", "path"):
        a.unit = shown_name(a.unit)          # the last guard, whatever path found the name
        a.unit_explicit = a.unit_explicit and a.unit is not None
        if a.unit_explicit:
            a.unit = spelled_out(a.unit, simple)
    if a.unit is None:
        a.sources["unit"] = "none"

    # unit type
    if manifest.get("unit_type"):
        a.unit_type, a.sources["unit_type"] = manifest["unit_type"], "manifest"
    else:
        typ = unit_type_of(a.unit)
        if typ is None and a.unit_explicit and _area_prefix(a.unit) == len(a.unit):
            typ = unit_config().get("fallback", {}).get("area")      # 尚义县, 安阳市文峰区: the area's own bodies
        generic = _type_for_generic(simple) if not a.unit_explicit else None
        title_kind = unit_type_of(generic_unit_from_title(stitle)) if not a.unit_explicit else None
        if typ and not (generic and _is_generic(a.unit)):
            a.unit_type, a.sources["unit_type"] = typ, "unit"
            override = context_override(a.unit, typ, simple)
            if override:
                a.unit_type, a.sources["unit_type"] = override, "context"
        elif generic:
            a.unit_type, a.sources["unit_type"] = generic, "unit"
        elif title_kind:                # `局党委党支部2023年上半年…总结`: the kind of unit the title names
            a.unit_type, a.sources["unit_type"] = title_kind, "title"
        else:
            kw = unit_config()["keywords"]
            scores = {t: sum(simple.count(w) for w in words) for t, words in kw.items()}
            best = max(scores.items(), key=lambda kv: kv[1])
            fallback = unit_config().get("fallback", {})
            bare = re.sub(rf"{_ANON}|中共", "", a.unit or "")
            ctx = context_type(simple)
            if ctx:
                a.unit_type, a.sources["unit_type"] = ctx, "context"
            elif best[1] >= 5:
                a.unit_type, a.sources["unit_type"] = best[0], "keywords"
            elif a.unit and _BARE_PARTY_BODY.fullmatch(bare) and fallback.get("party_body"):
                a.unit_type, a.sources["unit_type"] = fallback["party_body"], "unit"      # XX党委, ***党组
            elif (stitle and not a.unit and fallback.get("party_body")
                  and _BARE_PARTY_BODY.match(_title_core(stitle)).end()):
                # 2020年党委理论学习中心组上半年总结…: a title that opens with a bare party body
                a.unit_type, a.sources["unit_type"] = fallback["party_body"], "title"
            elif fallback.get("type") and (_reads_as_report(a.unit, simple, work_done)      # not for an essay
                                           or _REPORT_TITLE.search(stitle or "")):    # …分析研判报告: a report by its title
                a.unit_type, a.sources["unit_type"] = fallback["type"], "default"
            elif sum(simple.count(w) for w in unit_config().get("context", {}).get("area", ())) >= 2:
                # 今年以来，全区宣传思想战线按照区委的部署…: an area's own body speaks
                a.unit_type, a.sources["unit_type"] = "党政机关", "context"
            else:
                a.unit_type, a.sources["unit_type"] = "其他", "none"

    # region
    if manifest.get("region"):
        a.region, a.sources["region"] = manifest["region"], "manifest"
    else:
        a.region = region_of(a.unit if a.unit_explicit else None, stitle, simple)
        a.sources["region"] = "text" if a.region else "none"

    # an essay about ideology work in general names no unit and speaks of no "we"
    a.is_report = _reads_as_report(a.unit, simple, work_done)
    return a
