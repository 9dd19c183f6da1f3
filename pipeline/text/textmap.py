"""Text with a map back to where each character came from.

Cleaning deletes and rewrites characters, yet the export must give offsets into the file's
decoded text. `Mapped` carries, for each character of the cleaned text, its index in the
original, so every later stage can translate its own offsets back for free.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from typing import Callable


# Identity maps are slices of one shared 0, 1, 2, … array: slicing copies memory, while
# `array("q", range(n))` converts n Python ints (it was a tenth of `clean`). Texts longer
# than the cap (rare) get their own array rather than pinning a huge one in every worker.
_IDENTITY_CAP = 1 << 20
_identity = array("q")


def _identity_map(n: int) -> array:
    """array("q", range(n)), fast."""
    global _identity
    if n > len(_identity):
        if n > _IDENTITY_CAP:
            return array("q", range(n))
        _identity = array("q", range(min(_IDENTITY_CAP, max(n, 2 * len(_identity), 1 << 14))))
    return _identity[:n]


@dataclass
class Mapped:
    text: str
    pos: array  # pos[i] = index in the original of text[i]; one extra entry = end of text

    @classmethod
    def identity(cls, text: str) -> "Mapped":
        return cls(text, _identity_map(len(text) + 1))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering cleaned [start, end)."""
        if end <= start:
            return self.pos[start], self.pos[start]
        return self.pos[start], self.pos[end - 1] + 1

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str]) -> "Mapped":
        """`pattern.sub(repl, text)` that keeps the map: a same-length replacement maps
        one to one, anything else maps to the start of the match."""
        parts: list[str] = []
        pos = array("q")
        last = 0
        text, old = self.text, self.pos
        # a replacement string without backslashes is literal (what `m.expand` would return)
        literal = repl if isinstance(repl, str) and "\\" not in repl else None
        for m in pattern.finditer(text):
            s, e = m.span()
            parts.append(text[last:s])
            pos.extend(old[last:s])
            r = literal if literal is not None else repl(m) if callable(repl) else m.expand(repl)
            parts.append(r)
            if len(r) == e - s:
                pos.extend(old[s:e])
            else:
                pos.extend([old[s]] * len(r))
            last = e
        if last == 0 and not parts:
            return self
        parts.append(text[last:])
        pos.extend(old[last:])
        return Mapped("".join(parts), pos)

    def delete_spans(self, spans: list[tuple[int, int]]) -> "Mapped":
        """Drop the given non-overlapping, sorted [start, end) spans."""
        if not spans:
            return self
        parts, pos, last = [], array("q"), 0
        for s, e in spans:
            parts.append(self.text[last:s])
            pos.extend(self.pos[last:s])
            last = e
        parts.append(self.text[last:])
        pos.extend(self.pos[last:])
        return Mapped("".join(parts), pos)

    def translate(self, table: dict) -> "Mapped":
        """A one-to-one character translation; the map is unchanged."""
        return Mapped(self.text.translate(table), self.pos)
