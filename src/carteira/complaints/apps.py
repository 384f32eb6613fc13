from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "carteira.complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from carteira.complaints import attachments, receivers  # noqa: F401 (receivers)
        from carteira.complaints.panels import dashboard_panel
        from carteira.complaints.report import COMPLAINTS
        from carteira.portfolio import hooks

        hooks.register_report("complaints", COMPLAINTS)
        hooks.register_panel("complaints", dashboard_panel)
