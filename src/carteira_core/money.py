"""Reading and writing pt-BR money and numbers, exactly (``Decimal``).

Parsing rules (``parse_decimal``), chosen so that no reading is a silent guess:

* Accepted: ``1234.56``, ``1234,56``, ``1.234,56``, ``1,234.56``, ``R$ 1.234,56``,
  ``-1.234,56``, ``(1.234,56)``, ``1.234,56-`` (SAP-style trailing minus), ``+12``.
  Spaces (including no-break spaces) anywhere are ignored.
* When both ``.`` and ``,`` appear, the last one is the decimal separator and the other
  must group thousands in threes.
* A single ``,`` is always decimal (pt-BR). Several ``,`` or several ``.`` are
  thousands separators (``1.234.567`` or ``1,234,567``) and must group in threes.
* A single ``.`` followed by exactly three digits (``1.234``) is AMBIGUOUS: a pt-BR
  spreadsheet means one thousand two hundred thirty-four, a program export means
  1.234. It is refused (``ambiguous_number``) rather than guessed. ``1.5`` and
  ``1234.567`` (not a thousands group) are decimal.
* Exponents, NaN and infinity are refused.
* More decimal places than ``places`` are refused (``too_many_decimals``), never
  rounded: rounding money silently changes the data. Extra zeros (``10,500``) are fine.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_INTEGER_DIGITS = 15

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN = re.compile(r"\d+")


class NumberError(ValueError):
    """Raised by ``parse_decimal``; ``code`` and ``params`` match the ingest MESSAGES."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")


def _grouped(integer: str, sep: str) -> bool:
    return re.fullmatch(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+", integer) is not None


def _split_sign(text: str) -> tuple[bool, str]:
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.upper().startswith("R$"):
        text = text[2:]
    if text[:1] in "+-" and text:
        negative, text = negative or text[0] == "-", text[1:]
    elif text.endswith("-"):
        negative, text = True, text[:-1]
    if text.upper().startswith("R$"):
        text = text[2:]
    return negative, text


def _canonical(body: str, original: str) -> str:
    """Turn the unsigned body into ``digits[.digits]`` or raise."""
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal_sep = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if decimal_sep == "." else "."
        integer, _, fraction = body.rpartition(decimal_sep)
        if not (_grouped(integer, thousands) or _PLAIN.fullmatch(integer)):
            raise NumberError("invalid_number", value=original)
        if thousands in fraction:
            raise NumberError("invalid_number", value=original)
        return integer.replace(thousands, "") + "." + fraction
    sep = "." if dots else "," if commas else ""
    count = dots or commas
    if not sep:
        return body
    if count > 1:
        if not _grouped(body, sep):
            raise NumberError("invalid_number", value=original)
        return body.replace(sep, "")
    integer, _, fraction = body.partition(sep)
    if sep == "." and len(fraction) == 3 and integer.isdigit() and 1 <= len(integer) <= 3:
        raise NumberError("ambiguous_number", value=original)
    return integer + "." + fraction


def parse_decimal(text: str, *, places: int = 2) -> Decimal:
    """Parse a pt-BR or plain number into a ``Decimal`` with exactly ``places`` places."""
    original = text
    compact = _SPACES.sub("", text)
    if not compact:
        raise NumberError("invalid_number", value=original)
    negative, body = _split_sign(compact)
    canonical = _canonical(body, original)
    if not re.fullmatch(r"\d+(?:\.\d+)?", canonical):
        raise NumberError("invalid_number", value=original)
    return _finish(canonical, negative, places, original)


def _finish(canonical: str, negative: bool, places: int, original: str) -> Decimal:
    integer = canonical.partition(".")[0].lstrip("0")
    if len(integer) > MAX_INTEGER_DIGITS:
        raise NumberError("number_too_large", value=original)
    try:
        value = Decimal(canonical)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
        raise NumberError("invalid_number", value=original) from exc
    return _quantize_exact(-value if negative else value, places, original)


def _quantize_exact(value: Decimal, places: int, original: str) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    quantized = value.quantize(quantum)
    if quantized != value:
        raise NumberError("too_many_decimals", value=original, places=places)
    return quantized + 0 if quantized else abs(quantized)  # no "-0.00"


def decimal_from_number(number: int | float | Decimal, *, places: int = 2) -> Decimal:
    """A spreadsheet's numeric cell to ``Decimal``.

    Floats carry binary noise from formulas (``1234.5600000000002``): a float within
    one part in 10^12 of a value with ``places`` places is taken as that value; a float
    with real extra places (``10.125``) is refused like the text would be.
    """
    if isinstance(number, bool):
        raise NumberError("invalid_number", value=str(number))
    if isinstance(number, float):
        if number != number or number in (float("inf"), float("-inf")):
            raise NumberError("invalid_number", value=str(number))
        rounded = round(number, places)
        if abs(number - rounded) > max(abs(number), 1.0) * 1e-12:
            raise NumberError("too_many_decimals", value=repr(number), places=places)
        number = Decimal(repr(rounded))
    value = Decimal(number)
    if abs(value) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        raise NumberError("number_too_large", value=str(number))
    return _quantize_exact(value, places, str(number))


def format_decimal_br(value: Decimal, *, places: int = 2, grouping: bool = True) -> str:
    """``Decimal("-1234.5")`` → ``-1.234,50`` (pt-BR)."""
    text = f"{abs(value):,.{places}f}" if grouping else f"{abs(value):.{places}f}"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return "-" + text if value < 0 else text


def format_brl(value: Decimal, *, accounting: bool = False) -> str:
    """``R$ 1.234,56``; negatives as ``-R$ 1.234,56`` or ``(R$ 1.234,56)`` (accounting)."""
    text = "R$ " + format_decimal_br(abs(value))
    if value < 0:
        return f"({text})" if accounting else "-" + text
    return text
