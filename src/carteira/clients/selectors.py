from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, QuerySet

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.clients.filters import ClientFilter, segments_of, with_value
from carteira.clients.models import SHOWN_NAME, Client

if TYPE_CHECKING:
    from carteira.portfolio.models import SnapshotRun

# Sort keys a user may ask for, and what they mean: nothing else reaches order_by().
CLIENT_SORTS = {
    "name": (SHOWN_NAME.asc(), "pk"),
    "-name": (SHOWN_NAME.desc(), "-pk"),
    "city": ("city", SHOWN_NAME.asc(), "pk"),
    "-city": ("-city", SHOWN_NAME.asc(), "pk"),
    "segment": ("segment", SHOWN_NAME.asc(), "pk"),
    "-segment": ("-segment", SHOWN_NAME.asc(), "pk"),
    "seller": (F("seller__name").asc(nulls_last=True), SHOWN_NAME.asc(), "pk"),
    "-seller": (F("seller__name").desc(nulls_last=True), SHOWN_NAME.asc(), "pk"),
    "revenue": (F("reading__revenue_in_abc_window").asc(nulls_first=True), "pk"),
    "-revenue": (F("reading__revenue_in_abc_window").desc(nulls_last=True), "pk"),
    "days": (F("reading__days_since_last_purchase").asc(nulls_last=True), "pk"),
    "-days": (F("reading__days_since_last_purchase").desc(nulls_last=True), "pk"),
    # the predicted value (``with_value``): clients without a prediction last either way
    "alive": (F("p_alive").asc(nulls_last=True), "pk"),
    "-alive": (F("p_alive").desc(nulls_last=True), "pk"),
    "clv": (F("clv").asc(nulls_last=True), "pk"),
    "-clv": (F("clv").desc(nulls_last=True), "pk"),
    "gap": (F("wallet_gap").asc(nulls_last=True), "pk"),
    "-gap": (F("wallet_gap").desc(nulls_last=True), "pk"),
}
ON_READING = {"revenue", "days", "alive", "clv", "gap"}


def client_list(
    *, user: User, where: ClientFilter, run: SnapshotRun | None = None, sort: str = "name"
) -> QuerySet[Client]:
    """The user's clients matching ``where``, with their reading and predicted value in
    ``run`` if any, sorted by ``sort`` (a key of ``CLIENT_SORTS``; the reading's columns
    need a run)."""
    clients = where.apply(clients_visible_to(user).select_related("seller"), run)
    if run is not None:
        clients = with_value(clients, run)
    order = CLIENT_SORTS.get(sort, CLIENT_SORTS["name"])
    if run is None and sort.lstrip("-") in ON_READING:
        order = CLIENT_SORTS["name"]
    return clients.order_by(*order)


def client_segments(user: User) -> list[str]:
    return segments_of(clients_visible_to(user))
