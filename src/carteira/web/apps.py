from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "carteira.web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from carteira.web import cleaning

        cleaning.connect()  # control characters out of every model save (issue 24)
