from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "carteira.interactions"
    verbose_name = _("Interactions")

    def ready(self) -> None:
        # The receiver that deletes a photo's file with its row.
        from carteira.interactions import photos  # noqa: F401
