"""What the attribution modules share: the two rules files they read (unit_types.toml: the
suffixes and kinds of unit names; attribution.toml: the words their regexes are built from,
joined in with `_w`), the patterns of a year, a year left blank and an anonymised name, the
front matter under a title (an addressee, a date line), and dates read from text
(二〇二一年 as 2021).

The attribution stage is four modules over this one, imported one way:
attribution_base <- places <- units <- years <- attribute.
"""
from __future__ import annotations

import functools
import re
from datetime import date

from pipeline.rules import alternation
from pipeline.rules import load as load_rules
from pipeline.text.numerals import YEAR_DIGITS, date_number


_YEAR = r"(?:19[89]\d|20[0-4]\d)"
ANON_CHARS = "*＊×Xx某_-—－"    # what stands for a removed name: 市***党组, --社区, XX县, 某局
_ANON = rf"[{re.escape(ANON_CHARS)}]{{1,6}}"
# a masked date is no masked unit: XX年以来, 20XX年, X月X日
_MASKED_DATE = re.compile(r"^(?:19|20|二〇|二○|二零)?[*＊×Xx_\-—－]{1,4}[年月日]")
# a year left blank in a template: 20__年, 20XX年, 20**年, 二〇XX年
_BLANK_YEAR = r"(?:(?:20|二〇|二○|二零)\d?[_＿xX*＊×某\-—－\s]{1,4}|[xX×*＊]{2,4})(?=年)"
UNIT_TYPES = ("党政机关", "乡镇街道", "社区村", "学校", "医院", "企业", "政法", "金融", "其他")
PERIODS = ("full_year", "half_year", "quarter")


# ---------------------------------------------------------------- domain data
@functools.lru_cache(maxsize=1)
def unit_config() -> dict:
    return load_rules("unit_types.toml")


@functools.lru_cache(maxsize=1)
def words() -> dict:
    """attribution.toml: the words the regexes below are built from."""
    return load_rules("attribution.toml")


def _w(key: str) -> str:
    """`section.key` of attribution.toml as a regex alternation, in the file's order."""
    section, name = key.split(".")
    return alternation(words()[section][name])


def _lines(path: str) -> list[str]:
    return load_rules(path)


_CN = "〇○零一二三四五六七八九十"
_DATE = re.compile(rf"({_YEAR}|[二][{_CN}]{{3}})\s*年\s*([0-9]{{1,2}}|[{_CN}]{{1,2}})\s*月\s*([0-9]{{1,2}}|[{_CN}]{{1,3}})\s*日"
                   rf"|({_YEAR})\s*[-/.]\s*(\d{{1,2}})\s*[-/.]\s*(\d{{1,2}})")


def _parse_date(m: re.Match) -> date | None:
    y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    try:
        return date(date_number(y), date_number(mo), date_number(d))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def arabic_years(text: str) -> str:
    """`二〇二一年` -> `2021年` (same length, so offsets agree).

    >>> arabic_years("二〇二一年意识形态工作总结")
    '2021年意识形态工作总结'
    """
    return re.sub(r"[二][〇○零][〇○零一二三四五六七八九]{2}(?=\s*年)",
                  lambda m: "".join(str(YEAR_DIGITS[c]) for c in m.group()), text)


# front matter before the opening: an addressee (`县委：`, `各位领导：`) or a date line
# (`（2021年12月20日）`, `2021年12月`) under the title
_ADDRESSEE = re.compile(r"^(?:(?:[^\n，。,]{1,20}[:：]|[(（]?\s*(?:\d{4}|[二][〇○零一二三四五六七八九]{3})\s*年"
                        r"[^\n，。,]{0,12}[)）]?)\s*\n)+")
