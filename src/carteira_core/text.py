"""Text is text: control characters cleaned from what people and files type in.

A name or a title is one line. A carriage return in a batch title once made every reminder
e-mail of that batch raise (a header with a line break); a tab or a NUL in a client name
breaks exports and screens. Every door that takes text (forms, the API, imports, the
admin) stores it through these functions."""

from __future__ import annotations

import re

# C0 and C1 control characters (CR, LF, tab, NUL, ESC, NEL, …) and the Unicode line and
# paragraph separators, which break lines in e-mail clients and editors too.
_CONTROLS = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
_CONTROL_RUN = re.compile(f"[{_CONTROLS}]+")


def has_control(value: str) -> bool:
    return _CONTROL_RUN.search(value) is not None


def clean_line(value: str) -> str:
    """One line: each run of control characters becomes one space and the ends are
    trimmed; nothing else changes. ``"Ramos &\\r\\nAlves"`` → ``"Ramos & Alves"``."""
    return _CONTROL_RUN.sub(" ", value).strip()


def clean_text(value: str) -> str:
    """Several lines (notes, descriptions): line breaks normalised to ``\\n``, tabs kept,
    every other control character removed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _MULTILINE_DROP.sub("", value)


_MULTILINE_DROP = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
