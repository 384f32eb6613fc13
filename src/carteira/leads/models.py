from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client
from carteira.clients.validators import validate_document
from carteira.interactions.models import Channel
from carteira.organization.models import Seller


class Source(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Event or trade fair")
    INBOUND = "inbound", _("Inbound (website, came to us)")
    LIST = "list", _("Purchased or built list")
    COLD_CALL = "cold_call", _("Cold call")
    PARTNER = "partner", _("Partner")
    OTHER = "other", _("Other")


class Size(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


# The default funnel (the sources' step by step): key → label; a company may rename,
# reorder, hide or add stages (Stage rows), never change a key.
DEFAULT_STAGES = (
    ("listed", _("Listed")),
    ("researched", _("Researched")),
    ("contacted", _("First contact")),
    ("follow_up", _("Follow-up")),
    ("qualified", _("Qualified")),
    ("meeting", _("Meeting scheduled")),
    ("proposal", _("Proposal")),
    ("won", _("Won")),
    ("lost", _("Lost")),
)
DEFAULT_LABELS = dict(DEFAULT_STAGES)


class Stage(models.Model):
    """A funnel stage. ``outcome`` says whether reaching it closes the lead."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    key = models.SlugField(_("key"), max_length=20, unique=True)
    # Blank for a default stage: its label is then translated into the user's language.
    name = models.CharField(_("name"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))
    outcome = models.CharField(
        _("outcome"), max_length=4, choices=Outcome.choices, default=Outcome.OPEN
    )
    active = models.BooleanField(_("in use"), default=True)
    # The cadence: a lead that enters this stage is due its next contact this many days
    # later (empty: the default for the key, leads.stages.CADENCE).
    cadence_days = models.PositiveSmallIntegerField(
        _("days to the next contact"), null=True, blank=True
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("funnel stage")
        verbose_name_plural = _("funnel stages")

    def __str__(self) -> str:
        return str(self.name or DEFAULT_LABELS.get(self.key, self.key))


class LossReason(models.Model):
    """The managed list of reasons a lead is lost (a manager keeps it)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("loss reason")
        verbose_name_plural = _("loss reasons")

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """A trade fair or event the company took part in, with its cost."""

    name = models.CharField(_("name"), max_length=160)
    date = models.DateField(_("date"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.name


class Lead(models.Model):
    """A company the sellers are trying to win. Scoped like a client: by its owner."""

    external_id = models.CharField(_("code"), max_length=64, null=True, blank=True, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # CNPJ (14, may be alphanumeric) or CPF (11), normalised like a client's.
    document = models.CharField(
        _("CNPJ/CPF"), max_length=14, blank=True, validators=[validate_document]
    )
    segment = models.CharField(_("segment"), max_length=80, blank=True)
    size = models.CharField(
        _("size"), max_length=8, choices=Size.choices, blank=True, default="", db_default=""
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    contact_name = models.CharField(
        _("contact"), max_length=120, blank=True, default="", db_default=""
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="", db_default="")
    email = models.EmailField(_("e-mail"), blank=True, default="", db_default="")
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    referred_by = models.ForeignKey(
        Client,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        verbose_name=_("event"),
    )
    stage = models.CharField(_("stage"), max_length=20, default="listed", db_index=True)
    stage_since = models.DateField(_("in the stage since"), null=True, blank=True)
    seller = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("owner")
    )
    # The client it became (conversion) or already is (a won lead of the history).
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    created_date = models.DateField(_("created on"))
    next_step = models.CharField(
        _("next step"), max_length=200, blank=True, default="", db_default=""
    )
    next_step_date = models.DateField(_("next step on"), null=True, blank=True)
    next_step_channel = models.CharField(
        _("next step by"), max_length=10, choices=Channel.choices, default=Channel.PHONE,
        db_default=Channel.PHONE,
    )  # fmt: skip
    # The working day the seller's agenda planned the next step on (agenda.scheduling,
    # within the daily capacity of visits and calls); empty: not planned (no room yet).
    scheduled_date = models.DateField(_("planned for"), null=True, blank=True)
    loss_reason = models.ForeignKey(
        LossReason,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("reason lost"),
    )
    notes = models.TextField(_("notes"), blank=True, default="", db_default="")
    # Ideal-client-profile lookalike score (0–100) and what weighed in it (leads.icp).
    icp_score = models.PositiveSmallIntegerField(_("ICP score"), null=True, blank=True)
    icp_factors = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_date", "-pk"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [models.Index(fields=["seller", "stage"]), models.Index(fields=["document"])]

    def __str__(self) -> str:
        return self.name


class StageChange(models.Model):
    """A lead entering a stage: the funnel's "entered" counts and time in stage."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="history")
    stage = models.CharField(_("stage"), max_length=20)
    previous = models.CharField(_("previous stage"), max_length=20, blank=True)
    on = models.DateField(_("date"))
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["stage", "on"])]

    def __str__(self) -> str:
        return f"{self.lead_id} → {self.stage} {self.on}"


class LeadContact(models.Model):
    """A contact made with a lead (the sources' "more than one contact"): the cadence's
    history, kept when the lead becomes a client."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    reached = models.BooleanField(_("reached the contact"), default=True)
    note = models.TextField(_("note"), blank=True, default="")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("contact with a lead")
        verbose_name_plural = _("contacts with leads")

    def __str__(self) -> str:
        return f"{self.lead_id} {self.channel} {self.on}"


class AcquisitionSpend(models.Model):
    """Money spent to win clients in a period and channel (for CAC)."""

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    channel = models.CharField(_("channel"), max_length=12, choices=Source.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    # Spend attributed to one seller (their trips, their lists); empty = the company's.
    seller = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("seller")
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="spend"
    )

    class Meta:
        verbose_name = _("acquisition spend")
        verbose_name_plural = _("acquisition spend")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="spend_period_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.period_start}"
