from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.Model):
    """What a review decided (the "Act" of the PDCA cycle); the next reviews follow it up."""

    class Kind(models.TextChoices):
        RULE = "rule", _("Portfolio rule")
        PLAN = "plan", _("Action plan cell")
        GOAL = "goal", _("Goal")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    period_start = models.DateField(_("review from"))
    period_end = models.DateField(_("review until"))
    text = models.TextField(_("decision"), max_length=2000)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.OTHER)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_decisions",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.OPEN)  # fmt: skip
    follow_up = models.TextField(_("follow-up note"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_start", "pk"]
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        indexes = [models.Index(fields=["period_start", "period_end"]),
                   models.Index(fields=["status"])]  # fmt: skip

    def __str__(self) -> str:
        return self.text[:60]
