from decimal import Decimal
from fractions import Fraction

from django import template

from carteira.goals.measure import MONEY, RATES
from carteira.web import formats

register = template.Library()


@register.filter
def indicator_value(value, indicator):
    """A figure of ``indicator`` in the active language: money, a percentage or a count."""
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    if indicator in RATES:
        return formats.percent(value)
    if indicator in MONEY:
        return formats.money(value)
    return formats.number(value, 0 if value == int(value) else 1)


@register.filter
def pct(value):
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return formats.percent(value)


@register.filter
def money_of(value):
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        value = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))
    return formats.money(value)


@register.filter
def lookup(mapping, key):
    return mapping.get(key, "")
