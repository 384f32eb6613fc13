from django.db.models import F, FilteredRelation, Q, QuerySet

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.clients.models import Client
from carteira.portfolio.models import SnapshotRun

# Sort keys a user may ask for, and what they mean: nothing else reaches order_by().
CLIENT_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "city": ("city", "name", "pk"),
    "-city": ("-city", "name", "pk"),
    "segment": ("segment", "name", "pk"),
    "-segment": ("-segment", "name", "pk"),
    "seller": (F("seller__name").asc(nulls_last=True), "name", "pk"),
    "-seller": (F("seller__name").desc(nulls_last=True), "name", "pk"),
    "revenue": (F("reading__revenue_in_abc_window").asc(nulls_first=True), "pk"),
    "-revenue": (F("reading__revenue_in_abc_window").desc(nulls_last=True), "pk"),
    "days": (F("reading__days_since_last_purchase").asc(nulls_last=True), "pk"),
    "-days": (F("reading__days_since_last_purchase").desc(nulls_last=True), "pk"),
}


def client_list(
    *,
    user: User,
    search: str = "",
    segment: str = "",
    state: str = "",
    seller_id: int | None = None,
    status: str = "",
    abc: str = "",
    previous: str = "",
    run: SnapshotRun | None = None,
    sort: str = "name",
) -> QuerySet[Client]:
    """The user's clients matching the filters, with their reading in ``run`` if any.
    ``status``, ``abc`` and ``previous`` (the status a period earlier) filter on that
    reading: without one they match nothing."""
    clients = clients_visible_to(user).select_related("seller")
    if search:
        digits = "".join(ch for ch in search if ch.isalnum()).upper()
        match = (
            Q(name__icontains=search)
            | Q(trade_name__icontains=search)
            | Q(external_id__iexact=search)
            | Q(city__icontains=search)
        )
        if len(digits) >= 8:
            match |= Q(document__startswith=digits)
        clients = clients.filter(match)
    if segment:
        clients = clients.filter(segment=segment)
    if state:
        clients = clients.filter(state=state)
    if seller_id:
        clients = clients.filter(seller_id=seller_id)
    if run is not None:
        clients = clients.annotate(
            reading=FilteredRelation("snapshots", condition=Q(snapshots__run=run))
        ).annotate(
            status=F("reading__status"),
            status_previous=F("reading__status_previous"),
            abc=F("reading__abc"),
            days_since_last_purchase=F("reading__days_since_last_purchase"),
            revenue_in_abc_window=F("reading__revenue_in_abc_window"),
        )
        # Through the annotations: one join of the reading (``reading__status=…`` in
        # separate filter() calls joins the readings table once per call).
        on_reading = {"status": status, "abc": abc, "status_previous": previous}
        clients = clients.filter(**{name: value for name, value in on_reading.items() if value})
    elif status or abc or previous:
        clients = clients.none()
    order = CLIENT_SORTS.get(sort, CLIENT_SORTS["name"])
    if run is None and sort.lstrip("-") in {"revenue", "days"}:
        order = CLIENT_SORTS["name"]
    return clients.order_by(*order)


def client_segments(user: User) -> list[str]:
    return list(
        clients_visible_to(user)
        .exclude(segment="")
        .order_by("segment")
        .values_list("segment", flat=True)
        .distinct()
    )


def filtered_client_list(user: User, filters: dict, run: SnapshotRun | None) -> QuerySet[Client]:
    """``client_list`` from the cleaned data of the list's filter form."""
    return client_list(
        user=user, search=filters["q"], segment=filters["segment"], state=filters["state"],
        seller_id=filters["seller"], status=filters["status"], abc=filters["abc"],
        previous=filters["previous"], run=run, sort=filters["sort"] or "name",
    )  # fmt: skip
