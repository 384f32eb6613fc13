from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client
from carteira.organization.models import Seller


class HiddenImport(models.Model):
    """An import still writing its orders in short batches (SQLite, ADR 0024): the orders
    carrying its run id stay invisible while this row exists. The import deletes it in
    its final transaction, with its run's status: that is the moment they all appear."""

    run_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"import run {self.run_id}"


class VisibleOrders(models.Manager):
    """Every query through ``Order.objects`` (and related managers) sees only visible
    orders; the base manager (deletes, cascades) sees them all."""

    def get_queryset(self):
        return super().get_queryset().filter(visible_orders())


def visible_orders() -> Q:
    """Not written by an import still hiding its rows."""
    hidden = HiddenImport.objects.values("run_id")
    return Q(hidden_by__isnull=True) | ~Q(hidden_by__in=hidden)


# The same rule for raw SQL over ``orders_order`` (``alias``: the table's alias, with its dot).
VISIBLE_SQL = (
    "({alias}hidden_by IS NULL OR {alias}hidden_by NOT IN (SELECT run_id FROM orders_hiddenimport))"
)


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
    # The import run that wrote this order and has not yet settled it (NULL: settled, or
    # never hidden). Hidden while that run's ``HiddenImport`` exists.
    hidden_by = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = VisibleOrders()

    class Meta:
        ordering = ["-date", "external_id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["client", "date"]),
            models.Index(fields=["date"]),
            models.Index(
                fields=["hidden_by"], name="orders_hidden_by", condition=Q(hidden_by__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.external_id
