"""The one gate for imports: who may load files, and which runs they may see."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from carteira.accounts.models import Role
from carteira.imports.models import ImportRun

IMPORT_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR, Role.ANALYST, Role.MANAGER})


def can_import(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in IMPORT_ROLES)
    )


def check_can_import(user) -> None:
    """403 for anyone who may not import (sellers, inactive users)."""
    if not can_import(user):
        raise PermissionDenied


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
