"""Reads of the stored portfolio readings shared by the dashboard, the exports and the API."""

import datetime as dt

from django.db.models import QuerySet

from carteira.clients.filters import ClientFilter
from carteira.portfolio.models import ClientSnapshot, SnapshotRun


def latest_official_run(as_of=None) -> SnapshotRun | None:
    """The most recent official reading (on or before ``as_of`` when given)."""
    runs = SnapshotRun.objects.filter(kind=SnapshotRun.Kind.OFFICIAL)
    if as_of is not None:
        runs = runs.filter(as_of__lte=as_of)
    return runs.order_by("-as_of", "-pk").first()


def official_dates() -> list[dt.date]:
    """The dates with an official reading, newest first."""
    return list(
        SnapshotRun.objects.filter(kind=SnapshotRun.Kind.OFFICIAL)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .distinct()
    )


def latest_official_runs(limit: int, *, until: dt.date | None = None) -> list[SnapshotRun]:
    """The latest official run of each of the ``limit`` most recent dates (on or before
    ``until`` when given), oldest first."""
    runs, seen = [], set()
    official = SnapshotRun.objects.filter(kind=SnapshotRun.Kind.OFFICIAL)
    if until is not None:
        official = official.filter(as_of__lte=until)
    for run in official.order_by("-as_of", "-pk").iterator(chunk_size=4 * limit):
        if run.as_of not in seen:
            seen.add(run.as_of)
            runs.append(run)
            if len(runs) == limit:
                break
    return list(reversed(runs))


def sliced_readings(readings: QuerySet[ClientSnapshot], filters: dict) -> QuerySet[ClientSnapshot]:
    """The readings of the dashboard's slice: ``seller``, ``team``, ``segment``, ``state``
    (empty values do not filter). The seller and team are the reading's, not today's; the
    segment and state are the client's, matched as the client filter matches them."""
    if filters.get("seller"):
        readings = readings.filter(seller_id=filters["seller"])
    if filters.get("team"):
        readings = readings.filter(seller__team_id=filters["team"])
    where = ClientFilter(
        segment=filters.get("segment") or "",
        state=filters.get("state") or "",
        open_complaint=bool(filters.get("complaint")),
    )
    return readings.filter(where.on_record("client__"))
