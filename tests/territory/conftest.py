"""A portfolio with coordinates and a known contact history, seen on T (frozen at noon)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from carteira.interactions.models import Interaction
from tests.histories import T

NOON_AT_T = dt.datetime(T.year, T.month, T.day, 12, tzinfo=ZoneInfo("America/Sao_Paulo"))

PLACES = {
    "A1": (-30.0346, -51.2177),
    "A2": (-29.1678, -51.1794),
    "B1": (-31.7654, -52.3376),
    "B2": (-27.6146, -52.2734),
    "C1": (-8.0476, -34.8770),
    "C2": (None, None),
}


@pytest.fixture(autouse=True)
def on_t():
    with time_machine.travel(NOON_AT_T, tick=False):
        yield


def contact(client, days_before: int, *, successful: bool = True) -> Interaction:
    return Interaction.objects.create(
        client=client, seller=client.seller, channel="phone", successful=successful,
        date=T - dt.timedelta(days=days_before),
    )  # fmt: skip


@pytest.fixture
def territory(portfolio):
    """A1 contacted 30 days ago (and failed 2 days ago), A2 31 days ago, B1 61, B2 91;
    C1 never (only a call planned for tomorrow); C2 never successfully, and no coordinates."""
    for code, (lat, lon) in PLACES.items():
        portfolio[code].latitude, portfolio[code].longitude = lat, lon
        portfolio[code].save(update_fields=["latitude", "longitude"])
    contact(portfolio["A1"], 30)
    contact(portfolio["A1"], 2, successful=False)
    contact(portfolio["A2"], 31)
    contact(portfolio["B1"], 61)
    contact(portfolio["B2"], 91)
    contact(portfolio["C1"], -1)
    contact(portfolio["C2"], 1, successful=False)
    return portfolio
