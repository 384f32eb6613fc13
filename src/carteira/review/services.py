"""Recording and following up review decisions."""

from __future__ import annotations

from carteira.accounts.models import User
from carteira.audit.services import do_record
from carteira.goals.periods import Period
from carteira.review.models import Decision


def do_record_decision(*, period: Period, by: User, **fields) -> Decision:
    decision = Decision.objects.create(period_start=period.start, period_end=period.end,
                                       created_by=by, **fields)  # fmt: skip
    do_record("review.decision_recorded", actor=by, obj=decision, period=period.key)
    return decision


def do_follow_up_decision(decision: Decision, *, by: User, status: str, follow_up: str) -> None:
    decision.status = status
    decision.follow_up = follow_up
    decision.save(update_fields=["status", "follow_up", "updated_at"])
    do_record("review.decision_followed_up", actor=by, obj=decision, status=status)
