from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "carteira.imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        # The prospecting kinds' writers subclass kinds.Writer, so they register here.
        from carteira.imports import (
            agenda_writers,
            complaint_writers,
            credit_writers,
            kinds,
            lead_writers,
        )

        kinds.WRITERS.update(leads=lead_writers.LeadsWriter,
                             acquisition_spend=lead_writers.SpendWriter,
                             complaints=complaint_writers.ComplaintsWriter,
                             credit_limits=credit_writers.CreditLimitsWriter,
                             contracts=agenda_writers.ContractsWriter,
                             sellout=agenda_writers.SellOutWriter)  # fmt: skip
