from decimal import Decimal

from django.shortcuts import render
from django.views.decorators.http import require_GET

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.value import selectors, services
from carteira_core.money import NumberError, parse_decimal

MARKET_MULTIPLES = (7, 10)  # "a carteira é vendida a 7 a 10 vezes o EBITDA"


def _ebitda(text: str) -> tuple[Decimal | None, bool]:
    if not text.strip():
        return None, False
    try:
        value = parse_decimal(text)
    except NumberError:
        return None, True
    return (value, False) if value > 0 else (None, True)


@policy(MANAGEMENT)
@require_GET
def valuation(request):
    """What the user's portfolio is worth: the sum of discounted CLV by seller, team,
    segment and class, what changed since last month, and the market's EBITDA view."""
    fit = selectors.latest_fit()
    context: dict = {"fit": fit, "nav": "value"}
    ebitda, ebitda_error = _ebitda(request.GET.get("ebitda", ""))
    context.update(
        ebitda=ebitda,
        ebitda_text=request.GET.get("ebitda", ""),
        ebitda_error=ebitda_error,
        market=[(m, ebitda * m) for m in MARKET_MULTIPLES] if ebitda else [],
    )
    if fit is not None and fit.ok and fit.spend_ok:
        groups = {by: selectors.valuation_by(request.user, fit, by) for by in selectors.GROUPS}
        context.update(
            groups=groups,
            total=sum((g.value for g in groups["abc"]), Decimal(0)),
            clients=sum(g.clients for g in groups["abc"]),
            change=selectors.change_since(request.user, fit, selectors.previous_month_fit(fit)),
        )
    return render(request, "value/valuation.html", context)


@policy(MANAGEMENT)
@require_GET
def model_check(request):
    """The holdout check of the latest reading's model: fitted on the history up to 180
    days before the reading, its predicted purchases of those 180 days against the actual
    ones, by how often the clients had bought before."""
    fit = selectors.latest_fit()
    check = services.holdout(fit.run.as_of) if fit is not None else None
    top = max([max(row.predicted, row.actual) for row in check.rows] if check else [], default=0)
    return render(
        request,
        "value/model.html",
        {"fit": fit, "check": check, "top": top, "nav": "value"},
    )
