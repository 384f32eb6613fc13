"""What the data-quality page remembers: duplicate pairs a person looked at and kept
apart, and every merge of clients (so nothing a merge removed is lost)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DuplicateReview(models.Model):
    """Two clients a person reviewed and declared distinct (a branch of the same company,
    two shops of the same name in one city): the pair is no longer listed. Client ids, not
    foreign keys: a review of a client merged away later means nothing and costs nothing."""

    first_id = models.PositiveBigIntegerField()
    second_id = models.PositiveBigIntegerField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reviewed duplicate")
        verbose_name_plural = _("reviewed duplicates")
        constraints = [
            models.UniqueConstraint(fields=["first_id", "second_id"], name="one_review_per_pair"),
            models.CheckConstraint(condition=Q(first_id__lt=F("second_id")), name="pair_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class ClientMerge(models.Model):
    """One client merged into another: its orders, contacts, interactions, tasks and
    history now belong to ``kept``; its own registration (code, names, document, address)
    is kept here, so it can be looked up and, if the merge was wrong, re-created."""

    kept = models.ForeignKey(
        "clients.Client", null=True, on_delete=models.SET_NULL, related_name="merges"
    )
    merged_client_id = models.PositiveBigIntegerField()
    merged_external_id = models.CharField(_("code"), max_length=64, db_index=True)
    registration = models.JSONField(_("registration of the merged client"), default=dict)
    moved = models.JSONField(_("rows moved"), default=dict)  # model label → count
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("client merge")
        verbose_name_plural = _("client merges")

    def __str__(self) -> str:
        return f"{self.merged_external_id} → {self.kept_id}"
