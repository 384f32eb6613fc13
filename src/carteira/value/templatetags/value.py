from decimal import Decimal

from babel.numbers import format_currency
from django import template
from django.conf import settings

from carteira.value import selectors
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
def signed_whole_money(value):
    """A change of value in whole units with its sign: +R$ 1.200 / −R$ 300."""
    if value in (None, ""):
        return "—"
    sign = "+" if Decimal(value) >= 0 else "−"
    return sign + whole_money(abs(Decimal(value)))


@register.filter
def whole_percent(value):
    """A probability as whole percent with a space: 34 %."""
    if value in (None, ""):
        return "—"
    return f"{round(float(value) * 100)} %"


@register.filter
def recovery_worth(fit):
    """What winning the client of ``client_value``'s fit back is worth (CLV / P(alive) −
    CLV, carteira_core.value.whatif), or None without both figures."""
    return selectors.recovery_worth(
        getattr(fit, "mine_clv", None), getattr(fit, "mine_p_alive", None)
    )


@register.filter
def fit_reason(code):
    return reason_text(code)
