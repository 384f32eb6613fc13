"""Who may do what in the review: everyone reads it within their scope; the central
team and managers record and follow up decisions."""

from django.core.exceptions import PermissionDenied

from carteira.accounts.models import Role, User

EDITORS = frozenset({Role.ADMIN, Role.DIRECTOR, Role.MANAGER, Role.ANALYST})


def can_decide(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active
                and (user.is_superuser or user.role in EDITORS))  # fmt: skip


def check_can_decide(user: User) -> None:
    if not can_decide(user):
        raise PermissionDenied
