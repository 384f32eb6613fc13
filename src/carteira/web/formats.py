"""Money, numbers and percentages in the active language (R$ 1.234,56 in pt-BR)."""

import re
from decimal import Decimal
from fractions import Fraction

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent
from django.conf import settings
from django.utils import translation

BABEL_LOCALES = {"pt-br": "pt_BR", "es": "es", "en": "en"}


def babel_locale() -> str:
    return BABEL_LOCALES.get((translation.get_language() or "pt-br").lower(), "pt_BR")


def money(value: Decimal | int | float | None, currency: str | None = None) -> str:
    if value in (None, ""):
        return "—"
    return format_currency(Decimal(value), currency or settings.CURRENCY, locale=babel_locale())


def number(value, digits: int = 0) -> str:
    if value in (None, ""):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def percent(value, digits: int = 1) -> str:
    """A fraction in [0, 1] as a percentage; '—' where it is undefined."""
    if value in (None, ""):
        return "—"
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    locale = Locale.parse(babel_locale())
    pattern = locale.percent_formats[None].pattern
    if digits:
        pattern = re.sub(r"0(?=[^0#]*$)", "0." + "0" * digits, pattern, count=1)
    return format_percent(value, format=pattern, locale=locale)
