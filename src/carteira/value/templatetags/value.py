from decimal import Decimal

from babel.numbers import format_currency
from django import template
from django.conf import settings

from carteira.value.messages import reason_text
from carteira.web.formats import babel_locale

register = template.Library()


@register.filter
def whole_money(value):
    """Money rounded to whole units: R$ 18.400 (a prediction has no cents worth showing)."""
    if value in (None, ""):
        return "—"
    return format_currency(
        Decimal(value).quantize(Decimal(1)),
        settings.CURRENCY,
        format="¤ #,##0",
        locale=babel_locale(),
        currency_digits=False,
    )


@register.filter
def whole_percent(value):
    """A probability as whole percent with a space: 34 %."""
    if value in (None, ""):
        return "—"
    return f"{round(float(value) * 100)} %"


@register.filter
def fit_reason(code):
    return reason_text(code)
