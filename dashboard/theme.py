"""The dashboard's look that must agree across pages: one colour per category (the same on
every chart) and the CJK font every chart and reader uses."""
from __future__ import annotations

from typing import Iterable

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"

# Well separated hues first; neutral greys are reserved for 其他/未分类.
PALETTE = ["#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#B07AA1", "#EDC948", "#76B7B2", "#9C755F",
           "#FF9DA7", "#1B9E77", "#7570B3", "#D95F02", "#E7298A", "#66A61E", "#17BECF", "#A6761D",
           "#393B79", "#BCBD22", "#8C564B", "#E6AB02", "#637939", "#843C39", "#3182BD", "#F781BF"]
NEUTRAL = {"其他": "#9E9E9E", "其他活动": "#9E9E9E", "未分类": "#BDBDBD", "未识别": "#BDBDBD"}


def assign_colors(names: Iterable[str]) -> dict[str, str]:
    """Colors in sorted-name order over the palette (distinct while there are fewer names than
    colors); 其他/未分类 get neutral greys."""
    out = {}
    i = 0
    for name in sorted({n for n in names if n is not None}):
        if name in NEUTRAL:
            out[name] = NEUTRAL[name]
        else:
            out[name] = PALETTE[i % len(PALETTE)]
            i += 1
    return out


def category_colors(categories: dict[str, list[str]]) -> dict[str, str]:
    """The one color map for categories, the same on every page (`categories` is
    `query.categories()`): metric categories and shortcoming categories each get the palette
    in name order (they never share a chart)."""
    return {**assign_colors(categories["metrics"]), **assign_colors(categories["shortcomings"]), **NEUTRAL}


def type_colors(types: Iterable[str]) -> dict[str, str]:
    return assign_colors(types)
