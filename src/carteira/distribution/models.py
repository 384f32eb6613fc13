from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Assignment, Client
from carteira.organization.models import Seller, Team

WORKER_LATE_SECONDS = 60  # a proposal no worker has started after this: the page says so


class DistributionRule(models.Model):
    """Carteirização: clients matching every filled-in criterion belong to ``seller``.
    The lowest priority number wins when a client matches several rules."""

    name = models.CharField(_("name"), max_length=120)
    priority = models.PositiveIntegerField(_("priority"), default=100)
    seller = models.ForeignKey(
        Seller, verbose_name=_("target seller"), on_delete=models.PROTECT, related_name="+"
    )
    states = models.JSONField(_("states"), default=list, blank=True)
    cities = models.JSONField(_("cities"), default=list, blank=True)
    # [["90000000", "90999999"], ...]: inclusive CEP ranges
    postal_ranges = models.JSONField(_("postal-code ranges"), default=list, blank=True)
    # A GeoJSON ring, [[lon, lat], ...]
    polygon = models.JSONField(_("polygon"), default=list, blank=True)
    segments = models.JSONField(_("segments"), default=list, blank=True)
    abc = models.JSONField(_("ABC classes"), default=list, blank=True)
    key_accounts = models.JSONField(_("key accounts (client codes)"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "pk"]
        verbose_name = _("distribution rule")
        verbose_name_plural = _("distribution rules")

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    """A distribution the optimiser suggested, applied only when someone approves it."""

    class State(models.TextChoices):
        COMPUTING = "computing", _("Computing")
        DRAFT = "draft", _("Draft")
        APPLIED = "applied", _("Applied")
        DISCARDED = "discarded", _("Discarded")
        FAILED = "failed", _("Failed")

    # The optimiser's passes, in order (carteira_core.distribution.propose.STEPS), as the
    # page names them while the task worker computes the proposal.
    STEP_LABELS = {
        "areas": _("Grouping the clients into areas"),
        "balance": _("Balancing the workload between the sellers"),
        "changes": _("Keeping the changes of seller few"),
        "revenue": _("Balancing the revenue"),
    }

    # None: the whole company (directors, analysts, admins).
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE)
    leaving = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)
    # Set: a temporary cover, the clients return to their seller on this day.
    until = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    moves = models.JSONField(default=list)  # [[client id, from seller id, to seller id], ...]
    summary = models.JSONField(default=dict)  # measures before and after, per seller
    # What the task worker needs and says (ProposalForm.TRADEOFFS options; None: defaults)
    options = models.JSONField(null=True, blank=True)
    step = models.CharField(max_length=20, blank=True)  # the pass running (STEP_LABELS)
    failure = models.TextField(blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("distribution proposal")
        verbose_name_plural = _("distribution proposals")

    def __str__(self) -> str:
        return f"{self.reason} ({self.get_status_display()})"

    @property
    def computing(self) -> bool:
        return self.status == self.State.COMPUTING

    @property
    def step_label(self) -> str:
        return str(self.STEP_LABELS.get(self.step, ""))

    @property
    def steps(self) -> list[tuple[str, bool]]:
        """The passes as (label, done or running) for the waiting page."""
        fewest = (self.options or {}).get("fewest_moves", False)
        keys = [key for key in self.STEP_LABELS if key != "changes" or fewest]
        reached = keys.index(self.step) if self.step in keys else -1
        return [(str(self.STEP_LABELS[k]), i <= reached) for i, k in enumerate(keys)]

    @property
    def worker_late(self) -> bool:
        """Still waiting a minute after it was asked for: no worker is taking tasks."""
        waited = (timezone.now() - self.created_at).total_seconds()
        return self.computing and not self.step and waited > WORKER_LATE_SECONDS


class Cover(models.Model):
    """A client lent to another seller until a date; `return_covers` gives it back."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    returns_to = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="+")
    until = models.DateField(_("until"))
    returned_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["until", "pk"]
        indexes = [models.Index(fields=["returned_on", "until"])]

    def __str__(self) -> str:
        return f"{self.client_id} → {self.returns_to_id} @ {self.until}"


class MoveBatch(models.Model):
    """One change of hands of many clients, as the user decided it: who, when, why, and
    every client's from → to (``items``). A reversal is a batch too (``reverses``)."""

    class Kind(models.TextChoices):
        BULK = "bulk", _("Move from the client list")
        REASSIGN = "reassign", _("Reassignment")
        PROPOSAL = "proposal", _("Proposal applied")
        RULES = "rules", _("Segmentation rules applied")
        REVERSAL = "reversal", _("Undo")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    on = models.DateField(_("date of the change"))
    until = models.DateField(_("until"), null=True, blank=True)  # a temporary cover
    # The client list's filter, for a move of "every client matching the filter".
    query = models.JSONField(default=dict, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    moved = models.PositiveIntegerField(_("clients moved"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("batch of moves")
        verbose_name_plural = _("batches of moves")

    def __str__(self) -> str:
        return f"#{self.pk} {self.reason}"


class MoveBatchItem(models.Model):
    """One client of a batch: from whom to whom, and the assignment the move opened (a
    reversal gives back only clients whose open assignment is still that one)."""

    batch = models.ForeignKey(MoveBatch, on_delete=models.CASCADE, related_name="items")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    seller_from = models.ForeignKey(Seller, null=True, on_delete=models.PROTECT, related_name="+")
    seller_to = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "client"], name="one_move_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.seller_from_id} → {self.seller_to_id}"
