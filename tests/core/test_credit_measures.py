"""The portfolio's credit figures: overdue, DSO, provision, clients in collection."""

from datetime import date
from fractions import Fraction

import polars as pl

from carteira_core.credit.measures import FIGURES, credit_figures, dso, previous_month_end
from carteira_core.rules import CreditRules

RULES = CreditRules()
AS_OF = date(2026, 6, 30)


def table(*rows):
    """(seller, client, issue, due, amount cents, paid date)."""
    frame = pl.DataFrame(
        rows,
        schema={
            "seller": pl.String,
            "client_id": pl.Int64,
            "issue_date": pl.Date,
            "due_date": pl.Date,
            "amount": pl.Int64,
            "paid_date": pl.Date,
        },
        orient="row",
    )
    return frame.with_columns(paid=pl.lit(None, dtype=pl.Int64))


BOOK = table(
    # client 1: 1.000,00 not yet due (issued in the window), 200,00 15 days late
    ("ana", 1, date(2026, 6, 10), date(2026, 7, 10), 100_000, None),
    ("ana", 1, date(2026, 5, 16), date(2026, 6, 15), 20_000, None),
    # client 2: 300,00 45 days late (in collection), 500,00 issued in the window and paid
    ("ana", 2, date(2026, 4, 1), date(2026, 5, 16), 30_000, None),
    ("ana", 2, date(2026, 6, 1), date(2026, 6, 20), 50_000, date(2026, 6, 20)),
    # client 3 (bruno): 80,00 121 days late; issued before the window
    ("bruno", 3, date(2026, 1, 1), date(2026, 3, 1), 8_000, None),
    # client 4 (bruno): paid long ago, nothing open, nothing issued in the window
    ("bruno", 4, date(2026, 1, 1), date(2026, 2, 1), 9_999, date(2026, 2, 1)),
)


def test_the_whole_book_in_one_row():
    found = credit_figures(BOOK, AS_OF, RULES).row(0, named=True)
    # provision: 1.000,00 × 0,5 % + 200,00 × 1 % + 300,00 × 3 % + 80,00 × 50 % = 5+2+9+40
    assert found == {
        "open": 158_000, "overdue": 58_000, "provision": 5_600,
        "issued": 100_000 + 20_000 + 50_000, "clients": 3, "in_collection": 2,
    }  # fmt: skip


def test_per_seller_groups_sorted_by_open_balance():
    found = credit_figures(BOOK, AS_OF, RULES, by="seller")
    assert found.columns == ["seller", *FIGURES]
    assert found.rows() == [
        ("ana", 150_000, 50_000, 1_600, 170_000, 2, 1),
        ("bruno", 8_000, 8_000, 4_000, 0, 1, 1),
    ]


def test_a_group_with_only_sales_in_the_window_is_kept_and_one_with_nothing_is_left_out():
    book = table(
        ("carla", 5, date(2026, 6, 1), date(2026, 6, 20), 40_000, date(2026, 6, 20)),
        ("davi", 6, date(2025, 1, 1), date(2025, 2, 1), 40_000, date(2025, 2, 1)),
    )
    assert credit_figures(book, AS_OF, RULES, by="seller").rows() == [
        ("carla", 0, 0, 0, 40_000, 0, 0)
    ]


def test_an_empty_book_is_one_row_of_zeros():
    found = credit_figures(BOOK.clear(), AS_OF, RULES)
    assert found.rows() == [(0, 0, 0, 0, 0, 0)]


def test_dso_is_the_open_balance_over_the_windows_sales_in_days():
    assert dso(158_000, 170_000, 90) == Fraction(158_000 * 90, 170_000)  # 83.65 days
    assert dso(158_000, 0, 90) is None


def test_a_shorter_dso_window_counts_fewer_sales():
    rules = CreditRules(dso_days=30)
    found = credit_figures(BOOK, AS_OF, rules).row(0, named=True)
    assert found["issued"] == 100_000 + 50_000  # 16/05 is 45 days back


def test_the_previous_month_end():
    assert previous_month_end(date(2026, 6, 30)) == date(2026, 5, 31)
    assert previous_month_end(date(2026, 3, 1)) == date(2026, 2, 28)
