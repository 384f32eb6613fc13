"""Renewals (the sources' "carteira de renovação"): a client's contract that ends gets a
renewal task for the client's seller ``renewal_days`` before its end, planned between
that day and the day before the end (agenda.scheduling)."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from carteira.agenda.models import ClientContract, Task
from carteira.interactions.models import Channel

# Above every plan task of a class A client (300 + 100 at most), below a credit alert (500):
# a contract that lapses is lost at once.
RENEWAL_PRIORITY = 450


def renewal_key(contract: ClientContract) -> str:
    """One renewal per contract and end date: a new end date is a new renewal."""
    return f"renewal:{contract.pk}:{contract.ends_on:%Y%m%d}"


def renewal_window(task: Task) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) a renewal task may take: its due date to the day before the
    contract ends."""
    ends = task.context.get("ends_on")
    if not ends:
        return None
    return task.due_date, dt.date.fromisoformat(ends) - dt.timedelta(days=1)


def do_open_renewals(*, today: dt.date, until: dt.date, seller_ids=None) -> int:
    """Open the renewal task of each contract whose renewal starts by ``until`` and has
    none yet for its end date; cancel the open ones of an end date that changed. Returns
    how many were opened."""
    contracts = ClientContract.objects.filter(ends_on__gt=today).select_related("client")
    open_renewals = Task.objects.filter(origin=Task.Origin.RENEWAL, status=Task.Status.OPEN)
    if seller_ids is not None:
        contracts = contracts.filter(client__seller_id__in=seller_ids)
        open_renewals = open_renewals.filter(seller_id__in=seller_ids)
    contracts = [c for c in contracts if c.ends_on - dt.timedelta(days=c.renewal_days) <= until]
    keys = {renewal_key(contract) for contract in contracts}
    open_renewals.exclude(plan_key__in=keys).update(status=Task.Status.CANCELLED)
    known = set(
        Task.objects.filter(origin=Task.Origin.RENEWAL, plan_key__in=keys).values_list(
            "plan_key", flat=True
        )
    )
    new = [
        Task(
            client=contract.client,
            seller_id=contract.client.seller_id,
            title=_("Renewal: %(contract)s ends on %(day)s")
            % {
                "contract": contract.name,
                "day": date_format(contract.ends_on, "SHORT_DATE_FORMAT"),
            },
            channel=Channel.VISIT,
            due_date=contract.ends_on - dt.timedelta(days=contract.renewal_days),
            origin=Task.Origin.RENEWAL,
            plan_key=renewal_key(contract),
            priority=RENEWAL_PRIORITY,
            context={"ends_on": contract.ends_on.isoformat(), "contract": contract.name},
        )
        for contract in contracts
        if renewal_key(contract) not in known and contract.client.seller_id is not None
    ]
    Task.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
