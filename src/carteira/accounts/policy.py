"""Every view declares who may reach it, and the declaration is the check (ADR 13).

    @policy("public")          anyone (login, password reset, health, token-guarded feeds)
    @policy("login")           any logged-in user; the data is scoped inside the view
    @policy("object:client")   a logged-in user; the view reaches its object through the
                               gate (access_client …), which answers 404 outside the scope
    @policy(MANAGEMENT)        logged-in users holding a capability (accounts.capabilities)

Anonymous visitors of any non-public view are sent to the login page; a logged-in user
without the capability gets the 403 page, which names who may open it. The route
inventory test fails for a view without a policy, and the capability sweep probes every
route with every persona outside its capability.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login

from carteira.accounts.capabilities import CAPABILITIES, Capability

POLICY_ATTRIBUTE = "carteira_policy"
CAPABILITY_ATTRIBUTE = "carteira_capability"
SIMPLE_POLICIES = frozenset({"public", "login"})


def check_policy(spec: str) -> str:
    """The label if well formed; ValueError otherwise."""
    kind, _, rest = spec.partition(":")
    if spec in SIMPLE_POLICIES:
        return spec
    if kind == "capability" and rest in CAPABILITIES:
        return spec
    if kind == "object" and rest.isidentifier():
        return spec
    raise ValueError(f"unknown permission policy {spec!r}")


def label_of(spec: str | Capability) -> str:
    if isinstance(spec, Capability):
        return f"capability:{spec.name}"
    return check_policy(spec)


def policy[F: Callable](spec: str | Capability) -> Callable[[F], F]:
    label = label_of(spec)
    capability = spec if isinstance(spec, Capability) else None

    def declare(view: F) -> F:
        if label == "public":
            setattr(view, POLICY_ATTRIBUTE, label)
            return view

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if capability is not None:
                capability.check(request.user)
            return view(request, *args, **kwargs)

        setattr(guarded, POLICY_ATTRIBUTE, label)
        setattr(guarded, CAPABILITY_ATTRIBUTE, capability)
        return guarded  # type: ignore[return-value]

    return declare


def policy_of(view: Callable) -> str | None:
    return getattr(view, POLICY_ATTRIBUTE, None)


def capability_of(view: Callable) -> Capability | None:
    return getattr(view, CAPABILITY_ATTRIBUTE, None)
