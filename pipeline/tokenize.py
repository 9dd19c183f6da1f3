"""Stage 8 - tokenize: simplified report text -> term counts (placeholder; see extraction issue)."""
from __future__ import annotations

from collections import Counter


def term_counts(simple: str) -> Counter:
    return Counter()
