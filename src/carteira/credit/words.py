"""Credit figures in the user's language: bucket names for the rules' bounds, and the
payment-history score in a sentence (the core's ``PaymentScore.explain`` is English)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from carteira.web.formats import money, percent
from carteira_core.credit import PaymentScore, SuggestedLimit
from carteira_core.rules import CreditRules

GRADES = {
    "good": gettext_lazy("Good payer"),
    "watch": gettext_lazy("Watch"),
    "risk": gettext_lazy("Credit risk"),
    "no_history": gettext_lazy("No payment history yet"),
}
TRENDS = {
    "better": gettext_lazy("paying on time more often than in the previous six months"),
    "worse": gettext_lazy("paying late more often than in the previous six months"),
    "steady": gettext_lazy("as in the previous six months"),
    "unknown": gettext_lazy("too few instalments to see a trend"),
}


def bucket_names(rules: CreditRules) -> list[str]:
    """``Em dia``, ``1–30 dias`` … ``Mais de 180 dias`` for the rules' bounds."""
    bounds = (0, *rules.bucket_days)
    middle = [
        _("%(low)s–%(high)s days") % {"low": low + 1, "high": high}
        for low, high in itertools.pairwise(bounds)
    ]
    return [_("Current"), *middle, _("Over %(days)s days") % {"days": bounds[-1]}]


def score_sentence(score: PaymentScore) -> str:
    """``3 de 5 parcelas pagas com atraso (60 %), em média 13 dias; …``."""
    if score.grade == "no_history":
        return ngettext(
            "Only %(count)s instalment fell due in the last 12 months: too little to judge.",
            "Only %(count)s instalments fell due in the last 12 months: too little to judge.",
            score.due,
        ) % {"count": score.due}
    text = ngettext(
        "%(late)s of %(due)s instalment paid late in the last 12 months (%(share)s)",
        "%(late)s of %(due)s instalments paid late in the last 12 months (%(share)s)",
        score.due,
    ) % {"late": score.late, "due": score.due, "share": percent(score.share_late, 0)}
    if score.late:
        text += _(", on average %(average)s days late; longest delay %(longest)s days") % {
            "average": round(score.average_days_late),
            "longest": score.longest_delay,
        }
    return f"{text}; {TRENDS[score.trend]}."


def suggested_sentence(suggested: SuggestedLimit) -> str:
    """How the suggested limit was reached, or why there is none."""
    if suggested.cents is None:
        return _("No purchases in the last 12 months: nothing to base a limit on.")
    if suggested.grade == "risk":
        return _("Credit risk: no credit sale is suggested (cash or a guarantee).")
    figures = {
        "yearly": money(Decimal(suggested.yearly_cents).scaleb(-2)),
        "monthly": money(Decimal(suggested.monthly_cents).scaleb(-2)),
        "months": suggested.months,
        "factor": percent(suggested.factor, 0),
        "grade": str(GRADES[suggested.grade]).lower(),
    }
    return (
        ngettext(
            "%(yearly)s bought in the last 12 months (%(monthly)s a month) × %(months)s month"
            " × %(factor)s (%(grade)s), rounded down to the hundred.",
            "%(yearly)s bought in the last 12 months (%(monthly)s a month) × %(months)s months"
            " × %(factor)s (%(grade)s), rounded down to the hundred.",
            suggested.months,
        )
        % figures
    )
