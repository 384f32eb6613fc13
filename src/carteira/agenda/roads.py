"""Road travel times for the day's routes from a routing server, when one is configured:
``CARTEIRA_ROUTING_URL`` (an OSRM or Valhalla HTTP server the company runs) and
``CARTEIRA_ROUTING_ENGINE`` (``osrm``, the default, or ``valhalla``). Without one, or when
it fails (unreachable, slow, an answer without a route between two points), the route uses
the straight line × the road factor (carteira_core.agenda.route), and the week says so."""

from __future__ import annotations

import json
import logging
import math
import urllib.error
import urllib.request
from collections.abc import Sequence

from django.conf import settings

from carteira_core.agenda.route import straight_line_minutes

log = logging.getLogger(__name__)

Point = tuple[float, float]  # (latitude, longitude)


class RoutingFailed(Exception):
    """The routing server gave no usable matrix (the reason is logged)."""


def _get(url: str, *, body: dict | None = None) -> dict:
    if not url.startswith(("http://", "https://")):
        raise RoutingFailed("CARTEIRA_ROUTING_URL is not an http(s) address")
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
    timeout = settings.CARTEIRA_ROUTING_TIMEOUT_S
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return json.load(response)
    except (OSError, ValueError) as error:  # URLError, timeouts, bad JSON
        raise RoutingFailed(str(error)) from error


def _minutes(seconds) -> int:
    if seconds is None:
        raise RoutingFailed("no route between two points")
    return math.ceil(float(seconds) / 60)


def osrm_minutes(base: str, points: Sequence[Point]) -> list[list[int]]:
    """OSRM's table service: durations in seconds, a row per source."""
    where = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
    answer = _get(f"{base.rstrip('/')}/table/v1/driving/{where}?annotations=duration")
    if answer.get("code") != "Ok" or "durations" not in answer:
        raise RoutingFailed(f"OSRM answered {answer.get('code')!r}")
    return [[_minutes(seconds) for seconds in row] for row in answer["durations"]]


def valhalla_minutes(base: str, points: Sequence[Point]) -> list[list[int]]:
    """Valhalla's sources_to_targets: a row per source of {time: seconds, distance: km}."""
    places = [{"lat": lat, "lon": lon} for lat, lon in points]
    body = {"sources": places, "targets": places, "costing": "auto"}
    answer = _get(f"{base.rstrip('/')}/sources_to_targets", body=body)
    rows = answer.get("sources_to_targets")
    if not isinstance(rows, list):
        raise RoutingFailed("Valhalla answered without sources_to_targets")
    return [[_minutes(cell.get("time")) for cell in row] for row in rows]


ENGINES = {"osrm": osrm_minutes, "valhalla": valhalla_minutes}


class RoadMinutes:
    """The travel matrix for the week's routes: the routing server's when configured and
    answering, else the straight line. ``fell_back`` tells the week to say so."""

    def __init__(self) -> None:
        self.base = settings.CARTEIRA_ROUTING_URL
        self.engine = ENGINES.get(settings.CARTEIRA_ROUTING_ENGINE, osrm_minutes)
        self.fell_back = False

    @property
    def configured(self) -> bool:
        return bool(self.base)

    def __call__(self, points: Sequence[Point]) -> list[list[int]]:
        if not self.base or self.fell_back or len(points) < 2:
            return straight_line_minutes(points)
        try:
            minutes = self.engine(self.base, points)
            if len(minutes) != len(points) or any(len(row) != len(points) for row in minutes):
                raise RoutingFailed("a matrix of the wrong size")
            return minutes
        except RoutingFailed as failure:
            log.warning("routing server %s failed: %s; straight line used", self.base, failure)
            self.fell_back = True  # the rest of the week does not wait for it again
            return straight_line_minutes(points)
