from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "carteira.agenda"
    verbose_name = _("Agenda and tasks")

    def ready(self):
        from carteira.agenda import receivers  # noqa: F401 -- connects the receivers
