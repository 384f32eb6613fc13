"""Who a goal is for: a seller, a team, a region, a key client or the whole company."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.models import Role, User
from carteira.clients.access import sellers_visible_to
from carteira.organization.models import Team

KINDS = ("seller", "team", "region", "client", "company")
_PATHS = {"seller": "seller_id", "team": "seller__team_id", "region": "seller__team__region",
          "client": "client_id"}  # fmt: skip


@dataclass(frozen=True)
class Scope:
    kind: str
    key: str = ""
    label: str = ""

    def readings_filter(self) -> Q:
        """Filter for ClientSnapshot (and Task, whose seller/client paths are the same)."""
        if self.kind == "company":
            return Q()
        value = self.key if self.kind == "region" else int(self.key)
        return Q(**{_PATHS[self.kind]: value})

    def goal_fields(self) -> dict:
        fields = {"seller": None, "team": None, "region": "", "client": None}
        if self.kind == "region":
            fields["region"] = self.key
        elif self.kind in ("seller", "team", "client"):
            fields[f"{self.kind}_id"] = int(self.key)
            del fields[self.kind]
        return fields

    def goal_filter(self) -> Q:
        return Q(**self.goal_fields())


def scope_of_goal(goal) -> Scope:
    if goal.seller_id:
        return Scope("seller", str(goal.seller_id), goal.seller.name)
    if goal.team_id:
        return Scope("team", str(goal.team_id), goal.team.name)
    if goal.client_id:
        return Scope("client", str(goal.client_id), goal.client.name)
    if goal.region:
        return Scope("region", goal.region, goal.region)
    return Scope("company")


def teams_visible_to(user: User) -> QuerySet[Team]:
    if not user.is_authenticated or not user.is_active:
        return Team.objects.none()
    if user.sees_whole_portfolio:
        return Team.objects.all()
    if user.role == Role.MANAGER:
        return Team.objects.filter(manager=user)
    if user.role == Role.SELLER:
        return Team.objects.filter(sellers__user=user).distinct()
    return Team.objects.none()


def goal_scopes(user: User) -> list[Scope]:
    """The sellers, teams and regions a user may set goals for (rows of the grid)."""
    if not can_edit_goals(user):
        return []
    scopes = [Scope("team", str(t.pk), t.name) for t in teams_visible_to(user)]
    scopes += [Scope("seller", str(s.pk), s.name)
               for s in sellers_visible_to(user).filter(active=True)]  # fmt: skip
    if user.sees_whole_portfolio:
        scopes.insert(0, Scope("company", "", str(_("Whole company"))))
        regions = Team.objects.exclude(region="").values_list("region", flat=True).distinct()
        scopes += [Scope("region", r, r) for r in sorted(set(regions))]
    return scopes


def can_edit_goals(user: User) -> bool:
    return MANAGEMENT.held_by(user)


def may_set(user: User, scope: Scope) -> bool:
    """Company-wide roles set any goal; a manager those of their teams and sellers."""
    if not can_edit_goals(user):
        return False
    if user.sees_whole_portfolio:
        return True
    if scope.kind == "seller":
        return sellers_visible_to(user).filter(pk=scope.key).exists()
    if scope.kind == "team":
        return teams_visible_to(user).filter(pk=scope.key).exists()
    return False
