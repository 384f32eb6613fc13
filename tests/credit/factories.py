"""Receivables for the credit tests: a small aged book over the ``portfolio`` persona."""

import datetime as dt
from decimal import Decimal

from carteira.credit.models import Receivable

AS_OF = dt.date(2026, 6, 30)


def receivable(client, invoice, due, amount, *, paid=None, paid_amount=None, issued=None):
    return Receivable.objects.create(
        client=client,
        invoice=invoice,
        issue_date=issued or dt.date(2025, 1, 1),
        due_date=due,
        amount=Decimal(amount),
        paid_date=paid,
        paid_amount=None if paid_amount is None else Decimal(paid_amount),
    )


def aged_book(portfolio):
    """A1 (Ana, supermercados): 1.000,00 current, 200,00 15 days late, 300,00 76 days;
    B1 (Bruno, supermercados): 80,00 121 days; C2 (Carla, farmácias): 50,00 272 days;
    A2: paid in full."""
    receivable(portfolio["A1"], "NF1", dt.date(2026, 7, 10), "1000.00")
    receivable(portfolio["A1"], "NF2", dt.date(2026, 6, 15), "200.00")
    receivable(portfolio["A1"], "NF3", dt.date(2026, 4, 15), "300.00")
    receivable(portfolio["B1"], "NF4", dt.date(2026, 3, 1), "80.00")
    receivable(portfolio["C2"], "NF5", dt.date(2025, 10, 1), "50.00")
    receivable(portfolio["A2"], "NF6", dt.date(2026, 2, 1), "99.99", paid=dt.date(2026, 3, 1))
