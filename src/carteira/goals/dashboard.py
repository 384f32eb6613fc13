"""The goals the portfolio dashboard's cards show beside each indicator. The dashboard sits
below goals, so goals hands this function to it (``portfolio.hooks``) when the app starts."""

import datetime as dt

from carteira.goals.periods import month_of, quarter_of
from carteira.goals.scopes import Scope
from carteira.goals.selectors import goals_of_period
from carteira.organization.models import Team


def _goal_scope(user, filters):
    """Whose monthly goals the cards show: the slice's seller or team, the seller's own,
    a manager's only team, else the company's."""
    if filters["seller"]:
        return Scope("seller", str(filters["seller"]))
    if filters["team"]:
        return Scope("team", str(filters["team"]))
    if filters["segment"] or filters["state"]:
        return None  # no goals per segment or state
    if user.role == "seller" and hasattr(user, "seller"):
        return Scope("seller", str(user.seller.pk))
    if not user.sees_whole_portfolio:
        teams = list(Team.objects.filter(manager=user).values_list("pk", flat=True)[:2])
        return Scope("team", str(teams[0])) if len(teams) == 1 else None
    return Scope("company")


GOAL_INDICATORS = ("positivation", "coverage", "churn_rate", "reactivated", "average_ticket",
                   "new_clients", "revenue")  # fmt: skip


def dashboard_goals(user, filters, as_of: dt.date, quarter: bool = False) -> dict[str, object]:
    """The month's (the quarter's, for the quarter's indicators) goal of each card's
    indicator for the scope (one query)."""
    scope = _goal_scope(user, filters)
    if scope is None:
        return {}
    goals = (
        goals_of_period(quarter_of(as_of) if quarter else month_of(as_of))
        .filter(scope.goal_filter(), indicator__in=GOAL_INDICATORS)
        .order_by("indicator", "-pk")
        .values_list("indicator", "target")
    )
    found = {}
    for indicator, target in goals:
        found.setdefault(indicator, target)  # the latest goal set, as goal_for() reads it
    return found
