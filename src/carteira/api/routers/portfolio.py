"""The rules in force and the portfolio reports, in the shapes of ``carteira report``.
Reports are scoped: readings pass through the gate; KPI groups are limited to the
caller's sellers (or teams)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja.errors import HttpError

from carteira.accounts.models import Role
from carteira.api import schemas as s
from carteira.api.policy import AUTHENTICATED, CLIENT_SCOPE, Router, policy
from carteira.clients.access import clients_visible_to
from carteira.portfolio.kpis import period_of_run
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.reports import (
    BY_CHOICES,
    client_report,
    keep_own_groups,
    kpi_report,
    matrix_report,
)
from carteira.portfolio.rules_store import current_rules_version
from carteira.portfolio.services import official_run

rules = Router(tags=["rules"])
reports = Router(tags=["reports"])
EARLIEST = dt.date(1990, 1, 1)


@rules.get("", response=s.RulesOut, openapi_extra=policy(AUTHENTICATED))
def get_rules(request):
    return current_rules_version()


def _run(as_of: dt.date | None):
    today = timezone.localdate()
    as_of = as_of or today
    if not EARLIEST <= as_of <= today + dt.timedelta(days=366):
        raise HttpError(400, f"as_of must be between {EARLIEST} and a year from today.")
    return official_run(as_of)


def _by(by: str | None) -> str | None:
    if by and by not in BY_CHOICES:
        raise HttpError(400, f"Unknown by '{by}'. Allowed: {', '.join(BY_CHOICES)}.")
    return by or None


def _readings(user):
    return ClientSnapshot.objects.filter(client__in=clients_visible_to(user))


def _numbers(value):
    """Money as JSON numbers, as ``carteira report --format json`` promises."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


@reports.get("/clients", response=list[s.ClientReportRow], openapi_extra=policy(CLIENT_SCOPE))
def report_clients(request, as_of: dt.date | None = None):
    run = _run(as_of)
    return _numbers(client_report(run, _readings(request.user)))


@reports.get("/kpis", response=s.KpiReport, by_alias=True, openapi_extra=policy(CLIENT_SCOPE))
def report_kpis(
    request, as_of: dt.date | None = None, by: str | None = None, period: str | None = None
):
    """The engine's indicators over ``period`` (``month``: from the 1st of the as-of
    month; ``quarter``; ``days:N``; default the rules' rolling window), named by ``from``
    and ``to``. Company-wide users read any grouping. Others read their own groups only:
    a seller the row of their seller (``by`` seller), a manager their sellers' or teams'
    rows."""
    by = _by(by)
    user = request.user
    if not user.sees_whole_portfolio:
        by = by or "seller"
        if by not in {"seller", "team"} or (by == "team" and user.role != Role.MANAGER):
            raise HttpError(
                403,
                "Your KPIs are available by seller"
                + (" or team." if user.role == Role.MANAGER else "."),
            )
    try:
        window, run = period_of_run(_run(as_of), period)
    except ValueError:
        raise HttpError(400, "period must be month, quarter or days:N (N >= 1).") from None
    report = keep_own_groups(kpi_report(run, by, window), user, by)
    return _numbers(report)


@reports.get("/matrix", response=s.MatrixReport, openapi_extra=policy(CLIENT_SCOPE))
def report_matrix(request, as_of: dt.date | None = None, by: str | None = None):
    report = matrix_report(_run(as_of), _by(by), _readings(request.user))
    return _numbers(report)
