"""The suggested credit limit: months of average purchases scaled by the payment grade."""

from fractions import Fraction

from carteira_core.credit import suggested_limit


def test_a_good_payer_gets_two_months_of_purchases_rounded_down_to_the_hundred():
    # R$ 25.000,00 a year → 2.083,33 a month; × 2 = 4.166,67 → 4.100,00
    got = suggested_limit(2_500_000, "good", months=2)
    assert (got.cents, got.monthly_cents, got.factor) == (410_000, 208_333, Fraction(1))


def test_watch_and_no_history_get_half_and_risk_gets_nothing():
    assert suggested_limit(2_400_000, "watch", months=2).cents == 200_000
    assert suggested_limit(2_400_000, "no_history", months=3).cents == 300_000
    assert suggested_limit(2_400_000, "risk", months=2).cents == 0


def test_no_purchases_or_net_returns_give_no_suggestion():
    assert suggested_limit(0, "good", months=2).cents is None
    assert suggested_limit(-5_000, "good", months=2).cents is None


def test_less_than_a_hundred_reais_suggests_zero():
    assert suggested_limit(50_000, "good", months=2).cents == 0  # 83,33 → 0
