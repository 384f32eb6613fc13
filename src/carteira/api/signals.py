"""Signal receivers that turn what happened into webhook events (see events.py)."""

import datetime as dt

from carteira.agenda.models import Task
from carteira.api import events


def audit_event_saved(sender, instance, created, **kwargs):
    if not created:
        return
    if instance.action == "client.reassigned":
        details = instance.details or {}
        events.on_reassigned(
            int(instance.object_id), details.get("seller_from"), details.get("seller_to")
        )
    elif instance.action == "batch.sent":
        events.emit_unannounced_tasks(Task.objects.filter(batch_id=int(instance.object_id)))
    elif instance.action == "plan.generated":
        # The planner bulk-creates its tasks just before this entry: announce the open plan
        # tasks of the last minutes that no subscriber has heard of yet.
        since = instance.at - dt.timedelta(minutes=10)
        events.emit_unannounced_tasks(
            Task.objects.filter(
                origin=Task.Origin.PLAN, status=Task.Status.OPEN, created_at__gte=since
            )
        )
    elif instance.action == "snapshot.computed" and (instance.details or {}).get("kind") == (
        "official"
    ):
        events.on_official_run(int(instance.object_id))


def task_saved(sender, instance, created, **kwargs):
    if created:
        events.emit_for_clients("task.created", [(instance.client_id, events.task_data(instance))])


def import_saved(sender, instance, created, **kwargs):
    if instance.finished_at is None or instance.status not in {"committed", "failed"}:
        return
    from carteira.api.models import WebhookDelivery

    if WebhookDelivery.objects.filter(
        event="import.finished", payload__import_id=instance.pk
    ).exists():
        return
    data = {
        "import_id": instance.pk,
        "kind": instance.kind,
        "status": instance.status,
        "created": instance.created,
        "updated": instance.updated,
        "unchanged": instance.unchanged,
        "rejected": instance.rejected,
    }
    events.emit_for_company("import.finished", data, also=instance.created_by_id)
