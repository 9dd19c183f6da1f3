"""Script: traditional -> simplified (OpenCC t2s, length-preserving) and script detection.

Every stage matches its patterns against a simplified copy of the text and reads offsets
back into the original, so `to_simplified` must keep every character where it was. It is
called on whole texts, single lines and titles alike; most reports are simplified
already, so a one-regex test (`t2s_unchanged`) returns those untouched without a call
into OpenCC.

>>> to_simplified("意識形態工作責任制"), script_of("意識形態工作責任制")
('意识形态工作责任制', 'traditional')
"""
from __future__ import annotations

import functools
import json
import logging
import os
import re
from dataclasses import dataclass
from typing import Callable

from pipeline.config import cache_dir


@functools.lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert


def to_simplified(text: str) -> str:
    """Traditional -> simplified (OpenCC t2s), guaranteed length-preserving so offsets hold.

    Stages call this on the whole text, on each line and on titles of the same file; most
    files are simplified already, so a text t2s cannot change (`t2s_unchanged`, one regex
    scan) is returned as it is, without a call into OpenCC (which costs several times more,
    most of it per call).

    >>> to_simplified("意識形態工作責任制")
    '意识形态工作责任制'
    """
    return text if t2s_unchanged(text) else _convert(text)


def _convert(text: str) -> str:
    """OpenCC t2s itself, made length-preserving."""
    out = _t2s()(text)
    if len(out) == len(text):
        return out
    conv = _t2s()  # a phrase rule changed the length: fall back to character by character
    return "".join(c if len(c) == 1 else ch for ch, c in ((ch, conv(ch)) for ch in text))


# ---------------------------------------------------------------- t2s fast path
# OpenCC only changes a text where a dictionary entry whose value differs from its key
# matches. So a text holding no character t2s changes on its own (長, 乾, 於 …) and none of
# the few phrases that change only as a whole (反覆 回覆 瞭解 藉助 沈思 …: their characters
# alone stay) is returned unchanged, and so is every piece of it. The two lists come from
# the installed OpenCC's own dictionaries (dumped with its `opencc_dict` tool, each entry
# checked with the converter itself) and are cached in `config.cache_dir()` keyed by a hash of
# the config and dictionary files, as jieba caches its prefix dictionary. Without the tool
# (another OpenCC build) there is no fast path: every text goes through OpenCC, as before.

_T2S_CACHE_FORMAT = 1
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class T2sTable:
    chars: str                  # characters t2s changes on their own
    phrases: tuple[str, ...]    # phrases t2s changes that contain none of `chars`
    phrase_chars: str           # in each of `phrases`, the characters that change

    @functools.cached_property
    def scan(self) -> re.Pattern:
        """One regex class: `chars`, `phrase_chars`, and (kept out of the exact lists: a
        long list of astral characters makes a slow regex class) any astral character or
        lone surrogate, which then take the slow, exact path."""
        bmp = [c for c in self.chars + self.phrase_chars if ord(c) < 0x10000 and not "\ud800" <= c <= "\udfff"]
        return re.compile(_char_class(bmp, extra="\ud800-\udfff\U00010000-\U0010ffff"))

    @functools.cached_property
    def phrase_lookup(self) -> tuple[frozenset, re.Pattern | None, int]:
        """(phrase_chars as a set, a regex of the phrases, the longest phrase's length)."""
        if not self.phrases:
            return frozenset(), None, 0
        alt = "|".join(map(re.escape, sorted(self.phrases, key=len, reverse=True)))
        return frozenset(self.phrase_chars), re.compile(alt), max(map(len, self.phrases))


def _char_class(chars, extra: str = "") -> str:
    """A regex class of `chars` as ranges (a few thousand CJK characters: one bitmap)."""
    cps = sorted({ord(c) for c in chars})
    out, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        out.append(re.escape(chr(cps[i])) + ("-" + re.escape(chr(cps[j])) if j > i else ""))
        i = j + 1
    return "[" + "".join(out) + extra + "]" if out or extra else "(?!)"


def t2s_unchanged(text: str) -> bool:
    """True when OpenCC t2s is sure to return `text` unchanged (False: it may change it,
    or there is no table for this OpenCC). One regex scan; a character of one of the
    phrases (覆 of 全覆盖) costs a phrase search in the few characters around it.

    >>> t2s_unchanged("意识形态工作全覆盖"), t2s_unchanged("意識形態"), t2s_unchanged("反覆研究")
    (True, False, False)
    """
    table = t2s_table()
    if table is None:
        return False
    for m in table.scan.finditer(text):
        in_phrase, phrases, longest = table.phrase_lookup
        if m.group() not in in_phrase:
            return False                # a character t2s changes
        i = m.start()                   # a phrase holding it lies within `longest` of it
        if phrases.search(text, max(0, i - longest + 1), i + longest):
            return False
    return True


@functools.lru_cache(maxsize=1)
def t2s_table() -> T2sTable | None:
    """The installed OpenCC's t2s table (see above), from the cache folder or built."""
    try:
        import opencc

        sources = _t2s_sources(getattr(opencc.OpenCC("t2s"), "config", ""))
    except Exception as exc:            # no table, no fast path; never a wrong answer
        _log.debug("t2s fast path off: %s", exc)
        return None
    if sources is None:
        return None
    cache = _t2s_cache_path(sources, getattr(opencc, "__version__", "?"))
    try:
        if cache is None:               # no private cache folder: build the table every time
            raise FileNotFoundError
        with open(cache, encoding="utf-8") as fh:
            raw = json.load(fh)
        table = T2sTable(raw["chars"], tuple(raw["phrases"]), raw["phrase_chars"])
        if (raw.get("format") == _T2S_CACHE_FORMAT and isinstance(table.chars, str)
                and isinstance(table.phrase_chars, str) and all(isinstance(p, str) for p in table.phrases)):
            return table
    except (OSError, ValueError, KeyError, TypeError):
        pass                            # missing or unreadable: build it again
    try:
        table = _build_t2s_table(sources)
    except Exception as exc:
        _log.debug("t2s fast path off: %s", exc)
        return None
    if cache is None:
        return table
    try:
        tmp = f"{cache}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"format": _T2S_CACHE_FORMAT, "chars": table.chars, "phrases": list(table.phrases),
                       "phrase_chars": table.phrase_chars}, fh, ensure_ascii=False)
        os.replace(tmp, cache)          # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        pass
    return table


def _t2s_sources(config: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(config path, [(dictionary file, its type)]) of an OpenCC config, None if it names a
    dictionary this code cannot read."""
    if not config or not os.path.isfile(config):
        return None
    with open(config, encoding="utf-8") as fh:
        spec = json.load(fh)
    found: list[tuple[str, str]] = []

    def walk(node) -> bool:
        if isinstance(node, list):
            return all(walk(v) for v in node)
        if not isinstance(node, dict):
            return True
        if "file" in node:
            path = os.path.join(os.path.dirname(config), node["file"])
            if node.get("type") not in ("ocd2", "ocd", "text") or not os.path.isfile(path):
                return False
            found.append((path, node["type"]))
        return all(walk(v) for v in node.values())

    return (config, found) if walk(spec) and found else None


def _t2s_cache_path(sources: tuple[str, list[tuple[str, str]]], version: str) -> str | None:
    import hashlib

    h = hashlib.sha256(f"{_T2S_CACHE_FORMAT}|{version}".encode())
    for path in [sources[0]] + [p for p, _ in sources[1]]:
        h.update(path.encode("utf-8", "surrogateescape"))
        with open(path, "rb") as fh:
            h.update(fh.read())
    d = cache_dir()
    return str(d / f"zongjie_t2s.{h.hexdigest()[:20]}.json") if d else None


def _opencc_dict_tool() -> str | None:
    import opencc

    path = os.path.join(os.path.dirname(opencc.__file__), "clib", "bin", "opencc_dict")
    return path if os.access(path, os.X_OK) else None


def _dict_keys(path: str, kind: str) -> list[str]:
    """The keys of one OpenCC dictionary (text: read; ocd2/ocd: dumped by `opencc_dict`)."""
    import subprocess
    import tempfile

    if kind == "text":
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    else:
        tool = _opencc_dict_tool()
        if tool is None:
            raise FileNotFoundError("opencc_dict not found")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "dict.txt")
            subprocess.run([tool, "-i", path, "-o", out, "-f", kind, "-t", "text"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            with open(out, encoding="utf-8") as fh:
                text = fh.read()
    keys = [line.split("\t", 1)[0] for line in text.split("\n") if line]
    if not keys:
        raise ValueError(f"no entries read from {path}")
    return keys


def _build_t2s_table(sources: tuple[str, list[tuple[str, str]]]) -> T2sTable:
    """Every key of every dictionary the t2s config uses, run through the converter: what
    t2s does to a key on its own is what it does wherever that entry matches."""
    conv = _t2s()
    keys = sorted({k for path, kind in sources[1] for k in _dict_keys(path, kind)})
    chars: set[str] = set()
    changed: list[tuple[str, str]] = []
    for k in keys:
        out = conv(k)
        if out == k:
            continue
        if len(k) == 1:
            chars.add(k)
        else:
            changed.append((k, out))
    phrases, phrase_chars = [], set()
    for k, out in changed:
        if chars.isdisjoint(k):         # otherwise `chars` already catches it
            phrases.append(k)
            # the text holds the phrase only if it holds one of the characters that change
            phrase_chars.update([a for a, b in zip(k, out) if a != b] if len(out) == len(k) else k)
    if not chars:
        raise ValueError("t2s changes no character: not the dictionaries expected")
    return T2sTable("".join(sorted(chars)), tuple(phrases), "".join(sorted(phrase_chars)))


_HAN_RE = re.compile("[\u4e00-\u9fff]")


def script_of(text: str, simple: str | None = None) -> str:
    """'traditional' when a noticeable share of characters change under t2s.
    Pass the simplified copy when you have it (it is the expensive part).

    >>> script_of("意識形態工作責任制"), script_of("意识形态工作责任制")
    ('traditional', 'simplified')
    """
    sample = text[:3000]
    simple = simple[:3000] if simple is not None else to_simplified(sample)
    if sample == simple:            # the common case, decided by one C-level comparison
        return "simplified"
    han = len(_HAN_RE.findall(sample))
    if not han:
        return "simplified"
    changed = sum(map(str.__ne__, sample, simple))
    return "traditional" if changed / han > 0.05 else "simplified"
