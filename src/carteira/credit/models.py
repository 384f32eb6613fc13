from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client, VisibleManager, hidden_by_field, hidden_by_index


class LimitSource(models.TextChoices):
    FORM = "form", _("set on the client page")
    ERP = "erp", _("sent by the ERP")
    ADMIN = "admin", _("set in the admin")
    IMPORT = "import", _("imported from a file")


class CreditLimit(models.Model):
    """The client's credit limit in force, with who set it and when (every change is
    also a ``CreditLimitChange``: credit.services.do_set_credit_limit)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="credit_limit")
    limit = models.DecimalField(_("credit limit"), max_digits=14, decimal_places=2)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("set by"),
    )  # fmt: skip
    set_at = models.DateTimeField(_("set at"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=8, choices=LimitSource.choices, db_default=LimitSource.ADMIN
    )  # db_default: the demo loader inserts rows in raw SQL

    class Meta:
        verbose_name = _("credit limit")
        verbose_name_plural = _("credit limits")

    def __str__(self) -> str:
        return f"{self.client_id}: {self.limit}"


class CreditLimitChange(models.Model):
    """Append-only history of a client's limit: what it was, what it became, who, when,
    why. ``limit`` None: the limit was removed."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="limit_changes")
    previous = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    limit = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    set_at = models.DateTimeField()
    source = models.CharField(max_length=8, choices=LimitSource.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-set_at", "-pk"]
        verbose_name = _("credit limit change")
        verbose_name_plural = _("credit limit changes")

    def __str__(self) -> str:
        return f"{self.client_id}: {self.previous} → {self.limit}"


# An instalment not yet paid in full (no payment date, or less paid than its amount), and
# its complement. At a date T an instalment issued by then is open when it is unsettled,
# or settled after T (carteira_core.credit's definition; credit.reading.open_halves).
UNSETTLED = Q(paid_date__isnull=True) | Q(paid_amount__lt=F("amount"))
SETTLED = Q(paid_date__isnull=False) & (
    Q(paid_amount__isnull=True) | Q(paid_amount__gte=F("amount"))
)


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
    hidden_by = hidden_by_field()  # ADR 0024: written by an import not yet committed

    objects = VisibleManager()

    class Meta:
        ordering = ["due_date"]
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "instalment"], name="one_instalment_row")
        ]
        indexes = [
            models.Index(fields=["client", "due_date"]),
            # The open-at-a-date read (credit.reading.open_rows) in its two halves, each
            # from one partial index alone (covering: no lookup into the table), so it
            # touches the unsettled instalments and those settled after the date only.
            models.Index(
                fields=["client", "issue_date", "due_date", "amount", "paid_date", "paid_amount",
                        "hidden_by"],
                condition=UNSETTLED, name="credit_unsettled",
            ),
            models.Index(
                fields=["paid_date", "client", "issue_date", "due_date", "amount", "paid_amount",
                        "hidden_by"],
                condition=SETTLED, name="credit_settled_by_payment",
            ),
            hidden_by_index("credit_hidden_by"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.invoice}/{self.instalment}"
