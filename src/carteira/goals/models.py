from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client
from carteira.organization.models import Seller, Team


class Goal(models.Model):
    """A target on an indicator for a seller, team, region or key client over a period."""

    class Indicator(models.TextChoices):
        REVENUE = "revenue", _("Revenue")
        POSITIVATION = "positivation", _("Positivation")
        COVERAGE = "coverage", _("Coverage")
        REACTIVATED = "reactivated", _("Reactivations")
        NEW_CLIENTS = "new_clients", _("New clients")
        CHURN_CEILING = "churn_rate", _("Churn ceiling")
        AVERAGE_TICKET = "average_ticket", _("Average ticket")
        TASKS_ON_TIME = "tasks_on_time", _("Tasks done on time")

    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    seller = models.ForeignKey(Seller, null=True, blank=True, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE)
    region = models.CharField(_("region"), max_length=60, blank=True)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.CASCADE)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [models.Index(fields=["period_start", "period_end"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period_start}–{self.period_end}"
