"""Who may do what with the action plan (role checks; clients still go through the gate)."""

from django.core.exceptions import PermissionDenied

from carteira.accounts.models import Role, User

PLAN_EDITORS = frozenset({Role.ADMIN, Role.DIRECTOR, Role.MANAGER})
PLAN_READERS = PLAN_EDITORS | {Role.ANALYST}
CENTRAL_TEAM = frozenset({Role.ADMIN, Role.DIRECTOR, Role.ANALYST})
DECIDERS = frozenset({Role.ADMIN, Role.DIRECTOR, Role.MANAGER, Role.ANALYST})


def _has(user: User, roles) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles)


def can_edit_plan(user: User) -> bool:
    return _has(user, PLAN_EDITORS)


def check_role(user: User, roles) -> None:
    if not _has(user, roles):
        raise PermissionDenied
