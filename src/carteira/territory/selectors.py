"""Reads for the map and the chronology: always from the user's scope (the clients gate)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from carteira.accounts.models import User
from carteira.clients.filters import ClientFilter
from carteira.clients.models import Client
from carteira.clients.selectors import SHOWN_NAME, client_list
from carteira.interactions.models import Interaction
from carteira.portfolio.models import SnapshotRun
from carteira.territory.buckets import BUCKET_KEYS, CONTACT_BUCKETS, NEVER, NONE, legend

# Sort keys of the chronology's list: nothing else reaches order_by().
CHRONOLOGY_SORTS = {
    "contact": (F("last_contact").asc(nulls_first=True), SHOWN_NAME.asc(), "pk"),
    "-contact": (F("last_contact").desc(nulls_last=True), SHOWN_NAME.asc(), "pk"),
    "name": (SHOWN_NAME.asc(), "pk"),
    "-name": (SHOWN_NAME.desc(), "-pk"),
}


def territory_clients(
    *, user: User, where: ClientFilter, run: SnapshotRun | None
) -> QuerySet[Client]:
    """The user's clients matching the map's filter (seller, segment, state, status, ABC)."""
    return client_list(user=user, where=where, run=run).order_by()


def client_states(clients: QuerySet[Client]) -> list[str]:
    """The states (UF) ``clients`` are in, sorted: one DISTINCT on the indexed column."""
    return list(clients.exclude(state="").order_by("state").values_list("state", flat=True)
                .distinct())  # fmt: skip


def _successful_contacts(today: dt.date) -> QuerySet[Interaction]:
    return Interaction.objects.filter(
        client=OuterRef("pk"), successful=True, date__lte=today
    ).order_by("-date")


def last_contact(today: dt.date) -> Subquery:
    """The date of a client's last successful contact up to ``today`` (NULL: never)."""
    return Subquery(_successful_contacts(today).values("date")[:1])


def contact_bucket_sql(today: dt.date) -> Coalesce:
    """The client's contact bucket computed inside one correlated subquery per client."""
    whens = [
        When(date__gte=today - dt.timedelta(days=bound), then=Value(key))
        for key, bound, _label in CONTACT_BUCKETS
        if bound is not None
    ]
    latest = _successful_contacts(today).annotate(bucket=Case(*whens, default=Value("90_plus")))
    return Coalesce(Subquery(latest.values("bucket")[:1]), Value(NEVER))


def bucket_counts(clients: QuerySet[Client], *, today: dt.date) -> dict[str, int]:
    """How many of ``clients`` fall in each contact bucket: one aggregate query."""
    rows = (
        clients.annotate(contact_bucket=contact_bucket_sql(today))
        .values("contact_bucket")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(BUCKET_KEYS, 0)
    for row in rows:
        counts[row["contact_bucket"]] = row["n"]
    return counts


def clients_in_bucket(
    clients: QuerySet[Client], *, bucket: str, today: dt.date, sort: str = "contact"
) -> QuerySet[Client]:
    """``clients`` in one contact bucket (all when ``bucket`` is empty), with ``last_contact``."""
    clients = clients.annotate(last_contact=last_contact(today))
    if bucket:
        clients = clients.annotate(contact_bucket=contact_bucket_sql(today)).filter(
            contact_bucket=bucket
        )
    return clients.order_by(*CHRONOLOGY_SORTS.get(sort, CHRONOLOGY_SORTS["contact"]))


@dataclass(frozen=True)
class MapPoints:
    """Compact points: [id, lat, lon, category index]; names never travel in bulk."""

    categories: list[str]
    points: list[list]
    counts: list[int]
    without_coordinates: int

    def as_json(self) -> dict:
        return {
            "categories": self.categories,
            "points": self.points,
            "counts": self.counts,
            "without_coordinates": self.without_coordinates,
        }


def map_points(
    clients: QuerySet[Client], *, colour: str, today: dt.date, run: SnapshotRun | None
) -> MapPoints:
    """The points of ``clients`` coloured by contact bucket, status or ABC: one query."""
    categories = [key for key, _label in legend(colour)]
    if colour in {"status", "abc"}:
        category = F(colour) if run is not None else Value(NONE)
    else:
        category = contact_bucket_sql(today)
    rows = clients.annotate(category=category).values_list(
        "pk", "latitude", "longitude", "category"
    )
    index = {key: i for i, key in enumerate(categories)}
    fallback = index.get(NONE, index.get(NEVER))
    counts = [0] * len(categories)
    points = []
    missing = 0
    for pk, lat, lon, key in rows.order_by("pk").iterator(chunk_size=5000):
        if lat is None or lon is None:
            missing += 1
            continue
        i = index.get(key or NONE, fallback)
        counts[i] += 1
        points.append([pk, round(lat, 4), round(lon, 4), i])  # 4 places: ~11 m
    return MapPoints(categories, points, counts, missing)
