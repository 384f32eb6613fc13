"""A suggested credit limit from the client's purchases and its payment-history grade.

``suggested = round down to 100 reais of (net revenue of the last 12 months / 12 ×
months × factor)``: the limit that covers ``months`` (``CreditRules.suggested_limit_months``,
default 2: the usual 30/60-day terms) of the client's average monthly purchases, scaled by
how it pays. Factors by grade (``score.GRADES``): good 100 %, watch 50 %, no_history 50 %
(a new client is trusted half until it shows how it pays), risk 0 % (no credit sale:
cash or a guarantee). No purchases (or net returns) in the year: no basis, no suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

GRADE_FACTORS = {
    "good": Fraction(1),
    "watch": Fraction(1, 2),
    "no_history": Fraction(1, 2),
    "risk": Fraction(0),
}
STEP_CENTS = 10_000  # suggestions are whole hundreds of reais


@dataclass(frozen=True, slots=True)
class SuggestedLimit:
    cents: int | None  # None: no purchases in the year, nothing to base it on
    yearly_cents: int  # net revenue of the 12 months
    monthly_cents: int  # its average per month, rounded half up to the cent
    months: int
    factor: Fraction  # the grade's
    grade: str


def suggested_limit(yearly_cents: int, grade: str, *, months: int) -> SuggestedLimit:
    """The suggestion for a client with ``yearly_cents`` of net revenue in the 12 months
    up to the as-of date and a payment-history ``grade``."""
    factor = GRADE_FACTORS[grade]
    monthly = (2 * yearly_cents + 12) // 24
    if yearly_cents <= 0:
        return SuggestedLimit(None, yearly_cents, monthly, months, factor, grade)
    exact = Fraction(yearly_cents, 12) * months * factor
    cents = int(exact // STEP_CENTS) * STEP_CENTS
    return SuggestedLimit(cents, yearly_cents, monthly, months, factor, grade)
