"""Running export jobs (the task worker's side): build the file for the owner's scope,
audit it when it finishes, expire it after ``CARTEIRA_EXPORT_TTL_HOURS``, fail it when its
worker is gone. The request's side is ``exports.services``."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from carteira.audit.services import do_record
from carteira.exports.kinds import Refused, plan
from carteira.exports.models import ExportJob
from carteira.exports.storage import STALE_SECONDS, job_path, ttl, write_job_file

logger = logging.getLogger(__name__)

# Filters that may hold personal values (a name typed in the search box) are recorded
# only as "used", never with their text.
FREE_TEXT_FILTERS = frozenset({"q"})
# Why a job failed (ExportJob.message); the page words it in the reader's language.
LOST_SCOPE = "scope"  # the data left the owner's portfolio between request and run
WORKER_GONE = "worker"  # the worker stopped while writing
ERROR = "error"


def do_record_export(*, actor, kind: str, fmt: str, filters: Mapping[str, object], rows: int):
    """Every export goes to the audit trail: who, what, which filters, how many rows."""
    do_record("export", actor=actor, kind=kind, format=fmt, filter=recorded_filters(filters),
              rows=rows)  # fmt: skip


def recorded_filters(filters: Mapping[str, object]) -> dict[str, object]:
    """The filters in use: without empty values and unticked boxes (``False``, never a
    0), free text reduced to ``True``."""
    return {
        name: True if name in FREE_TEXT_FILTERS else _plain(value)
        for name, value in filters.items()
        if value not in (None, "", [], ()) and value is not False
    }


def _plain(value: object) -> object:
    return value if isinstance(value, bool | int | str) else str(value)


def do_run_export(job_id: int) -> str:
    """Build a queued job's file for its owner's scope now; returns the final status."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, beat_at=timezone.now()
    )
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    if not claimed:
        return job.status  # already run (a retried or duplicated task)
    try:
        table = plan(job.owner, job.kind, job.filters).table()
        rows, size = write_job_file(job, table.columns, table.rows, beat=_beat(job))
    except (Http404, Refused):
        _fail(job, LOST_SCOPE)
        return job.status
    except Exception:
        _fail(job, ERROR)
        raise
    _finish(job, rows=rows, size=size)
    return job.status


def _beat(job: ExportJob):
    def beat(rows: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows=rows, beat_at=timezone.now())

    return beat


@transaction.atomic
def _finish(job: ExportJob, *, rows: int, size: int) -> None:
    now = timezone.now()
    job.status, job.rows, job.size = ExportJob.Status.DONE, rows, size
    job.finished_at, job.beat_at, job.expires_at = now, now, now + ttl()
    job.filters = recorded_filters(job.filters)  # a searched text is not kept past the run
    job.save(update_fields=["status", "rows", "size", "finished_at", "beat_at", "expires_at",
                            "filters"])  # fmt: skip
    do_record_export(actor=job.owner, kind=job.kind, fmt=job.fmt, filters=job.filters,
                     rows=rows)  # fmt: skip


def _fail(job: ExportJob, reason: str) -> None:
    job_path(job).unlink(missing_ok=True)
    job.status, job.message, job.finished_at = ExportJob.Status.FAILED, reason, timezone.now()
    job.filters = recorded_filters(job.filters)
    job.save(update_fields=["status", "message", "finished_at", "filters"])


def do_fail_if_abandoned(job: ExportJob, *, now: dt.datetime | None = None) -> bool:
    """Mark a running job failed when its worker stopped beating; True if it did. (A job
    still queued only waits: the page says so after a minute.)"""
    if job.status != ExportJob.Status.RUNNING:
        return False
    now = now or timezone.now()
    since = job.beat_at or job.created_at
    if (now - since).total_seconds() < STALE_SECONDS:
        return False
    updated = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING,
                                       beat_at=job.beat_at).update(
        status=ExportJob.Status.FAILED, message=WORKER_GONE, finished_at=now
    )  # fmt: skip
    job.refresh_from_db()
    return bool(updated)


def do_clean_exports(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete the files of expired jobs and mark them expired; fail the running jobs whose
    worker is gone. (expired, failed) counts. Safe to run twice, and beside a worker."""
    now = now or timezone.now()
    failed = sum(
        do_fail_if_abandoned(job, now=now)
        for job in ExportJob.objects.filter(status=ExportJob.Status.RUNNING)
    )
    expired = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now):
        job_path(job).unlink(missing_ok=True)
        expired += ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED
        )
    if expired or failed:
        logger.info("exports: %d expired, %d abandoned", expired, failed)
    return expired, failed
