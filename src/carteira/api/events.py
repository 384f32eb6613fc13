"""Events that webhooks carry. Each is queued as a WebhookDelivery for every active
subscription that asked for it and whose owner may see the client concerned.

The services that do the work announce it (carteira.audit.events: clients reassigned by
clients.services, an official reading by portfolio.services.do_snapshot, tasks made in
bulk by the planner and by a campaign, an import that finished); a model signal adds a
Task saved one by one. The services stay unaware of webhooks."""

import datetime as dt

from django.utils import timezone

from carteira.agenda.models import Task
from carteira.api.models import WebhookDelivery, WebhookSubscription
from carteira.clients.access import clients_visible_to
from carteira.clients.models import Client
from carteira.clients.services import IDS_PER_QUERY
from carteira.leads.access import leads_visible_to
from carteira.organization.models import Seller
from carteira.portfolio.models import StatusTransition


def _subscriptions(event: str) -> list[WebhookSubscription]:
    rows = WebhookSubscription.objects.filter(active=True, owner__is_active=True)
    return [sub for sub in rows.select_related("owner") if event in sub.events]


def emit_for_clients(event: str, items: list[tuple[int, dict]]) -> int:
    """Queue ``event`` once per (client_id, data) item for each subscriber allowed to
    see that client. Returns the number of deliveries queued."""
    subscriptions = _subscriptions(event)
    if not subscriptions or not items:
        return 0
    now = timezone.now()
    client_ids = sorted({client_id for client_id, _data in items})
    rows = []
    for sub in subscriptions:
        visible = set()
        for start in range(0, len(client_ids), IDS_PER_QUERY):  # SQLite's variable limit
            chunk = client_ids[start : start + IDS_PER_QUERY]
            scope = clients_visible_to(sub.owner).filter(pk__in=chunk)
            visible |= set(scope.values_list("pk", flat=True))
        rows += [
            WebhookDelivery(subscription=sub, event=event, payload=data, next_attempt_at=now)
            for client_id, data in items
            if client_id in visible
        ]
    WebhookDelivery.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def emit_for_company(event: str, data: dict, *, also: int | None = None) -> int:
    """Queue an event that concerns no single client: for company-wide users (and user
    ``also``, e.g. who started an import)."""
    now = timezone.now()
    rows = [
        WebhookDelivery(subscription=sub, event=event, payload=data, next_attempt_at=now)
        for sub in _subscriptions(event)
        if sub.owner.sees_whole_portfolio or sub.owner_id == also
    ]
    WebhookDelivery.objects.bulk_create(rows)
    return len(rows)


def on_reassigned(moves: list[tuple[int, int | None, int]]) -> int:
    """``client.reassigned`` for each (client_id, seller_from, seller_to) move."""
    if not _subscriptions("client.reassigned") or not moves:
        return 0
    seller_ids = {s for _c, before, after in moves for s in (before, after) if s is not None}
    codes = dict(Seller.objects.filter(pk__in=seller_ids).values_list("pk", "external_id"))
    external_ids: dict[int, str] = {}
    client_ids = [client_id for client_id, _before, _after in moves]
    for start in range(0, len(client_ids), IDS_PER_QUERY):
        chunk = client_ids[start : start + IDS_PER_QUERY]
        external_ids |= dict(Client.objects.filter(pk__in=chunk).values_list("pk", "external_id"))
    items = [
        (
            client_id,
            {
                "client_id": client_id,
                "client_external_id": external_ids.get(client_id),
                "seller_from": codes.get(before),
                "seller_to": codes.get(after),
            },
        )
        for client_id, before, after in moves
    ]
    return emit_for_clients("client.reassigned", items)


def on_official_run(run_id: int) -> None:
    transitions = StatusTransition.objects.filter(run_id=run_id).values_list(
        "client_id", "client__external_id", "date", "from_status", "to_status"
    )
    items = [
        (
            client_id,
            {
                "client_id": client_id,
                "client_external_id": external_id,
                "date": date.isoformat(),
                "from": before,
                "to": after,
            },
        )
        for client_id, external_id, date, before, after in transitions
    ]
    emit_for_clients("client.status_changed", items)


def on_import_finished(run) -> int:
    """``import.finished`` for company-wide subscribers and whoever started the import."""
    data = {
        "import_id": run.pk,
        "kind": run.kind,
        "status": run.status,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "rejected": run.rejected,
    }
    return emit_for_company("import.finished", data, also=run.created_by_id)


def on_lead_closed(lead, outcome: str) -> int:
    """``lead.won`` / ``lead.lost`` for each subscriber who may see the lead (its owner's
    scope, like the leads pages)."""
    event = f"lead.{outcome}"
    subscriptions = _subscriptions(event)
    if not subscriptions:
        return 0
    data = {
        "lead_id": lead.pk,
        "lead_external_id": lead.external_id,
        "name": lead.name,
        "document": lead.document,
        "stage": lead.stage,
        "date": lead.stage_since.isoformat() if lead.stage_since else None,
        "source": lead.source,
        "seller": lead.seller.external_id if lead.seller_id else None,
        "loss_reason": lead.loss_reason.name if lead.loss_reason_id else None,
        "client_external_id": lead.client.external_id if lead.client_id else None,
    }
    now = timezone.now()
    rows = [
        WebhookDelivery(subscription=sub, event=event, payload=data, next_attempt_at=now)
        for sub in subscriptions
        if leads_visible_to(sub.owner).filter(pk=lead.pk).exists()
    ]
    WebhookDelivery.objects.bulk_create(rows)
    return len(rows)


def on_complaint(complaint, change: str) -> int:
    """``complaint.opened`` / ``.breached`` / ``.closed`` for each subscriber who sees the
    client (no free text: the description stays in Carteira)."""
    data = {
        "complaint_id": complaint.pk,
        "client_id": complaint.client_id,
        "client_external_id": complaint.client.external_id,
        "category": complaint.category,
        "severity": complaint.severity,
        "channel": complaint.channel,
        "status": complaint.status,
        "opened_at": _iso(complaint.opened_at),
        "first_response_due": _iso(complaint.first_response_due),
        "resolution_due": _iso(complaint.resolution_due),
        "closed_at": _iso(complaint.closed_at),
        "escalated_to": complaint.escalated_to.username if complaint.escalated_to else None,
    }
    return emit_for_clients(f"complaint.{change}", [(complaint.client_id, data)])


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def task_data(task: Task) -> dict:
    return {
        "task_id": task.pk,
        "client_id": task.client_id,
        "title": task.title,
        "due_date": str(task.due_date),
        "status": task.status,
    }


def _announced(sub: WebhookSubscription, event: str, task_ids: list[int]) -> set[int]:
    return set(
        WebhookDelivery.objects.filter(
            subscription=sub, event=event, payload__task_id__in=task_ids
        ).values_list("payload__task_id", flat=True)
    )


def _announce_tasks(event: str, tasks_for) -> int:
    """Queue ``event`` for each subscriber's tasks (``tasks_for(subscription)``, already
    limited to the clients the owner may see) that were not announced to them before."""
    queued = 0
    now = timezone.now()
    for sub in _subscriptions(event):
        rows = list(tasks_for(sub))
        told = _announced(sub, event, [task.pk for task in rows])
        deliveries = [
            WebhookDelivery(
                subscription=sub, event=event, payload=task_data(task), next_attempt_at=now
            )
            for task in rows
            if task.pk not in told
        ]
        WebhookDelivery.objects.bulk_create(deliveries, batch_size=1000)
        queued += len(deliveries)
    return queued


def emit_unannounced_tasks(tasks) -> int:
    """``task.created`` for ``tasks`` (a queryset) not yet announced to each subscriber:
    for tasks made with bulk_create, which sends no post_save."""
    return _announce_tasks(
        "task.created", lambda sub: tasks.filter(client__in=clients_visible_to(sub.owner))
    )


def emit_overdue_tasks(today: dt.date | None = None) -> int:
    """``task.overdue`` once per open task past its due date (and per subscription)."""
    today = today or timezone.localdate()
    return _announce_tasks(
        "task.overdue",
        lambda sub: Task.objects.filter(
            status=Task.Status.OPEN,
            due_date__lt=today,
            client__in=clients_visible_to(sub.owner),
        ),
    )
