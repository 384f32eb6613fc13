"""Money, numbers and percentages in the active language (R$ 1.234,56 in pt-BR)."""

import re
from decimal import Decimal
from fractions import Fraction

import phonenumbers
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


# The country whose numbers a client record holds without a country code.
PHONE_REGION = "BR"
# The region whose national format a language's readers use; others read "+55 11 …".
LANGUAGE_REGIONS = {"pt-br": "BR"}


def phone(value: str | None) -> str:
    """A phone number as its readers write it: "(11) 98765-4321" in pt-BR for a Brazilian
    number, "+55 11 98765-4321" in other languages; as typed when it is not a valid number."""
    if not value:
        return ""
    number = _phone_number(value)
    if number is None:
        return value
    language = (translation.get_language() or "pt-br").lower()
    national = LANGUAGE_REGIONS.get(language) == phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if national
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def phone_uri(value: str | None) -> str:
    """``tel:+5511987654321`` for a valid number, else empty (no link)."""
    number = _phone_number(value or "")
    if number is None:
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phone_number(value: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(value, getattr(settings, "CARTEIRA_PHONE_REGION", PHONE_REGION))
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None
