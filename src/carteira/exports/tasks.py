"""Exports as background tasks (Django's tasks framework; the database backend,
``carteira manage db_worker``, started by ``carteira serve``)."""

from __future__ import annotations

from django.tasks import task

from carteira.exports.jobs import do_clean_exports, do_run_export
from carteira.exports.models import ExportJob


@task()
def build_export(job_id: int) -> str:
    """Write a queued export's file, then put away the files that expired meanwhile."""
    status = do_run_export(job_id)
    do_clean_exports()
    return status


def do_enqueue_export(job: ExportJob) -> ExportJob:
    # The database backend stores the task in the same database: the job is committed
    # first (no surrounding transaction), so the worker always finds it.
    result = build_export.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.task_id = str(result.id)
    if result.is_finished:  # an immediate backend ran it already
        job.refresh_from_db()
    return job
