"""The review's summary: the few figures read first, taken from the review's own data
(``selectors.review``), so the summary and the sections below it never disagree."""

from __future__ import annotations

HEADLINE = ("revenue", "positivation", "coverage", "churn_rate")


def review_summary(data: dict) -> dict:
    rows = {row.indicator: row for row in data["indicators"]}
    company = [row.progress for row in data["indicators"] if row.progress is not None]
    met = sum(1 for p in company if p.met is True)
    missed = sum(1 for p in company if p.met is False)
    for team in data["teams"]:
        met += len(team.right)
        missed += len(team.wrong)
    return {
        "headline": [rows[key] for key in HEADLINE if key in rows],
        "goals_met": met,
        "goals_missed": missed,
        "lost": data["losses"]["total"],
        "risk_total": data["risk_total"],
        "execution": data["execution"],
    }
