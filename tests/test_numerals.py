"""Numerals as reports write them -> values (pipeline/text/numerals.py)."""
from __future__ import annotations

import doctest

import pytest

from pipeline.text import numerals
from pipeline.text.numerals import is_chinese, is_placeholder, parse_chinese, parse_number


def test_doctests():
    assert doctest.testmod(numerals).failed == 0


@pytest.mark.parametrize("text,value", [
    ("一", 1), ("两", 2), ("二", 2), ("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21),
    ("九十九", 99), ("一百", 100), ("一百零八", 108), ("一百二十", 120), ("一百二", 120),
    ("三千五", 3500), ("三千零五", 3005), ("一千二百", 1200), ("一万", 10000), ("两万三千", 23000),
    ("十二万", 120000), ("百", 100), ("千", 1000),
])
def test_exact_chinese(text, value):
    assert parse_chinese(text) == (float(value), False)


@pytest.mark.parametrize("text,value", [
    ("十几", 10), ("几十", 10), ("数十", 10), ("数百", 100), ("一两", 1), ("三四", 3), ("三五", 3),
])
def test_vague_chinese_is_lower_bound_and_approx(text, value):
    assert parse_chinese(text) == (float(value), True)


@pytest.mark.parametrize("text", ["几", "数", "五一", "七一", "一三五", "五四", "十百", "", "X", "１"])
def test_not_one_number(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text,value", [("33", 33.0), ("1.5", 1.5), ("32.14", 32.14), ("1725.8", 1725.8),
                                        ("18000", 18000.0)])
def test_arabic(text, value):
    assert parse_number(text) == (value, False)


@pytest.mark.parametrize("text,expected", [("X", True), ("XX", True), ("xx", True), ("***", True), ("×", True),
                                           ("__", True), ("X1", False), ("12", False), ("十", False)])
def test_placeholder_forms(text, expected):
    assert is_placeholder(text) is expected


def test_is_chinese():
    assert is_chinese("二十") and is_chinese("十几") and not is_chinese("2十") and not is_chinese("")
