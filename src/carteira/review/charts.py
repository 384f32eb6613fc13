"""The review's charts, drawn as SVG on the server (the same on the page and in the PDF)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from carteira.goals.charts import Series, bar_chart, line_chart
from carteira.web import formats


def _percent(value: float) -> str:
    return formats.percent(Decimal(str(value)) / 100, 0)


def _money(value: float) -> str:
    return formats.money(Decimal(str(round(value))))


def _as_float(value) -> float | None:
    return None if value is None else float(value)


def review_charts(data: dict) -> dict:
    labels, trend = data["trend"]
    teams = data["teams"]
    names = [team.scope.label for team in teams]

    def team_value(team, indicator):
        row = next(r for r in team.indicators if r.indicator == indicator)
        return row

    revenue = [team_value(t, "revenue") for t in teams]
    charts = {
        "trend": line_chart(
            labels,
            [
                Series(_("Positivation"), trend["positivation"]),
                Series(_("Coverage"), trend["coverage"]),
            ],
            title=_("Positivation and coverage, last 6 months (%)"),
            fmt=_percent,
        ),
        "revenue": bar_chart(
            names,
            [
                Series(data["previous_period"].label, [_as_float(r.before) for r in revenue]),
                Series(data["period"].label, [_as_float(r.now) for r in revenue]),
            ],
            title=_("Revenue by team: this period and the previous one"),
            fmt=_money,
        ),
    }
    attainment = []
    for team in teams:
        values = [
            float(p.attainment) for _, p in team.right + team.wrong if p.attainment is not None
        ]
        attainment.append(100 * sum(values) / len(values) if values else None)
    if any(v is not None for v in attainment):
        charts["attainment"] = bar_chart(
            names,
            [Series(_("Goal attainment"), attainment)],
            title=_("Average goal attainment by team (%)"),
            fmt=_percent,
            goal_line=100.0,
        )
    return charts
