"""Complaints: a ticket tied to a client, handled in five steps (acknowledge, investigate,
answer, confirm with the client, close with a root cause) against an SLA in working hours.

``category`` keeps the category's name (ADR 18): the demo loader and imports write names,
and a retired category stays readable on old complaints; the managed list is
``ComplaintCategory``, which a new complaint must name (services.check_category)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client
from carteira.orders.models import Order
from carteira.organization.models import Seller


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ComplaintCategory(models.Model):
    """The managed list of categories; each has its SLA per severity (``SlaTarget``)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")

    def __str__(self) -> str:
        return self.name


class SlaTarget(models.Model):
    """Working hours allowed for the first response and for the resolution."""

    category = models.ForeignKey(ComplaintCategory, on_delete=models.CASCADE, related_name="sla")
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    first_response_hours = models.PositiveIntegerField(_("first response (working hours)"))
    resolution_hours = models.PositiveIntegerField(_("resolution (working hours)"))

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["category", "severity"], name="one_sla_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.severity}"


class Complaint(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INVESTIGATING = "investigating", _("Investigating")
        ANSWERED = "answered", _("Answered")
        CONFIRMED = "confirmed", _("Confirmed with the client")
        RESOLVED = "resolved", _("Closed")

    Severity = Severity

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        VISIT = "visit", _("Visit")
        WHATSAPP = "whatsapp", _("WhatsApp")
        WEB = "web", _("Web form")
        API = "api", _("API")
        IMPORT = "import", _("Import")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="complaints")
    # The client's seller when the complaint was opened.
    seller = models.ForeignKey(Seller, null=True, blank=True, on_delete=models.SET_NULL)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=80)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.OPEN
    )
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_owned",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_opened",
    )
    orders = models.ManyToManyField(
        Order, verbose_name=_("orders concerned"), blank=True, related_name="complaints"
    )
    external_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # The five steps, each with its time (null: not done yet).
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    apology = models.TextField(_("apology"), blank=True)
    promise = models.TextField(_("promise"), blank=True)
    investigated_at = models.DateTimeField(_("investigated at"), null=True, blank=True)
    investigation = models.TextField(_("investigation notes"), blank=True)
    involved = models.CharField(_("who is involved"), max_length=200, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("what was offered"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    client_satisfied = models.BooleanField(_("client satisfied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    reopened = models.PositiveIntegerField(_("times reopened"), default=0)
    # The SLA clock, fixed when the complaint is opened (working hours → instants).
    first_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_escalated",
    )
    # Who at the client reported it (the web form) and where the survey goes.
    reporter = models.CharField(_("reported by"), max_length=120, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    # The satisfaction survey after closing (complaints.public): a signed link, no login.
    survey_sent_at = models.DateTimeField(null=True, blank=True)
    survey_score = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    survey_comment = models.TextField(_("survey comment"), blank=True)
    surveyed_at = models.DateTimeField(_("survey answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_on"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return f"{self.category} ({self.opened_on})"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED


class ComplaintEvent(models.Model):
    """The status history: one row per step taken, with who and when."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    step = models.CharField(max_length=16)
    status = models.CharField(max_length=14, choices=Complaint.Status.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.step} {self.at:%Y-%m-%d %H:%M}"


class ComplaintAttachment(models.Model):
    """A file the client sent or the team gathered (a photo of the damage, an invoice, a
    report). Checked by its bytes, not its name (complaints.attachments), and kept in the
    workspace's media storage under a random name, which every app process shares
    (CARTEIRA_MEDIA_DIR); ``name`` is the file's name as uploaded, for the download."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    # Random, in the download's URL and the stored file's name (not the uploaded one).
    key = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to="complaints/%Y/%m/", max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()  # bytes
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ClientSurvey(models.Model):
    """The periodic NPS of an active client (``carteira complaints nps``): one question,
    0-10, by a signed link e-mailed to one contact (complaints.public), answered once."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="surveys")
    # The client's seller when it was sent: the measures by seller read it.
    seller = models.ForeignKey(Seller, null=True, blank=True, on_delete=models.SET_NULL)
    email = models.EmailField()
    sent_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField(_("score (0-10)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("client survey (NPS)")
        verbose_name_plural = _("client surveys (NPS)")
        indexes = [models.Index(fields=["client", "sent_at"])]

    def __str__(self) -> str:
        return f"NPS {self.client_id} {self.sent_at:%Y-%m-%d}"
