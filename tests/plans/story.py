"""The portfolio of our plan stories, read at T with real orders and `do_snapshot`.

A1 (Ana) and B1 (Bruno) are class A and pre-inactive (last bought 100 and 120 days ago);
A2 (Ana) and C1 (Carla) are active class C; B2 and C2 are prospects.
"""

import datetime as dt
import email
import email.policy
import socket
from decimal import Decimal
from itertools import count

import pytest
from aiosmtpd.controller import Controller

from carteira.orders.models import Order
from carteira.plans.models import ActionPlanCell
from carteira.portfolio.services import do_snapshot

T = dt.date(2026, 6, 30)
NUMBERS = count(1)


def order(client, days_before: int, amount: str, *, on: dt.date = T) -> Order:
    return Order.objects.create(
        external_id=f"PL{next(NUMBERS):05d}",
        client=client,
        seller=client.seller,
        date=on - dt.timedelta(days=days_before),
        amount=Decimal(amount),
    )


def cell(abc: str, status: str, segment: str = "") -> ActionPlanCell:
    return ActionPlanCell.objects.get(abc=abc, status=status, segment=segment)


@pytest.fixture
def readings(portfolio):
    order(portfolio["A1"], 100, "10000.00")
    order(portfolio["B1"], 120, "8000.00")
    order(portfolio["C1"], 10, "500.00")
    order(portfolio["A2"], 20, "300.00")
    do_snapshot(T)
    return portfolio


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def bodies_to(self, address: str) -> list[str]:
        return [m.get_content() for rcpt, m in self.messages if rcpt == [address]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 and the SMTP backend pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        }
    }
    yield inbox
    controller.stop()
