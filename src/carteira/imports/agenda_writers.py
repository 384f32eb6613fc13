"""Writers of the agenda's kinds (issue 16). ``contracts``: each client's contracts or
supply agreements and their end dates, from the ERP or a spreadsheet. Identified by client
and contract name: importing the same file again changes nothing; a new end date moves
the renewal (agenda.renewals), and the sellers concerned are re-planned after the import.
``sellout``: the client's sell-out and stock on hand by date (and product)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.agenda.models import ClientContract, SellOut
from carteira.agenda.scheduling import do_schedule
from carteira.clients.models import Client
from carteira.imports.kinds import Writer
from carteira.imports.upsert import Outcome, row_error

DEFAULT_RENEWAL_DAYS = 30
MAX_RENEWAL_DAYS = 365


class ContractsWriter(Writer):
    model = ClientContract

    def apply(self, records):
        outcome = Outcome()
        clients = self.client_ids(records)
        existing = {
            (contract.client_id, contract.name): contract
            for contract in ClientContract.objects.filter(client_id__in=clients.values())
        }
        changes = []
        for record in records:
            client_id = self.client_of(record, clients, outcome)
            if client_id is None:
                continue
            days = record.renewal_days or DEFAULT_RENEWAL_DAYS
            if days > MAX_RENEWAL_DAYS:
                outcome.errors.append(row_error(
                    record.line, self.label("renewal_days"), record.renewal_days,
                    "invalid_renewal_days",
                    _("'%(value)s' days before the end: at most 365.") % {"value": days},
                ))  # fmt: skip
                continue
            current = existing.get((client_id, record.name))
            if current is None:
                outcome.created += 1
            elif (current.ends_on, current.renewal_days) == (record.ends_on, days):
                outcome.unchanged += 1
                continue
            else:
                outcome.updated += 1
            changes.append((client_id, record, days))
        if self.write and changes and not outcome.errors:
            for client_id, record, days in changes:
                ClientContract.objects.update_or_create(
                    client_id=client_id, name=record.name,
                    defaults={"ends_on": record.ends_on, "renewal_days": days},
                )  # fmt: skip
            sellers = set(
                Client.objects.filter(pk__in={c for c, _r, _d in changes})
                .exclude(seller=None)
                .values_list("seller_id", flat=True)
            )
            do_schedule(today=timezone.localdate(), seller_ids=sorted(sellers))
        return outcome


class SellOutWriter(Writer):
    """Writer of the ``sellout`` kind: what each client sold to its own customers on a day
    and its stock on hand, per product (issue 16). Identified by client + date + product:
    importing the same file again changes nothing, a new figure updates the day. Each row
    gives the quantity or the value sold (or both); the stock is in the same unit (units
    when the quantity is given). The sellers of the clients whose figures changed are
    re-planned once the file is written: a shelf that runs out brings the visit forward
    (agenda.cadence)."""

    model = SellOut
    FIGURES = ("quantity", "value", "stock")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.changed_clients: set[int] = set()

    def apply(self, records):
        outcome = Outcome()
        clients = self.client_ids(records)
        existing = {
            (row.client_id, row.date, row.product): row
            for row in SellOut.objects.filter(
                client_id__in=clients.values(), date__in={r.date for r in records}
            )
        }
        new, changed = [], []
        for record in records:
            client_id = self.client_of(record, clients, outcome)
            if client_id is None:
                continue
            if record.quantity is None and record.value is None:
                outcome.errors.append(row_error(
                    record.line, self.label("quantity"), "", "sellout_without_figure",
                    _("Give the quantity or the value sold on the day (quantidade or valor)."),
                ))  # fmt: skip
                continue
            figures = {name: getattr(record, name) for name in self.FIGURES}
            current = existing.get((client_id, record.date, record.product))
            if current is None:
                outcome.created += 1
                new.append(SellOut(client_id=client_id, date=record.date,
                                   product=record.product, **figures))  # fmt: skip
            elif all(getattr(current, name) == figures[name] for name in self.FIGURES):
                outcome.unchanged += 1
                continue
            else:
                outcome.updated += 1
                for name, value in figures.items():
                    setattr(current, name, value)
                changed.append(current)
            self.changed_clients.add(client_id)
        if self.write and not outcome.errors:
            SellOut.objects.bulk_create(new, batch_size=2_000)
            SellOut.objects.bulk_update(changed, list(self.FIGURES), batch_size=2_000)
        return outcome

    def finish(self) -> Outcome:
        outcome = super().finish()
        if self.write and self.changed_clients:
            sellers = set(
                Client.objects.filter(pk__in=self.changed_clients)
                .exclude(seller=None)
                .values_list("seller_id", flat=True)
            )
            do_schedule(today=timezone.localdate(), seller_ids=sorted(sellers))
        return outcome
