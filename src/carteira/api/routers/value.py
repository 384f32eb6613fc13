"""The predictive value of the official reading (ADR 15), in the shape of
``carteira value --format json``: the caller's clients only, and their value."""

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Schema
from ninja.errors import HttpError

from carteira.api.policy import CLIENT_SCOPE, Router, policy
from carteira.portfolio.services import official_run
from carteira.value.selectors import computed_report, stored_report
from carteira.value.services import do_store_value

router = Router(tags=["value"])
EARLIEST = dt.date(1990, 1, 1)


class ValueOut(Schema):
    as_of: dt.date
    model: dict
    spend: dict
    horizon_months: int
    monthly_rate: float
    clients: list[dict]
    portfolio_value: float | None


@router.get("", response=ValueOut, openapi_extra=policy(CLIENT_SCOPE))
def get_value(
    request, as_of: dt.date | None = None, model: Literal["bgnbd", "pareto"] | None = None
):
    """P(alive), expected purchases in 90 days, next purchase, expected spend and CLV of
    each of the caller's clients at the official reading of ``as_of`` (default today);
    ``model.status``/``reason`` say when there is no reliable prediction. ``model``
    (``carteira value --model``): the reading's stored fit when it is that model, else a
    fit of that model computed for this answer (Pareto/NBD: slower)."""
    today = timezone.localdate()
    as_of = as_of or today
    if not EARLIEST <= as_of <= today + dt.timedelta(days=366):
        raise HttpError(400, f"as_of must be between {EARLIEST} and a year from today.")
    run = official_run(as_of)
    fit = getattr(run, "value_fit", None) or do_store_value(run)
    if model is not None and model != fit.model:
        report = computed_report(request.user, run.as_of, model=model)
    else:
        report = stored_report(request.user, fit)
    for row in report["clients"]:
        for key in ("expected_spend", "clv"):
            row[key] = None if row[key] is None else float(row[key])
    if report["portfolio_value"] is not None:
        report["portfolio_value"] = float(report["portfolio_value"])
    return report
