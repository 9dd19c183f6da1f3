"""How a number or a file name reads on screen (1,234 / 12.5 / – for none; a file's name,
not the server's path to it), the same in every table, metric and caption."""
from __future__ import annotations

import re
from typing import Any

import pandas as pd


def fmt_num(x: Any) -> str:
    """Thousands separated, one decimal only when needed, – for a missing value.

    >>> fmt_num(1234.0), fmt_num(12.5), fmt_num(None)
    ('1,234', '12.5', '–')
    """
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return "–"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def shown_name(path: Any) -> str:
    """A file as users know it: its name, not where the server keeps it.

    >>> shown_name("/srv/uploads/ab12/甲局.docx"), shown_name(None)
    ('甲局.docx', '')
    """
    return "" if path is None else re.split(r"[\\/]", str(path))[-1]
