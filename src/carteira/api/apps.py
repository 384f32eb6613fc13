from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "carteira.api"
    verbose_name = _("API and webhooks")

    def ready(self):
        from carteira.agenda.models import Task
        from carteira.api import signals
        from carteira.audit.events import happened

        happened.connect(signals.event_happened, dispatch_uid="api-events")
        post_save.connect(signals.task_saved, sender=Task, dispatch_uid="api-task")
