from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "carteira.agenda"
    verbose_name = _("Agenda and tasks")
