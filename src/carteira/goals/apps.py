from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "carteira.goals"
    verbose_name = _("Goals")

    def ready(self):
        from carteira.goals.dashboard import dashboard_goals
        from carteira.portfolio import hooks

        hooks.register_goals(dashboard_goals)
