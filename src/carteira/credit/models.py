from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client


class CreditLimit(models.Model):
    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="credit_limit")
    limit = models.DecimalField(_("credit limit"), max_digits=14, decimal_places=2)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit limit")
        verbose_name_plural = _("credit limits")

    def __str__(self) -> str:
        return f"{self.client_id}: {self.limit}"


class Receivable(models.Model):
    """One instalment of an invoice: what the client owes and when it was paid."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="receivables")
    invoice = models.CharField(_("invoice"), max_length=64)
    instalment = models.PositiveSmallIntegerField(_("instalment"), default=1)
    issue_date = models.DateField(_("issued on"))
    due_date = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_date = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("amount paid"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["due_date"]
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "instalment"], name="one_instalment_row")
        ]
        indexes = [models.Index(fields=["client", "due_date"])]

    def __str__(self) -> str:
        return f"{self.invoice}/{self.instalment}"
