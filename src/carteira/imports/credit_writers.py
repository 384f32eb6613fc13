"""Writer of the ``credit_limits`` kind (issue 20): each client's credit limit from the
ERP or the credit team's spreadsheet, through ``credit.services.do_set_credit_limit`` —
the limit in force with who and when, the append-only history and an audit event per
change. Identified by client: importing the same file again changes nothing."""

from __future__ import annotations

from carteira.clients.models import Client
from carteira.credit.models import CreditLimit, LimitSource
from carteira.credit.services import do_set_credit_limit
from carteira.imports.kinds import Writer
from carteira.imports.upsert import Outcome


class CreditLimitsWriter(Writer):
    model = CreditLimit

    def apply(self, records):
        outcome = Outcome()
        clients = self.client_ids(records)
        limits = dict(
            CreditLimit.objects.filter(client_id__in=clients.values()).values_list(
                "client_id", "limit"
            )
        )
        changes = []
        for record in records:
            client_id = self.client_of(record, clients, outcome)
            if client_id is None:
                continue
            current = limits.get(client_id)
            if current == record.limit:
                outcome.unchanged += 1
                continue
            if current is None:
                outcome.created += 1
            else:
                outcome.updated += 1
            changes.append((client_id, record))
        if self.write and changes:
            by_id = Client.objects.in_bulk([client_id for client_id, _record in changes])
            for client_id, record in changes:
                do_set_credit_limit(by_id[client_id], limit=record.limit, by=self.actor,
                                    source=LimitSource.IMPORT, note=record.note or "")  # fmt: skip
        return outcome
