"""Writer of the ``complaints`` kind: another system's complaint history. A complaint is
identified by client + opening instant + category, so importing the same file again
changes nothing and a newer file updates the first response and the closing."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.clients.models import Client
from carteira.complaints import sla
from carteira.complaints.models import Complaint, ComplaintCategory
from carteira.imports.kinds import Writer
from carteira.imports.upsert import Outcome, row_error
from carteira_core.ingest.values import fold

UPDATED = ("severity", "description", "acknowledged_at", "closed_at", "closed_on", "status")


def _aware(moment):
    return None if moment is None else timezone.make_aware(moment)


# Where the file's own status may still be written: the other system knows no more than
# "opened", "first response" and "closed"; a step taken in Carteira is not undone.
BEHIND_THE_FILE = (Complaint.Status.OPEN, Complaint.Status.ACKNOWLEDGED)


def _keep_progress(stored: Complaint, incoming: Complaint) -> None:
    """A newer file never moves a complaint backwards: once investigated, answered or
    closed in Carteira it keeps its status and closing unless the file closes it, and a
    first response recorded here is kept when the file has none."""
    if incoming.acknowledged_at is None:
        incoming.acknowledged_at = stored.acknowledged_at
    if incoming.status != Complaint.Status.RESOLVED and stored.status not in BEHIND_THE_FILE:
        incoming.status = stored.status
        incoming.closed_at, incoming.closed_on = stored.closed_at, stored.closed_on
    elif incoming.status == Complaint.Status.OPEN and incoming.acknowledged_at is not None:
        incoming.status = Complaint.Status.ACKNOWLEDGED


class ComplaintsWriter(Writer):
    model = Complaint

    def apply(self, records):
        outcome = Outcome()
        clients = self.client_ids(records)
        sellers = dict(Client.objects.filter(pk__in=clients.values()).values_list("pk", "seller"))
        active = ComplaintCategory.objects.filter(active=True).values_list("name", flat=True)
        names = {fold(name): name for name in active}
        wanted = []
        for record in records:
            client_id = self.client_of(record, clients, outcome)
            category = names.get(fold(record.category))
            if category is None:
                outcome.errors.append(row_error(
                    record.line, self.label("category"), record.category, "unknown_category",
                    _("Unknown complaint category “%(name)s”: choose one of the list.")
                    % {"name": record.category},
                ))  # fmt: skip
            if client_id is None or category is None:
                continue
            wanted.append(self._complaint(record, client_id, sellers.get(client_id), category))
        if wanted:
            self._save(wanted, outcome)
        return outcome

    def _complaint(self, record, client_id, seller_id, category) -> Complaint:
        opened, closed = _aware(record.opened_at), _aware(record.closed_at)
        acknowledged = _aware(record.first_response_at)
        status = Complaint.Status.OPEN
        if acknowledged is not None:
            status = Complaint.Status.ACKNOWLEDGED
        if closed is not None:
            status = Complaint.Status.RESOLVED
        return Complaint(
            client_id=client_id, seller_id=seller_id, category=category,
            severity=record.severity, description=record.description or "",
            channel=Complaint.Channel.IMPORT, opened_at=opened,
            opened_on=timezone.localdate(opened), acknowledged_at=acknowledged,
            closed_at=closed, closed_on=timezone.localdate(closed) if closed else None,
            status=status, opened_by=self.actor if getattr(self.actor, "pk", None) else None,
        )  # fmt: skip

    def _save(self, wanted: list[Complaint], outcome: Outcome) -> None:
        def key(c):
            return (c.client_id, c.opened_at, c.category)

        stored = {key(c): c for c in Complaint.objects.filter(
            client_id__in={c.client_id for c in wanted},
            opened_at__in={c.opened_at for c in wanted},
        )}  # fmt: skip
        new, changed = [], []
        for complaint in wanted:
            old = stored.get(key(complaint))
            if old is None:
                new.append(complaint)
                continue
            _keep_progress(old, complaint)
            if any(getattr(old, name) != getattr(complaint, name) for name in UPDATED):
                for name in UPDATED:
                    setattr(old, name, getattr(complaint, name))
                changed.append(old)
            else:
                outcome.unchanged += 1
        outcome.created += len(new)
        outcome.updated += len(changed)
        if not self.write:
            return
        if new:
            moments = [c.opened_at for c in new]
            calendar = sla.company_calendar(min(moments).date(), max(moments).date())
            for complaint in new:
                sla.set_clock(complaint, calendar)
            Complaint.objects.bulk_create(new)
        if changed:
            Complaint.objects.bulk_update(changed, UPDATED)
