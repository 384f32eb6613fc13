"""The predictive value of an official reading: one model fit, one row per client.

The fit is refreshed with every official snapshot and stored with it (deleted with it);
a fit that is not ``ok`` is stored with its reason and no client rows, so the pages say
why there is no prediction instead of showing one.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client
from carteira.organization.models import Seller
from carteira.portfolio.models import SnapshotRun


class ValueFit(models.Model):
    class Status(models.TextChoices):
        OK = "ok", _("fitted")
        DEGENERATE = "degenerate", _("not reliable")
        INSUFFICIENT = "insufficient_data", _("too little history")

    run = models.OneToOneField(SnapshotRun, on_delete=models.CASCADE, related_name="value_fit")
    model = models.CharField(max_length=10, default="bgnbd")
    status = models.CharField(max_length=20, choices=Status.choices)
    reason = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict)
    log_likelihood = models.FloatField(null=True)
    spend_status = models.CharField(max_length=20, choices=Status.choices)
    spend_reason = models.CharField(max_length=40, blank=True)
    spend_params = models.JSONField(default=dict)
    buyers = models.PositiveIntegerField(default=0)
    repeat_buyers = models.PositiveIntegerField(default=0)
    horizon_months = models.PositiveSmallIntegerField()
    monthly_rate = models.DecimalField(max_digits=6, decimal_places=4)
    expectation_days = models.PositiveSmallIntegerField()
    portfolio_value = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    duration_ms = models.PositiveIntegerField(null=True)

    class Meta:
        verbose_name = _("value fit")
        verbose_name_plural = _("value fits")

    def __str__(self) -> str:
        return f"{self.model} {self.run_id}: {self.status}"

    @property
    def ok(self) -> bool:
        return self.status == self.Status.OK

    @property
    def spend_ok(self) -> bool:
        return self.spend_status == self.Status.OK


class ClientValue(models.Model):
    """A client's prediction at the fit's reading; ``seller`` and ``abc`` as the reading
    had them, so the valuation adds up by the reading's portfolio."""

    # no single-column indexes: the unique (fit, client) serves the fit's rows and the
    # (client, fit) index a client's (each index costs every 100k-row reading's insert)
    fit = models.ForeignKey(
        ValueFit, on_delete=models.CASCADE, related_name="clients", db_index=False
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="predicted_values", db_index=False
    )
    seller = models.ForeignKey(Seller, null=True, blank=True, on_delete=models.SET_NULL)
    abc = models.CharField(max_length=1, blank=True)
    frequency = models.PositiveIntegerField()
    recency_days = models.PositiveIntegerField()
    age_days = models.PositiveIntegerField()
    p_alive = models.FloatField()
    expected_purchases = models.FloatField()
    next_purchase = models.DateField(null=True)
    expected_spend = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    clv = models.DecimalField(max_digits=16, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("client value")
        verbose_name_plural = _("client values")
        constraints = [
            models.UniqueConstraint(fields=["fit", "client"], name="one_value_per_client_per_fit")
        ]
        indexes = [models.Index(fields=["client", "fit"])]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.p_alive:.2f}"


class ClientPotential(models.Model):
    """What a client could buy in a year at an official reading, and the gap to what it
    bought in the reading's ABC window (made yearly): ``carteira_core.value.potential``."""

    class Source(models.TextChoices):
        ERP = "erp", _("the ERP's potential")
        SEGMENT_STATE = "segment_state", _("peers of its segment and state")
        SEGMENT = "segment", _("peers of its segment")
        PORTFOLIO = "portfolio", _("the whole portfolio")

    # no single-column indexes: the unique (run, client) and the (client, run) index serve
    run = models.ForeignKey(
        SnapshotRun, on_delete=models.CASCADE, related_name="potentials", db_index=False
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="potentials", db_index=False
    )
    revenue = models.DecimalField(max_digits=16, decimal_places=2)
    potential = models.DecimalField(max_digits=16, decimal_places=2)
    source = models.CharField(max_length=16, choices=Source.choices)
    peers = models.PositiveIntegerField(default=0)
    gap = models.DecimalField(max_digits=16, decimal_places=2)
    share = models.FloatField(null=True)  # revenue / potential; None for a zero potential

    class Meta:
        verbose_name = _("client potential")
        verbose_name_plural = _("client potentials")
        constraints = [
            models.UniqueConstraint(fields=["run", "client"], name="one_potential_per_reading")
        ]
        indexes = [models.Index(fields=["client", "run"])]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.potential} ({self.source})"
