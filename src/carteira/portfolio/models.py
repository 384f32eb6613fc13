from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client
from carteira.organization.models import Seller
from carteira_core.engine import Period, PortfolioReading


class Status(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    PRE_INACTIVE = "pre_inactive", _("Pre-inactive")
    INACTIVATED = "inactivated", _("Inactivated")
    INACTIVE = "inactive", _("Inactive")


class AbcClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class RulesVersion(models.Model):
    """One version of the portfolio rules; the highest number is in force."""

    number = models.PositiveIntegerField(unique=True)
    rules = models.JSONField()
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("rules version")
        verbose_name_plural = _("rules versions")

    def __str__(self) -> str:
        return f"v{self.number}"


class SnapshotRun(models.Model):
    """A stored reading of the portfolio at an as-of date, with the rules used.

    Its period columns (revenue and purchases in the period, positivated, covered, the
    status on the eve) cover ``period_start``..``as_of``: the rules' rolling window for
    official and what-if runs, a calendar month or quarter to date for *window* runs,
    which exist only to give those figures and are never "the" reading of a date (ADR 12).
    """

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official")
        WHAT_IF = "what_if", _("What-if")
        WINDOW = "window", _("Period")

    as_of = models.DateField(_("as of"))
    period_start = models.DateField(_("period from"))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OFFICIAL)
    rules_version = models.ForeignKey(
        RulesVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    # The rules themselves (always set; for what-if runs the only record of them).
    rules = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # Not stored: the reading ``do_snapshot`` has just computed and written, for the
    # command's dashboard warm-up (which sums it instead of reading it back).
    reading: PortfolioReading | None = None

    class Meta:
        ordering = ["-as_of", "-pk"]
        verbose_name = _("portfolio snapshot")
        verbose_name_plural = _("portfolio snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "rules_version"],
                condition=models.Q(kind="official"),
                name="one_official_run_per_date_and_rules",
            ),
            models.UniqueConstraint(
                fields=["as_of", "period_start", "rules_version"],
                condition=models.Q(kind="window"),
                name="one_window_run_per_period_and_rules",
            ),
        ]
        indexes = [models.Index(fields=["kind", "as_of"])]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.kind})"

    @property
    def period(self):
        """The window its period figures cover, as the engine names it."""
        return Period("days", self.period_start, self.as_of)


class ClientSnapshot(models.Model):
    """One client's reading in a run. Money in the workspace currency."""

    # No single-column indexes on run, client and seller: the unique (run, client) and
    # the (client, run) and (run, seller) indexes serve every lookup (all of them name the
    # run), and each extra index slowed every write: a run's rows come in client order, so
    # a seller index took one scattered page write per row (the 100k snapshot). Deleting a
    # seller scans the readings to set theirs to null: rare, and a scan is fine then.
    run = models.ForeignKey(
        SnapshotRun, on_delete=models.CASCADE, related_name="clients", db_index=False
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="snapshots", db_index=False
    )
    seller = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    status = models.CharField(max_length=14, choices=Status.choices)
    status_previous = models.CharField(max_length=14, choices=Status.choices, blank=True)
    abc = models.CharField(max_length=1, choices=AbcClass.choices, blank=True)
    days_since_last_purchase = models.IntegerField(null=True)
    last_purchase_date = models.DateField(null=True)
    first_purchase_date = models.DateField(null=True)
    purchases_in_frequency_window = models.IntegerField(default=0)
    revenue_in_abc_window = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    margin_in_abc_window = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    revenue_in_period = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    purchases_in_period = models.IntegerField(default=0)
    revenue_at_risk = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    rfm = models.CharField(max_length=3, blank=True)
    positivated = models.BooleanField(default=False)
    covered = models.BooleanField(default=False)
    active_threshold_days = models.IntegerField(null=True)
    inactive_threshold_days = models.IntegerField(null=True)

    class Meta:
        verbose_name = _("client reading")
        verbose_name_plural = _("client readings")
        constraints = [
            models.UniqueConstraint(fields=["run", "client"], name="one_reading_per_client_per_run")
        ]
        indexes = [
            models.Index(fields=["run", "status"]),
            models.Index(fields=["run", "seller"]),
            models.Index(fields=["client", "run"]),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} @ run {self.run_id}: {self.status}"


class GroupSnapshot(models.Model):
    """Indicators for one group (seller, team, segment, …) in a run."""

    run = models.ForeignKey(SnapshotRun, on_delete=models.CASCADE, related_name="groups")
    by = models.CharField(max_length=12)
    key = models.CharField(max_length=200)
    figures = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "by", "key"], name="one_group_row_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.by}={self.key}"


class StatusTransition(models.Model):
    """A client's status change between two consecutive official readings."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="transitions")
    run = models.ForeignKey(SnapshotRun, on_delete=models.CASCADE, related_name="transitions")
    date = models.DateField()
    from_status = models.CharField(max_length=14, choices=Status.choices)
    to_status = models.CharField(max_length=14, choices=Status.choices)

    class Meta:
        indexes = [models.Index(fields=["date", "to_status"])]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.from_status} → {self.to_status}"
