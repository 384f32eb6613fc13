"""The central team's lists from the value model (issue 17), read in the user's scope:

- ``at_risk``: high value at risk — the clients whose chance of still being a client fell
  since the latest reliable reading of the previous month and whose CLV fell with it,
  largest loss first (the valuation page shows the first 10 of the same list);
- ``recover``: the clients worth recovering and ``upsell``: the clients with room to
  grow — exactly the leads the action plan turns into tasks (value.feed), largest first.

Each list can be narrowed to a team or a seller (the client's current one) and is
exported whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.clients.models import Client
from carteira.value.feed import value_leads
from carteira.value.models import ValueFit
from carteira.value.selectors import _values, previous_month_fit
from carteira.value.templatetags.value import whole_money, whole_percent

KINDS = {
    "at_risk": gettext_lazy("High value at risk"),
    "recover": gettext_lazy("Worth recovering"),
    "upsell": gettext_lazy("Room to grow"),
}


BATCH = 2_000


@dataclass(frozen=True)
class Row:
    client_id: int
    code: str
    name: str
    seller: str
    team: str
    amount: Decimal  # at_risk: CLV lost; recover: what winning it back is worth; upsell: gap
    why: str


def scoped_clients(user: User, *, team_id: int | None, seller_id: int | None) -> QuerySet:
    clients = clients_visible_to(user)
    if team_id is not None:
        clients = clients.filter(seller__team_id=team_id)
    if seller_id is not None:
        clients = clients.filter(seller_id=seller_id)
    return clients


def central_list(
    user: User, fit: ValueFit, kind: str, *, team_id: int | None = None, seller_id=None
) -> list[Row]:
    """One of ``KINDS`` for the user's clients (narrowed to a team or seller), largest
    amount first; empty without a reliable fit."""
    if not (fit.ok and fit.spend_ok):
        return []
    clients = scoped_clients(user, team_id=team_id, seller_id=seller_id)
    if kind == "at_risk":
        found = _at_risk(user, fit, clients)
    else:
        visible = set(clients.values_list("pk", flat=True))
        found = [
            (lead.client_id, lead.amount, lead.reason)
            for lead in value_leads(fit.run_id)
            if lead.kind == kind and lead.client_id in visible
        ]
    return _rows(found)


def _at_risk(user: User, fit: ValueFit, clients: QuerySet) -> list[tuple[int, Decimal, str]]:
    previous = previous_month_fit(fit)
    if previous is None or not (previous.ok and previous.spend_ok):
        return []
    visible = set(clients.values_list("pk", flat=True))
    now = {c: (clv, p) for c, clv, p in _values(user, fit) if c in visible}
    before = {c: (clv, p) for c, clv, p in _values(user, previous) if c in visible}
    found = []
    for client_id in now.keys() & before.keys():
        (clv, p), (clv_before, p_before) = now[client_id], before[client_id]
        if clv is None or clv_before is None or not (p < p_before and clv < clv_before):
            continue
        why = _("Chance of still being a client %(before)s → %(now)s; value %(was)s → %(is)s") % {
            "before": whole_percent(p_before),
            "now": whole_percent(p),
            "was": whole_money(clv_before),
            "is": whole_money(clv),
        }
        found.append((client_id, clv_before - clv, why))
    found.sort(key=lambda row: (-row[1], row[0]))
    return found


def _rows(found: list[tuple[int, Decimal, str]]) -> list[Row]:
    ids = [client_id for client_id, _amount, _why in found]
    names: dict[int, tuple] = {}
    for start in range(0, len(ids), BATCH):  # SQLite's limit on query parameters
        names.update(
            (row[0], row[1:])
            for row in Client.objects.filter(pk__in=ids[start : start + BATCH]).values_list(
                "pk", "external_id", "trade_name", "name", "seller__name", "seller__team__name"
            )
        )
    return [
        Row(
            client_id,
            names[client_id][0],
            names[client_id][1] or names[client_id][2],
            names[client_id][3] or "",
            names[client_id][4] or "",
            amount,
            why,
        )
        for client_id, amount, why in found
        if client_id in names
    ]
