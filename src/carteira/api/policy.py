"""Every operation declares how it reaches data (shown in the OpenAPI schema as
``x-carteira-policy``); the route inventory test fails for an operation without one."""

from django.db.models import QuerySet
from django.http import Http404

from carteira.accounts.models import Role, User

CLIENT_SCOPE = "client-scope"  # objects reached through clients_visible_to(user)
SELLER_SCOPE = "seller-scope"  # sellers_visible_to(user)
OWNER = "owner"  # the caller's own rows (webhook subscriptions)
AUTHENTICATED = "authenticated"  # company-wide settings any user may read (the rules)
POLICIES = frozenset({CLIENT_SCOPE, SELLER_SCOPE, OWNER, AUTHENTICATED})


def policy(name: str) -> dict:
    assert name in POLICIES, name
    return {"x-carteira-policy": name}


def get_or_404[T](queryset: QuerySet[T], pk: int) -> T:
    """The object, if it is in ``queryset`` (the caller's scope); 404 otherwise."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def may_reassign(user: User) -> bool:
    return user.sees_whole_portfolio or user.role == Role.MANAGER


MAX_ID = 2**53  # larger ids cannot exist; refusing them early keeps databases from overflowing
