"""A deliberately naive reading of docs/spec/portfolio-rules.md: one client at a time,
plain Python, exact fractions. Slow and obvious on purpose: the engine must agree with it."""

from __future__ import annotations

import itertools
import math
from datetime import date, timedelta
from fractions import Fraction

from carteira_core.engine import PortfolioInput
from carteira_core.rules import LifecycleRules, PortfolioRules


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def valid_orders(data: PortfolioInput, as_of: date) -> list[dict]:
    known = set(data.clients["client_id"].to_list())
    return [
        o
        for o in data.orders.iter_rows(named=True)
        if not o["cancelled"]
        and o["date"] is not None
        and o["amount_cents"] is not None
        and o["date"] <= as_of
        and o["client_id"] in known
    ]


def thresholds(purchase_days: list[date], t: date, lc: LifecycleRules) -> tuple[int, int]:
    if lc.mode != "cycle":
        return lc.active_days, lc.inactive_days
    days = sorted({d for d in purchase_days if t - _days(lc.cycle_lookback_days) < d <= t})
    if len(days) < lc.cycle_min_purchases:
        return lc.active_days, lc.inactive_days
    gaps = sorted((b - a).days for a, b in itertools.pairwise(days))
    m = len(gaps)
    median = Fraction(gaps[(m - 1) // 2] + gaps[m // 2], 2)
    active = math.ceil(Fraction(lc.cycle_active_factor) * median)
    active = min(lc.active_days, max(lc.cycle_floor_days, active))
    inactive = math.ceil(Fraction(lc.cycle_inactive_factor) * median)
    inactive = min(lc.inactive_days, max(active, inactive))
    return active, inactive


def status_at(purchase_days: list[date], t: date, lc: LifecycleRules) -> str:
    before = [d for d in purchase_days if d <= t]
    if not before:
        return "prospect"
    d = (t - max(before)).days
    frequency = sum(1 for p in before if t - _days(lc.frequency_window_days) < p)
    active, inactive = thresholds(before, t, lc)
    if d <= active and frequency >= lc.min_purchases:
        return "active"
    if d <= inactive:
        return "pre_inactive"
    if d <= inactive + lc.period_days:
        return "inactivated"
    return "inactive"


def seller_at(data: PortfolioInput, client_id: int, t: date) -> int | None:
    rows = [a for a in data.assignments.iter_rows(named=True) if a["client_id"] == client_id]
    if not rows:
        return None
    if all(a["start_date"] is not None for a in rows):
        first = min(a["start_date"] for a in rows)
        rows = [{**a, "start_date": None} if a["start_date"] == first else a for a in rows]
    in_force = [
        a
        for a in rows
        if (a["start_date"] is None or a["start_date"] <= t)
        and (a["end_date"] is None or t < a["end_date"])
    ]
    if not in_force:
        return None
    best = max(in_force, key=lambda a: (a["start_date"] or date.min, a["seller_id"]))
    return best["seller_id"]


def read(
    data: PortfolioInput, t: date, rules: PortfolioRules, window_days: int | None = None
) -> dict[int, dict]:
    """Every client at ``t``; the period is the last ``window_days`` days (default the
    rules' ``period_days``) and its eve decides the previous status."""
    lc, abc_rules = rules.lifecycle, rules.abc
    t0 = t - _days(window_days or lc.period_days)
    orders = valid_orders(data, t)
    teams = {s["seller_id"]: s for s in data.sellers.iter_rows(named=True)}
    result: dict[int, dict] = {}
    for c in data.clients.iter_rows(named=True):
        mine = [o for o in orders if o["client_id"] == c["client_id"]]
        purchases = [o["date"] for o in mine if o["amount_cents"] > 0]
        status = status_at(purchases, t, lc)
        previous = status_at(purchases, t0, lc)
        in_abc = [o for o in mine if t - _days(abc_rules.window_days) < o["date"]]
        in_period = [o for o in mine if t0 < o["date"]]
        bought_in_period = sum(1 for o in in_period if o["amount_cents"] > 0)
        contacted = any(
            i["client_id"] == c["client_id"]
            and i["successful"]
            and i["date"] is not None
            and t0 < i["date"] <= t
            for i in data.interactions.iter_rows(named=True)
        )
        seller = seller_at(data, c["client_id"], t)
        customer = status != "prospect"
        last = max(purchases) if purchases else None
        row = {
            "client_id": c["client_id"],
            "external_id": c["external_id"],
            "seller_id": seller,
            "seller_external_id": teams[seller]["external_id"] if seller in teams else None,
            "team_id": teams[seller]["team_id"] if seller in teams else None,
            "segment": c["segment"],
            "region": c["region"],
            "status": status,
            "status_previous": previous,
            "in_portfolio": customer or rules.indicators.include_prospects,
            "days_since_last_purchase": (t - last).days if last else None,
            "last_purchase_date": last,
            "first_purchase_date": min(purchases) if purchases else None,
            "purchases_in_frequency_window": sum(
                1 for p in purchases if t - _days(lc.frequency_window_days) < p
            ),
            "revenue_in_abc_window_cents": sum(o["amount_cents"] for o in in_abc),
            "margin_in_abc_window_cents": sum(o["margin_cents"] or 0 for o in in_abc),
            "revenue_period_cents": sum(o["amount_cents"] for o in in_period),
            "purchases_period": bought_in_period,
            "positivated": bought_in_period > 0,
            "covered": contacted
            or (rules.indicators.purchase_counts_as_contact and bought_in_period > 0),
            "is_new": customer and previous == "prospect",
            "converted": previous == "prospect" and customer,
            "is_reactivated": bought_in_period > 0 and previous in ("inactivated", "inactive"),
            "active_threshold_days": thresholds(purchases, t, lc)[0],
            "inactive_threshold_days": thresholds(purchases, t, lc)[1],
        }
        at_risk = status in ("pre_inactive", "inactivated")
        row["revenue_at_risk_cents"] = row["revenue_in_abc_window_cents"] if at_risk else 0
        result[c["client_id"]] = row
    _abc(result, rules)
    _rfm(result)
    return result


def _abc(rows: dict[int, dict], rules: PortfolioRules) -> None:
    key = (
        "revenue_in_abc_window_cents"
        if rules.abc.basis == "revenue"
        else "margin_in_abc_window_cents"
    )
    customers = [r for r in rows.values() if r["status"] != "prospect"]
    ranked = sorted(customers, key=lambda r: (-r[key], r["external_id"]))
    total = sum(r[key] for r in customers if r[key] > 0)
    a = Fraction(rules.abc.a_share)
    ab = a + Fraction(rules.abc.b_share)
    before = 0
    for r in rows.values():
        r["abc"] = None
    for r in ranked:
        if r[key] <= 0:
            r["abc"] = "C"
        elif Fraction(before, total) < a:
            r["abc"] = "A"
        elif Fraction(before, total) < ab:
            r["abc"] = "B"
        else:
            r["abc"] = "C"
        before += r[key]


def _score(value: int, population: list[int]) -> int:
    below = sum(1 for v in population if v < value)
    return 1 + (5 * below) // len(population)


def _rfm(rows: dict[int, dict]) -> None:
    customers = [r for r in rows.values() if r["status"] != "prospect"]
    recency = [-r["days_since_last_purchase"] for r in customers]
    frequency = [r["purchases_in_frequency_window"] for r in customers]
    money = [r["revenue_in_abc_window_cents"] for r in customers]
    for r in rows.values():
        if r["status"] == "prospect":
            r.update(r_score=None, f_score=None, m_score=None, rfm=None)
            continue
        r["r_score"] = _score(-r["days_since_last_purchase"], recency)
        r["f_score"] = _score(r["purchases_in_frequency_window"], frequency)
        r["m_score"] = _score(r["revenue_in_abc_window_cents"], money)
        r["rfm"] = f"{r['r_score']}{r['f_score']}{r['m_score']}"


def _ratio(numerator: int, denominator: int) -> float | None:
    return float(Fraction(numerator, denominator)) if denominator else None


def kpis(
    rows: list[dict],
    rules: PortfolioRules,
    spend: int | None = None,
    window_days: int | None = None,
) -> dict:
    """KPIs of one group of client rows (from ``read`` with the same ``window_days``)."""
    portfolio = [r for r in rows if r["in_portfolio"]]
    revenue = sum(r["revenue_period_cents"] for r in portfolio)
    purchases = sum(r["purchases_period"] for r in portfolio)
    base = [r for r in rows if r["status_previous"] in ("active", "pre_inactive")]
    # the spec: inactivated at T; a window longer than period_days also counts those lost
    # early in it, inactive by T (ADR 12)
    window = window_days or rules.lifecycle.period_days
    long_window = window > rules.lifecycle.period_days
    lost_at_t = ("inactivated", "inactive") if long_window else ("inactivated",)
    churned = [r for r in base if r["status"] in lost_at_t]
    lost = [r for r in rows if r["status_previous"] in ("inactivated", "inactive")]
    reactivated = [r for r in rows if r["is_reactivated"]]
    prospects = [r for r in rows if r["status_previous"] == "prospect"]
    new = [r for r in rows if r["is_new"]]
    key = (
        "revenue_in_abc_window_cents"
        if rules.abc.basis == "revenue"
        else "margin_in_abc_window_cents"
    )
    ltv = None
    if portfolio and churned:
        yearly_value = Fraction(sum(r[key] for r in portfolio), len(portfolio)) * Fraction(
            365, rules.abc.window_days
        )
        yearly_churn = Fraction(len(churned), len(base)) * Fraction(
            365, window_days or rules.lifecycle.period_days
        )
        ltv = float(yearly_value / yearly_churn)
    return {
        "portfolio": len(portfolio),
        "positivation": _ratio(sum(1 for r in portfolio if r["positivated"]), len(portfolio)),
        "coverage": _ratio(sum(1 for r in portfolio if r["covered"]), len(portfolio)),
        "average_ticket": _ratio(revenue, purchases),
        "churn_rate": _ratio(len(churned), len(base)),
        "reactivated": len(reactivated),
        "reactivation_rate": _ratio(len(reactivated), len(lost)),
        "new_clients": len(new),
        "conversion_rate": _ratio(sum(1 for r in new if r["converted"]), len(prospects)),
        "revenue": revenue,
        "purchases": purchases,
        "ltv": ltv,
        "cac": _ratio(spend, len(new)) if spend is not None else None,
    }
