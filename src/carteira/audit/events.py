"""Business events, announced by the service that made them happen.

A service calls ``emit(EVENT, **data)`` right after its write, inside its transaction,
with the exact objects concerned (never for listeners to work out from other rows).
Listeners (the API's webhooks) connect to ``happened``; the services stay unaware of
who listens, and an event and its write commit or roll back together.

    CLIENTS_REASSIGNED  moves=[(client_id, seller_from_id | None, seller_to_id), ...]
    TASKS_CREATED       tasks=<Task queryset>       tasks made with bulk_create
    OFFICIAL_READING    run_id=<SnapshotRun pk>     its StatusTransition rows are written
                        data=<PortfolioInput>       the input it was read from
                        readings=<polars DataFrame> its client rows as stored (cents)
    IMPORT_FINISHED     run=<ImportRun>             committed or failed (not a dry run)
    LEAD_CLOSED         lead=<Lead> outcome="won"|"lost"  a lead entered a won/lost stage
    COMPLAINT_CHANGED   complaint=<Complaint> change="opened"|"breached"|"closed"
"""

from django.dispatch import Signal

CLIENTS_REASSIGNED = "clients.reassigned"
TASKS_CREATED = "tasks.created"
OFFICIAL_READING = "reading.official"
IMPORT_FINISHED = "import.finished"
LEAD_CLOSED = "lead.closed"
COMPLAINT_CHANGED = "complaint.changed"
EVENTS = frozenset(
    {CLIENTS_REASSIGNED, TASKS_CREATED, OFFICIAL_READING, IMPORT_FINISHED, LEAD_CLOSED,
     COMPLAINT_CHANGED}
)  # fmt: skip

happened = Signal()


def emit(event: str, **data) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    happened.send(sender=event, **data)
