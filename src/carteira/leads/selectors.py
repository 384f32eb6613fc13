"""Reads on leads, always from the user's scope (leads.access)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.clients.models import Client
from carteira.leads.access import leads_visible_to
from carteira.leads.models import Lead
from carteira.leads.stages import closing_keys
from carteira_core.ingest.values import fold

# Sort keys a user may ask for, and what they mean: nothing else reaches order_by().
LEAD_SORTS = {
    "icp": (F("icp_score").desc(nulls_last=True), Lower("name"), "pk"),
    "-icp": (F("icp_score").asc(nulls_first=True), Lower("name"), "pk"),
    "name": (Lower("name"), "pk"),
    "-name": (Lower("name").desc(), "-pk"),
    "city": ("city", Lower("name"), "pk"),
    "-city": ("-city", Lower("name"), "pk"),
    "next": (F("next_step_date").asc(nulls_last=True), Lower("name"), "pk"),
    "-next": (F("next_step_date").desc(nulls_last=True), Lower("name"), "pk"),
    "created": ("created_date", "pk"),
    "-created": ("-created_date", "-pk"),
    "since": (F("stage_since").asc(nulls_last=True), "pk"),
    "-since": (F("stage_since").desc(nulls_last=True), "pk"),
}


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """Which leads. Empty fields match all; ``search`` matches name, city, code or the
    document's first characters."""

    search: str = ""
    stage: str = ""
    source: str = ""
    segment: str = ""
    state: str = ""
    seller_id: int | None = None
    open_only: bool = False

    def apply(self, leads: QuerySet[Lead]) -> QuerySet[Lead]:
        if self.search:
            text = self.search.strip()
            digits = "".join(c for c in text.upper() if c.isalnum())
            match = Q(name__icontains=text) | Q(city__icontains=text) | Q(external_id=text)
            if len(digits) >= 8:
                match |= Q(document__startswith=digits)
            leads = leads.filter(match)
        for field in ("stage", "source", "segment", "state"):
            if getattr(self, field):
                leads = leads.filter(**{field: getattr(self, field)})
        if self.seller_id:
            leads = leads.filter(seller_id=self.seller_id)
        if self.open_only:
            leads = leads.filter(client__isnull=True).exclude(stage__in=_closed())
        return leads


def _closed() -> set[str]:
    return closing_keys("won") | closing_keys("lost")


def lead_list(*, user: User, where: LeadFilter, sort: str = "icp") -> QuerySet[Lead]:
    leads = where.apply(leads_visible_to(user)).select_related("seller", "loss_reason")
    return leads.order_by(*LEAD_SORTS.get(sort, LEAD_SORTS["icp"]))


def lead_segments(user: User) -> list[str]:
    found = leads_visible_to(user).exclude(segment="").values_list("segment", flat=True)
    return sorted(set(found))


# ------------------------------------------------------------------------- duplicates


@dataclass(frozen=True)
class Duplicate:
    kind: str  # "client" or "lead"
    pk: int
    code: str  # the client's code or the lead's; the only thing shown outside the scope
    name: str
    reason: str  # "document" or "name_city"
    visible: bool


def duplicates_of(
    *, user: User, name: str, city: str, document: str, exclude_lead: int | None = None
) -> list[Duplicate]:
    """Clients and leads with the same CNPJ/CPF, or the same name in the same city
    (case and accents ignored). Found company-wide: a lead outside the user's scope is
    still a duplicate, named only by its code."""
    found: list[Duplicate] = []
    key = (fold(name), fold(city))
    seen_clients = set(clients_visible_to(user).values_list("pk", flat=True)) if name else set()
    seen_leads = set(leads_visible_to(user).values_list("pk", flat=True)) if name else set()
    clients = Client.objects.filter(Q(document=document) if document else Q(pk__in=[]))
    if name and city:
        clients = clients | Client.objects.filter(city__iexact=city.strip())
    for pk, code, cname, trade, ccity, doc in clients.values_list(
        "pk", "external_id", "name", "trade_name", "city", "document"
    ):
        if document and doc == document:
            reason = "document"
        elif (fold(cname), fold(ccity)) == key or (fold(trade), fold(ccity)) == key:
            reason = "name_city"
        else:
            continue
        found.append(Duplicate("client", pk, code, cname, reason, pk in seen_clients))
    leads = Lead.objects.filter(Q(document=document) if document else Q(pk__in=[]))
    if name and city:
        leads = leads | Lead.objects.filter(city__iexact=city.strip())
    for pk, code, lname, lcity, doc in leads.exclude(pk=exclude_lead).values_list(
        "pk", "external_id", "name", "city", "document"
    ):
        if document and doc == document:
            reason = "document"
        elif (fold(lname), fold(lcity)) == key:
            reason = "name_city"
        else:
            continue
        found.append(Duplicate("lead", pk, code or f"L{pk}", lname, reason, pk in seen_leads))
    return found


def next_steps(user: User, *, until: dt.date) -> QuerySet[Lead]:
    """The user's open leads with a next step due by ``until``, the earliest first."""
    leads = LeadFilter(open_only=True).apply(leads_visible_to(user))
    return leads.filter(next_step_date__lte=until).order_by("next_step_date", "pk")


def recent_referrers(*, since: dt.date) -> set[int]:
    """Clients who referred a lead created on or after ``since``."""
    leads = Lead.objects.filter(referred_by__isnull=False, created_date__gte=since)
    return set(leads.values_list("referred_by_id", flat=True))
