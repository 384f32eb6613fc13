"""Receivers that turn what happened into webhook events (see events.py): the business
events the services emit (carteira.audit.events), a new Task, a finished ImportRun."""

from carteira.api import events
from carteira.audit import events as business


def event_happened(sender, **data):
    if sender == business.CLIENTS_REASSIGNED:
        events.on_reassigned(data["moves"])
    elif sender == business.TASKS_CREATED:
        events.emit_unannounced_tasks(data["tasks"])
    elif sender == business.OFFICIAL_READING:
        events.on_official_run(data["run_id"])


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
