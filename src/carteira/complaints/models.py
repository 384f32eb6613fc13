from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client
from carteira.organization.models import Seller


class Complaint(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="complaints")
    seller = models.ForeignKey(Seller, null=True, blank=True, on_delete=models.SET_NULL)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=80)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-opened_on"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"{self.category} ({self.opened_on})"
