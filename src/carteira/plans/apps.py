from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "carteira.plans"
    verbose_name = _("Action plans")

    def ready(self):
        from carteira.plans.models import Objective
        from carteira.web import labels

        labels.register("objective", lambda: dict(Objective.choices))
