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


@dataclass
class Mapped:
    text: str
    pos: array  # pos[i] = index in the original of text[i]; one extra entry = end of text

    @classmethod
    def identity(cls, text: str) -> "Mapped":
        return cls(text, array("q", range(len(text) + 1)))

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
        for m in pattern.finditer(text):
            s, e = m.span()
            parts.append(text[last:s])
            pos.extend(old[last:s])
            r = repl(m) if callable(repl) else m.expand(repl)
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
