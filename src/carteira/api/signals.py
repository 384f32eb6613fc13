"""Receivers that turn what happened into webhook events (see events.py): the business
events the services emit (carteira.audit.events) and a Task saved one by one."""

from carteira.api import events
from carteira.audit import events as business


def event_happened(sender, **data):
    if sender == business.CLIENTS_REASSIGNED:
        events.on_reassigned(data["moves"])
    elif sender == business.TASKS_CREATED:
        events.emit_unannounced_tasks(data["tasks"])
    elif sender == business.OFFICIAL_READING:
        events.on_official_run(data["run_id"])
    elif sender == business.IMPORT_FINISHED:
        events.on_import_finished(data["run"])
    elif sender == business.LEAD_CLOSED:
        events.on_lead_closed(data["lead"], data["outcome"])
    elif sender == business.COMPLAINT_CHANGED:
        events.on_complaint(data["complaint"], data["change"])


def task_saved(sender, instance, created, **kwargs):
    if created:
        events.emit_for_clients("task.created", [(instance.client_id, events.task_data(instance))])
