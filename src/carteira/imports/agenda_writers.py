"""Writer of the ``contracts`` kind (issue 16): each client's contracts or supply
agreements and their end dates, from the ERP or a spreadsheet. Identified by client and
contract name: importing the same file again changes nothing; a new end date moves the
renewal (agenda.renewals), and the sellers concerned are re-planned after the import."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.agenda.models import ClientContract
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
