from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client, VisibleManager, hidden_by_field, hidden_by_index
from carteira.organization.models import Seller


class Order(models.Model):
    """An order (or a return / credit note when amount <= 0) imported from the ERP."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        CANCELLED = "cancelled", _("Cancelled")

    external_id = models.CharField(_("order number"), max_length=64, unique=True)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="orders")
    seller = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    margin = models.DecimalField(
        _("margin"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VALID
    )
    hidden_by = hidden_by_field()  # ADR 0024

    objects = VisibleManager()

    class Meta:
        ordering = ["-date", "external_id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["client", "date"]),
            models.Index(fields=["date"]),
            hidden_by_index("orders_hidden_by"),
        ]

    def __str__(self) -> str:
        return self.external_id
