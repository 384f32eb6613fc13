import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Contact

# LGPD art. 19, II: a complete answer within 15 days of the request.
ANSWER_WITHIN = dt.timedelta(days=15)


class ConsentRecord(models.Model):
    """Why we may process a contact's data, and the evidence: one row per basis given."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    basis = models.CharField(_("legal basis"), max_length=24, choices=Contact.LegalBasis.choices)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.contact_id} {self.basis}"


class DataSubjectRequest(models.Model):
    """A data subject's request under LGPD art. 18, with its legal deadline."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access")
        CORRECTION = "correction", _("Correction")
        ANONYMISATION = "anonymisation", _("Anonymisation")
        BLOCKING = "blocking", _("Blocking")
        DELETION = "deletion", _("Deletion")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Answered")
        REFUSED = "refused", _("Refused (with reasons)")

    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"), editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="open")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    def save(self, *args, **kwargs):
        self.due_at = self.received_at + ANSWER_WITHIN
        super().save(*args, **kwargs)

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.status == self.Status.OPEN and now > self.due_at


class RetentionRun(models.Model):
    """The retention job's ledger: one row per run, even when nothing was due."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cutoff = models.DateTimeField()
    anonymised = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"retention {self.started_at:%Y-%m-%d %H:%M}"
