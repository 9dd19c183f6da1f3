"""Numbers as reports write them -> values, for the metric extractor.

Reports mix Arabic digits (`33次`, `32.14万元`) with Chinese numerals (`一次`, `十二次`,
`二十余篇`, `十几个`, `近百万元`). The extractor finds a count's span first and converts only
that span, so each function here takes one numeral string and stays small and pure.
Vague forms are returned with `approx=True` and their lower bound (`十几` -> 10), the
convention of the gold labels; anything that is not one number returns None.

>>> parse_number("33"), parse_number("32.14"), parse_number("十二")
((33.0, False), (32.14, False), (12.0, False))
>>> parse_number("十几"), parse_number("数百"), parse_number("三五")
((10.0, True), (100.0, True), (3.0, True))
>>> parse_number("几"), parse_number("五一"), parse_number("X")
(None, None, None)
"""
from __future__ import annotations

import functools
import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
MAGNITUDES = {"万": 10_000, "亿": 100_000_000}
VAGUE = "几数"                  # 十几 / 几十 / 数百: a vague digit, read as 0 (lower bound)
CHINESE_CHARS = "".join(DIGITS) + "".join(UNITS) + "".join(MAGNITUDES) + VAGUE
PLACEHOLDER = re.compile(r"^(?:[Xx×]{1,3}|[*＊]{1,4}|_{1,8}|□{1,4}|○{1,4})$")
_ARABIC = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")   # clean.fold_width has made digits ASCII


def is_placeholder(s: str) -> bool:
    """A template blank where a count should be (`X次`, `XX篇`, `***次`).

    >>> is_placeholder("XX"), is_placeholder("***"), is_placeholder("12")
    (True, True, False)
    """
    return bool(PLACEHOLDER.match(s))


def is_chinese(s: str) -> bool:
    """Written with Chinese numeral characters only.

    >>> is_chinese("二十"), is_chinese("20"), is_chinese("")
    (True, False, False)
    """
    return bool(s) and not s.strip(CHINESE_CHARS)      # nothing left once numeral characters go


def _below_wan(s: str) -> tuple[int, bool] | None:
    """A Chinese numeral below 10,000 -> (value, vague), or None when it is not one number.

    >>> _below_wan("一百二十"), _below_wan("十"), _below_wan("三千零五"), _below_wan("一百二")
    ((120, False), (10, False), (3005, False), (120, False))
    """
    if not s:
        return 0, False
    total, digit, vague, last_unit, zero = 0, None, False, 10_000, False
    for ch in s:
        if ch in "零〇" and total:
            if digit is not None:
                return None
            zero = True                      # 三千零五: the next digit is units
        elif ch in DIGITS:
            if digit is not None:            # two digits in a row: 五一, 一三五
                return None
            digit = DIGITS[ch]
        elif ch in VAGUE:
            if digit is not None:
                return None
            digit, vague = 0, True
        elif ch in UNITS:
            unit = UNITS[ch]
            if unit >= last_unit:            # 十百 is not a number
                return None
            if digit is None or (digit == 0 and vague):
                digit = 1                    # 十二 = 一十二; 几十 / 数百: lower bound 1
            total += digit * unit
            digit, last_unit, zero = None, unit, False
        else:
            return None
    if digit is not None:
        if digit == 0 and vague and last_unit == 10_000:
            return None                      # 几 / 数 alone: not a number
        if 100 <= last_unit < 10_000 and not zero:
            digit *= last_unit // 10         # 一百二 = 120, 三千五 = 3500
        total += digit
    return total, vague


def parse_chinese(s: str) -> tuple[float, bool] | None:
    """A Chinese numeral -> (value, approx), or None.

    >>> parse_chinese("两"), parse_chinese("二十"), parse_chinese("一百零八")
    ((2.0, False), (20.0, False), (108.0, False))
    >>> parse_chinese("几十"), parse_chinese("三万五千"), parse_chinese("一两")
    ((10.0, True), (35000.0, False), (1.0, True))
    """
    if not is_chinese(s):
        return None
    # adjacent small digits: 一两次, 三四个, 三五篇 -> the lower one, approximate
    if len(s) == 2 and s[0] in DIGITS and s[1] in DIGITS:
        a, b = DIGITS[s[0]], DIGITS[s[1]]
        if (a, b) == (1, 2) or b == a + 1 or (a, b) == (3, 5):
            return float(a), True
        return None
    total, vague = 0, False
    rest = s
    for mag_ch in ("亿", "万"):
        if mag_ch in rest:
            head, _, rest = rest.partition(mag_ch)
            if mag_ch in rest:
                return None
            part = _below_wan(head) if head else (1, False)
            if part is None:
                return None
            total += part[0] * MAGNITUDES[mag_ch]
            vague = vague or part[1]
    part = _below_wan(rest)
    if part is None:
        return None
    total += part[0]
    vague = vague or part[1]
    if total == 0 and s not in ("零", "〇"):
        return None
    return float(total), vague


@functools.lru_cache(maxsize=4096)
def parse_number(s: str) -> tuple[float, bool] | None:
    """Arabic (`1725.8`) or Chinese (`十二`) numeral -> (value, approx); None otherwise.

    Remembered: reports write the same few numerals over and over (一, 两, 2021), and the
    answer is an immutable tuple.

    >>> parse_number("1725.8"), parse_number("一"), parse_number("百")
    ((1725.8, False), (1.0, False), (100.0, False))
    """
    s = s.strip()
    if _ARABIC.match(s):
        return float(s), False
    return parse_chinese(s)


# ---------------------------------------------------------------- enumerators and dates
# Headings and lists count 一、二、…; dates write years digit by digit (二〇二一). Both are
# narrower than a count, so they have their own readers here, beside the count reader.
ENUM_DIGITS = "一二三四五六七八九十"
_ENUM = {c: i for i, c in enumerate(ENUM_DIGITS, 1)}
YEAR_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "0": 0}


def enum_number(s: str) -> int | None:
    """An enumerator 一..九十九 -> int; anything else None.

    >>> enum_number("三"), enum_number("十二"), enum_number("二十"), enum_number("二十一"), enum_number("百")
    (3, 12, 20, 21, None)
    """
    if not s or any(c not in _ENUM for c in s):
        return None
    if len(s) == 1:
        return _ENUM[s]
    if s[0] == "十":
        return 10 + (_ENUM[s[1]] if len(s) > 1 else 0)
    if len(s) == 2 and s[1] == "十":
        return _ENUM[s[0]] * 10
    if len(s) == 3 and s[1] == "十":
        return _ENUM[s[0]] * 10 + _ENUM[s[2]]
    return None


def enum_chinese(n: int) -> str:
    """1..99 -> the enumerator a report would write.

    >>> enum_chinese(3), enum_chinese(12), enum_chinese(20), enum_chinese(21)
    ('三', '十二', '二十', '二十一')
    """
    if n <= 10:
        return ENUM_DIGITS[n - 1]
    if n < 20:
        return "十" + ENUM_DIGITS[n - 11]
    return ENUM_DIGITS[n // 10 - 1] + "十" + (ENUM_DIGITS[n % 10 - 1] if n % 10 else "")


def date_number(s: str) -> int | None:
    """A year, month or day as dates write it: `二〇二一` -> 2021, `十二` -> 12, `二十` -> 20, `7` -> 7.

    >>> date_number("二〇二一"), date_number("十二"), date_number("二十"), date_number("7"), date_number("二x")
    (2021, 12, 20, 7, None)
    """
    s = s.strip()
    if s.isdigit():
        return int(s)
    if "十" in s:
        head, _, tail = s.partition("十")
        h = YEAR_DIGITS.get(head, None) if head else 1
        t = YEAR_DIGITS.get(tail, None) if tail else 0
        return None if h is None or t is None else h * 10 + t
    digits = [YEAR_DIGITS.get(c) for c in s]
    return None if not digits or None in digits else int("".join(map(str, digits)))
