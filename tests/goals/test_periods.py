"""Goal and review periods: a month (``2026-11``) or a quarter (``2026-Q4``)."""

from carteira.goals.periods import parse_period


def test_periods_step_back_and_forth():
    assert parse_period("2026-01").previous().key == "2025-12"
    assert parse_period("2026-Q1").previous().key == "2025-Q4"
    assert parse_period("2026-12").next().key == "2027-01"
    assert parse_period("2026-13") is None and parse_period("nov") is None
