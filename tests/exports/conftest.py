import csv
import io

import openpyxl
import pytest
from django.core.management import call_command

from carteira.exports.models import ExportJob
from tests.personas import PASSWORD

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Export files under this test's own folder; tasks in the database, for the worker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = DATABASE_TASKS
    return settings.MEDIA_ROOT


def run_worker() -> None:
    """The real database worker, run until the queue is empty (as tests/imports do)."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def download_export(page, link):
    """In the browser: click an export link, let the worker build the file while the page
    polls, then click the download link it turned into. The Playwright download."""
    link.click()
    page.locator("#export-job").wait_for()
    run_worker()
    ready = page.locator("#export-job a[download]")
    ready.wait_for(timeout=10_000)
    with page.expect_download() as download:
        ready.click()
    return download.value


def login(client, user, language: str = ""):
    """Log ``user`` in; ``language="en"`` for assertions on the English source messages."""
    if language:
        user.language = language
        user.save(update_fields=["language"])
    assert client.login(username=user.username, password=PASSWORD)


def requested(client, url: str, query=None) -> ExportJob:
    """Ask for an export: 202 and a queued job (the owner's newest)."""
    response = client.get(url, query or {})
    assert response.status_code == 202, response.content
    return ExportJob.objects.get(pk=response.context["job"].pk)


def exported(client, url: str, query=None):
    """Ask for an export, let the worker build it, download it: the response."""
    job = requested(client, url, query)
    run_worker()
    job.refresh_from_db()
    assert job.status == "done", job.message
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 200
    return response


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def rows_of(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def sheet_of(response):
    return openpyxl.load_workbook(io.BytesIO(body(response))).active


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]
