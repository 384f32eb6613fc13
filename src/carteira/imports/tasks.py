"""The web commit as a background task (Django's tasks framework; the database backend,
``carteira manage db_worker``, started by ``carteira serve``)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from carteira.audit.events import IMPORT_FINISHED, emit
from carteira.imports.messages import problem_message
from carteira.imports.models import ImportRun
from carteira.imports.progress import Heartbeat, estimate_rows
from carteira.imports.reading import do_enqueue_reading
from carteira.imports.services import do_import
from carteira.imports.storage import IngestError, stored_path


@task()
def commit_import(run_id: int, skip_invalid: bool) -> str:
    """Run a queued web import to the end; returns the run's final status."""
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    if run.status != ImportRun.Status.QUEUED:
        return run.status  # already run (a retried or duplicated task)
    with Heartbeat(run.pk) as beat:
        try:
            run, _report = do_import(run.kind, stored_path(run.sha256), name=run.file_name,
                                     actor=run.created_by, skip_invalid=skip_invalid,
                                     mapping=run.mapping or None, progress=beat.rows,
                                     run=run, heartbeat=False)  # fmt: skip
        except IngestError as error:
            run.status = ImportRun.Status.FAILED
            run.message = problem_message(error)[:500]
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "message", "finished_at"])
            emit(IMPORT_FINISHED, run=run)
    do_enqueue_reading(run)  # the new clients' reading, without waiting for the night
    return run.status


def do_enqueue_commit(run: ImportRun, *, skip_invalid: bool) -> ImportRun:
    """Queue ``run`` for the worker (once it is stored: the task reads it by id)."""
    path = stored_path(run.sha256)
    run.status = ImportRun.Status.QUEUED
    run.skip_invalid = skip_invalid
    run.rows_estimate = estimate_rows(path, name=run.file_name)
    run.message = ""
    run.save(update_fields=["status", "skip_invalid", "rows_estimate", "message"])
    # The database backend stores the task in the same database: a worker sees it only
    # once this request's writes are committed, run included.
    result = commit_import.enqueue(run.pk, skip_invalid)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.refresh_from_db()
    return run
