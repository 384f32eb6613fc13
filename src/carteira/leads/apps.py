from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "carteira.leads"
    verbose_name = _("Leads and acquisition")

    def ready(self) -> None:
        from carteira.audit.events import happened
        from carteira.leads import icp
        from carteira.leads.panels import dashboard_panel
        from carteira.leads.report import FUNNEL
        from carteira.portfolio import hooks

        hooks.register_report("funnel", FUNNEL)
        hooks.register_panel("leads", dashboard_panel)
        happened.connect(icp.event_happened, dispatch_uid="leads-icp-official-reading")
