"""What the seller's phone app (the field app, "campo") leaves on the server: the sync
cursors (what each phone holds, so the next download sends only what changed), the
operations applied from its queue (idempotency: a retried key is answered, never
applied twice) and the check-ins (time, distance to the client and verdict)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira.agenda.checkins import UnverifiedReason, verdict_text
from carteira.agenda.models import Task
from carteira.clients.models import Client
from carteira.interactions.models import Interaction
from carteira.organization.models import Seller


class SyncCursor(models.Model):
    """One download: the digest of every card and list the phone received. The next
    download names it and gets only what differs (docs/adr/0023-offline-sync.md)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, unique=True)
    digests = models.JSONField(default=dict)  # "client:12" / "agenda" / … -> short hash
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"cursor {self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class AppliedOperation(models.Model):
    """An operation from a phone's queue and what the server answered, kept under its
    idempotency key: sending it again returns this answer and changes nothing."""

    class Result(models.TextChoices):
        APPLIED = "applied", _("Applied")
        CONFLICT = "conflict", _("Applied with a conflict")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)
    result = models.CharField(max_length=10, choices=Result.choices)
    code = models.CharField(max_length=40, blank=True)  # why: "client_moved", "task_closed"…
    message = models.TextField(blank=True)
    errors = models.JSONField(default=dict, blank=True)  # field -> [messages]
    created = models.JSONField(default=dict, blank=True)  # {"interaction": 7, "task": 9}
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_operation_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} {self.result}"


class CheckIn(models.Model):
    """The seller at the client, and when, as the phone saw it: verified when the phone was
    within the radius of the client's registered place (carteira_core.agenda.checkin)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="check_ins")
    seller = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.SET_NULL, related_name="check_ins"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="check_ins"
    )
    # The visit logged with it (set when its outcome syncs).
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="check_ins"
    )
    at = models.DateTimeField(_("checked in at"))  # the phone's clock
    # The seller's position is personal data (LGPD): only what the check needs is kept,
    # the distance to the client and the phone's accuracy, never the position itself.
    accuracy_m = models.FloatField(null=True, blank=True)
    # Great-circle distance to the client's registered location, when both are known.
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    # carteira_core.agenda.checkin: within radius_m (the radius in force at the check-in).
    verified = models.BooleanField(_("verified"), default=False)
    unverified_reason = models.CharField(
        _("why not verified"), max_length=24, choices=UnverifiedReason.choices, blank=True
    )
    radius_m = models.PositiveIntegerField(_("radius (m)"), null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [models.Index(fields=["client", "at"]), models.Index(fields=["seller", "at"])]

    def __str__(self) -> str:
        return f"check-in {self.client_id} {self.at:%Y-%m-%d %H:%M}"

    @property
    def verdict_text(self) -> str:
        return verdict_text(verified=self.verified, reason=self.unverified_reason,
                            distance_m=self.distance_m, radius_m=self.radius_m)  # fmt: skip
