"""Export jobs as a user asks for them: checked against the user's scope and queued for
the task worker (``exports.tasks``), which runs them (``exports.jobs``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from carteira.exports.kinds import plan
from carteira.exports.models import ExportJob
from carteira.exports.tasks import do_enqueue_export


def do_request_export(*, user, kind: str, fmt: str, data: Mapping[str, Any]) -> ExportJob:
    """Check the filters and the scope (``Refused``: 400, ``Http404``) and queue a job —
    or hand back the same export already waiting or running (a reload, a double click)."""
    found = plan(user, kind, data)
    waiting = ExportJob.objects.filter(
        owner=user, kind=found.kind, fmt=fmt, filters=found.filters,
        status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
    ).first()  # fmt: skip
    if waiting is not None:
        return waiting
    job = ExportJob.objects.create(
        owner=user, kind=found.kind, fmt=fmt, filters=found.filters, file_name=found.file_name(fmt)
    )
    return do_enqueue_export(job)
