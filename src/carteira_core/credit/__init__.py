"""Receivables: aging, provision and payment-history score (issue 20), pure Polars.

Definitions (docs/portfolio-rules.md, "Credit and receivables"): money in integer cents,
dates as dates; the bounds and rates come from ``CreditRules``.
"""

from carteira_core.credit.aging import (
    BUCKETS,
    aged_sums,
    aging,
    bucket_labels,
    bucket_sums,
    due_cutoffs,
    open_instalments,
    provision_cents,
)
from carteira_core.credit.limit import SuggestedLimit, suggested_limit
from carteira_core.credit.roll import RollRates, roll_rates
from carteira_core.credit.score import PaymentScore, payment_score

__all__ = [
    "BUCKETS",
    "PaymentScore",
    "RollRates",
    "SuggestedLimit",
    "aged_sums",
    "aging",
    "bucket_labels",
    "bucket_sums",
    "due_cutoffs",
    "open_instalments",
    "payment_score",
    "provision_cents",
    "roll_rates",
    "suggested_limit",
]
