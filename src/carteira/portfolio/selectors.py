from carteira.portfolio.models import SnapshotRun


def latest_official_run(as_of=None) -> SnapshotRun | None:
    """The most recent official reading (on or before ``as_of`` when given)."""
    runs = SnapshotRun.objects.filter(kind=SnapshotRun.Kind.OFFICIAL)
    if as_of is not None:
        runs = runs.filter(as_of__lte=as_of)
    return runs.order_by("-as_of", "-pk").first()
