"""CSV / XLSX exports of orders, tasks, the client list and the portfolio reports.

Asking for an export (the same URLs as when it was a direct download) checks the filters
and the scope, queues a job for the task worker and answers 202 at once: a page that
follows the job (HTMX) and turns into the download link, or JSON with the job's URL for
``Accept: application/json``. The worker builds the file for the owner's scope at run
time, through the formula-neutralising writers, and records the export in the audit
trail (who, what, which filters, how many rows). Only the owner may download it.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from carteira.accounts.policy import policy
from carteira.clients.access import access_client
from carteira.exports.access import access_export_job
from carteira.exports.jobs import do_fail_if_abandoned
from carteira.exports.kinds import Refused
from carteira.exports.models import ExportJob
from carteira.exports.services import do_request_export
from carteira.exports.storage import CONTENT_TYPES, job_path, ttl

RECENT_JOBS = 30


def request_export(request, kind: str, fmt: str, data) -> HttpResponse:
    """Queue the export ``kind`` with the query ``data``: 202 and the job, 400 for a bad
    filter, 404 for an object outside the user's scope."""
    try:
        job = do_request_export(user=request.user, kind=kind, fmt=fmt, data=data)
    except Refused as refused:
        return HttpResponseBadRequest(str(refused))
    return _job_response(request, job, status=202)


@policy("login")
@require_GET
def orders_export(request, fmt: str):
    """The orders of every client the user may see, in an optional date range."""
    return request_export(request, "orders", fmt, request.GET.dict())


@policy("object:client")
@require_GET
def client_orders_export(request, client_id: int, fmt: str):
    """One client's orders (404 outside the user's portfolio)."""
    client = access_client(request.user, client_id)
    return request_export(request, "orders", fmt, {**request.GET.dict(), "client": client.pk})


@policy("login")
@require_GET
def tasks_export(request, fmt: str):
    """The tasks the user may see (open ones unless ``status`` says otherwise)."""
    return request_export(request, "tasks", fmt, request.GET.dict())


@policy("login")
@require_GET
def report_export(request, report: str, fmt: str):
    """A portfolio report of a reading, for the dashboard's slice."""
    return request_export(request, f"report.{report}", fmt, request.GET.dict())


# The jobs ---------------------------------------------------------------------------------


def _wants_json(request) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _job_response(request, job: ExportJob, *, status: int = 200) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(job_as_json(job), status=status)
    template = "exports/job.html#status" if request.htmx else "exports/job.html"
    return render(request, template, {"job": job, "nav": "exports"}, status=status)


def job_as_json(job: ExportJob) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "format": job.fmt,
        "status": job.status,
        "rows": job.rows,
        "size": job.size,
        "file_name": job.file_name,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "expires_at": job.expires_at.isoformat() if job.expires_at else None,
        "status_url": reverse("exports:job", args=[job.pk]),
        "download_url": reverse("exports:download", args=[job.pk]) if job.available else None,
    }


@policy("object:export_job")
@require_GET
def job_page(request, job_id: int):
    """One job: 'preparing your file' while it waits or runs (polled by HTMX), then the
    download link and the row count; JSON for ``Accept: application/json``."""
    job = access_export_job(request.user, job_id)
    do_fail_if_abandoned(job)
    return _job_response(request, job)


@policy("object:export_job")
@require_GET
def download(request, job_id: int):
    job = access_export_job(request.user, job_id)
    if job.status != ExportJob.Status.DONE:
        if job.status == ExportJob.Status.EXPIRED:
            return _gone()
        raise Http404
    path = job_path(job)
    if not job.available or not path.exists():
        return _gone()
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.file_name,
                        content_type=CONTENT_TYPES[job.fmt])  # fmt: skip


def _gone() -> HttpResponse:
    message = _("This file has expired. Request the export again.")
    return HttpResponse(message, status=410, content_type="text/plain; charset=utf-8")


@policy("login")
@require_GET
def my_exports(request):
    """The user's own recent exports, with their state and download links."""
    jobs = list(ExportJob.objects.filter(owner=request.user)[:RECENT_JOBS])
    for job in jobs:
        do_fail_if_abandoned(job)
    context = {"jobs": jobs, "polling": any(job.in_progress for job in jobs), "nav": "exports",
               "ttl_hours": round(ttl().total_seconds() / 3600)}  # fmt: skip
    template = "exports/mine.html#jobs" if request.htmx else "exports/mine.html"
    return render(request, template, context)
