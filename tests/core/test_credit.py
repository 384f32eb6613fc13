"""Receivables in the core: open balance, days past due, buckets, provision, score."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import polars as pl
import pytest

from carteira_core.credit import BUCKETS, aging, bucket_labels, open_instalments, payment_score
from carteira_core.credit.aging import provision_cents
from carteira_core.rules import CreditRules, RulesError, rules_from_toml, rules_to_toml

RULES = CreditRules()
AS_OF = date(2026, 6, 30)


def table(*rows):
    """(client, issue, due, amount cents, paid date, paid cents)."""
    return pl.DataFrame(
        rows,
        schema={
            "client": pl.Int64,
            "issue_date": pl.Date,
            "due_date": pl.Date,
            "amount": pl.Int64,
            "paid_date": pl.Date,
            "paid": pl.Int64,
        },
        orient="row",
    )


def test_an_instalment_paid_after_the_as_of_date_is_open_for_its_whole_amount():
    rows = table((1, date(2026, 5, 1), date(2026, 6, 1), 10_000, date(2026, 7, 5), 10_000))
    found = open_instalments(rows, AS_OF, RULES)
    assert found.select("open", "days_past_due", "bucket").rows() == [(10_000, 29, 1)]


def test_paid_by_the_as_of_date_is_not_open_and_a_partial_payment_leaves_the_rest():
    rows = table(
        (1, date(2026, 5, 1), date(2026, 6, 1), 10_000, date(2026, 6, 1), None),  # paid in full
        (1, date(2026, 5, 1), date(2026, 6, 1), 10_000, date(2026, 6, 10), 2_500),  # partial
        (1, date(2026, 7, 1), date(2026, 8, 1), 10_000, None, None),  # issued after T
    )
    assert open_instalments(rows, AS_OF, RULES)["open"].to_list() == [7_500]


@pytest.mark.parametrize(
    ("due", "days", "bucket"),
    [
        (date(2026, 7, 30), -30, 0),
        (date(2026, 6, 30), 0, 0),
        (date(2026, 6, 29), 1, 1),
        (date(2026, 5, 31), 30, 1),
        (date(2026, 5, 30), 31, 2),
        (date(2026, 5, 1), 60, 2),
        (date(2026, 4, 30), 61, 3),
        (date(2026, 4, 1), 90, 3),
        (date(2026, 3, 31), 91, 4),
        (date(2026, 1, 1), 180, 4),
        (date(2025, 12, 31), 181, 5),
    ],
)
def test_days_past_due_fall_in_the_bucket_of_their_bounds(due, days, bucket):
    rows = table((1, date(2025, 1, 1), due, 100, None, None))
    assert open_instalments(rows, AS_OF, RULES).select("days_past_due", "bucket").rows() == [
        (days, bucket)
    ]


def test_aging_by_client_sums_each_bucket_and_provisions_at_the_default_rates():
    rows = table(
        (1, date(2026, 1, 1), date(2026, 7, 10), 100_000, None, None),  # current
        (1, date(2026, 1, 1), date(2026, 6, 15), 20_000, None, None),  # 15 days
        (1, date(2026, 1, 1), date(2026, 4, 15), 30_000, None, None),  # 76 days
        (2, date(2025, 1, 1), date(2025, 10, 1), 5_000, None, None),  # 272 days
        (2, date(2026, 1, 1), date(2026, 3, 1), 8_000, None, None),  # 121 days
        (3, date(2026, 1, 1), date(2026, 2, 1), 9_999, date(2026, 3, 1), None),  # paid
    )
    result = aging(rows, AS_OF, RULES, by="client")
    assert result.select("client", "open", *BUCKETS, "provision").rows() == [
        # 100000 × 0.5 % + 20000 × 1 % + 30000 × 10 % = 500 + 200 + 3000
        (1, 150_000, 100_000, 20_000, 0, 30_000, 0, 0, 3_700),
        # 8000 × 50 % + 5000 × 100 %
        (2, 13_000, 0, 0, 0, 0, 8_000, 5_000, 9_000),
    ]
    total = aging(rows, AS_OF, RULES)
    assert total.select("open", "provision").rows() == [(163_000, 12_700)]


def test_the_provision_rounds_half_up_to_the_cent():
    assert provision_cents((100, 0, 0, 0, 0, 0), RULES) == 1  # 0.5 cent → 1
    assert provision_cents((99, 0, 0, 0, 0, 0), RULES) == 0  # 0.495 cent → 0
    assert provision_cents((0, 0, 150, 0, 0, 0), RULES) == 5  # 4.5 cents → 5


def test_an_empty_table_ages_to_zero():
    result = aging(table(), AS_OF, RULES)
    assert result.select("open", "provision").rows() == [(0, 0)]
    assert aging(table(), AS_OF, RULES, by="client").height == 0


def test_other_bounds_and_rates_come_from_the_rules():
    rules = rules_from_toml(
        "[credit]\nbucket_days = [15, 30, 60, 90]\nprovision_rates = [0, 0.02, 0.05, 0.2, 0.6, 1]\n"
    ).credit
    rows = table((1, date(2026, 1, 1), date(2026, 6, 10), 10_000, None, None))  # 20 days
    assert aging(rows, AS_OF, rules).select("d31_60", "provision").rows() == [(10_000, 500)]
    assert bucket_labels(rules) == ("current", "1–15", "16–30", "31–60", "61–90", "over 90")
    assert bucket_labels(RULES)[1:] == ("1–30", "31–60", "61–90", "91–180", "over 180")


def test_the_credit_rules_round_trip_through_toml_exactly():
    text = rules_to_toml(rules_from_toml(""))
    assert "provision_rates = [0.005, 0.01, 0.03, 0.10, 0.50, 1.0]" in text
    assert rules_from_toml(text).credit.provision_rates[0] == Decimal("0.005")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("bucket_days = [30, 60, 90]", "credit.bucket_days must be a list of 4 values"),
        ("bucket_days = [30, 30, 90, 180]", "credit.bucket_days must increase"),
        ("bucket_days = [0, 30, 90, 180]", "credit.bucket_days must be a positive integer"),
        ("provision_rates = [0.1, 0.2]", "credit.provision_rates must be a list of 6 values"),
        (
            "provision_rates = [0.1, 0.05, 0.2, 0.3, 0.5, 1]",
            "credit.provision_rates must not decrease",
        ),
        (
            "provision_rates = [0, 0, 0, 0, 0, 1.5]",
            "credit.provision_rates must be a number between 0 and 1",
        ),
        ('provision_rates = [0, 0, 0, 0, 0, "x"]', "credit.provision_rates must be a number"),
        ("collection_after_days = 0", "credit.collection_after_days must be a positive integer"),
    ],
)
def test_bad_credit_rules_are_refused_naming_the_key(toml, message):
    with pytest.raises(RulesError, match=message):
        rules_from_toml(f"[credit]\n{toml}\n")


def history(*delays_by_due):
    """One client's instalments: (due date, days late or None for unpaid)."""
    rows = []
    for due, late in delays_by_due:
        paid = None if late is None else date.fromordinal(due.toordinal() + late)
        rows.append((1, date(2025, 1, 1), due, 1_000, paid, None))
    return table(*rows)


def test_the_score_counts_late_payments_their_average_and_the_longest_delay():
    rows = history(
        (date(2026, 1, 10), 0),
        (date(2026, 2, 10), 10),
        (date(2026, 3, 10), 0),
        (date(2026, 4, 10), 20),
        (date(2026, 6, 20), None),  # unpaid, 10 days late so far
    )
    score = payment_score(rows, AS_OF)
    assert (score.due, score.late, score.longest_delay) == (5, 3, 20)
    assert score.share_late == Fraction(3, 5)
    assert score.average_days_late == Fraction(40, 3)
    assert score.grade == "risk"  # more than half late
    assert score.explain() == (
        "3 of 5 instalments paid late (60 %), on average 13 days late; longest delay 20 days;"
        " too few instalments to see a trend."
    )


def test_a_client_paying_later_in_the_recent_half_year_has_a_worse_trend():
    older = [(date(2025, 8, d), 0) for d in (1, 10, 20)]
    recent = [(date(2026, 5, d), 5) for d in (1, 10)] + [(date(2026, 6, 1), 0)]
    score = payment_score(history(*older, *recent), AS_OF)
    assert (score.trend, score.grade) == ("worse", "watch")  # 2 of 6 late: a third


def test_on_time_payers_are_good_and_few_instalments_are_no_history():
    good = history(*[(date(2026, m, 5), 0) for m in (1, 2, 3, 4)])
    assert payment_score(good, AS_OF).grade == "good"
    assert payment_score(good, AS_OF).explain() == (
        "0 of 4 instalments paid late (0 %); too few instalments to see a trend."
    )
    few = history((date(2026, 1, 5), 0), (date(2026, 2, 5), 0))
    assert payment_score(few, AS_OF).grade == "no_history"


def test_instalments_due_before_the_window_do_not_count():
    rows = history((date(2025, 6, 1), 200), *[(date(2026, m, 5), 0) for m in (1, 2, 3)])
    score = payment_score(rows, AS_OF)
    assert (score.due, score.longest_delay, score.grade) == (3, 0, "good")


def test_the_vectorised_provision_equals_the_exact_one_row_by_row():
    rules = rules_from_toml(
        "[credit]\nprovision_rates = [0.0033, 0.0125, 0.03, 0.1, 0.5, 1]\n"
    ).credit
    rows = table(
        *[
            (c, date(2025, 1, 1), date(2026, 6, 30) - timedelta(days=d), cents, None, None)
            for c, (d, cents) in enumerate(
                [(0, 151), (10, 333), (45, 77_777), (80, 5), (120, 99_999), (200, 1), (0, 1)],
                start=1,
            )
        ]
    )
    result = aging(rows, AS_OF, rules, by="client")
    for row in result.iter_rows(named=True):
        assert row["provision"] == provision_cents(tuple(row[n] for n in BUCKETS), rules)
    assert result.sort("client")["provision"].to_list() == [0, 4, 2333, 1, 50000, 1, 0]
