"""Region names, the gazetteer: jieba's own `ns` words with an administrative suffix, the
GB/T 2260 names it lacks (regions_gbt2260.txt) and regions_extra.txt, less
region_exclude.txt; found in text longest first, and their level (province, city, county).
jieba's dictionary is parsed once and cached on disk (`ZONGJIE_CACHE_DIR`).
"""
from __future__ import annotations

import functools
import hashlib
import marshal
import os
import re
import sys

from pipeline.config import cache_dir
from pipeline.rules import alternation
from pipeline.extract.attribution_base import words, _lines


@functools.lru_cache(maxsize=1)
def _jieba_places() -> tuple[frozenset[str], frozenset[str]]:
    """(place names with an administrative suffix and a stem of two or more characters,
    one-character counties such as 泗县) among jieba's `ns` words.

    Reading jieba's 350,000-line dictionary costs a worker ~0.2-0.4 s of CPU, so the result
    is cached the way jieba caches its prefix dictionary: a marshal file in `config.cache_dir()`,
    keyed by the dictionary's path, size and mtime and by this module's source (the rules
    below); written atomically, and parsed again when missing or unreadable."""
    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    cache = _places_cache_path(path)
    if cache is None:                   # no private cache folder: parse every time
        return _parse_jieba_places(path)
    try:
        with open(cache, "rb") as fh:
            names, short = marshal.load(fh)
        if (isinstance(names, frozenset) and isinstance(short, frozenset)
                and all(isinstance(w, str) for w in names) and all(isinstance(w, str) for w in short)):
            return names, short
    except (OSError, EOFError, ValueError, TypeError):
        pass                            # missing or unreadable: parse the dictionary
    names, short = _parse_jieba_places(path)
    try:
        tmp = f"{cache}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            marshal.dump((names, short), fh)
        os.replace(tmp, cache)          # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        pass
    return names, short


def _places_cache_path(dict_path: str) -> str | None:
    st = os.stat(dict_path)
    h = hashlib.sha256(f"{dict_path}|{st.st_size}|{st.st_mtime_ns}|{sys.version_info[:2]}".encode())
    with open(__file__, "rb") as fh:
        h.update(fh.read())
    h.update(repr((list(words()["places"]["levels"]), words()["places"]["not_regions"])).encode())  # the rules below
    d = cache_dir()
    return str(d / f"zongjie_places.{h.hexdigest()[:20]}.marshal") if d else None


def _parse_jieba_places(dict_path: str) -> tuple[frozenset[str], frozenset[str]]:
    """One pass over jieba's dictionary (see `_jieba_places`)."""
    places = words()["places"]
    suffix = re.compile(rf"({alternation(places['levels'])})$")
    not_region = re.compile(rf"({alternation(places['not_regions'])})$")
    names, short = set(), set()
    with open(dict_path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) != 3 or parts[2] != "ns":
                continue
            w = parts[0]
            if len(w) == 2 and w[1] == "县":
                short.add(w)
            m = suffix.search(w)
            if (m and len(w) - len(m.group()) >= 2 and not re.match(r"[一二三四五六七八九十东西南北中新老]", w[0])
                    and not not_region.search(w)):
                names.add(w)
    return frozenset(names), frozenset(short)


@functools.lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Region names: jieba's own `ns` words with an administrative suffix, the GB/T 2260 names
    it lacks (regions_gbt2260.txt) and regions_extra.txt, less region_exclude.txt."""
    return frozenset((set(_jieba_places()[0]) | set(_lines("regions_gbt2260.txt")) | set(_lines("regions_extra.txt")))
                     - set(_lines("region_exclude.txt")))


@functools.lru_cache(maxsize=1)
def _place_index() -> tuple[frozenset[str], re.Pattern, int]:
    """(the names, a regex class of the characters they end with, the longest name's length)."""
    names = place_names()
    ends = "".join(sorted({re.escape(n[-1]) for n in names}))
    return names, re.compile(f"[{ends}]" if ends else "(?!)"), max(map(len, names), default=0)


def find_places(text: str) -> list[str]:
    """The region names in `text`, in order: at the first position where a name starts, the
    longest one starting there, then on from its end - what `re.findall` over the names
    as one alternation, longest first, gives.

    It starts from the few characters a name can end with (县 市 区 州 省 旗 盟) and looks
    the possible names ending there up in a set: that regex tried some 3,000 alternatives
    at every character where a name may start (中 大 新 …), ~3 ms for a 2,700-character
    report.

    >>> find_places("吴忠市盐池县审计局，在盐池县")
    ['吴忠市', '盐池县', '盐池县']
    """
    names, ends, longest = _place_index()
    found: dict[int, int] = {}          # start -> end of the longest name starting there
    for m in ends.finditer(text):
        j = m.end()
        for i in range(max(0, j - longest), j):
            if text[i:j] in names and found.get(i, 0) < j:
                found[i] = j
    out: list[str] = []
    pos = 0
    for i in sorted(found):
        if i >= pos:
            out.append(text[i:found[i]])
            pos = found[i]
    return out


def _has_place(text: str) -> bool:
    """A region name opens `text` or stands in it (中国人民银行枣庄市分行)."""
    return any(_starts_with_place(text[i:]) for i in range(len(text) - 1))


def _starts_with_place(text: str) -> bool:
    """A region name opens `text`."""
    names, _, longest = _place_index()
    return any(text[:k] in names for k in range(1, min(longest, len(text)) + 1))


def _level(name: str) -> int:
    """0 province, 1 city, 2 county, 3 below (`[places] levels` in attribution.toml)."""
    levels = words()["places"]["levels"]
    for suf in levels:
        if len(suf) > 1 and name.endswith(suf):
            return levels[suf]
    return levels.get(name[-1], 3)
