"""What a sentence is, once: text up to and including a run of 。！？!? (or the line's end).

Clause-level cuts (，；) are each stage's own business; a sentence is not.

>>> [m.group() for m in SENTENCE.finditer("学习3次。研讨2次！！还有")]
['学习3次。', '研讨2次！！', '还有', '']
"""
from __future__ import annotations

import re

END_MARKS = "。！？!?"
SENTENCE = re.compile(rf"[^{END_MARKS}\n]*(?:[{END_MARKS}]+|$)")
END = re.compile(rf"[{END_MARKS}\n]")      # where a sentence stops (a mark or a line break)
