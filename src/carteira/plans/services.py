"""Writes on the action plan: cells (with their change log) and recovery decisions."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from carteira.accounts.models import User
from carteira.audit.services import do_record
from carteira.clients.models import Client
from carteira.plans.defaults import DEFAULT_CELLS, cell_fields
from carteira.plans.models import ActionPlanCell, ActionPlanChange, RecoveryDecision

EDITABLE = (
    "channels",
    "frequency_days",
    "objective",
    "script",
    "escalation",
    "notify_manager",
    "active",
)


def do_load_defaults() -> int:
    """Add the default cells that are missing; never overwrite an edited one."""
    added = 0
    for row in DEFAULT_CELLS:
        fields = cell_fields(row)
        key = {name: fields.pop(name) for name in ("abc", "status", "segment")}
        _cell, created = ActionPlanCell.objects.get_or_create(**key, defaults=fields)
        added += created
    return added


@transaction.atomic
def do_update_cell(cell: ActionPlanCell, *, by: User | None, **values) -> ActionPlanChange | None:
    """Change a cell and log {field: [before, after]}; nothing logged when nothing changed."""
    cell = ActionPlanCell.objects.select_for_update().get(pk=cell.pk)
    changes = {}
    for name in EDITABLE:
        if name in values and getattr(cell, name) != values[name]:
            changes[name] = [getattr(cell, name), values[name]]
            setattr(cell, name, values[name])
    if not changes:
        return None
    cell.updated_by = by
    cell.save()
    do_record("plan.cell_changed", actor=by, obj=cell, fields=sorted(changes))
    return ActionPlanChange.objects.create(cell=cell, changed_by=by, changes=changes)


@transaction.atomic
def do_create_cell(*, abc: str, status: str, segment: str, by: User | None, **values):
    """A refinement of the matrix (e.g. A × active for one segment), logged as a change."""
    cell = ActionPlanCell.objects.create(
        abc=abc, status=status, segment=segment, updated_by=by, **values
    )
    ActionPlanChange.objects.create(
        cell=cell, changed_by=by, changes={"created": [None, str(cell)]}
    )
    do_record("plan.cell_created", actor=by, obj=cell)
    return cell


def do_decide_recovery(
    client: Client, *, worth_recovering: bool, why: str, status: str, by: User, on: dt.date
) -> RecoveryDecision:
    decision = RecoveryDecision.objects.create(
        client=client,
        worth_recovering=worth_recovering,
        why=why,
        status_at_decision=status,
        decided_by=by,
        decided_on=on,
    )
    do_record("client.recovery_decided", actor=by, obj=client, worth=worth_recovering)
    return decision
