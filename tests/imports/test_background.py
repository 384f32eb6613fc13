"""The web commit runs in the background worker; the page follows it, and a worker that
dies leaves nothing written and a run that can be started again."""

import json
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from carteira.imports.models import ImportRun
from carteira.imports.progress import STALE_SECONDS, do_fail_abandoned_runs, progress_path
from carteira.imports.services import do_import
from carteira.orders.models import Order
from tests.imports.conftest import FIXTURES
from tests.imports.test_web import login, upload

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def uploaded_run(client, user) -> ImportRun:
    login(client, user)
    upload(client, "pedidos.csv", (FIXTURES / "orders_cp1252.csv").read_bytes())
    return ImportRun.objects.get()


def beat(run: ImportRun, *, rows: int, age: float = 0.0) -> None:
    path = progress_path(run.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"rows": rows, "beat": time.time() - age}))


@pytest.mark.django_db(transaction=True)
def test_a_web_commit_waits_for_the_database_worker_which_then_imports_the_file(
    client, manager_sul, erp_clients, settings
):
    settings.TASKS = DATABASE_TASKS
    run = uploaded_run(client, manager_sul)

    client.post(reverse("imports:commit", args=[run.pk]))
    waiting = client.get(reverse("imports:result", args=[run.pk])).content.decode()
    run.refresh_from_db()
    assert (run.status, run.rows_estimate, Order.objects.count()) == ("queued", 5, 0)
    assert run.task_id
    assert "Waiting for the background worker" in waiting
    assert f'hx-get="{reverse("imports:progress", args=[run.pk])}"' in waiting

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    run.refresh_from_db()
    assert (run.status, run.created, Order.objects.count()) == ("committed", 5, 5)
    finished = client.get(reverse("imports:progress", args=[run.pk]))
    assert (finished.status_code, finished["HX-Refresh"]) == (204, "true")
    page = client.get(reverse("imports:result", args=[run.pk])).content.decode()
    assert "5 rows: 5 created, 0 updated, 0 unchanged, 0 rejected." in page
    assert not progress_path(run.pk).exists()


@pytest.mark.django_db
def test_the_progress_fragment_shows_rows_read_against_the_estimate(client, manager_sul, media):
    run = uploaded_run(client, manager_sul)
    ImportRun.objects.filter(pk=run.pk).update(status="running", task_id="t1", rows_estimate=8)
    beat(run, rows=6)

    fragment = client.get(reverse("imports:progress", args=[run.pk])).content.decode()

    assert '<progress value="75" max="100">' in fragment
    assert "6 of about 8 rows read (75%)." in fragment
    assert "<html" not in fragment


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_marked_failed_and_can_be_run_again(
    client, manager_sul, erp_clients
):
    run = uploaded_run(client, manager_sul)
    ImportRun.objects.filter(pk=run.pk).update(status="running", task_id="t1", rows_estimate=5)
    beat(run, rows=2, age=STALE_SECONDS + 1)

    page = client.get(reverse("imports:result", args=[run.pk])).content.decode()
    run.refresh_from_db()
    assert run.status == "failed"
    assert "The import stopped before finishing (the worker ended)" in page
    assert Order.objects.count() == 0

    client.post(reverse("imports:commit", args=[run.pk]))  # immediate backend: runs now
    run.refresh_from_db()
    assert (run.status, run.created, Order.objects.count()) == ("committed", 5, 5)


@pytest.mark.django_db
def test_a_command_line_run_is_failed_only_once_its_own_heartbeat_stopped(
    client, manager_sul, media
):
    run = uploaded_run(client, manager_sul)
    ImportRun.objects.filter(pk=run.pk).update(status="running")  # no task: not a web commit
    beat(run, rows=2)

    client.get(reverse("imports:result", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "running"

    beat(run, rows=2, age=STALE_SECONDS + 1)
    with translation.override("en"):
        client.get(reverse("imports:result", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.message) == (
        "failed",
        "The import stopped before finishing (its process ended); nothing was written. "
        "Run it again.",
    )


@pytest.mark.django_db
def test_a_run_that_never_beat_is_failed_a_minute_after_it_was_created(client, manager_sul, media):
    run = uploaded_run(client, manager_sul)
    ImportRun.objects.filter(pk=run.pk).update(status="running")
    run.refresh_from_db()
    created = run.created_at.timestamp()

    assert do_fail_abandoned_runs(now=created + STALE_SECONDS - 1) == 0
    assert do_fail_abandoned_runs(now=created + STALE_SECONDS + 1) == 1
    run.refresh_from_db()
    assert run.status == "failed"


class Killed(BaseException):
    """What a worker's SIGTERM/SIGKILL does to the import: it never returns."""


@pytest.mark.django_db(transaction=True)
def test_an_import_interrupted_mid_file_leaves_nothing_and_runs_again(erp_clients):
    def die_after_first_batch(rows: int) -> None:
        raise Killed

    with pytest.raises(Killed), translation.override("en"):
        do_import("orders", FIXTURES / "orders_cp1252.csv", batch_size=2,
                  progress=die_after_first_batch)  # fmt: skip
    assert Order.objects.count() == 0
    stopped = ImportRun.objects.get()  # said at once: the process is still there to say it
    assert (stopped.status, stopped.message) == (
        "failed",
        "The import stopped before finishing (its process ended); nothing was written. "
        "Run it again.",
    )

    _run, report = do_import("orders", FIXTURES / "orders_cp1252.csv", batch_size=2)
    assert (report.status, report.created, Order.objects.count()) == ("committed", 5, 5)
