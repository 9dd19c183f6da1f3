"""Stage 4 - split: one cleaned file text -> the reports it holds.

A file is one report unless it is a collection: a page like "…总结十篇" whose parts are
headed `…十篇1`/`篇一`/`【篇二】`/`第三篇`, or a file where a second, different report
title follows a report body. A title repeated at the top of a report (pages often print
it two or three times) is one title, not another report.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.rules import LazyRegex, alternation
from pipeline.rules import load as load_rules
from pipeline.text.script import t2s_unchanged, to_simplified

_NUM = r"[0-9一二三四五六七八九十百零〇]+"
# A part marker: `2021意识形态工作情况总结十篇1`, `篇一：…`, `【篇二】…`, `第三篇 …`,
# `…工作总结范文 篇1`, `范文二：…`
_PART = re.compile(
    rf"^(?:.{{0,60}}篇\s*[(（【]?{_NUM}[)）】]?|【?\s*篇\s*{_NUM}\s*】?(?:[:：、.．\s].{{0,60}})?"
    rf"|【\s*第?{_NUM}篇\s*】.{{0,60}}|第{_NUM}篇(?:[:：、\s].{{0,60}})?"
    rf"|.{{0,60}}(?:范文|例文)\s*[(（【]?{_NUM}[)）】]?|【?(?:范文|例文)\s*{_NUM}\s*】?(?:[:：、.．\s].{{0,60}})?)$"
)
# a collection page's heading: it ends in the number of pieces it holds (…总结(通用19篇), …范文8篇)
_COLLECTION_HEAD = re.compile(rf"{_NUM}\s*篇\s*[)）】]?$")
# a numbered heading in any style: 一、 (一) 1. 1、 1) ① Ⅰ. 第一部分 一是
_ENUM_HEAD = re.compile(
    rf"^\s*(?:[(（]?{_NUM}\s*[)）、.．]|第{_NUM}[、,，部章节]|[一二三四五六七八九十]+是|[①-⑳⑴-⒇⒈-⒛]"
    rf"|[(（]?[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫIVX]+\s*[)）、.．])"
)
_SENTENCE_END = re.compile(r"[。；;：:，,!！?？]$")
# a line that closes what came before: a sentence end, a heading, a signature date
_CLOSED = re.compile(r"[。；;！!？?：:”\"）)]$|^\s*(?:[(（]?[0-9一二三四五六七八九十]+[)）、.．])|\d{1,2}\s*日$")
_MIN_REPORT = 150   # characters a report body needs before another title may start a new one
# …and the Han characters the new one's body needs in its first lines: a photo caption at a
# page's end (杨建平做宣传工作报告, then `Baidu map`) starts no report
_MIN_BODY, _MIN_BODY_WINDOW = 30, 300
_HAN = re.compile(r"[\u4e00-\u9fff]")


@functools.lru_cache(maxsize=1)
def _titles() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """(genre, report title, topic, not a title) from `[titles]` in data/sections.toml."""
    t = load_rules("sections.toml")["titles"]
    return tuple(re.compile(t[k]) for k in ("genre", "report_title", "topic", "not_a_title"))


@dataclass
class Part:
    start: int          # offsets into the cleaned text
    end: int
    title: str | None
    title_lines: list[str]
    collection_title: str | None = None   # a collection page's own heading (`2021年…工作总结8篇`)


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


# a photo's caption under a meeting's news (图为宣传科陈郁科长作年度宣传工作总结: ab14) is no title
_CAPTION = re.compile(r"^(?:图为|图片为|图\s*[:：]|[(（]\s*图\s*[)）]|[(（]\s*图片\s*[)）])")


def is_title_line(line: str) -> bool:
    """Short, unpunctuated, names the genre, is not a numbered heading nor a photo's caption."""
    s = to_simplified(line.strip())
    return (2 <= len(s) <= 60 and not _SENTENCE_END.search(s) and not _ENUM_HEAD.match(s)
            and bool(_titles()[0].search(s)) and s.count("，") + s.count(",") == 0 and not _CAPTION.match(s))


def _norm(s: str) -> str:
    return re.sub(r"[\s()（）【】\[\]]|十页|\d+页", "", to_simplified(s))


def _body_start(lines, i0: int, i1: int) -> tuple[int, list[str]]:
    """Skip title-like lines at the top of a part; return first body line and the titles."""
    titles: list[str] = []
    i = i0
    while i < i1 and i - i0 < 8:
        line = lines[i][2]
        nxt = lines[i + 1][2].strip() if i + 1 < i1 else ""
        if (not is_title_line(line) and nxt and len(nxt) <= 20 and is_title_line(nxt)
                and not _SENTENCE_END.search(line) and not _ENUM_HEAD.match(line)
                and is_title_line(line.strip() + nxt)):
            # a long title wrapped onto two lines: `关于2021年度意识形态工作责任制落实` + `情况的报告`
            titles.append(line.strip() + nxt)
            i += 2
            continue
        if is_title_line(line) or (len(line) <= 12 and not _SENTENCE_END.search(line) and not _ENUM_HEAD.match(line)
                                   and i + 1 < i1 and is_title_line(lines[i + 1][2])):
            titles.append(line.strip())
            i += 1
            continue
        j = _title_after_chrome(lines, i, min(i1, i0 + 8)) if not titles else None
        if j is None:
            break
        i = j                # site chrome the cleaner did not know (a page's own menu) above the title
    return i, titles


def _chrome_line(line: str) -> bool:
    """A short line that says nothing: a menu item, a site name, `简体版 | 繁体版`."""
    s = line.strip()
    return len(s) <= 40 and "。" not in s and not _SENTENCE_END.search(s) and not _ENUM_HEAD.match(s)


def _title_after_chrome(lines, i: int, stop: int) -> int | None:
    """Index of a title line that follows only chrome lines from `i` (before `stop`), or None."""
    for j in range(i, stop):
        if j > i and is_title_line(lines[j][2]):
            return j
        if not _chrome_line(lines[j][2]):
            return None
    return None


def _pick_title(titles: list[str]) -> str | None:
    """The most specific title: prefer the last genre line (pages print site labels first)."""
    genre = [t for t in titles if is_title_line(t)]
    return genre[-1] if genre else (titles[-1] if titles else None)


# how a report's first line starts: a time clause, `在…领导下`, `按照…`, or a first heading
_OPENING = LazyRegex(lambda: rf"^(?:{alternation(load_rules('sections.toml')['words']['opening'])}|近[两三几]年|[一二三四]?季度|\d{{4}}\s*年|[二][〇○零]..年|"
                                r"一[、.．]|[(（]一[)）]|第一部分)")


def _opens_report(simple: list[str], i: int) -> bool:
    """The line after a title candidate opens a report (a report that ended without a full
    stop may still be followed by the next one)."""
    for k in range(i + 1, min(i + 4, len(simple))):
        if simple[k]:
            return bool(_OPENING.match(simple[k])) and not is_title_line(simple[k])
    return False


def _closed_before(lines, i: int) -> bool:
    """The line before `i` ends what it says: a title that follows a line broken
    mid-sentence (a PDF's running header, a wrapped sentence) starts no new report."""
    for k in range(i - 1, -1, -1):
        prev = lines[k][2].strip()
        if prev:
            return bool(_CLOSED.search(prev)) or len(prev) <= 20
    return True


def split_reports(text: str) -> list[Part]:
    """The reports of one cleaned file text. Lines are matched in their simplified form;
    when t2s leaves the whole text alone it leaves every line alone too (`t2s_unchanged`
    looks for characters and phrases, so it holds for any piece), so a simplified file
    costs one check instead of one conversion per line."""
    lines = _lines(text)
    if not lines or not text.strip():
        return []
    simplify = (lambda s: s) if t2s_unchanged(text) else to_simplified
    simple = [simplify(l[2].strip()) for l in lines]
    markers = [i for i, s in enumerate(simple) if _PART.match(s) and len(s) <= 80]
    parts: list[Part] = []
    if len(markers) >= 2:
        heading = _pick_title([l[2].strip() for l in lines[: markers[0]] if is_title_line(l[2])])
        bounds = markers + [len(lines)]
        for k, i in enumerate(markers):
            j = bounds[k + 1]
            b, titles = _body_start(lines, i + 1, j)
            if b >= j:
                continue
            marker = lines[i][2].strip()
            rest = [t for t in titles if _norm(t) != _norm(marker)]
            title = _pick_title(rest) if rest and not re.search(r"篇\s*" + _NUM + "$", to_simplified(rest[-1])) else marker
            # A marker like "篇一：XX局2021年工作总结" is the title itself.
            if re.match(r"^【?\s*(第?" + _NUM + "篇|篇" + _NUM + r")\s*】?[:：、.．\s]+\S", to_simplified(marker)):
                title = re.sub(r"^【?\s*(第?" + _NUM + "篇|篇" + _NUM + r")\s*】?[:：、.．\s]+", "", marker)
                title = _pick_title(rest) or title
            parts.append(Part(lines[b][0], lines[j - 1][1], title, [marker, *titles], heading))
        return parts
    # Single report, or reports one after another each under its own title.
    b, titles = _body_start(lines, 0, len(lines))
    starts = [(b, _pick_title(titles), titles)]
    last_title = _norm(starts[0][1] or "")
    i = b + 1
    _, report_title, topic, not_a_title = _titles()
    while i < len(lines):
        s = simple[i]
        # cheapest test first: most lines are body text, longer than any title
        if (len(s) <= 40 and report_title.search(s) and topic.search(s) and is_title_line(s)
                and not not_a_title.match(s) and (_closed_before(lines, i) or _opens_report(simple, i))
                and lines[i][0] - lines[starts[-1][0]][0] > _MIN_REPORT and _norm(s) != last_title):
            nb, ts = _body_start(lines, i, len(lines))
            if nb < len(lines) and nb > i and _HAN.findall(text, lines[nb][0], lines[nb][0] + _MIN_BODY_WINDOW)[_MIN_BODY - 1:]:
                starts.append((nb, _pick_title(ts), ts))
                last_title = _norm(starts[-1][1] or "")
                i = nb + 1
                continue
        i += 1
    for k, (bi, title, ts) in enumerate(starts):
        end_line = (starts[k + 1][0] - len(starts[k + 1][2]) - 1) if k + 1 < len(starts) else len(lines) - 1
        if bi > end_line:
            continue
        # a collection page cut after its first part (`2022年金融知识普及总结(通用19篇)` over
        # `金融知识普及总结1`): its heading still gives the part a year
        heading = None if k else next((t for t in ts if t != title and _COLLECTION_HEAD.search(simplify(t.strip()))), None)
        parts.append(Part(lines[bi][0], lines[end_line][1], title, ts, heading))
    return parts
