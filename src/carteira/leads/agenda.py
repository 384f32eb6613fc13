"""Leads in the seller's agenda: each open lead's next step is a job the agenda plans
with the seller's tasks, within the same daily capacity of visits and calls
(agenda.scheduling calls ``lead_jobs`` and writes back with ``do_plan_lead_days``).

A lead's job may take any working day from its next step's date (today when overdue)
for ``SLACK_DAYS``; its priority is its ICP score (0–100), so a seller's client tasks of
class C and above (priority 100+) come first, and among leads the best ICP first."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from carteira.interactions.models import Channel
from carteira.leads.models import Lead
from carteira.leads.stages import closing_keys
from carteira_core.agenda.schedule import CALL, VISIT, Job

SLACK_DAYS = 7


def open_leads_of(seller_id: int) -> QuerySet[Lead]:
    closed = closing_keys("won") | closing_keys("lost")
    return Lead.objects.filter(seller_id=seller_id, client__isnull=True).exclude(stage__in=closed)


def job_key(lead_id: int) -> int:
    """Tasks' keys are their (positive) pks: a lead's is its negated pk."""
    return -lead_id


def lead_jobs(seller_id: int, *, today: dt.date) -> list[Job]:
    leads = open_leads_of(seller_id).filter(next_step_date__isnull=False)
    return [
        Job(
            key=job_key(pk),
            kind=VISIT if channel == Channel.VISIT else CALL,
            earliest=due,
            due=due,
            latest=max(due, today) + dt.timedelta(days=SLACK_DAYS),
            priority=score or 0,
            revenue_at_risk_cents=0,
        )
        for pk, due, channel, score in leads.values_list(
            "pk", "next_step_date", "next_step_channel", "icp_score"
        )
    ]


def planned_days(jobs: list[Job], days: dict[int, dt.date]) -> dict[int, dt.date | None]:
    """lead pk → the day the plan gave its job (None: no room before its slack ran out)."""
    return {-job.key: days.get(job.key) for job in jobs}


def planned_leads(seller_id: int, start: dt.date, end: dt.date) -> list[Lead]:
    """The seller's leads planned between ``start`` and ``end``, best ICP first."""
    leads = open_leads_of(seller_id).filter(scheduled_date__range=(start, end))
    return list(leads.order_by("scheduled_date", "-icp_score", "name", "pk"))


def unplanned_count(seller_id: int) -> int:
    """Leads with a next step that found no day (the prospecting backlog)."""
    leads = open_leads_of(seller_id).filter(next_step_date__isnull=False)
    return leads.filter(scheduled_date__isnull=True).count()
