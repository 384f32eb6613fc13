"""The one gate for imports: who may load files, and which runs they may see."""

from django.http import Http404

from carteira.accounts.capabilities import MANAGEMENT
from carteira.imports.models import ImportRun


def check_can_import(user) -> None:
    """403 for anyone who may not import (sellers, inactive users)."""
    MANAGEMENT.check(user)


def access_import_run(user, run_id: int) -> ImportRun:
    """A run the user may see: their own, or any for company-wide roles; 404 otherwise."""
    check_can_import(user)
    runs = ImportRun.objects.all()
    if not user.sees_whole_portfolio:
        runs = runs.filter(created_by=user)
    try:
        return runs.get(pk=run_id)
    except (ImportRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
