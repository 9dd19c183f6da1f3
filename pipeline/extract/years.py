"""Which year and which period a report covers: a year in its title (or in a page heading
when the document masks it), a year the body says it covers, a meeting's report on the year
before, a date read against 今年; and full year / half year / quarter from the title and the
opening. Every rule reads the simplified copy.
"""
from __future__ import annotations

import re
from datetime import date

from pipeline.rules import LazyRegex
from pipeline.extract.attribution_base import (
    arabic_years, _ADDRESSEE, _BLANK_YEAR, _DATE, _parse_date, _w, _YEAR)
from pipeline.extract.units import signature_block


# ---------------------------------------------------------------- year & period
_PUBLISH = LazyRegex(lambda: rf"(?:{_w('signature.publish')})[^\n\d]{{0,8}}({_YEAR})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})")


def publish_date(header: str) -> date | None:
    """The page's publish date from its header lines (`发布时间:2018-11-12`)."""
    m = _PUBLISH.search(header)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


_LEADING_SPACE = re.compile(r"\s*")


def reference_date(simple: str, header: str) -> tuple[date | None, str]:
    """The date `今年`/`上半年` are read against: the report's own date (signature, or a date
    line under the title), else the page's publish date. Returns (date, source)."""
    _, _, signed = signature_block(simple)
    if signed:
        return signed, "body"
    front = _ADDRESSEE.match(simple)
    m = _DATE.search(front.group()) if front else None
    if m and (d := _parse_date(m)):
        return d, "body"
    # a first line opening with a date, an e-paper's edition line (2012-07-27 第A06版:政法宣传)
    m = _DATE.match(simple, _LEADING_SPACE.match(simple).end())
    if m and (d := _parse_date(m)):
        return d, "body"
    published = publish_date(header)
    return (published, "publish_date") if published else (None, "none")


def year_from_title(title: str | None) -> int | None:
    """`行署办公室2018年度…总结` -> 2018; `20__年` (a blank) -> None."""
    if not title:
        return None
    title = arabic_years(title)
    m = re.search(rf"(?<![0-9A-Za-z])(?<![-—~－至到])({_YEAR})(?![0-9A-Za-z])(?!\s*年?(?:以来|至|-|—|~|－|到))", title)
    return int(m.group(1)) if m else None


_YEAR_OR_MASK = LazyRegex(lambda: rf"{_YEAR}\s*年度?|{_BLANK_YEAR}年度?|[Xx×*＊_]{{1,4}}年度?|[Xx×*＊_]+|\s+")


def unmasked_title_year(title: str | None, header: str) -> int | None:
    """The year a page's own heading gives a title whose year the document masks (the site's
    `2022年镇宣传思想工作总结` above the document's `XX年年xx镇宣传思想工作总结`): a line of the
    header that is the title once years, masks and spaces are taken out of both."""
    if not title or not header or year_from_title(title) or not _YEAR_OR_MASK.search(title):
        return None
    bare = _YEAR_OR_MASK.sub("", title).replace("年", "")
    for line in header.splitlines()[-12:]:
        year = year_from_title(line)
        if year and len(line) <= 2 * len(title) + 8 and _YEAR_OR_MASK.sub("", line).replace("年", "") == bare:
            return year
    return None


# a site's preamble names the report it introduces: 下面是小编为大家整理的2023年度局党组上半年意识
# 形态工作总结…，供大家参考 / 今天为大家精心准备了学校党支部关于2020年第一季度…研判报告
_PREAMBLE_TITLE = LazyRegex(lambda: rf"(?:{_w('preamble.verbs')})(?:了|的)(?:关于)?([^，,。！!？?]{{4,60}}?(?:{_w('preamble.genres')}))")
_COLLECTION = LazyRegex(lambda: _w("preamble.collection"))


def preamble_title(header: str) -> str | None:
    """The title a site's preamble gives the report (not a collection: `…总结(五篇)` is the
    page's, not this report's)."""
    found = None
    for m in _PREAMBLE_TITLE.finditer(header[-1500:]):
        found = m
    if not found or _COLLECTION.search(header[found.start(1):found.end(1) + 8]):
        return None
    return found.group(1)


_MULTI_YEAR = LazyRegex(lambda: rf"{_w('period.multi_year')}|近[两二三四五几]年|{_YEAR}\s*年?以来|{_YEAR}\s*[-—~至到]\s*{_YEAR}"
                                 r"|[一二三四五]年来")
# `年中` only as the period itself (年中总结, 2021年中，), never inside 今年中央 / 2021年中共;
# the half words never right after 下 (下半年工作计划 is a plan, not 半年工作)
_HALF = LazyRegex(lambda: rf"(?<!下)(?:{_w('period.half')})|1\s*[-—~至到]\s*6\s*月|{_w('period.half_more')}"
                           rf"|年中(?={_w('period.mid_year_before')}|[，,])"
                           rf"|(?:{_w('period.second_half')})(?!(?:工作|的)?(?:{_w('period.second_half_not_before')}))")
# a year's report whose year is not given: 年度 (述职 "现将年度落实…情况述职如下", 上年度) or a
# year left blank in a template title or opening (20__年…工作总结)
_YEARLY = re.compile(rf"(?<![半季])年度|{_BLANK_YEAR}年")
_QUARTER = LazyRegex(lambda: rf"第?[一二三四1-4]季度|{_w('period.quarter')}")
_THIS_YEAR = LazyRegex(lambda: _w("period.this_year"))
# words that place the report in the year of its date: 今年以来, 上半年, 一季度, 前三季度
_RELATIVE_YEAR = LazyRegex(lambda: rf"{_w('period.this_year')}|{_w('period.relative_halves')}|第?[一二三四1-4]季度"
                                    rf"|{_w('period.quarter')}")
_INTRO_CUE = LazyRegex(lambda: rf"现将[^。]{{0,60}}?(?:{_w('period.intro_ends')})|[^。]{{0,60}}总结如下|[^。]{{0,40}}汇报如下")
_PLAN_YEAR = LazyRegex(lambda: rf"《[^》]{{0,10}}?({_YEAR})\s*年度?[^》]{{0,30}}({_w('period.plan_kinds')})》")


def body_year(simple: str) -> int | None:
    """A year the body says it covers: `2018年,…` at the start, `2020年上半年`, or a plan
    document of the year (`《2021年…工作要点》`). `2015年以来` is a starting point, not a year."""
    sig_start, _, _ = signature_block(simple)
    simple = arabic_years(simple)
    front = _ADDRESSEE.match(simple)        # a date line under the title dates the text, not its year
    opening = simple[front.end() if front else 0: min(400, sig_start)]
    m = _DATED_MEETING.match(opening)
    if m and int(m.group(2)) == int(m.group(1)) - 1:
        # 2018年1月12日上午,公司…召开了2017年企业文化建设暨宣传工作会议: the day of a meeting on
        # the year before, which the report is of
        return int(m.group(2))
    m = _ANNOUNCED_YEAR.search(opening)     # 我对2011年度工作情况…作如下报告, after `我自2008年分管…`
    if m:
        return int(m.group(1) or m.group(2))
    for m in _OPENING_YEAR.finditer(_DATE_LINE.sub("", opening)):
        return int(m.group(1))
    m = _SINCE_YEAR.match(opening)
    second = opening.find("。") + 1
    if not m and second:
        # … or opening the first paragraph's second sentence, after one on the work in general (ae04)
        m = _SINCE_YEAR.match(opening, second)
        m = m if m and "\n" not in opening[:m.start(1)] else None
    if m and max(map(int, re.findall(_YEAR, simple[:6000])), default=0) <= int(m.group(1)):
        # `2020年以来,我镇宣传思想文化工作…` opening a report that names no later year: the
        # year's summary (CONVENTIONS: a first sentence's 2021年以来 is its year); with a later
        # year in it, a review of several years
        return int(m.group(1))
    m = _PLAN_YEAR.search(simple)
    if m:
        return int(m.group(1))
    # a sentence further on that opens with the year and the unit speaking of itself
    # (…先于启动各项工作。2020年,我园一直把政治思想教育放在首位): the year of the work
    m = _SELF_YEAR.search(simple[:min(len(simple), sig_start, 6000)])
    return int(m.group(1)) if m else None


# the scope a review may name before its year (回顾总结了全院2021年…) and the work it names after
# it (2021年全院宣传思想工作); a reviewed year may be followed straight by the year deployed
# (总结回顾全市2021年、安排部署2022年全市银行业信息宣传工作)
_SCOPE = r"(?:全[省市州县区旗镇乡院局行校])?"
_WORK_AFTER = r"的?(?:各项)?[^，。,；;、！？\n]{0,12}?工作"
_REVIEWED = LazyRegex(lambda: rf"(?:{_w('period.review')})了?\s*{_SCOPE}\s*({_YEAR})\s*年度?"
                               rf"(?:{_WORK_AFTER}|(?=[、，,和及与]\s*(?:{_w('period.deploy')})))"
                               rf"|({_YEAR})\s*年度?的?(?:各项)?工作的?(?:{_w('period.review')})")
_DEPLOYED = LazyRegex(lambda: rf"(?:{_w('period.deploy')})了?\s*{_SCOPE}\s*({_YEAR})\s*年度?{_WORK_AFTER}")


def _said_after(verbs: str) -> str:
    """What a plan deploys or a meeting reviews, said after it (对2008年宣传任务进行了部署;
    对2022年度宣传工作进行深入总结)."""
    return rf"对\s*({_YEAR})\s*年度?[^，。,；;\n]{{0,12}}?(?:工作|任务)[^，。,；;\n]{{0,6}}?(?:{_w(verbs)})"


_DEPLOYED_AFTER = LazyRegex(lambda: _said_after("period.deploy"))
_REVIEWED_AFTER = LazyRegex(lambda: _said_after("period.review"))
# the meeting the report is of (召开2022年度医院宣传思想工作会, 2008年宣传工作会议在郑州召开): held in
# the year after the one it reviews
_MEETING = LazyRegex(lambda: rf"召开(?:了)?\s*{_SCOPE}[^，。,；;\n]{{0,8}}?({_YEAR})\s*年度?[^，。,；;\n]{{0,20}}?会"
                              rf"|({_YEAR})\s*年度?[^，。,；;\n]{{0,20}}?会议?[^，。,；;\n]{{0,12}}?召开")
# a review of "last year" and a plan for "this year" (总结回顾去年宣传思想文化工作,研究部署今年工作)
_REVIEWED_LAST = LazyRegex(lambda: rf"(?:{_w('period.review')})了?\s*(?:去年|上年|上一年)度?")
_DEPLOYED_THIS = LazyRegex(lambda: rf"(?:{_w('period.deploy')})了?\s*(?:今年|本年)度?")


def reviewed_year(simple: str, title_year: int | None) -> bool:
    """Whether a text titled (or opening) with `title_year` is a work meeting's report on the
    year before: its opening reviews that year's work and plans the titled year's or is that
    year's meeting (`总结2018年工作,明确努力方向,安排部署2019年工作`; `召开2022年度…工作会…回顾总结
    了2021年全院宣传思想工作`). Such a report's activities are the year reviewed."""
    if not title_year:
        return False
    opening = arabic_years(simple[:1200])
    reviewed = {int(m.group(1) or m.group(2)) for m in _REVIEWED.finditer(opening)}
    reviewed |= {int(m.group(1)) for m in _REVIEWED_AFTER.finditer(opening)}
    deployed = {int(m.group(1)) for m in _DEPLOYED.finditer(opening)}
    deployed |= {int(m.group(1)) for m in _DEPLOYED_AFTER.finditer(opening)}
    meetings = {int(m.group(1) or m.group(2)) for m in _MEETING.finditer(opening)}
    deployed |= meetings
    if title_year in meetings and _REVIEWED_LAST.search(opening) and _DEPLOYED_THIS.search(opening):
        reviewed.add(title_year - 1)       # the meeting of the year reviews "last year"
    if title_year - 1 in reviewed and title_year in deployed:
        return True
    # a 总结与计划 titled with the new year whose own summary part is headed with the year
    # before (`2025年社区思想政治工作总结与计划` … `二、2024年工作总结`)
    return any(int(m.group(1)) == title_year - 1 for m in _SUMMARY_HEADING.finditer(arabic_years(simple[:6000])))


_SUMMARY_HEADING = LazyRegex(lambda: rf"(?:^|[。！？\n])\s*[一二三四五六七八九十]{{1,2}}、\s*({_YEAR})\s*年度?(?:工作)?(?:总结|回顾)"
                                      rf"(?![^。\n]{{0,8}}(?:{_w('period.summary_not_before')}))", re.M)


# the year the report announces it covers: 我对2011年度工作情况、…作如下报告 / 现将2019年…报告如下
_ANNOUNCED_YEAR = LazyRegex(lambda: rf"(?:{_w('period.announce_verbs')})\s*({_YEAR})\s*年度?[^。；;！？\n]{{0,40}}?[作做]如下(?:报告|汇报|述职)"
                                     rf"|(?:{_w('named.announce')})\s*({_YEAR})\s*年度?[^。；;！？\n]{{0,40}}?(?:报告|汇报|总结)如下")
_OPENING_YEAR = LazyRegex(lambda: rf"({_YEAR})\s*年(度)?(?!{_w('period.year_not_before')}|-)")
_DATED_MEETING = LazyRegex(lambda: rf"\s*({_YEAR})\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日[^。]{{0,40}}?召开(?:了)?"
                                    rf"[^。]{{0,30}}?({_YEAR})\s*年度?[^。，,]{{0,30}}?会")
# a line that is only a date (a speech's `(2023年10月14日)` under its by-line): when it was
# said or filed, not the year the text covers
_DATE_LINE = re.compile(rf"^[ \t(（]*{_YEAR}\s*年\s*(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月"
                        rf"\s*(?:(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*日)?[ \t)）]*$", re.M)
_SINCE_YEAR = re.compile(rf"\s*(?:自|从)?\s*({_YEAR})\s*年(?:度)?以来[，,]")
_SELF_YEAR = re.compile(rf"(?:^|[。！？；\n])\s*({_YEAR})\s*年度?[，,]\s*(?:我|本)(?:们)?[\u4e00-\u9fff]")


def period_of(title: str | None, simple: str) -> str | None:
    intro_end = simple.find("\n") if 0 < simple.find("\n") < 600 else 400
    intro = simple[: max(intro_end, 120)]
    cue = _INTRO_CUE.search(simple[:2500])
    for text in filter(None, [title, cue.group() if cue else None, intro]):
        if _QUARTER.search(text):
            return "quarter"
        if _HALF.search(text):
            return "half_year"
    if year_from_title(title) and not _MULTI_YEAR.search(title or ""):
        return "full_year"      # `…2021年…总结` is a year's report, whatever its opening looks back on
    if multi_year(simple) or (_MULTI_YEAR.search(intro) and not _THIS_YEAR.search(intro)):
        return None
    return "full_year"


def _opening(simple: str) -> str:
    """The first sentence (or line), where a report says what time it covers."""
    m = re.match(r"[^。\n]{0,200}", simple)
    return m.group() if m else ""


def multi_year(simple: str) -> bool:
    """The opening looks back over several years (`近年来`, `2015年以来`, `近两年`) and does not
    also say `今年`: a later `全年` is then no sign of a one-year report."""
    first = _opening(simple)
    return bool(_MULTI_YEAR.search(first)) and not _THIS_YEAR.search(first)
