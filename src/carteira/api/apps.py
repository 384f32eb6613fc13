from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "carteira.api"
    verbose_name = _("API and webhooks")

    def ready(self):
        from carteira.agenda.models import Task
        from carteira.api import signals
        from carteira.audit.models import AuditEvent
        from carteira.imports.models import ImportRun

        post_save.connect(signals.audit_event_saved, sender=AuditEvent, dispatch_uid="api-audit")
        post_save.connect(signals.task_saved, sender=Task, dispatch_uid="api-task")
        post_save.connect(signals.import_saved, sender=ImportRun, dispatch_uid="api-import")
