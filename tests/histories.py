"""A small history with a known answer for every client (see ``history``)."""

import datetime as dt
from decimal import Decimal

import pytest

from carteira.interactions.models import Interaction
from carteira.orders.models import Order

T = dt.date(2026, 6, 30)


def order(client, days_before, amount, status="valid", number=[0]):  # noqa: B006 -- a counter
    number[0] += 1
    return Order.objects.create(
        external_id=f"P{number[0]:05d}", client=client, seller=client.seller,
        date=T - dt.timedelta(days=days_before), amount=Decimal(amount), status=status,
        margin=Decimal(amount) / 4,
    )  # fmt: skip


@pytest.fixture
def history(portfolio):
    """A1 buys today; A2 last bought 91 days ago; B1 181 days ago; B2 211 days ago;
    C1 is a prospect; C2 had a cancelled order only 5 days ago and a real one 200 days ago."""
    order(portfolio["A1"], 0, "1000.00")
    order(portfolio["A1"], 40, "500.50")
    order(portfolio["A2"], 91, "300.25")
    order(portfolio["B1"], 181, "200.00")
    order(portfolio["B2"], 211, "100.00")
    order(portfolio["C2"], 5, "999.99", status="cancelled")
    order(portfolio["C2"], 200, "50.00")
    order(portfolio["A1"], 10, "-100.50")  # a return: revenue, not a purchase
    Interaction.objects.create(client=portfolio["A2"], date=T - dt.timedelta(days=3),
                               channel="phone", successful=True)  # fmt: skip
    return portfolio
