"""The complaint measures: one selector for the page, `carteira report complaints` and the
API. Times are working hours (sla.py); a complaint from before the steps (no timestamps)
counts in "opened"/"closed" but not in the times or the SLA share.

Per group: ``opened`` (opened in the window), ``closed`` (closed in it), ``per_100_clients``
(opened per 100 clients of the group), ``sla_met_pct`` (closed in the window by their
resolution deadline), ``first_response_median_hours``/``_p90_hours`` (complaints
acknowledged in the window), ``resolution_median_hours``/``_p90_hours`` (closed in the
window), ``reopen_rate_pct`` (closed in the window that had been reopened),
``satisfied_pct`` (closed in the window whose client confirmed satisfaction),
``survey_answers``, ``survey_score_avg`` and ``csat_pct`` (of the complaints closed in the
window whose client answered the survey: the mean score of 1-5 and the share of 4 or 5).
The total adds
the churn of clients with and without a complaint in the 90 days to the window's end, and
the NPS of the answers given in the window (complaints.nps).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Count, Q, QuerySet

from carteira.clients.models import Client
from carteira.complaints import sla
from carteira.complaints.models import Complaint
from carteira.complaints.nps import nps_measures
from carteira.complaints.selectors import RISK_WINDOW_DAYS
from carteira.portfolio.models import ClientSnapshot, Status
from carteira.portfolio.selectors import latest_official_run

BY_CHOICES = ("seller", "category", "team", "segment")
CSAT_SATISFIED = 4  # a survey score of 4 or 5 (of 5) counts as satisfied (CSAT)
CHURNED = (Status.INACTIVATED, Status.INACTIVE)
_GROUP_FIELD = {
    "seller": "seller__name",
    "category": "category",
    "team": "seller__team__name",
    "segment": "client__segment",
}
_CLIENT_GROUP_FIELD = {"seller": "seller__name", "team": "seller__team__name",
                       "segment": "segment"}  # fmt: skip


def quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _group(rows: list[Complaint], start: dt.date, end: dt.date, clients: int, calendar) -> dict:
    opened = [c for c in rows if start <= c.opened_on <= end]
    closed = [c for c in rows if c.closed_on and start <= c.closed_on <= end]
    timed_closed = [c for c in closed if c.opened_at and c.closed_at]
    judged = [c for c in closed if c.resolution_due and c.closed_at]
    first = [
        sla.working_hours_between(c.opened_at, c.acknowledged_at, calendar)
        for c in rows
        if c.opened_at and c.acknowledged_at and start <= c.acknowledged_at.date() <= end
    ]
    resolution = [
        sla.working_hours_between(c.opened_at, c.closed_at, calendar) for c in timed_closed
    ]
    confirmed = [c for c in closed if c.client_satisfied is not None]
    scores = [c.survey_score for c in closed if c.survey_score is not None]
    return {
        "opened": len(opened),
        "closed": len(closed),
        "clients": clients,
        "per_100_clients": round(100 * len(opened) / clients, 2) if clients else None,
        "sla_met_pct": _pct(sum(sla.resolution_met(c) for c in judged), len(judged)),
        "first_response_median_hours": _hours(quantile(first, 0.5)),
        "first_response_p90_hours": _hours(quantile(first, 0.9)),
        "resolution_median_hours": _hours(quantile(resolution, 0.5)),
        "resolution_p90_hours": _hours(quantile(resolution, 0.9)),
        "reopen_rate_pct": _pct(sum(c.reopened > 0 for c in closed), len(closed)),
        "satisfied_pct": _pct(sum(bool(c.client_satisfied) for c in confirmed), len(confirmed)),
        "survey_answers": len(scores),
        "survey_score_avg": round(sum(scores) / len(scores), 2) if scores else None,
        "csat_pct": _pct(sum(score >= CSAT_SATISFIED for score in scores), len(scores)),
    }


def churn(clients: QuerySet[Client], end: dt.date) -> dict:
    """Share of clients (non-prospects in the latest official reading to ``end``) that are
    inactivated or inactive, among those with a complaint opened in the 90 days to ``end``
    and among the others."""
    run = latest_official_run(end)
    if run is None:
        return {"with_complaint_pct": None, "without_complaint_pct": None}
    since = end - dt.timedelta(days=RISK_WINDOW_DAYS)
    complained = Complaint.objects.filter(opened_on__gt=since, opened_on__lte=end)
    readings = ClientSnapshot.objects.filter(run=run, client__in=clients).exclude(
        status=Status.PROSPECT
    )
    counts = readings.aggregate(
        with_all=Count("pk", filter=Q(client_id__in=complained.values("client_id"))),
        with_churned=Count(
            "pk", filter=Q(client_id__in=complained.values("client_id"), status__in=CHURNED)
        ),
        all_=Count("pk"),
        churned=Count("pk", filter=Q(status__in=CHURNED)),
    )
    without_all = counts["all_"] - counts["with_all"]
    without_churned = counts["churned"] - counts["with_churned"]
    return {
        "as_of": run.as_of,
        "with_complaint_pct": _pct(counts["with_churned"], counts["with_all"]),
        "without_complaint_pct": _pct(without_churned, without_all),
    }


def _clients_by(clients: QuerySet[Client], by: str) -> Callable[[object], int]:
    """How many clients a group has (for a category: all of them, any may complain)."""
    if by not in _CLIENT_GROUP_FIELD:
        total = clients.count()
        return lambda key: total
    field = _CLIENT_GROUP_FIELD[by]
    counts: dict[object, int] = defaultdict(int)
    for key, n in clients.values_list(field).annotate(n=Count("pk")).values_list(field, "n"):
        counts[key or None] += n
    return lambda key: counts[key]


def complaint_measures(
    complaints: QuerySet[Complaint],
    clients: QuerySet[Client],
    *,
    start: dt.date,
    end: dt.date,
    by: str | None = None,
) -> dict:
    """The measures of ``complaints`` (scoped by the caller) over ``start``..``end``, in
    total and by ``by`` (seller, category, team, segment)."""
    if by is not None and by not in BY_CHOICES:
        raise ValueError(by)
    calendar = sla.company_calendar(end)
    window = Q(opened_on__range=(start, end)) | Q(closed_on__range=(start, end))
    window |= Q(acknowledged_at__date__range=(start, end))
    related = ("seller__team", "client") if by else ()
    rows = list(complaints.filter(window).select_related(*related))
    result = {
        "from": start,
        "to": end,
        "by": by,
        "total": _group(rows, start, end, clients.count(), calendar),
        "churn": churn(clients, end),
        "nps": nps_measures(clients, start=start, end=end),
        "groups": [],
    }
    if by is not None:
        result["groups"] = _groups(rows, _clients_by(clients, by), by, start, end, calendar)
    return result


def _key(complaint: Complaint, by: str) -> str | None:
    value: object = complaint
    for part in _GROUP_FIELD[by].split("__"):
        value = getattr(value, part, None) if value is not None else None
    return value or None


def _groups(rows: Iterable[Complaint], clients: Callable, by: str, start, end, calendar) -> list:
    grouped: dict[str | None, list[Complaint]] = defaultdict(list)
    for complaint in rows:
        grouped[_key(complaint, by)].append(complaint)
    return [
        {"key": key, **_group(items, start, end, clients(key), calendar)}
        for key, items in sorted(grouped.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    ]
