"""Neutralise spreadsheet formula injection in text that will be opened by Excel/Calc.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, TAB or CR is run as a formula by
spreadsheet programs (``=HYPERLINK("http://x","y")``). Prefixing ``'`` makes it plain
text (OWASP "CSV injection"). Only text is touched: numbers stay numbers, so numeric
export columns must be passed as ``int``/``Decimal``, not pre-formatted strings.
"""

from __future__ import annotations

# Full-width variants are included: some spreadsheet programs normalise them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralize_formula(text: str) -> str:
    """``=1+1`` → ``'=1+1``; any other text unchanged."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def safe_cell[T](value: T) -> T | str:
    """Neutralise a cell of any type: only ``str`` values can be changed."""
    return neutralize_formula(value) if isinstance(value, str) else value
