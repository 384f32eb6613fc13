"""November 2026, read on the 12th: a small history with hand-computed goal figures.

Ana (team Sul): A1 bought in August, R$ 25.000,00 on 3/11 and R$ 15.000,00 on 12/11
(plus a cancelled order and one on the 13th, both ignored on the 12th); A2 last bought in
September. Bruno: B1 inactive since March buys again on 10/11 (a reactivation); B2 buys
in October. Carla (team Norte): C1's first purchase is on 2/11 (a new client).
"""

import datetime as dt
from decimal import Decimal

import pytest

from carteira.agenda.models import Task
from carteira.orders.models import Order

D12 = dt.date(2026, 11, 12)


def buy(client, day, amount, status="valid", number=[0]):  # noqa: B006 -- a counter
    number[0] += 1
    return Order.objects.create(external_id=f"G{number[0]:05d}", client=client,
                                seller=client.seller, date=day, amount=Decimal(amount),
                                status=status)  # fmt: skip


def task(client, due, *, done_on=None, status=None):
    completed = None
    if done_on:
        completed = dt.datetime.combine(done_on, dt.time(12), tzinfo=dt.UTC)
    return Task.objects.create(client=client, seller=client.seller, title="Ligar", due_date=due,
                               origin=Task.Origin.PLAN, completed_at=completed,
                               status=status or (Task.Status.DONE if done_on else
                                                 Task.Status.OPEN))  # fmt: skip


@pytest.fixture
def november(portfolio):
    p = portfolio
    buy(p["A1"], dt.date(2026, 8, 20), "500.00")
    buy(p["A1"], dt.date(2026, 11, 3), "25000.00")
    buy(p["A1"], dt.date(2026, 11, 5), "7777.00", status="cancelled")
    buy(p["A1"], dt.date(2026, 11, 12), "15000.00")
    buy(p["A1"], dt.date(2026, 11, 13), "99999.00")
    buy(p["A2"], dt.date(2026, 9, 10), "1000.00")
    buy(p["B1"], dt.date(2026, 3, 1), "3000.00")
    buy(p["B1"], dt.date(2026, 11, 10), "800.00")
    buy(p["B2"], dt.date(2026, 10, 20), "2000.00")
    buy(p["C1"], dt.date(2026, 11, 2), "650.00")
    task(p["A1"], dt.date(2026, 11, 5), done_on=dt.date(2026, 11, 4))
    task(p["A2"], dt.date(2026, 11, 8), done_on=dt.date(2026, 11, 10))
    task(p["A2"], dt.date(2026, 11, 11), status=Task.Status.OPEN)
    return p
