"""Every operation declares how it reaches data (shown in the OpenAPI schema as
``x-carteira-policy``); the route inventory test fails for an operation without one.
An operation declared for a capability (accounts.capabilities) is also guarded by it:
the ``Router`` here answers 403, naming who may, to anyone without it (ADR 13)."""

from functools import wraps

import ninja
from django.db.models import QuerySet
from django.http import Http404
from django.utils import translation
from ninja.errors import HttpError

from carteira.accounts.capabilities import CAPABILITIES, Capability

CLIENT_SCOPE = "client-scope"  # objects reached through clients_visible_to(user)
SELLER_SCOPE = "seller-scope"  # sellers_visible_to(user)
OWNER = "owner"  # the caller's own rows (webhook subscriptions)
AUTHENTICATED = "authenticated"  # company-wide settings any user may read (the rules)
POLICIES = frozenset({CLIENT_SCOPE, SELLER_SCOPE, OWNER, AUTHENTICATED}) | {
    f"capability:{name}" for name in CAPABILITIES
}
POLICY_KEY = "x-carteira-policy"


def policy(name: str | Capability) -> dict:
    label = f"capability:{name.name}" if isinstance(name, Capability) else name
    assert label in POLICIES, label
    return {POLICY_KEY: label}


def capability_of(openapi_extra: dict | None) -> Capability | None:
    kind, _, name = (openapi_extra or {}).get(POLICY_KEY, "").partition(":")
    return CAPABILITIES[name] if kind == "capability" else None


def refusal(capability: Capability) -> HttpError:
    with translation.override("en"):  # the API's messages are in English, like its schema
        return HttpError(403, f"This operation is for {capability.holders}.")


class Router(ninja.Router):
    """ninja's Router, enforcing the capability an operation declares before its body
    runs, with the same 403 for every such operation. ninja validates the request first:
    a malformed one is a 422 whoever sends it (it reveals the published schema only)."""

    def add_api_operation(self, path, methods, view_func, **kwargs):
        capability = capability_of(kwargs.get("openapi_extra"))
        if capability is not None:
            view_func = _guarded(view_func, capability)
        return super().add_api_operation(path, methods, view_func, **kwargs)


def _guarded(view_func, capability: Capability):
    @wraps(view_func)
    def guarded(request, *args, **kwargs):
        if not capability.held_by(request.user):
            raise refusal(capability)
        return view_func(request, *args, **kwargs)

    guarded.carteira_capability = capability  # type: ignore[attr-defined]
    return guarded


def get_or_404[T](queryset: QuerySet[T], pk: int) -> T:
    """The object, if it is in ``queryset`` (the caller's scope); 404 otherwise."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


MAX_ID = 2**53  # larger ids cannot exist; refusing them early keeps databases from overflowing
