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
- *LTV/CAC*: the historical LTV of the latest official reading by ``end`` over the CAC;
- *referrals*: the window's leads referred by clients, by referrer, their conversion (won
  by ``end``) beside the other leads', and what the clients they became bought by ``end``;
- *events*: the events held in the window, cost, leads produced, won, cost per lead and
  per won lead;
- ``by`` seller, source, team (the owner's team and region) or state: leads, won, lost.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Min, QuerySet, Sum

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to, sellers_visible_to
from carteira.clients.models import Client
from carteira.leads.access import leads_visible_to
from carteira.leads.models import AcquisitionSpend, Event, Lead, Source, StageChange
from carteira.leads.stages import funnel_stages
from carteira.orders.models import Order
from carteira.organization.models import Seller
from carteira.portfolio.models import ClientSnapshot, GroupSnapshot, SnapshotRun
from carteira.portfolio.selectors import latest_official_run

BY_CHOICES = ("seller", "source", "stage", "team", "state")
# --by team: the owner's team (its region); --by state: the lead's state.
GROUP_FIELDS = {"seller": "seller__name", "source": "source", "team": "seller__team__name",
                "state": "state"}  # fmt: skip
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
    the rules' "new clients". Read from the newest official reading on or after ``end``
    (its ``first_purchase_date`` is that first purchase through its date, so the same for
    any window ending by then: 17 s of a grouped scan of 5.86M orders at 100k clients),
    or from the orders when no reading covers ``end``."""
    run = (
        SnapshotRun.objects.filter(kind=SnapshotRun.Kind.OFFICIAL, as_of__gte=end)
        .order_by("-as_of", "-pk")
        .first()
    )
    if run is not None:
        readings = ClientSnapshot.objects.filter(run=run, first_purchase_date__range=(start, end))
        if client_ids is not None:
            readings = readings.filter(client_id__in=client_ids)
        return set(readings.values_list("client_id", flat=True))
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
    # every channel's spend in one grouped query (the dashboard's panel ran one a channel)
    spent_on = dict(spend_in.values_list("channel").annotate(total=Sum("amount")).order_by())
    for key, label in Source.choices:
        spend = spent_on.get(key) or Decimal(0)
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
    field = GROUP_FIELDS[by]
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


def _won_by(leads: QuerySet[Lead], end: dt.date, won: set[str]) -> set[int]:
    """Leads that entered a won stage by ``end``."""
    entered = StageChange.objects.filter(lead__in=leads.values("pk"), stage__in=won, on__lte=end)
    return set(entered.values_list("lead_id", flat=True))


def _revenue_by_client(client_ids: set[int], end: dt.date) -> dict[int, Decimal]:
    """Valid orders' net amount per client through ``end``."""
    orders = Order.objects.filter(client_id__in=client_ids, status=Order.Status.VALID,
                                  date__lte=end)  # fmt: skip
    return dict(orders.values_list("client_id").annotate(total=Sum("amount")))


def referrals(leads: QuerySet[Lead], start: dt.date, end: dt.date, won: set[str]) -> dict:
    """Leads referred by clients and created in the window: who referred whom, how many
    were won by ``end`` (conversion) and what the clients they became bought through
    ``end`` (valid orders); beside it, the conversion of the window's other leads."""
    cohort = leads.filter(created_date__range=(start, end))
    referred = cohort.filter(source=Source.REFERRAL)
    won_ids = _won_by(cohort, end, won)
    fields = ("pk", "name", "external_id", "client_id", "referred_by__external_id",
              "referred_by__name")  # fmt: skip
    rows = list(referred.order_by("created_date", "pk").values_list(*fields))
    revenue = _revenue_by_client({row[3] for row in rows if row[3]}, end)
    by_referrer: dict[str, dict] = {}
    for pk, name, code, client_id, by_code, by_name in rows:
        entry = by_referrer.setdefault(by_code or "", {
            "client": by_code, "name": by_name or "—", "leads": 0, "won": 0,
            "revenue": Decimal(0), "referred": []})  # fmt: skip
        entry["leads"] += 1
        entry["won"] += pk in won_ids
        entry["revenue"] += revenue.get(client_id, Decimal(0))
        entry["referred"].append({"lead": code or f"L{pk}", "name": name, "won": pk in won_ids})
    for entry in by_referrer.values():
        entry["revenue"] = _money(entry["revenue"])
    others = cohort.exclude(source=Source.REFERRAL).values_list("pk", flat=True)
    total_won = sum(entry["won"] for entry in by_referrer.values())
    return {
        "leads": len(rows),
        "won": total_won,
        "conversion": _ratio(total_won, len(rows)),
        "other_conversion": _ratio(sum(pk in won_ids for pk in others), len(others)),
        "revenue": _money(sum((e["revenue"] for e in by_referrer.values()), Decimal(0))),
        "by_referrer": sorted(
            by_referrer.values(), key=lambda e: (-e["won"], -e["leads"], e["name"])
        ),
    }


def events(leads: QuerySet[Lead], start: dt.date, end: dt.date, won: set[str]) -> list[dict]:
    """The events held in the window: their cost, the leads they produced (of the
    reader's), how many were won by ``end``, the cost per lead and per won lead."""
    rows = []
    for event in Event.objects.filter(date__range=(start, end)).order_by("date", "pk"):
        produced = leads.filter(event=event)
        count = produced.count()
        won_count = len(_won_by(produced, end, won))
        cost = event.cost
        rows.append({"event": event.name, "date": event.date, "cost": _money(cost),
                     "leads": count, "won": won_count,
                     "cost_per_lead": _money(cost / count) if count else None,
                     "cost_per_won": _money(cost / won_count) if won_count else None})  # fmt: skip
    return rows


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
    report["referrals"] = referrals(leads, start, end, won)
    report["events"] = events(leads, start, end, won)
    if by in GROUP_FIELDS:
        report["by"] = by
        report["groups"] = _groups(leads, by, start, end, won, lost)
    return report


def funnel_leads(user: User, where=None) -> QuerySet[Lead]:
    """The leads ``user`` sees in the slice ``where`` (seller, team, segment, state)."""
    where = where or {}
    leads = leads_visible_to(user)
    if where.get("seller"):
        leads = leads.filter(seller_id=where["seller"])
    if where.get("team"):
        leads = leads.filter(seller__team_id=where["team"])
    for field in ("segment", "state"):
        if where.get(field):
            leads = leads.filter(**{f"{field}__iexact": where[field]})
    return leads


def funnel_for(
    user: User, *, start: dt.date, end: dt.date, by: str | None = None, where=None
) -> dict:
    """The funnel of the leads ``user`` may see; the central team reads the company's
    spend and LTV, a manager or seller the spend attributed to the sellers they see.
    ``where`` (the dashboard's slice): ``seller`` and ``team`` narrow the leads, the new
    clients and the spend to those sellers; ``segment`` and ``state`` the leads."""
    where = where or {}
    leads = funnel_leads(user, where)
    sellers = None if user.sees_whole_portfolio else sellers_visible_to(user)
    clients = None if user.sees_whole_portfolio else clients_visible_to(user)
    narrow = {"pk": where.get("seller")} if where.get("seller") else {}
    if where.get("team"):
        narrow["team_id"] = where["team"]
    if narrow:
        sellers = (sellers if sellers is not None else Seller.objects.all()).filter(**narrow)
        clients = (clients if clients is not None else Client.objects.all()).filter(
            seller__in=sellers
        )
    return funnel_report(
        leads,
        start=start,
        end=end,
        by=by,
        client_ids=None if clients is None else clients.values("pk"),
        seller_ids=None if sellers is None else list(sellers.values_list("pk", flat=True)),
    )


def funnel_panel(user: User, *, start: dt.date, end: dt.date, where=None) -> dict | None:
    """The dashboard's and the review's prospecting section: the funnel by team (the
    territory) plus the groups by seller; None when the reader has no lead."""
    if not funnel_leads(user, where).exists():  # one query for a company without leads
        return None
    report = funnel_for(user, start=start, end=end, by="team", where=where)
    if not report["leads"] and not any(s["entered"] or s["now"] for s in report["stages"]):
        return None
    stages = report["stages"]
    won = {s["stage"] for s in stages if s["outcome"] == "won"}
    lost = {s["stage"] for s in stages if s["outcome"] == "lost"}
    leads = funnel_leads(user, where)
    report["by_seller"] = _groups(leads, "seller", start, end, won, lost)
    return report
