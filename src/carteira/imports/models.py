from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira_core.ingest import KINDS

KIND_CHOICES = [(kind, kind) for kind in KINDS]


class ImportRun(models.Model):
    """One file imported (or tried): what, by whom, what happened. The file itself lives
    in the workspace under ``MEDIA_ROOT/imports/<sha256>``; no row values are kept here."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")  # web flow: waiting for validation/commit
        QUEUED = "queued", _("Waiting to start")  # web commit: enqueued for the worker
        RUNNING = "running", _("Running")
        DRY_RUN = "dry_run", _("Validated (nothing written)")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed (nothing written)")

    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    encoding = models.CharField(max_length=16, blank=True)
    separator = models.CharField(max_length=4, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING
    )
    skip_invalid = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    message = models.CharField(max_length=500, blank=True)
    # Relative to MEDIA_ROOT: the rejected-rows CSV of the last validation or import.
    error_report = models.CharField(max_length=255, blank=True)
    # Web commits run as a background task: its id, and the rows the file holds (an
    # estimate from its line breaks) for the progress bar; rows done live in a progress
    # file while it runs, since the import's own transaction is invisible until commit.
    task_id = models.CharField(max_length=64, blank=True)
    rows_estimate = models.PositiveBigIntegerField(default=0)
    # The report of the last validation or import, shown again on a reload: the ignored
    # columns and the first REPORT_ERRORS problems (line, key, column, value, code,
    # params) — the file's own values for those rows, deleted with the run; the CSV has
    # them all.
    report = models.JSONField(default=dict, blank=True)
    # After a commit: the background reading of the portfolio (portfolio.SnapshotRun)
    # that gives the new clients their status without waiting for the night.
    reading_task_id = models.CharField(max_length=64, blank=True)
    reading_status = models.CharField(
        max_length=12, blank=True
    )  # "", queued, running, done, failed

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}


class ColumnMapping(models.Model):
    """A saved header mapping for another system's layout: source column → field."""

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    mapping = models.JSONField(_("mapping"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="column_mapping_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"
