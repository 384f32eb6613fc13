"""How a check-in's verdict reads (carteira_core.agenda.checkin decides it): one text for
the field app's answer, the agenda, the client's history and the manager's follow-up."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carteira.web.formats import number


class UnverifiedReason(models.TextChoices):
    FAR = "far", gettext_lazy("too far from the client")
    IMPRECISE = "imprecise", gettext_lazy("position too imprecise")
    NO_CLIENT_LOCATION = "no_client_location", gettext_lazy("the client has no coordinates")
    POSITION_DENIED = "position_denied", gettext_lazy("location not allowed on the phone")
    NO_POSITION = "no_position", gettext_lazy("no position from the phone")


def distance_text(metres: int) -> str:
    """450 m; 2,3 km (pt-BR)."""
    if metres < 1000:
        return _("%(m)s m") % {"m": number(metres)}
    return _("%(km)s km") % {"km": number(round(metres / 1000, 1), 1)}


def verdict_text(
    *, verified: bool, reason: str, distance_m: int | None, radius_m: int | None
) -> str:
    """'Verified: 40 m from the client' / 'Unverified: 2.3 km from the client (radius
    200 m)' / 'Unverified: no position from the phone'."""
    if verified:
        return _("Verified: %(distance)s from the client") % {
            "distance": distance_text(distance_m or 0)
        }
    if reason in (UnverifiedReason.FAR, UnverifiedReason.IMPRECISE) and distance_m is not None:
        radius = distance_text(radius_m) if radius_m else "—"
        if reason == UnverifiedReason.FAR:
            text = _("Unverified: %(distance)s from the client (radius %(radius)s)")
        else:
            text = _("Unverified: %(distance)s from the client, position too imprecise "
                     "(radius %(radius)s)")  # fmt: skip
        return text % {"distance": distance_text(distance_m), "radius": radius}
    label = UnverifiedReason(reason).label if reason in UnverifiedReason.values else reason
    return _("Unverified: %(why)s") % {"why": label}
