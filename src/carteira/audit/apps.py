from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "carteira.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from carteira.audit.wipe import register_wipe_function

        connection_created.connect(register_wipe_function, dispatch_uid="carteira_audit_wipe")
