from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "carteira.accounts"
    verbose_name = _("Users and access")

    def ready(self):
        from carteira.accounts import signals  # noqa: F401
