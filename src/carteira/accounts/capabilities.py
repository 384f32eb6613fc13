"""Who may do what: every role set of the product, named once (ADR 13).

A capability is a set of roles (and, for privacy, the data-protection officer); a
superuser holds them all, an inactive or anonymous user none. Views and API operations
declare the one they need with ``@policy(CAPABILITY)`` (accounts.policy), which also
enforces it; code that needs to branch on it asks ``CAPABILITY.held_by(user)``. Objects
are still reached through their gates (``access_client`` …): a capability says which
pages a person may open, the gate which rows they may see there.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from carteira.accounts.roles import Role


@dataclass(frozen=True)
class Capability:
    name: str  # the label in @policy and the OpenAPI schema: "capability:<name>"
    holders: Promise  # who holds it, as the refusal page says it ("the central team")
    roles: frozenset[str]
    dpo: bool = False  # the data-protection officer holds it whatever their role

    def __str__(self) -> str:
        return self.name

    def held_by(self, user) -> bool:
        if not (user is not None and user.is_authenticated and user.is_active):
            return False
        return bool(user.is_superuser or user.role in self.roles or (self.dpo and user.is_dpo))

    def check(self, user) -> None:
        """PermissionDenied (the 403 page names who may) for anyone without it."""
        if not self.held_by(user):
            raise PermissionDenied(self)


# Read the whole portfolio and run company-wide work (campaigns, their follow-up).
CENTRAL_TEAM = Capability(
    "central-team",
    _("the central team (administrators, directors and portfolio analysts)"),
    frozenset({Role.ADMIN, Role.DIRECTOR, Role.ANALYST}),
)
# Everyone who manages a portfolio rather than working one: import, edit clients, move
# them (distribution, bulk moves), set goals, record review decisions, read the plan.
MANAGEMENT = Capability(
    "management",
    _("managers and the central team"),
    CENTRAL_TEAM.roles | {Role.MANAGER},
)
# Change the action plan's cells and the portfolio rules: the people who lead sellers.
PLAN_EDITORS = Capability(
    "plan-editors",
    _("managers, directors and administrators"),
    frozenset({Role.ADMIN, Role.DIRECTOR, Role.MANAGER}),
)
# Answer data subjects' requests, anonymise and block contacts (LGPD).
PRIVACY_OFFICERS = Capability(
    "privacy-officers",
    _("administrators and the data-protection officer"),
    frozenset({Role.ADMIN}),
    dpo=True,
)

CAPABILITIES = {c.name: c for c in (CENTRAL_TEAM, MANAGEMENT, PLAN_EDITORS, PRIVACY_OFFICERS)}
