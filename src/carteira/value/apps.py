from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValueConfig(AppConfig):
    name = "carteira.value"
    verbose_name = _("Predictive value")

    def ready(self):
        from carteira.agenda.hooks import (
            register_client_values,
            register_recovery_outlooks,
            register_room_to_grow,
            register_value_leads,
        )
        from carteira.audit.events import happened
        from carteira.portfolio import hooks
        from carteira.value import feed, panels, receivers, selectors

        happened.connect(receivers.event_happened, dispatch_uid="value-official-reading")
        register_client_values(selectors.predicted_values)
        register_value_leads(feed.value_leads)
        register_room_to_grow(feed.room_to_grow)
        register_recovery_outlooks(feed.recovery_outlooks)
        hooks.register_panel("value", panels.dashboard_panel)
