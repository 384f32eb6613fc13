from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "carteira.portfolio"
    verbose_name = _("Portfolio reading")

    def ready(self):
        from carteira.portfolio.cache import clear_figures
        from carteira.portfolio.models import AbcClass, Status
        from carteira.web import labels

        post_migrate.connect(clear_figures, sender=self, dispatch_uid="carteira.clear_figures")
        labels.register("status", lambda: dict(Status.choices))
        labels.register("abc", lambda: dict(AbcClass.choices))
