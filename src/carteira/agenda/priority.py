"""How important a task is: one definition for the planner (agenda.scheduling) and every
list of tasks (the agenda's day, a manager's escalations, the sellers' digest, the central
team's lists and their reminders). The order itself is carteira_core.agenda.schedule's
``importance``; this module gives it a task's figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from carteira.agenda.hooks import client_values
from carteira.agenda.models import Task
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.selectors import latest_official_run
from carteira_core.agenda.schedule import importance

# A task's priority by its client's ABC class at the reading (prospects: none); the plan
# adds to it (escalations, collections, the value feed).
CLASS_PRIORITY = {"A": 300, "B": 200, "C": 100, "": 0}
UPSELL = "upsell"  # plans.models.Objective.UPSELL (the plans app sits above the agenda)
CHUNK = 2_000


def stake_cents(task: Task, values: dict[int, int]) -> int:
    """What the contact is worth, in cents, among tasks of one priority: an upsell task
    that carries its client's room to grow (an upsell cell's task, the value feed's) ranks
    by the year's gap — the largest first, as the upsell list is sorted; any other task by
    its client's predicted value (``values``: agenda.hooks.client_values, the CLV that
    already weighs P(alive))."""
    room = (task.context or {}).get("value") or {}
    if task.objective == UPSELL and room.get("kind") == UPSELL:
        return int(Decimal(room["amount"]) * 100)
    return values.get(task.client_id, 0)


def task_importance(task: Task, today: dt.date, values: dict[int, int]) -> tuple:
    return importance(
        priority=task.priority,
        value_cents=stake_cents(task, values),
        revenue_at_risk_cents=int(task.revenue_at_risk * 100),
        due=task.due_date,
        key=task.pk,
        today=today,
    )


def by_importance[Item](
    items: Iterable[Item], today: dt.date, *, task_of: Callable[[Item], Task] | None = None
) -> list[Item]:
    """``items`` (tasks, or rows holding one: ``task_of``) most important first."""
    items = list(items)
    get = task_of or (lambda item: item)
    values = client_values({get(item).client_id for item in items})
    return sorted(items, key=lambda item: task_importance(get(item), today, values))


def class_priorities(client_ids: Iterable[int]) -> dict[int, int]:
    """Each client's class priority at the latest official reading (0 without one)."""
    run = latest_official_run()
    if run is None:
        return {}
    ids = list(client_ids)
    found: dict[int, int] = {}
    for start in range(0, len(ids), CHUNK):
        rows = ClientSnapshot.objects.filter(run=run, client_id__in=ids[start : start + CHUNK])
        for client_id, abc in rows.values_list("client_id", "abc"):
            found[client_id] = CLASS_PRIORITY.get(abc, 0)
    return found
