from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "orders": _("Orders"),
    "tasks": _("Tasks"),
    "clients": _("Clients"),
    "report.clients": _("Clients of a reading"),
    "report.kpis": _("Indicators by group"),
    "report.matrix": _("Class × status matrix"),
}
FAILURES = {
    "scope": _("This data is no longer in your portfolio, so the file was not made."),
    "worker": _(
        "The background worker stopped before the file was ready. Request the export again."
    ),
    "error": _("Something went wrong while preparing the file. Request the export again."),
}
WORKER_LATE_SECONDS = 60


class ExportJob(models.Model):
    """One requested export: built by the task worker into ``MEDIA_ROOT/exports/<pk>.<fmt>``,
    downloadable by its owner only, until ``expires_at``. ``filters`` are the validated
    filters the task rebuilds the export from, for the owner's scope at run time."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(_("kind"), max_length=32)
    fmt = models.CharField(_("format"), max_length=4, choices=Format.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)  # so far, while running
    file_name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    message = models.CharField(max_length=300, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # While running, refreshed as rows are written: a stale beat means the worker died.
    beat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["owner", "-created_at"], name="exports_owner_recent")]

    def __str__(self) -> str:
        return f"{self.kind}.{self.fmt} #{self.pk} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def available(self) -> bool:
        """Ready, and not past its expiry (the cleanup may not have run yet)."""
        return self.status == self.Status.DONE and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    @property
    def expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.DONE and not self.available
        )

    @property
    def worker_late(self) -> bool:
        """Still queued a minute after it was asked for: no worker is taking jobs."""
        waited = (timezone.now() - self.created_at).total_seconds()
        return self.status == self.Status.QUEUED and waited > WORKER_LATE_SECONDS

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def failure(self) -> str:
        return FAILURES.get(self.message, FAILURES["error"])

    @property
    def stored_name(self) -> str:
        """The file under ``MEDIA_ROOT``: by id, never by a user-supplied name."""
        return f"exports/{int(self.pk)}.{self.fmt}"
