from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "carteira.review"
    verbose_name = _("Monthly review")

    def ready(self) -> None:
        from carteira.portfolio import hooks
        from carteira.review.tasks import do_queue_warm_up

        hooks.register_warmer("review", do_queue_warm_up)
