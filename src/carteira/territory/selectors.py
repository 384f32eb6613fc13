"""Reads for the map and the chronology: always from the user's scope (the clients gate)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.clients.filters import ClientFilter, with_reading
from carteira.clients.models import SHOWN_NAME, Client
from carteira.credit.reading import read_columns
from carteira.interactions.models import Interaction
from carteira.portfolio.models import SnapshotRun
from carteira.territory.buckets import (
    BUCKET_KEYS,
    CONTACT_BUCKETS,
    NEVER,
    NONE,
    bucket_date_range,
    contact_bucket,
    legend,
)

# Sort keys of the chronology's list: nothing else reaches order_by().
CHRONOLOGY_SORTS = {
    "contact": (F("last_contact").asc(nulls_first=True), SHOWN_NAME.asc(), "pk"),
    "-contact": (F("last_contact").desc(nulls_last=True), SHOWN_NAME.asc(), "pk"),
    "name": (SHOWN_NAME.asc(), "pk"),
    "-name": (SHOWN_NAME.desc(), "-pk"),
}


def territory_clients(
    *, user: User, where: ClientFilter, run: SnapshotRun | None, readings: bool = False
) -> QuerySet[Client]:
    """The user's clients matching the map's filter (seller, segment, state, status, ABC).

    Joined to their reading in ``run`` (``status``, ``abc``, ...) only when the filter is on
    the reading or ``readings`` asks for it: at 100k clients the join alone costs a
    chronology 0.2-0.3 s of CPU. Never the client list's predicted value and potential."""
    if readings or where.on_reading:
        return where.apply(clients_visible_to(user), run).order_by()
    return where.apply(clients_visible_to(user)).order_by()


def client_segments_and_states(clients: QuerySet[Client]) -> tuple[list[str], list[str]]:
    """The segments and the states (UF) ``clients`` have, each sorted (as
    ``clients.filters.segments_of``), from one DISTINCT over both columns."""
    pairs = clients.order_by().values_list("segment", "state").distinct()
    segments, states = set(), set()
    for segment, state in pairs:
        segments.add(segment)
        states.add(state)
    return sorted(segments - {""}), sorted(states - {""})


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
    """How many of ``clients`` fall in each contact bucket: one query grouped by the date
    of the last successful contact (a row per distinct date), bucketed here."""
    rows = (
        clients.annotate(contacted=last_contact(today))
        .values("contacted")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(BUCKET_KEYS, 0)
    for row in rows:
        contacted = row["contacted"]
        counts[contact_bucket((today - contacted).days if contacted else None)] += row["n"]
    return counts


def clients_in_bucket(
    clients: QuerySet[Client], *, bucket: str, today: dt.date, sort: str = "contact"
) -> QuerySet[Client]:
    """``clients`` in one contact bucket (all when ``bucket`` is empty), with ``last_contact``;
    a bucket is a range of last-contact dates (``bucket_date_range``)."""
    clients = clients.annotate(last_contact=last_contact(today))
    if bucket == NEVER:
        clients = clients.filter(last_contact__isnull=True)
    elif bucket:
        earliest, latest = bucket_date_range(bucket, today)
        # One condition: each one repeats the subquery in SQL.
        if earliest is None:
            clients = clients.filter(last_contact__lte=latest)
        else:
            clients = clients.filter(last_contact__range=(earliest, latest))
    return clients.order_by(*CHRONOLOGY_SORTS.get(sort, CHRONOLOGY_SORTS["contact"]))


def never_contacted(clients: QuerySet[Client], *, today: dt.date, descending: bool = False):
    """(pk, None) of ``clients`` never contacted successfully, by shown name (descending:
    as the "-name" sort): the chronology's first rows in its default order. Read along
    the name index, it stops at the page's end instead of looking up every client's last
    contact (6 ms against 0.1 s for the director's first page at 100k)."""
    order = (SHOWN_NAME.desc(), "-pk") if descending else (SHOWN_NAME.asc(), "pk")
    return (
        clients.filter(~Exists(_successful_contacts(today)))
        .annotate(last_contact=Value(None, output_field=DateField()))
        .order_by(*order)
        .values_list("pk", "last_contact")
    )


def chronology_rows(
    listed: Iterable[tuple[int, dt.date | None]], *, run: SnapshotRun | None, today: dt.date
) -> list[Client]:
    """The clients of one page of the chronology, from its (pk, last contact) rows and in
    their order, with their seller, their reading in ``run`` and ``days_without_contact``.
    The page is chosen over (pk, last contact) alone: sorting every client's whole row
    and reading to keep 25 took 3-5 times as long at 100k."""
    contacted = dict(listed)
    clients = Client.objects.filter(pk__in=contacted).select_related("seller")
    if run is not None:
        clients = with_reading(clients, run)
    by_pk = {client.pk: client for client in clients}
    rows = []
    for pk, last in contacted.items():
        client = by_pk[pk]
        client.last_contact = last
        client.days_without_contact = (today - last).days if last else None
        rows.append(client)
    return rows


# Coordinates travel as integers of 1/SCALE degree: 4 places, about 11 m on the ground.
SCALE = 10_000


@dataclass(frozen=True)
class MapPoints:
    """The points of the map as parallel numpy columns, ordered by client id; names never
    travel: ``ids``, ``lat`` and ``lon`` (integers of 1/``SCALE`` degree), ``category``
    (an index into ``categories``); ``counts`` per category and ``without_coordinates``
    are the legend's.

    In JSON (``as_json``) the columns are ``points.id_step`` (each id minus the previous
    one, the first minus 0), ``points.lat``, ``points.lon`` and ``points.category``: a
    100k-client portfolio is about 2 MB of text and 0.6 MB gzipped, a third of it as
    [id, lat, lon, category] rows. territory/points.js reads it back."""

    categories: list[str]
    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    category: np.ndarray
    counts: list[int]
    without_coordinates: int

    def __len__(self) -> int:
        return len(self.ids)

    def where(self, mask: np.ndarray) -> "MapPoints":
        """The points where ``mask`` holds (the legend's counts unchanged)."""
        return MapPoints(self.categories, self.ids[mask], self.lat[mask], self.lon[mask],
                         self.category[mask], self.counts, self.without_coordinates)  # fmt: skip

    def columns_json(self) -> dict:
        return {
            "id_step": np.diff(self.ids, prepend=0).tolist(),
            "lat": self.lat.tolist(),
            "lon": self.lon.tolist(),
            "category": self.category.tolist(),
        }

    def as_json(self) -> dict:
        return {
            "categories": self.categories,
            "counts": self.counts,
            "without_coordinates": self.without_coordinates,
            "scale": SCALE,
            "points": self.columns_json(),
        }


@dataclass(frozen=True)
class Box:
    """A range of latitudes and longitudes (degrees, bounds included)."""

    south: float
    west: float
    north: float
    east: float


def map_points(
    clients: QuerySet[Client],
    *,
    colour: str,
    today: dt.date,
    run: SnapshotRun | None,
    within: Box | None = None,
) -> MapPoints:
    """The points of ``clients`` coloured by contact bucket, status or ABC: one query.
    ``within``: only the clients placed in that box are read (their category computed for
    them alone); the legend's counts are then those of the box."""
    categories = [key for key, _label in legend(colour)]
    if colour in {"status", "abc"}:
        category = F(colour) if run is not None else Value(NONE)
    else:
        category = contact_bucket_sql(today)
    if within is not None:
        clients = clients.filter(latitude__range=(within.south, within.north),
                                 longitude__range=(within.west, within.east))  # fmt: skip
    rows = (
        clients.annotate(category=category)
        .values_list("pk", "latitude", "longitude", "category")
        .order_by("pk")
    )
    schema = {"client_id": pl.Int64, "lat": pl.Float64, "lon": pl.Float64, "category": pl.String}
    frame = read_columns(rows, schema)  # as columns: 100k rows of tuples took 0.1 s more
    index = {key: i for i, key in enumerate(categories)}
    fallback = index.get(NONE, index.get(NEVER))
    ids = frame["client_id"].to_numpy()
    # Null becomes NaN: a client without both coordinates is counted, not drawn.
    lat = frame["lat"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    lon = frame["lon"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    category_of = (
        frame["category"]
        .replace_strict(index, default=fallback, return_dtype=pl.Int64)
        .fill_null(fallback)
        .to_numpy()
    )
    placed = ~(np.isnan(lat) | np.isnan(lon))
    counts = np.bincount(category_of[placed], minlength=len(categories))
    return MapPoints(
        categories=categories,
        ids=ids[placed],
        lat=np.rint(lat[placed] * SCALE).astype(np.int64),
        lon=np.rint(lon[placed] * SCALE).astype(np.int64),
        category=category_of[placed],
        counts=counts.tolist(),
        without_coordinates=int(frame.height - placed.sum()),
    )
