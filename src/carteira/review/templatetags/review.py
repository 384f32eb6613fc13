"""How the review writes a change and names a figure.

An arrow says which way a figure went (▲ up, ▼ down, = unchanged) and its colour whether
that is good or bad for the indicator: churn going up is a red ▲, revenue going up a
green ▲. A measured value is named for what it measures ("Churn rate"), never for the
goal set on it ("Churn ceiling")."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carteira.goals.measure import CEILINGS
from carteira.goals.models import Goal

register = template.Library()

# What a value of an indicator is called when it is a reading, not a goal.
MEASURES = {"churn_rate": gettext_lazy("Churn rate")}


@register.filter
def measure_name(indicator: str) -> str:
    """The name of what ``indicator`` measures: "Churn rate", not the goal's "Churn ceiling"."""
    if indicator in MEASURES:
        return str(MEASURES[indicator])
    return str(Goal.Indicator(indicator).label)


@register.filter
def goal_word(indicator: str) -> str:
    """How a target reads beside a value: a ceiling for churn, a goal for the rest."""
    return _("ceiling") if indicator in CEILINGS else _("goal")


def direction(now, before) -> str | None:
    """ "up", "down", "same", or None when either reading is missing."""
    if now is None or before is None:
        return None
    if now == before:
        return "same"
    return "up" if now > before else "down"


ARROWS = {"up": "▲", "down": "▼", "same": "="}


@register.simple_tag
def trend_arrow(row) -> str:
    """The arrow of an indicator row (``review.selectors.IndicatorRow``): direction from
    the previous period to this one, coloured by ``row.better`` (good, bad or neutral)."""
    way = direction(row.now, row.before)
    if way is None:
        return ""
    verdict = {True: "good", False: "bad"}.get(row.better, "neutral")
    words = {
        ("up", "good"): _("up, better"),
        ("up", "bad"): _("up, worse"),
        ("down", "good"): _("down, better"),
        ("down", "bad"): _("down, worse"),
    }.get((way, verdict), _("unchanged"))
    return format_html(
        '<span class="trend trend-{} {}" title="{}" role="img" aria-label="{}">{}</span>',
        way, verdict, words, words, ARROWS[way],
    )  # fmt: skip
