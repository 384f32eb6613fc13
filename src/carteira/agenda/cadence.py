"""The contact cadence, one definition. From the client's own purchase rhythm (``[agenda]
cadence = "rhythm"``): an active client that buys on a rhythm is contacted every that many
days (the median gap between its purchase days, as cycle mode measures it: the engine's
``purchase_rhythm``), bounded by the rules, instead of its plan cell's frequency. The
action plan asks it per client; the task keeps why in its context, the agenda shows it.

From the client's stock, when its sell-out is imported (agenda.models.SellOut): a client
whose shelf runs out before its next contact is due has that contact brought forward to
``COVER_LEAD_DAYS`` before the day it runs out (days of cover = stock on hand / average
daily sell-out, carteira_core.agenda.cadence.stock_cover); the planner asks it per task
(``cover_job``), the client page shows it (``client_stock``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from carteira.agenda.models import SellOut, Task
from carteira.portfolio.engine_input import load_input
from carteira_core.agenda.cadence import Cover, brought_forward, rhythm_cadence, stock_cover
from carteira_core.agenda.schedule import Job
from carteira_core.engine.rhythm import purchase_rhythm
from carteira_core.rules import PortfolioRules

ACTIVE = "active"  # only a client buying on its rhythm keeps it; recovery follows the plan


@dataclass(frozen=True)
class Cadence:
    rhythm_days: float  # the median days between purchase days
    every: int  # contact every this many days (the rhythm within the rules' bounds)
    low: int  # the rules' bounds
    high: int

    def as_context(self, cell_days: int) -> dict:
        """What the task keeps to explain itself (JSON)."""
        return {"rhythm_days": self.rhythm_days, "every": self.every, "cell_days": cell_days,
                "min_days": self.low, "max_days": self.high}  # fmt: skip


def client_cadences(as_of: dt.date, rules: PortfolioRules) -> dict[int, Cadence]:
    """Each client with a purchase rhythm on ``as_of`` and its cadence; empty unless the
    rules ask for the rhythm (reading the orders costs a pass over the portfolio)."""
    if rules.agenda.cadence != "rhythm":
        return {}
    low, high = rules.agenda.cadence_min_days, rules.agenda.cadence_max_days
    rows = purchase_rhythm(load_input(as_of), as_of, rules)
    cadences = {}
    for client_id, rhythm in rows.select("client_id", "rhythm_days").iter_rows():
        every = rhythm_cadence(rhythm, low=low, high=high)
        if every is not None:
            cadences[client_id] = Cadence(rhythm, every, low, high)
    return cadences


def cadence_for(reading_status: str, cadences: dict[int, Cadence], client_id: int):
    """The client's rhythm cadence when it applies (an active client with a rhythm)."""
    return cadences.get(client_id) if reading_status == ACTIVE else None


# The seller arrives this many days before the shelf runs out: the order needs time to
# be delivered.
COVER_LEAD_DAYS = 2
# A stock older than this says nothing about today's shelf.
COVER_STALE_DAYS = 30
COVER_READ_DAYS = COVER_STALE_DAYS + 28  # the stock's window of sell-out before it


def stock_covers(client_ids: Iterable[int], *, today: dt.date) -> dict[int, Cover]:
    """Each client's first product to run out, from its recent sell-out and stock (none
    for a client without both, or whose latest stock is over ``COVER_STALE_DAYS`` old)."""
    ids = sorted(set(client_ids))
    rows: dict[int, list] = {}
    since = today - dt.timedelta(days=COVER_READ_DAYS)
    for start in range(0, len(ids), 2_000):
        for client_id, *row in SellOut.objects.filter(
            client_id__in=ids[start : start + 2_000], date__gt=since, date__lte=today
        ).values_list("client_id", "date", "product", "quantity", "value", "stock"):
            rows.setdefault(client_id, []).append(_floats(row))
    covers = {client_id: stock_cover(own) for client_id, own in rows.items()}
    oldest = today - dt.timedelta(days=COVER_STALE_DAYS)
    return {key: cover for key, cover in covers.items() if cover and cover.as_of >= oldest}


def _floats(row):
    day, product, *amounts = row
    return (day, product, *(None if amount is None else float(amount) for amount in amounts))


def cover_job(job: Job, cover: Cover | None, *, today: dt.date) -> Job:
    """The plan task's job brought forward when the client's shelf runs out before its
    next contact is due: due (and planned from) ``COVER_LEAD_DAYS`` before it runs out."""
    target = brought_forward(job.earliest, cover, today=today, lead_days=COVER_LEAD_DAYS)
    if target is None:
        return job
    latest = max(job.latest, target) if job.latest else None
    return replace(job, earliest=target, due=target, latest=latest)


@dataclass(frozen=True)
class ClientStock:
    """What the client page says of the client's shelf."""

    cover: Cover
    next_contact: dt.date | None  # the next planned day of its open plan task
    brought_forward: bool  # that contact was moved earlier for the stock

    @property
    def visit_after_runs_out(self) -> bool:
        return self.next_contact is not None and self.next_contact > self.cover.runs_out


def client_stock(client_id: int, *, today: dt.date) -> ClientStock | None:
    cover = stock_covers([client_id], today=today).get(client_id)
    if cover is None:
        return None
    task = (
        Task.objects.filter(client_id=client_id, status=Task.Status.OPEN,
                            origin=Task.Origin.PLAN, assignee_user=None)
        .order_by("scheduled_date", "due_date")
        .values_list("scheduled_date", "due_date")
        .first()
    )  # fmt: skip
    if task is None:
        return ClientStock(cover, None, False)
    planned, due = task
    early = brought_forward(due, cover, today=today, lead_days=COVER_LEAD_DAYS)
    return ClientStock(cover, planned, early is not None)
