"""The funnel's measures, one selector for the page, ``carteira report funnel`` and the API.

Over a window ``start``..``end`` (both included), for the leads a user may see:

- *leads*: leads created in the window;
- per stage: *entered* = leads that entered it in the window (its history), *now* = leads
  in it today, *conversion* = of those that entered it in the window, the share that
  reached a later open or won stage by ``end`` (for open stages), *days* = the average
  days a lead spent in it before moving on (moves in the window);
- *won* / *lost* = leads that entered a won / lost stage in the window, lost by reason;
- *CAC* (the rules' definition, docs: portfolio-rules): acquisition spend whose period
  starts in the window / new clients in the window (first purchase ever in it). By
  channel, the new clients counted are those whose lead came from that source; by seller,
  the spend attributed to the seller over the new clients of their won leads;
- *LTV/CAC*: the historical LTV of the latest official reading by ``end`` over the CAC.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Min, QuerySet, Sum

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to, sellers_visible_to
from carteira.leads.access import leads_visible_to
from carteira.leads.models import AcquisitionSpend, Lead, Source, StageChange
from carteira.leads.stages import funnel_stages
from carteira.orders.models import Order
from carteira.portfolio.models import GroupSnapshot
from carteira.portfolio.selectors import latest_official_run

BY_CHOICES = ("seller", "source", "stage")
CENTS = Decimal("0.01")


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _money(value: Decimal | int | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENTS)


def _stage_rows(leads: QuerySet[Lead], start: dt.date, end: dt.date) -> list[dict]:
    stages = funnel_stages()
    position = {s.key: i for i, s in enumerate(stages)}
    outcome = {s.key: s.outcome for s in stages}
    history = StageChange.objects.filter(lead__in=leads.values("pk"), on__lte=end)
    paths: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for lead_id, key, on in history.order_by("lead_id", "on", "pk").values_list(
        "lead_id", "stage", "on"
    ):
        paths[lead_id].append((on, key))
    entered: dict[str, set[int]] = defaultdict(set)
    advanced: dict[str, set[int]] = defaultdict(set)
    days: dict[str, list[int]] = defaultdict(list)
    for lead_id, path in paths.items():
        for i, (on, key) in enumerate(path):
            if start <= on:
                entered[key].add(lead_id)
            later = [k for _, k in path[i + 1 :] if outcome.get(k) != "lost"]
            if start <= on and any(position.get(k, -1) > position.get(key, -1) for k in later):
                advanced[key].add(lead_id)
            if i + 1 < len(path) and start <= path[i + 1][0]:
                days[key].append((path[i + 1][0] - on).days)
    now = Counter(leads.values_list("stage", flat=True))
    return [
        {
            "stage": s.key,
            "label": str(s),
            "outcome": s.outcome,
            "entered": len(entered[s.key]),
            "now": now[s.key],
            "conversion": _ratio(len(advanced[s.key]), len(entered[s.key]))
            if s.outcome == "open"
            else None,
            "days": round(sum(days[s.key]) / len(days[s.key]), 1) if days[s.key] else None,
        }
        for s in stages
    ]


def _lost_by_reason(leads: QuerySet[Lead], start: dt.date, end: dt.date, lost: set[str]):
    moved = StageChange.objects.filter(lead__in=leads.values("pk"), stage__in=lost,
                                       on__range=(start, end))  # fmt: skip
    reasons = Counter(
        Lead.objects.filter(pk__in=moved.values("lead_id")).values_list(
            "loss_reason__name", flat=True
        )
    )
    return [{"reason": name or "—", "count": n}
            for name, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0] or ""))]  # fmt: skip


def new_clients(client_ids, start: dt.date, end: dt.date) -> set[int]:
    """Clients whose first purchase ever (a valid order with amount > 0) is in the window:
    the rules' "new clients"."""
    purchases = Order.objects.filter(status=Order.Status.VALID, amount__gt=0)
    if client_ids is not None:
        purchases = purchases.filter(client_id__in=client_ids)
    firsts = purchases.values("client_id").annotate(first=Min("date"))
    return {row["client_id"] for row in firsts if start <= row["first"] <= end}


def _spend(spend: QuerySet[AcquisitionSpend], **where) -> Decimal:
    return spend.filter(**where).aggregate(total=Sum("amount"))["total"] or Decimal(0)


def historical_ltv(end: dt.date) -> Decimal | None:
    """The whole portfolio's historical LTV in the latest official reading by ``end``."""
    run = latest_official_run(end)
    group = GroupSnapshot.objects.filter(run=run, by="").first() if run else None
    cents = group.figures.get("ltv") if group else None
    return None if cents is None else (Decimal(str(cents)) / 100).quantize(CENTS)


def acquisition(
    leads: QuerySet[Lead], client_ids, start: dt.date, end: dt.date, *, seller_ids
) -> dict:
    """CAC overall, by channel and by seller (see the module's docstring). ``seller_ids``
    None: the company's spend; otherwise only the spend attributed to those sellers."""
    new = new_clients(client_ids, start, end)
    spend_in = AcquisitionSpend.objects.filter(period_start__range=(start, end))
    if seller_ids is not None:
        spend_in = spend_in.filter(seller_id__in=seller_ids)
    sources = dict(
        Lead.objects.filter(client_id__in=new).values_list("client_id", "source")
    )  # fmt: skip
    owners = dict(
        leads.filter(client_id__in=new, seller__isnull=False).values_list(
            "client_id", "seller__name"
        )
    )
    total = _spend(spend_in)
    ltv = historical_ltv(end) if seller_ids is None else None
    cac = _money(total / len(new)) if total and new else None
    by_channel = []
    for key, label in Source.choices:
        spend = _spend(spend_in, channel=key)
        won = sum(1 for source in sources.values() if source == key)
        by_channel.append({"channel": key, "label": str(label), "spend": _money(spend),
                           "new_clients": won,
                           "cac": _money(spend / won) if won else None})  # fmt: skip
    by_seller = []
    spent = spend_in.filter(seller__isnull=False).values_list("seller__name")
    spent_by = dict(spent.annotate(total=Sum("amount")))
    for name in sorted(set(owners.values()) | set(spent_by)):
        won = sum(1 for owner in owners.values() if owner == name)
        spend = spent_by.get(name, Decimal(0))
        by_seller.append({"seller": name, "spend": _money(spend), "new_clients": won,
                          "cac": _money(spend / won) if won and spend else None})  # fmt: skip
    return {
        "spend": _money(total),
        "new_clients": len(new),
        "from_leads": len(sources),
        "cac": cac,
        "ltv": ltv,
        "ltv_cac": round(ltv / cac, 2) if ltv is not None and cac else None,
        "by_channel": by_channel,
        "by_seller": by_seller,
    }


def _groups(leads: QuerySet[Lead], by: str, start: dt.date, end: dt.date, won, lost):
    field = {"seller": "seller__name", "source": "source"}[by]
    labels = dict(Source.choices) if by == "source" else {}
    moved = StageChange.objects.filter(lead__in=leads.values("pk"), on__range=(start, end))
    won_ids = set(moved.filter(stage__in=won).values_list("lead_id", flat=True))
    lost_ids = set(moved.filter(stage__in=lost).values_list("lead_id", flat=True))
    rows: dict[str, dict] = {}
    for pk, key, created in leads.values_list("pk", field, "created_date"):
        key = key or ""
        row = rows.setdefault(key, {"key": key, "label": str(labels.get(key, key or "—")),
                                    "leads": 0, "won": 0, "lost": 0})  # fmt: skip
        row["leads"] += start <= created <= end
        row["won"] += pk in won_ids
        row["lost"] += pk in lost_ids
    for row in rows.values():
        row["win_rate"] = _ratio(row["won"], row["won"] + row["lost"])
    return sorted(rows.values(), key=lambda r: (-r["leads"], r["label"]))


def funnel_report(
    leads: QuerySet[Lead],
    *,
    start: dt.date,
    end: dt.date,
    by: str | None = None,
    client_ids=None,
    seller_ids=None,
) -> dict:
    """The funnel of ``leads`` over ``start``..``end``. ``client_ids``: the clients the
    reader sees (None: all), for the new clients of CAC; ``seller_ids``: the sellers whose
    attributed spend counts (None: all the company's spend, and the LTV)."""
    stages = _stage_rows(leads, start, end)
    won = {s["stage"] for s in stages if s["outcome"] == "won"}
    lost = {s["stage"] for s in stages if s["outcome"] == "lost"}
    report = {
        "from": start,
        "to": end,
        "leads": leads.filter(created_date__range=(start, end)).count(),
        "stages": stages,
        "won": sum(s["entered"] for s in stages if s["stage"] in won),
        "lost": sum(s["entered"] for s in stages if s["stage"] in lost),
        "lost_by_reason": _lost_by_reason(leads, start, end, lost),
        "acquisition": acquisition(leads, client_ids, start, end, seller_ids=seller_ids),
    }
    report["win_rate"] = _ratio(report["won"], report["won"] + report["lost"])
    if by in ("seller", "source"):
        report["by"] = by
        report["groups"] = _groups(leads, by, start, end, won, lost)
    return report


def funnel_for(user: User, *, start: dt.date, end: dt.date, by: str | None = None) -> dict:
    """The funnel of the leads ``user`` may see; the central team reads the company's
    spend and LTV, a manager or seller the spend attributed to the sellers they see."""
    if user.sees_whole_portfolio:
        return funnel_report(leads_visible_to(user), start=start, end=end, by=by)
    sellers = list(sellers_visible_to(user).values_list("pk", flat=True))
    return funnel_report(leads_visible_to(user), start=start, end=end, by=by,
                         client_ids=clients_visible_to(user).values("pk"),
                         seller_ids=sellers)  # fmt: skip
