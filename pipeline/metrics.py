"""Stage 7a - extract activity metrics (placeholder baseline; replaced by the extraction issue)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Metric:
    section_index: int
    section_kind: str
    phrase: str
    category: str
    value: float | None
    measure: str
    approx: bool
    placeholder: bool
    text: str            # the clause holding the count, as in the report text
    start: int           # offsets of `text` in the report text
    end: int
    sentence: str = ""   # the whole sentence, for the reader


def extract_metrics(text: str, simple: str, sections) -> list[Metric]:
    return []
