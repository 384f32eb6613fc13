from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "carteira.credit"
    verbose_name = _("Credit and receivables")

    def ready(self) -> None:
        from carteira.credit.panels import dashboard_panel
        from carteira.credit.report import RECEIVABLES
        from carteira.portfolio import hooks

        hooks.register_report("receivables", RECEIVABLES)
        hooks.register_panel("credit", dashboard_panel)
