"""Time without a successful contact, in the buckets the map and the chronology share."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from carteira.portfolio.models import AbcClass, Status

NEVER = "never"
NONE = "none"  # no reading in the latest official run (status and ABC colourings)

# (key, upper bound in days, label); the last bucket has no bound.
CONTACT_BUCKETS = (
    ("0_30", 30, _("0–30 days")),
    ("31_60", 60, _("31–60 days")),
    ("61_90", 90, _("61–90 days")),
    ("90_plus", None, _("Over 90 days")),
    (NEVER, None, _("Never contacted")),
)
BUCKET_KEYS = tuple(key for key, _bound, _label in CONTACT_BUCKETS)

# One palette for the map's points and legend (kept readable against white text and
# a light background; status colours match the dashboard's).
COLOURS = {
    "0_30": "#2e7d32",
    "31_60": "#f9a825",
    "61_90": "#ef6c00",
    "90_plus": "#c62828",
    NEVER: "#616161",
    Status.PROSPECT: "#1565c0",
    Status.ACTIVE: "#2e7d32",
    Status.PRE_INACTIVE: "#f9a825",
    Status.INACTIVATED: "#ef6c00",
    Status.INACTIVE: "#c62828",
    AbcClass.A: "#263238",
    AbcClass.B: "#607d8b",
    AbcClass.C: "#b0bec5",
    NONE: "#9e9e9e",
}


def contact_bucket(days: int | None) -> str:
    """The bucket of a client whose last successful contact was ``days`` ago (None: never)."""
    if days is None:
        return NEVER
    for key, bound, _label in CONTACT_BUCKETS:
        if bound is not None and days <= bound:
            return key
    return "90_plus"


def bucket_date_range(key: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The last-contact dates (inclusive) that fall in a bucket; (None, None) for never."""
    lower_days = 0
    for bucket, bound, _label in CONTACT_BUCKETS:
        if bucket == key:
            latest = today - dt.timedelta(days=lower_days)
            earliest = today - dt.timedelta(days=bound) if bound is not None else None
            return earliest, latest
        if bound is not None:
            lower_days = bound + 1
    raise KeyError(key)


def legend(mode: str) -> list[tuple[str, str]]:
    """(key, label) of the categories a colouring uses, in legend order."""
    if mode == "status":
        return [*((s.value, s.label) for s in Status), (NONE, _("No reading"))]
    if mode == "abc":
        return [
            *((c.value, _("Class %s") % c.value) for c in AbcClass),
            (NONE, _("No class")),
        ]
    return [(key, label) for key, _bound, label in CONTACT_BUCKETS]
