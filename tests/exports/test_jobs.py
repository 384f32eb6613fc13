"""An export is a job: asked for (202 at once), built by the task worker for its owner's
scope at run time, downloaded by its owner alone, listed in My exports, then expired."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from carteira import cli
from carteira.audit.models import AuditEvent
from carteira.clients.services import do_assign_client
from carteira.exports.models import ExportJob
from carteira.exports.storage import job_path
from carteira.orders.models import Order
from tests.exports.conftest import body, exported, login, requested, rows_of, run_worker
from tests.security.objects import checksum

pytestmark = pytest.mark.django_db(transaction=True)
HTMX = {"hx-request": "true"}
JSON = {"accept": "application/json"}


def orders_url(fmt="csv") -> str:
    return reverse("exports:orders", args=[fmt])


def test_asking_for_an_export_answers_202_with_a_page_that_turns_into_the_download(
    client, history, seller_ana
):
    login(client, seller_ana.user, "en")
    response = client.get(orders_url())

    job = ExportJob.objects.get()
    assert response.status_code == 202
    assert (job.owner, job.kind, job.fmt) == (seller_ana.user, "orders", "csv")
    assert job.status == "queued"
    page = response.content.decode()
    assert "Preparing your file…" in page
    assert f'hx-get="/exports/{job.pk}/" hx-trigger="every 1s"' in page
    assert not AuditEvent.objects.filter(action="export").exists()  # audited once written

    run_worker()

    fragment = client.get(f"/exports/{job.pk}/", headers=HTMX).content.decode()
    assert "<html" not in fragment and "hx-get" not in fragment  # the polling stops
    assert f'<a href="/exports/{job.pk}/download/" role="button" download>' in fragment
    assert "4 rows · " in fragment
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.details) == (
        seller_ana.user,
        {"kind": "orders", "format": "csv", "rows": 4, "filter": {}},
    )


def test_the_file_is_named_in_the_users_language_and_streamed_to_its_owner(
    client, history, seller_ana
):
    login(client, seller_ana.user)
    response = exported(client, orders_url("xlsx"))

    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="pedidos-{today}.xlsx"'
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    job = ExportJob.objects.get()
    assert (job.rows, job.size, len(body(response))) == (4, job_path(job).stat().st_size, job.size)
    assert job.expires_at == job.finished_at + dt.timedelta(hours=24)


def test_a_program_gets_json_with_the_jobs_status_url(client, history, seller_ana):
    login(client, seller_ana.user, "en")
    asked = client.get(orders_url(), headers=JSON)
    job = ExportJob.objects.get()
    assert asked.status_code == 202
    assert {k: asked.json()[k] for k in ("id", "status", "status_url", "download_url")} == {
        "id": job.pk,
        "status": "queued",
        "status_url": f"/exports/{job.pk}/",
        "download_url": None,
    }

    run_worker()

    done = client.get(f"/exports/{job.pk}/", headers=JSON).json()
    assert {k: done[k] for k in ("status", "rows", "format", "kind", "download_url")} == {
        "status": "done",
        "rows": 4,
        "format": "csv",
        "kind": "orders",
        "download_url": f"/exports/{job.pk}/download/",
    }


@pytest.mark.parametrize("other", ["seller_bruno", "manager_sul", "director"])
def test_only_the_owner_sees_the_job_everyone_else_gets_404_and_nothing_changes(
    client, history, seller_ana, other, request
):
    login(client, seller_ana.user, "en")
    exported(client, orders_url())
    job = ExportJob.objects.get()
    someone = request.getfixturevalue(other)
    client.force_login(getattr(someone, "user", someone))
    before = checksum()

    got = [client.get(url).status_code for url in (f"/exports/{job.pk}/",
                                                   f"/exports/{job.pk}/download/")]  # fmt: skip
    listed = client.get("/exports/").content.decode()

    assert got == [404, 404]
    assert job.file_name not in listed
    assert checksum() == before
    assert job_path(job).exists()


def test_a_client_reassigned_before_the_worker_runs_is_not_exported(
    client, history, seller_ana, seller_bruno
):
    login(client, seller_ana.user, "en")
    a1 = history["A1"]
    one = requested(client, reverse("exports:client_orders", args=[a1.pk, "csv"]))
    every = requested(client, orders_url())
    do_assign_client(a1, seller_bruno, start=timezone.localdate(), reason="teste")

    run_worker()

    one.refresh_from_db()
    assert (one.status, one.message, job_path(one).exists()) == ("failed", "scope", False)
    page = client.get(f"/exports/{one.pk}/").content.decode()
    assert "This data is no longer in your portfolio, so the file was not made." in page
    assert client.get(f"/exports/{one.pk}/download/").status_code == 404
    rows = rows_of(client.get(f"/exports/{every.pk}/download/"))
    assert {row["client"] for row in rows} == {"A2"}
    assert AuditEvent.objects.filter(action="export").count() == 1  # the list, not A1's


def test_an_inverted_date_range_is_a_400_that_says_so(client, history, seller_ana):
    login(client, seller_ana.user, "en")
    query = {"start": "2026-06-30", "end": "2026-01-01"}
    response = client.get(orders_url(), query)
    assert (response.status_code, response.content.decode()) == (
        400,
        "The start date is after the end date.",
    )
    assert not ExportJob.objects.exists()


def test_asking_again_while_the_same_export_waits_gives_the_same_job(client, history, seller_ana):
    login(client, seller_ana.user, "en")
    first = requested(client, orders_url(), {"status": "valid"})
    again = requested(client, orders_url(), {"status": "valid"})
    other = requested(client, orders_url(), {"status": "cancelled"})
    assert again.pk == first.pk != other.pk
    assert ExportJob.objects.count() == 2


def test_my_exports_lists_the_users_own_jobs_with_rows_size_and_link(
    client, history, seller_ana, seller_bruno
):
    client.force_login(seller_bruno.user)
    requested(client, orders_url())
    login(client, seller_ana.user, "en")
    exported(client, orders_url())
    waiting = requested(client, orders_url("xlsx"))
    mine = ExportJob.objects.filter(owner=seller_ana.user, status="done").get()

    page = client.get("/exports/").content.decode()

    assert page.count("<tr>") == 3  # the header and Ana's two jobs
    assert f'<a href="/exports/{mine.pk}/download/" download>Download</a>' in page
    assert f'href="/exports/{waiting.pk}/download/"' not in page
    assert "Waiting to start" in page
    assert 'hx-get="/exports/" hx-trigger="every 2s"' in page  # one job still waits


def test_a_finished_file_expires_and_the_cleanup_deletes_it(client, history, seller_ana, settings):
    settings.CARTEIRA_EXPORT_TTL_HOURS = 1
    login(client, seller_ana.user, "en")
    exported(client, orders_url())
    job = ExportJob.objects.get()
    out = io.StringIO()

    with time_machine.travel(job.finished_at + dt.timedelta(minutes=61), tick=False):
        gone = client.get(f"/exports/{job.pk}/download/")
        with translation.override("en"):
            call_command("exports", "cleanup", stdout=out)

    assert (gone.status_code, gone.content.decode()) == (
        410,
        "This file has expired. Request the export again.",
    )
    job.refresh_from_db()
    assert (job.status, job_path(job).exists()) == ("expired", False)
    assert out.getvalue() == "exports: 1 expired file deleted\n"
    assert client.get(f"/exports/{job.pk}/download/").status_code == 410


def test_a_job_still_queued_after_a_minute_says_the_worker_is_not_taking_it(
    client, history, seller_ana
):
    login(client, seller_ana.user, "en")
    job = requested(client, orders_url())
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "has not started this export" not in page

    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(seconds=61))
    page = client.get(f"/exports/{job.pk}/").content.decode()

    assert (
        "The background worker has not started this export for over a minute: it is busy "
        "with another job or not running." in page
    )
    assert f'hx-get="/exports/{job.pk}/"' in page  # still waiting for it
    run_worker()
    job.refresh_from_db()
    assert job.status == "done"


def test_a_running_job_whose_worker_stopped_is_marked_failed(client, history, seller_ana):
    login(client, seller_ana.user, "en")
    job = requested(client, orders_url())
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", beat_at=timezone.now() - dt.timedelta(seconds=61)
    )

    page = client.get(f"/exports/{job.pk}/").content.decode()

    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", "worker")
    assert (
        "The background worker stopped before the file was ready. Request the export again." in page
    )


def test_the_cleanup_is_a_command_of_carteira():
    assert "  exports     web exports: cleanup deletes the expired files\n" in cli.usage("en")


def test_a_large_export_reports_its_rows_while_it_writes(client, history, seller_ana, monkeypatch):
    monkeypatch.setattr("carteira.exports.storage.BEAT_SECONDS", 0.0)
    seen = []
    monkeypatch.setattr("carteira.exports.jobs._beat", lambda job: lambda rows: seen.append(rows))
    a1 = history["A1"]
    Order.objects.bulk_create(
        Order(external_id=f"X{i}", client=a1, seller=a1.seller, date=dt.date(2026, 1, 1),
              amount=1)
        for i in range(1_100)
    )  # fmt: skip
    login(client, seller_ana.user, "en")
    rows = rows_of(exported(client, orders_url()))
    assert (len(rows), seen) == (1_104, [500, 1_000])
