"""Every view declares who may reach it; the route inventory test fails for a view without.

    @policy("public")                   anyone (login, password reset, health, token-guarded feeds)
    @policy("login")                    any logged-in user; the data is scoped inside the view
    @policy("role:manager,director")    logged-in users with one of these roles
    @policy("object:client")            reaches one object through its gate (404 outside scope)
    @policy("staff")                    staff users (admin-like pages)

The decorator only labels the view: enforcement stays in the view (login_required, the
access_* gates). The inventory test checks that non-public views refuse anonymous users.
"""

from collections.abc import Callable

from carteira.accounts.models import Role

POLICY_ATTRIBUTE = "carteira_policy"
SIMPLE_POLICIES = frozenset({"public", "login", "staff"})
ROLES = frozenset(Role.values) | {"dpo"}


def check_policy(spec: str) -> str:
    """The spec if well formed; ValueError otherwise."""
    kind, _, rest = spec.partition(":")
    if spec in SIMPLE_POLICIES:
        return spec
    if kind == "role" and rest and set(rest.split(",")) <= ROLES:
        return spec
    if kind == "object" and rest.isidentifier():
        return spec
    raise ValueError(f"unknown permission policy {spec!r}")


def policy[F: Callable](spec: str) -> Callable[[F], F]:
    check_policy(spec)

    def label(view: F) -> F:
        setattr(view, POLICY_ATTRIBUTE, spec)
        return view

    return label


def policy_of(view: Callable) -> str | None:
    return getattr(view, POLICY_ATTRIBUTE, None)
