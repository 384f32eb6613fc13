from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "carteira.field"
    verbose_name = _("Field app (offline phone)")

    def ready(self) -> None:
        from carteira.agenda import hooks
        from carteira.field.selectors import visits_check_ins

        hooks.register_visit_check_ins(visits_check_ins)
