"""The one gate for export jobs: a job and its file are its owner's alone (everyone else,
directors included, gets a 404: an export holds the owner's view of the portfolio)."""

from django.http import Http404

from carteira.exports.models import ExportJob


def access_export_job(user, job_id: int) -> ExportJob:
    try:
        return ExportJob.objects.get(pk=job_id, owner=user)
    except (ExportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
