"""Days of cover: the stock on hand divided by the average daily sell-out; the product
that runs out first sets when the seller must arrive."""

import datetime as dt

from carteira_core.agenda.cadence import brought_forward, stock_cover

D = dt.date


def test_the_product_that_runs_out_first_sets_the_cover():
    rows = [
        (D(2026, 12, 8), "SKU-1", 10.0, None, None),
        (D(2026, 12, 11), "SKU-1", 15.0, None, None),
        (D(2026, 12, 14), "SKU-1", 10.0, None, 45.0),  # 35 in 7 days: 5 a day, 9 days
        (D(2026, 12, 14), "SKU-2", 10.0, None, 200.0),  # 10 a day: 20 days
    ]
    cover = stock_cover(rows)
    assert (cover.product, cover.daily, cover.days, cover.runs_out) == (
        "SKU-1", 5.0, 9.0, D(2026, 12, 23))  # fmt: skip


def test_without_quantities_the_cover_is_in_money_and_old_sales_leave_the_window():
    rows = [
        (D(2026, 10, 1), "", None, 9_000.0, None),  # over 28 days before the stock: out
        (D(2026, 12, 1), "", None, 300.0, None),
        (D(2026, 12, 4), "", None, 100.0, 250.0),  # 400 in 4 days: 100 a day
    ]
    cover = stock_cover(rows)
    assert (cover.in_units, cover.daily, cover.whole_days, cover.runs_out) == (
        False, 100.0, 2, D(2026, 12, 6))  # fmt: skip


def test_no_stock_or_no_sales_gives_no_cover():
    assert stock_cover([(D(2026, 12, 4), "", 5.0, None, None)]) is None
    assert stock_cover([(D(2026, 12, 4), "", 0.0, None, 10.0)]) is None
    assert stock_cover([]) is None


def test_the_contact_is_brought_forward_only_when_it_would_come_after_the_lead_time():
    cover = stock_cover([(D(2026, 12, 14), "", 5.0, None, 45.0)])  # runs out 23/12
    today = D(2026, 12, 14)
    assert brought_forward(D(2027, 1, 11), cover, today=today, lead_days=2) == D(2026, 12, 21)
    assert brought_forward(D(2026, 12, 21), cover, today=today, lead_days=2) is None
    assert brought_forward(D(2026, 12, 28), cover, today=D(2026, 12, 22), lead_days=2) == D(
        2026, 12, 22)  # fmt: skip
    assert brought_forward(D(2027, 1, 11), None, today=today, lead_days=2) is None
