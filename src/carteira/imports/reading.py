"""After a web import, the portfolio reading of today in the background, so the new
clients have a status, a class and a place on the dashboard without waiting for the
nightly ``carteira snapshot``.

It is the same reading the night writes — ``portfolio.services.do_snapshot`` for today
(replacing an earlier official reading of the same day and rules) and the dashboard
figures warm-up — of the whole portfolio: the classes (ABC, RFM quintiles) are ranks over
every client, so reading only the clients a file touched would give numbers the next
nightly run contradicts. The whole reading costs seconds (docs/benchmarks.md).

Its progress is the run's ``reading_status``, written by the task between the steps (each
step commits on its own, so the result page polling it sees each one).
"""

from __future__ import annotations

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from carteira.imports.models import ImportRun
from carteira.portfolio.figures import do_warm_dashboards
from carteira.portfolio.services import SnapshotBusy, do_snapshot

# The kinds whose rows the engine reads (contacts are not part of a reading).
READING_KINDS = frozenset({"sellers", "clients", "orders", "interactions"})
# The kinds only a dashboard section reads (credit's ledger): no new reading, the figures
# warmed again (portfolio.hooks.warm_sections) for the latest one.
FIGURES_KINDS = frozenset({"receivables"})


class Reading:
    """The values of ``ImportRun.reading_status``, in the order the task goes through."""

    QUEUED = "queued"
    READING = "reading"
    FIGURES = "figures"
    DONE = "done"
    FAILED = "failed"
    IN_PROGRESS = frozenset({QUEUED, READING, FIGURES})


def needs_reading(run: ImportRun) -> bool:
    changed = run.created + run.updated
    kinds = READING_KINDS | FIGURES_KINDS
    return run.status == ImportRun.Status.COMMITTED and run.kind in kinds and changed > 0


@task()
def read_portfolio_after_import(run_id: int) -> str:
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    if run.reading_status != Reading.QUEUED:
        return run.reading_status  # already read (a retried or duplicated task)
    try:
        if run.kind in READING_KINDS:
            _step(run, Reading.READING)
            try:
                do_snapshot(timezone.localdate(), by=run.created_by)
            except SnapshotBusy:  # another reading of today was being written: read again
                do_snapshot(timezone.localdate(), by=run.created_by)
        _step(run, Reading.FIGURES)
        do_warm_dashboards()
    except Exception:
        _step(run, Reading.FAILED)
        raise
    _step(run, Reading.DONE)
    return Reading.DONE


def _step(run: ImportRun, status: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(reading_status=status)
    run.reading_status = status


def do_enqueue_reading(run: ImportRun) -> bool:
    """Queue the reading after a committed import that changed what the engine reads;
    False (nothing queued) otherwise."""
    if not needs_reading(run):
        return False
    _step(run, Reading.QUEUED)

    def enqueue() -> None:  # the task row is visible to a worker once this commits
        result = read_portfolio_after_import.enqueue(run.pk)
        ImportRun.objects.filter(pk=run.pk).update(reading_task_id=str(result.id))

    transaction.on_commit(enqueue)
    return True


def do_fail_if_reading_abandoned(run: ImportRun) -> bool:
    """A reading still in progress whose task has ended (the worker died, the task
    raised) is marked failed, so the page stops waiting for it. True if it did."""
    if run.reading_status not in Reading.IN_PROGRESS or not run.reading_task_id:
        return False
    try:
        result = read_portfolio_after_import.get_result(run.reading_task_id)
    except Exception:
        return False
    if not result.is_finished:
        return False
    run.refresh_from_db(fields=["reading_status"])
    if run.reading_status not in Reading.IN_PROGRESS:
        return False
    _step(run, Reading.FAILED)
    return True
