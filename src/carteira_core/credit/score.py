"""A client's payment history in four figures and a grade, explained in words.

Over the instalments due in the ``window_days`` before the as-of date ``T`` (and issued by
then): an instalment paid by ``T`` was late by ``max(0, payment date − due date)`` days;
one still unpaid at ``T`` is late by ``T − due date`` so far (a debt not paid is the
latest payment of all). From these:

* share paid late — late instalments / instalments due;
* average days late — over the late instalments only;
* longest delay — the most days late of any instalment;
* trend — the share late in the most recent half of the window against the older half:
  ``worse`` or ``better`` when it moved by more than 10 points, else ``steady``
  (``unknown`` when either half has fewer than ``MIN_INSTALMENTS``).

Grade: ``no_history`` with fewer than ``MIN_INSTALMENTS`` due; ``risk`` when the longest
delay passes 90 days or more than half were late; ``watch`` when more than a fifth were
late or the average delay passes 15 days; else ``good``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import polars as pl

MIN_INSTALMENTS = 3
GRADES = ("good", "watch", "risk", "no_history")
TRENDS = ("better", "steady", "worse", "unknown")


@dataclass(frozen=True, slots=True)
class PaymentScore:
    due: int  # instalments due in the window
    late: int
    share_late: Fraction  # late / due (0 with nothing due)
    average_days_late: Fraction  # over the late ones (0 with none late)
    longest_delay: int
    trend: str  # one of TRENDS
    grade: str  # one of GRADES

    def explain(self) -> str:
        """The score in English words (the web layer words it in the user's language)."""
        if self.grade == "no_history":
            return f"Not enough history: {self.due} instalment(s) due in the period."
        share = round(100 * self.share_late)
        text = f"{self.late} of {self.due} instalments paid late ({share} %)"
        if self.late:
            average = round(self.average_days_late)
            text += f", on average {average} days late; longest delay {self.longest_delay} days"
        trend = {
            "better": "paying on time more often than before",
            "worse": "paying late more often than before",
            "steady": "as in the previous months",
            "unknown": "too few instalments to see a trend",
        }[self.trend]
        return f"{text}; {trend}."


def payment_score(frame: pl.DataFrame, as_of: date, *, window_days: int = 365) -> PaymentScore:
    """The score of the instalments in ``frame`` (one client's; columns as in ``aging``)."""
    start = as_of - timedelta(days=window_days)
    due = frame.filter(
        (pl.col("issue_date") <= as_of)
        & (pl.col("due_date") <= as_of)
        & (pl.col("due_date") > start)
    )
    paid = pl.col("paid_date").is_not_null() & (pl.col("paid_date") <= as_of)
    settled = pl.when(paid).then(pl.col("paid_date")).otherwise(pl.lit(as_of))
    due = due.with_columns(
        days_late=(settled - pl.col("due_date")).dt.total_days().clip(lower_bound=0)
    )
    days = due["days_late"].to_list()
    late = [d for d in days if d > 0]
    count = len(days)
    share = Fraction(len(late), count) if count else Fraction(0)
    average = Fraction(sum(late), len(late)) if late else Fraction(0)
    longest = max(days, default=0)
    middle = as_of - timedelta(days=window_days // 2)
    older = due.filter(pl.col("due_date") <= middle)["days_late"].to_list()
    recent = due.filter(pl.col("due_date") > middle)["days_late"].to_list()
    return PaymentScore(
        due=count,
        late=len(late),
        share_late=share,
        average_days_late=average,
        longest_delay=int(longest),
        trend=_trend(older, recent),
        grade=_grade(count, share, average, int(longest)),
    )


def _trend(older: list[int], recent: list[int]) -> str:
    if len(older) < MIN_INSTALMENTS or len(recent) < MIN_INSTALMENTS:
        return "unknown"
    before = Fraction(sum(1 for d in older if d > 0), len(older))
    now = Fraction(sum(1 for d in recent if d > 0), len(recent))
    if now - before > Fraction(1, 10):
        return "worse"
    if before - now > Fraction(1, 10):
        return "better"
    return "steady"


def _grade(count: int, share: Fraction, average: Fraction, longest: int) -> str:
    if count < MIN_INSTALMENTS:
        return "no_history"
    if longest > 90 or share > Fraction(1, 2):
        return "risk"
    if share > Fraction(1, 5) or average > 15:
        return "watch"
    return "good"
