"""Signal receivers that turn what happened into webhook events (see events.py)."""

from carteira.api import events


def audit_event_saved(sender, instance, created, **kwargs):
    if not created:
        return
    if instance.action == "client.reassigned":
        details = instance.details or {}
        events.on_reassigned(
            int(instance.object_id), details.get("seller_from"), details.get("seller_to")
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
