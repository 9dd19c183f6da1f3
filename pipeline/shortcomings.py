"""Stage 7b - extract shortcoming statements (placeholder baseline; replaced by the extraction issue)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Shortcoming:
    section_index: int
    position: int            # 1-based order within the report
    text: str                # the statement, as in the report text
    category: str            # primary category
    categories: list[str] = field(default_factory=list)   # every category that matched
    triggers: list[str] = field(default_factory=list)     # the words that matched
    start: int = 0
    end: int = 0


def extract_shortcomings(text: str, simple: str, sections) -> list[Shortcoming]:
    return []
