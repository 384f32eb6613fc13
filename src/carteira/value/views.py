from decimal import Decimal

from django.shortcuts import render
from django.views.decorators.http import require_GET

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.value import selectors, services
from carteira_core.money import NumberError, parse_decimal

MARKET_MULTIPLES = (7, 10)  # "a carteira é vendida a 7 a 10 vezes o EBITDA"
# the what-if levers: (query name, default, largest accepted)
CHURN = ("churn", Decimal(1), Decimal(20))  # points less chance of leaving per purchase
FREQUENCY = ("frequency", Decimal(5), Decimal(100))  # % more purchases


def _lever(data, lever) -> tuple[Decimal, bool]:
    """A what-if lever typed in (0 < value <= its largest), or its default and an error."""
    name, default, top = lever
    text = data.get(name, "").strip()
    if not text:
        return default, False
    try:
        value = parse_decimal(text)
    except NumberError:
        return default, True
    return (value, False) if 0 < value <= top else (default, True)


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
        churn, churn_error = _lever(request.GET, CHURN)
        frequency, frequency_error = _lever(request.GET, FREQUENCY)
        context.update(
            what_if=selectors.what_if(
                request.user, fit, churn_points=churn, frequency_percent=frequency
            ),
            churn_error=churn_error,
            frequency_error=frequency_error,
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
