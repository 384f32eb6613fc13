"""``carteira manage cycle_report``: what cycle mode would change against fixed thresholds.

Reads the workspace at ``--as-of`` with the rules in force twice, once in fixed mode and
once in cycle mode (every other rule the same), and reports:

- the clients whose status differs between the two readings;
- for clients who stopped buying (last purchase 15 to 120 days ago, at least 4 purchases
  in the year up to that last purchase), on which day after their last purchase each mode
  first stops calling them active (fixed: ``active_days + 1``; cycle: the client's own
  active threshold + 1, as read at ``--as-of``) and how many days earlier cycle mode does
  it, by buying rhythm (median days between purchase days, as cycle mode measures it);
- how many clients cycle mode flags today that fixed mode still calls active.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import statistics
import sys
from collections import Counter

import polars as pl
from django.core.management.base import BaseCommand

from carteira.portfolio import engine_input
from carteira.portfolio.management.commands._dates import parse_as_of
from carteira.portfolio.rules_store import current_rules
from carteira_core.engine import PortfolioInput, read_portfolio
from carteira_core.engine.rhythm import purchase_rhythm
from carteira_core.rules import PortfolioRules

STOPPED_MIN_DAYS, STOPPED_MAX_DAYS = 15, 120
STOPPED_MIN_PURCHASES = 4  # in the year up to the last purchase
BUCKETS = (("semanal", 10), ("quinzenal", 21), ("mensal", 45), ("mais longo", None))
SHOWN_CLIENTS = 20


def _both_modes(rules: PortfolioRules) -> tuple[PortfolioRules, PortfolioRules]:
    fixed = dataclasses.replace(rules.lifecycle, mode="fixed")
    cycle = dataclasses.replace(rules.lifecycle, mode="cycle")
    return (
        dataclasses.replace(rules, lifecycle=fixed),
        dataclasses.replace(rules, lifecycle=cycle),
    )


def bucket(gap: float | None) -> str:
    if gap is None:
        return "sem ritmo"
    for name, limit in BUCKETS:
        if limit is None or gap <= limit:
            return name
    raise AssertionError  # pragma: no cover


def _purchase_facts(data: PortfolioInput, as_of: dt.date, rules: PortfolioRules) -> dict:
    """Per client: purchases in the year up to its last purchase, and its rhythm (the
    engine's median gap between distinct purchase days in the cycle lookback window, as
    cycle mode measures it), or None."""
    rows = purchase_rhythm(data, as_of, rules).iter_rows(named=True)
    return {
        row["client_id"]: {
            "purchases_prior_year": row["purchases_prior_year"],
            "rhythm_days": _whole(row["rhythm_days"]),
        }
        for row in rows
    }


def _whole(days: float | None) -> float | int | None:
    """7.0 → 7: a median of whole days reads as one unless it falls between two."""
    return int(days) if days is not None and days.is_integer() else days


def _spread(values: list[int]) -> dict:
    if not values:
        return {"median": None, "min": None, "p25": None, "p75": None, "max": None}
    ordered = sorted(values)
    quartiles = statistics.quantiles(ordered, n=4) if len(ordered) > 1 else [ordered[0]] * 3
    return {
        "median": statistics.median(ordered),
        "min": ordered[0],
        "p25": quartiles[0],
        "p75": quartiles[2],
        "max": ordered[-1],
    }


def _decimal(value) -> str:
    return format(value.normalize(), "f")


def compare(data: PortfolioInput, as_of: dt.date, rules: PortfolioRules) -> dict:
    """The cycle-versus-fixed comparison of one portfolio at ``as_of`` (JSON-ready)."""
    fixed_rules, cycle_rules = _both_modes(rules)
    fixed = read_portfolio(data, as_of, fixed_rules).clients
    cycle = read_portfolio(data, as_of, cycle_rules).clients
    both = fixed.select(
        "client_id", "external_id", "name", "days_since_last_purchase",
        pl.col("status").alias("fixed"),
    ).join(
        cycle.select(
            "client_id", pl.col("status").alias("cycle"),
            pl.col("active_threshold_days").alias("cycle_active_days"),
            pl.col("inactive_threshold_days").alias("cycle_inactive_days"),
        ),
        on="client_id",
    ).sort("external_id")  # fmt: skip
    differ = both.filter(pl.col("fixed") != pl.col("cycle"))
    transitions = Counter(zip(differ["fixed"], differ["cycle"], strict=True))

    active_days = fixed_rules.lifecycle.active_days
    facts = _purchase_facts(data, as_of, rules)
    stopped = []
    for row in both.iter_rows(named=True):
        d = row["days_since_last_purchase"]
        fact = facts.get(row["client_id"])
        if d is None or fact is None or not STOPPED_MIN_DAYS <= d <= STOPPED_MAX_DAYS:
            continue
        if fact["purchases_prior_year"] < STOPPED_MIN_PURCHASES:
            continue
        fixed_day, cycle_day = active_days + 1, row["cycle_active_days"] + 1
        stopped.append(
            {
                "external_id": row["external_id"],
                "days_since_last_purchase": d,
                "rhythm_days": fact["rhythm_days"],
                "rhythm": bucket(fact["rhythm_days"]),
                "fixed_flags_on_day": fixed_day,
                "cycle_flags_on_day": cycle_day,
                "days_earlier": fixed_day - cycle_day,
                "fixed_status": row["fixed"],
                "cycle_status": row["cycle"],
            }
        )
    buckets = []
    for name in (*(b[0] for b in BUCKETS), "sem ritmo"):
        members = [s["days_earlier"] for s in stopped if s["rhythm"] == name]
        if members or name != "sem ritmo":
            buckets.append({"rhythm": name, "clients": len(members), **_spread(members)})
    flagged = both.filter((pl.col("fixed") == "active") & (pl.col("cycle") != "active"))
    lc = rules.lifecycle
    return {
        "as_of": as_of.isoformat(),
        "rules": {
            "active_days": lc.active_days,
            "inactive_days": lc.inactive_days,
            "cycle_lookback_days": lc.cycle_lookback_days,
            "cycle_min_purchases": lc.cycle_min_purchases,
            "cycle_active_factor": _decimal(lc.cycle_active_factor),
            "cycle_inactive_factor": _decimal(lc.cycle_inactive_factor),
            "cycle_floor_days": lc.cycle_floor_days,
        },
        "clients": both.height,
        "status_differs": {
            "clients": differ.height,
            "by_change": [
                {"fixed": f, "cycle": c, "clients": n}
                for (f, c), n in sorted(transitions.items(), key=lambda item: -item[1])
            ],
            "rows": differ.select(
                "external_id",
                "name",
                "days_since_last_purchase",
                "fixed",
                "cycle",
                "cycle_active_days",
                "cycle_inactive_days",
            ).to_dicts(),
        },
        "flagged_by_cycle_still_active_in_fixed": flagged.height,
        "stopped_buyers": {
            "criteria": {
                "days_since_last_purchase": [STOPPED_MIN_DAYS, STOPPED_MAX_DAYS],
                "min_purchases_in_prior_year": STOPPED_MIN_PURCHASES,
            },
            "clients": len(stopped),
            **{
                f"{k}_days_earlier": v
                for k, v in _spread([s["days_earlier"] for s in stopped]).items()
            },
            "by_rhythm": buckets,
            "rows": stopped,
        },
    }


STATUS_PT = {
    "prospect": "prospect",
    "active": "ativo",
    "pre_inactive": "pré-inativo",
    "inactivated": "inativado",
    "inactive": "inativo",
}


def _table(headings: list[str], rows: list[list]) -> str:
    cells = [headings, *[["—" if v is None else str(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headings))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def _number(value) -> str | None:
    if value is None:
        return None
    return f"{value:g}" if isinstance(value, float) else str(value)


def as_text(report: dict) -> str:
    r, stopped, differs = report["rules"], report["stopped_buyers"], report["status_differs"]
    out = [
        f"Modo ciclo x modo fixo em {report['as_of']} ({report['clients']} clientes)",
        f"Fixo: ativo até {r['active_days']} dias. Ciclo: ativo até {r['cycle_active_factor']}"
        f" × ritmo (mín. {r['cycle_floor_days']}, máx. {r['active_days']} dias), com ao menos "
        f"{r['cycle_min_purchases']} dias de compra em {r['cycle_lookback_days']} dias.",
        "",
        f"Clientes com status diferente: {differs['clients']}",
    ]
    if differs["by_change"]:
        out.append(_table(
            ["status no modo fixo", "status no modo ciclo", "clientes"],
            [[STATUS_PT[c["fixed"]], STATUS_PT[c["cycle"]], c["clients"]]
             for c in differs["by_change"]],
        ))  # fmt: skip
    out += [
        "",
        "Sinalizados hoje pelo modo ciclo e ainda ativos no modo fixo: "
        f"{report['flagged_by_cycle_still_active_in_fixed']}",
        "",
        f"Clientes que pararam de comprar (última compra há {STOPPED_MIN_DAYS}–"
        f"{STOPPED_MAX_DAYS} dias, ao menos {STOPPED_MIN_PURCHASES} compras no ano anterior): "
        f"{stopped['clients']}",
        f"Dias de antecedência do modo ciclo (mediana): {_number(stopped['median_days_earlier'])}",
        _table(
            ["ritmo", "clientes", "mediana", "mín.", "p25", "p75", "máx."],
            [[b["rhythm"], b["clients"], *map(_number, (b["median"], b["min"], b["p25"],
              b["p75"], b["max"]))] for b in stopped["by_rhythm"]],
        ),
    ]  # fmt: skip
    if differs["rows"]:
        shown = differs["rows"][:SHOWN_CLIENTS]
        out += ["", f"Clientes com status diferente (primeiros {len(shown)}):"]
        out.append(_table(
            ["cliente", "dias sem comprar", "fixo", "ciclo", "limite ativo (ciclo)"],
            [[c["external_id"], c["days_since_last_purchase"], STATUS_PT[c["fixed"]],
              STATUS_PT[c["cycle"]], c["cycle_active_days"]] for c in shown],
        ))  # fmt: skip
    return "\n".join(out) + "\n"


class Command(BaseCommand):
    help = "Compare cycle mode with fixed thresholds on the current data (changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD (default today)")
        parser.add_argument("--format", default="table", choices=["table", "json"])

    def handle(self, *args, as_of=None, format="table", **options):
        day = parse_as_of(as_of)
        with engine_input.adbc_on_sqlite():
            data = engine_input.load_input(day)
        report = compare(data, day, current_rules())
        if format == "json":
            sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(as_text(report))
