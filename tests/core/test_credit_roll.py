"""Roll rates over the last 12 thirty-day steps and the provision rates they imply,
on tiny books computed by hand (T = 30/06/2026, t_k = T − 30·(12 − k))."""

import datetime as dt
from fractions import Fraction as F

import polars as pl

from carteira_core.credit import roll_rates
from carteira_core.credit.roll import observation_dates
from carteira_core.rules import CreditRules

T = dt.date(2026, 6, 30)
t = observation_dates(T)
DAY = dt.timedelta(days=1)
SCHEMA = {"issue_date": pl.Date, "due_date": pl.Date, "amount": pl.Int64,
          "paid_date": pl.Date, "paid": pl.Int64}  # fmt: skip


def book(*rows):
    """(due, amount in cents, paid on, paid cents), all issued on 01/01/2025."""
    data = [(dt.date(2025, 1, 1), due, cents, paid_on, paid) for due, cents, paid_on, paid in rows]
    return pl.DataFrame(data, schema=SCHEMA, orient="row")


def test_the_observation_dates_are_thirty_days_apart_ending_on_the_as_of_date():
    assert (t[0], t[11], t[12], len(t)) == (dt.date(2025, 7, 5), dt.date(2026, 5, 31), T, 13)


def test_roll_rates_count_what_moved_on_at_its_next_balance_over_what_was_there():
    rates = roll_rates(
        book(
            (t[10] + 10 * DAY, 10_000, None, None),  # X: current to t10, 1–30, 31–60
            (t[10] + 10 * DAY, 20_000, t[11] - DAY, None),  # Y: paid before it rolled
            (t[9] + 5 * DAY, 30_000, t[11] + DAY, 15_000),  # Z: rolls to 31–60, pays half
        ),
        T,
        CreditRules(),
    )
    # class 0: 11×100 + 11×200 + 10×300 there; X (100) and Z (300) rolled
    assert rates.roll[:4] == (F(40_000, 630_000), F(1), F(1, 2), None)
    assert rates.balance[:4] == (630_000, 40_000, 30_000, 0)
    assert rates.loss == (None,) * 7  # nothing seen past 61–90: no chain to default
    assert rates.bucket_rates == (None, None, None, None, None, F(1))


def test_loss_rates_chain_the_roll_rates_and_buckets_weigh_their_classes():
    rates = roll_rates(
        book(
            (t[3] + DAY, 10_000, None, None),  # V: every class, default from t10 on
            (t[5] + DAY, 10_000, t[7], None),  # W: 1–30 at t6, paid on t7
            (t[0] - 100 * DAY, 10_000, t[2], None),  # U: 100 and 130 days late, then paid
        ),
        T,
        CreditRules(),
    )
    assert rates.roll == (F(1, 5), F(1, 2), F(1), F(1), F(1), F(1, 2), F(1))
    assert rates.loss == (F(1, 20), F(1, 4), F(1, 2), F(1, 2), F(1, 2), F(1, 2), F(1))
    # 91–180 holds classes 4, 5, 6 with 200, 200 and 100 seen: (½·200 + ½·200 + 1·100) / 500
    assert rates.bucket_rates == (F(1, 20), F(1, 4), F(1, 2), F(1, 2), F(3, 5), F(1))


def test_an_empty_book_learns_nothing():
    rates = roll_rates(book(), T, CreditRules())
    assert rates.roll == (None,) * 7
    assert rates.bucket_rates == (None, None, None, None, None, F(1))
