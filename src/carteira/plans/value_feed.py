"""The value model's leads in the action plan (issue 17): the clients with the most room to
grow get an upsell task, the ones most worth recovering a recovery task, each with the
reason on it.

The leads come from agenda.hooks.value_leads (the value app registers them), largest
amount first. Like the collection tasks, they sit beside the class × status cell's task
with their own plan keys, so planning again keeps, creates or cancels them like every plan
task. At most ``FEED_PER_SELLER`` of each kind per seller: the feed adds the best
opportunities to a week, it does not replace the plan. A client a manager decided is not
worth recovering (the lost clients' page) gets no recovery task.

A cell whose objective is upsell takes the upsell list itself: its tasks carry their
client's room to grow (``add_room_to_grow``), the agenda ranks them by it, and the feed
gives those clients no second upsell task.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Container, Iterable
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext as _

from carteira.agenda.hooks import ValueLead, room_to_grow, value_leads
from carteira.agenda.models import Task
from carteira.interactions.models import Channel
from carteira.plans.models import Objective, RecoveryDecision
from carteira.portfolio.models import Status

UPSELL_KEY = "value:upsell"
RECOVER_KEY = "value:recover"
KEYS = {"upsell": UPSELL_KEY, "recover": RECOVER_KEY}
FEED_PER_SELLER = 10  # of each kind
PRIORITY_BONUS = 25  # over the class's: below a collection (+100), above the cell's task
LOST = (Status.INACTIVATED, Status.INACTIVE)


class Reading(Protocol):
    client_id: int
    abc: str
    status: str
    seller_id: int | None
    revenue_at_risk: Decimal

    @property
    def client_name(self) -> str: ...


def add_room_to_grow(wanted: dict[tuple[int, str], Task], run_id: int) -> set[int]:
    """The upsell cells take the upsell list: each seller task of a cell whose objective is
    upsell, for a client with room to grow at the reading ``run_id``, carries the gap (its
    context's ``value``, as the feed's upsell task) and the reason before the cell's
    script, so the agenda ranks the cell's clients by the gap, largest first
    (agenda.priority), and the task shows it. Returns the clients of the upsell cells:
    their cell's task is their upsell task, the feed adds no second one."""
    upsell_cell = {
        client_id: task
        for (client_id, key), task in wanted.items()
        if key.startswith("cell:")
        and task.origin == Task.Origin.PLAN
        and task.objective == Objective.UPSELL
    }
    if not upsell_cell:
        return set()
    for client_id, lead in room_to_grow(run_id).items():
        task = upsell_cell.get(client_id)
        if task is not None:
            task.script = "\n".join(filter(None, [lead.reason, task.script]))
            task.context = {**task.context, "reason": lead.reason, "value": _value(lead)}
    return set(upsell_cell)


def value_tasks(
    readings: Iterable[Reading],
    run_id: int,
    as_of: dt.date,
    class_priority: dict[str, int],
    *,
    upsell_cells: Container[int] = (),
) -> dict[tuple[int, str], Task]:
    """The feed's tasks for the reading ``run_id``, by (client, plan key); no upsell task
    for a client in ``upsell_cells`` (its cell's task carries the gap)."""
    by_client = {r.client_id: r for r in readings if r.seller_id is not None}
    leads = [
        lead
        for lead in value_leads(run_id)
        if lead.client_id in by_client
        and not (lead.kind == "upsell" and lead.client_id in upsell_cells)
    ]
    if not leads:
        return {}
    declined = _declined_recovery()
    taken: Counter[tuple[int | None, str]] = Counter()
    tasks: dict[tuple[int, str], Task] = {}
    for lead in leads:
        reading = by_client[lead.client_id]
        if lead.kind not in KEYS or (lead.kind == "recover" and lead.client_id in declined):
            continue
        if taken[reading.seller_id, lead.kind] >= FEED_PER_SELLER:
            continue
        taken[reading.seller_id, lead.kind] += 1
        task = _task(lead, reading, as_of, class_priority)
        tasks[lead.client_id, task.plan_key] = task
    return tasks


def _task(lead: ValueLead, reading: Reading, as_of: dt.date, class_priority) -> Task:
    if lead.kind == "upsell":
        objective, channel = Objective.UPSELL, Channel.VISIT
        title = _("Upsell: %(client)s") % {"client": reading.client_name}
    else:
        objective = Objective.REACTIVATE if reading.status in LOST else Objective.RECOVER
        channel = Channel.PHONE
        title = _("Recover: %(client)s") % {"client": reading.client_name}
    return Task(
        client_id=reading.client_id,
        seller_id=reading.seller_id,
        title=title,
        objective=objective,
        channel=channel,
        script=lead.reason,
        due_date=as_of,
        origin=Task.Origin.PLAN,
        plan_key=KEYS[lead.kind],
        priority=class_priority.get(reading.abc, 0) + PRIORITY_BONUS,
        context={
            "as_of": as_of.isoformat(),
            "abc": reading.abc,
            "status": reading.status,
            "reason": lead.reason,
            "value": _value(lead),
        },
        revenue_at_risk=reading.revenue_at_risk,
    )


def _value(lead: ValueLead) -> dict:
    """A lead as a task keeps it (context ``value``): its kind, amount and facts."""
    return {"kind": lead.kind, "amount": str(lead.amount), **lead.facts}


def _declined_recovery() -> set[int]:
    """The clients whose latest recovery decision is "not worth recovering" (decisions are
    few: read them all rather than a list of ids too long for SQLite)."""
    latest: dict[int, bool] = {}
    decisions = RecoveryDecision.objects.values_list(
        "client_id", "worth_recovering"
    )  # the model's ordering: latest first
    for client_id, worth in decisions:
        latest.setdefault(client_id, worth)
    return {client_id for client_id, worth in latest.items() if not worth}
