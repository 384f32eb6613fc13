from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "carteira.credit"
    verbose_name = _("Credit and receivables")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from carteira.credit.ledger import do_warm_ledger, receivables_changed
        from carteira.credit.models import Receivable
        from carteira.credit.panels import dashboard_panel
        from carteira.credit.report import RECEIVABLES
        from carteira.portfolio import hooks

        hooks.register_report("receivables", RECEIVABLES)
        hooks.register_panel("credit", dashboard_panel)
        hooks.register_warmer("credit", do_warm_ledger)
        # A receivable saved or deleted one by one (the admin, a script): the cached
        # credit figures are recomputed (the bulk writers call receivables_changed).
        post_save.connect(receivables_changed, sender=Receivable, dispatch_uid="credit-ledger")
        post_delete.connect(receivables_changed, sender=Receivable, dispatch_uid="credit-ledger-d")
