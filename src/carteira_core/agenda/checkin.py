"""Is a check-in at the client? The rule that labels a visit verified or not.

A check-in is **verified** when the phone's position is within ``radius_m`` metres of the
client's registered coordinates and the phone itself vouches for that precision (its
reported accuracy is no worse than the radius). Otherwise it is **unverified**, and the
reason says why: too far (with the distance), no position from the phone (the seller
refused the location, or the phone had none), the client has no coordinates to compare
with, or a position too imprecise to tell.

Only the distance and the accuracy are needed to decide: the seller's position itself is
not kept (docs/portfolio-rules.md, "Check-in").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from carteira_core.agenda.route import great_circle_km

DEFAULT_RADIUS_M = 200

Reason = Literal["", "far", "no_position", "no_client_location", "imprecise"]


@dataclass(frozen=True)
class Verdict:
    verified: bool
    reason: Reason  # "" when verified
    distance_m: int | None  # to the client's coordinates, when both are known


def check_in_verdict(
    position: tuple[float, float] | None,
    client: tuple[float, float] | None,
    *,
    accuracy_m: float | None,
    radius_m: int,
) -> Verdict:
    """The verdict for a phone at ``position`` (None: no position) checking in at a client
    registered at ``client`` (None: not geocoded)."""
    if position is None:
        return Verdict(False, "no_position", None)
    if client is None:
        return Verdict(False, "no_client_location", None)
    distance = round(great_circle_km(position, client) * 1000)
    if distance > radius_m:
        return Verdict(False, "far", distance)
    if accuracy_m is not None and accuracy_m > radius_m:
        return Verdict(False, "imprecise", distance)
    return Verdict(True, "", distance)
