from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client
from carteira.organization.models import Seller


class Source(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Event or trade fair")
    WEBSITE = "website", _("Website")
    COLD_CALL = "cold_call", _("Cold call")
    PARTNER = "partner", _("Partner")
    OTHER = "other", _("Other")


class Lead(models.Model):
    class Stage(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        QUALIFIED = "qualified", _("Qualified")
        PROPOSAL = "proposal", _("Proposal")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    name = models.CharField(_("name"), max_length=200)
    document = models.CharField(_("CNPJ/CPF"), max_length=14, blank=True)
    segment = models.CharField(_("segment"), max_length=80, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.NEW)
    seller = models.ForeignKey(Seller, null=True, blank=True, on_delete=models.SET_NULL)
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    created_date = models.DateField(_("created on"))
    lost_reason = models.CharField(_("reason lost"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_date"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return self.name


class AcquisitionSpend(models.Model):
    """Money spent to win clients in a period and channel (for CAC)."""

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    channel = models.CharField(_("channel"), max_length=12, choices=Source.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("acquisition spend")
        verbose_name_plural = _("acquisition spend")

    def __str__(self) -> str:
        return f"{self.channel} {self.period_start}"
