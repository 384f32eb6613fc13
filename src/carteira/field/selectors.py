"""What the seller's phone downloads: the cards of the seller's own clients and the
week's agenda, each as plain JSON-ready values, and which of them changed since the
phone's last download (by digest: docs/adr/0023-offline-sync.md).

Everything starts from the one gate (``clients_visible_to``) narrowed to the seller the
user *is*: a manager's phone downloads nothing of the team's. Personal data is kept to
what a visit needs (LGPD, data minimisation): contacts' name, role and phone only, no
e-mail, no document, no free text of complaints."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from carteira.accounts.models import User
from carteira.agenda.models import Task
from carteira.agenda.scheduling import do_schedule, stale_sellers, working_time
from carteira.agenda.selectors import agenda_tasks, own_seller, tasks_visible_to
from carteira.agenda.week import monday_of, seller_week
from carteira.clients.access import clients_visible_to, sellers_visible_to
from carteira.clients.models import Contact
from carteira.complaints.models import Complaint
from carteira.credit.models import Receivable
from carteira.field.models import CheckIn, SyncCursor
from carteira.interactions.models import Channel, InactivityReason, Interaction
from carteira.orders.models import Order
from carteira.organization.models import Seller
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.selectors import latest_official_run

LAST_ORDERS = 3  # the card's "last purchases"


def field_seller(user: User) -> Seller | None:
    """The seller the user is, if active: only they have a field app to fill."""
    seller = own_seller(user)
    return seller if seller is not None and seller.active else None


def field_clients(user: User, seller: Seller):
    """The seller's own clients, through the gate."""
    return clients_visible_to(user).filter(seller=seller)


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _readings(ids: list[int]) -> dict[int, dict]:
    run = latest_official_run()
    if run is None:
        return {}
    rows = ClientSnapshot.objects.filter(run=run, client_id__in=ids).values_list(
        "client_id", "status", "abc", "days_since_last_purchase"
    )
    return {pk: {"status": s, "abc": abc, "days": days} for pk, s, abc, days in rows}


def _last_orders(ids: list[int]) -> dict[int, list]:
    ranked = (
        Order.objects.filter(client_id__in=ids, status=Order.Status.VALID)
        .annotate(
            n=Window(
                RowNumber(),
                partition_by=[F("client_id")],
                order_by=[F("date").desc(), F("pk").desc()],
            )
        )
        .filter(n__lte=LAST_ORDERS)
        .values_list("client_id", "date", "amount")
        .order_by("client_id", "-date", "-pk")
    )
    orders: dict[int, list] = defaultdict(list)
    for pk, date, amount in ranked:
        orders[pk].append([date.isoformat(), _money(amount)])
    return orders


def _open_tasks(user: User, seller: Seller, ids: list[int]) -> dict[int, list]:
    rows = (
        tasks_visible_to(user)
        .filter(client_id__in=ids, status=Task.Status.OPEN, seller=seller, assignee_user=None)
        .order_by("due_date", "pk")
        .values_list("client_id", "pk", "title", "channel", "due_date", "scheduled_date")
    )
    tasks: dict[int, list] = defaultdict(list)
    for pk, task, title, channel, due, planned in rows:
        tasks[pk].append({"id": task, "title": title, "channel": channel,
                          "due": due.isoformat(),
                          "planned": planned.isoformat() if planned else None})  # fmt: skip
    return tasks


def _open_complaints(ids: list[int]) -> dict[int, list]:
    rows = (
        Complaint.objects.filter(client_id__in=ids)
        .exclude(status="resolved")
        .order_by("opened_on", "pk")
        .values_list("client_id", "category", "severity", "opened_on")
    )
    complaints: dict[int, list] = defaultdict(list)
    for pk, category, severity, opened in rows:
        complaints[pk].append({"category": category, "severity": severity,
                               "opened": opened.isoformat()})  # fmt: skip
    return complaints


def _overdue(ids: list[int], today: dt.date) -> dict[int, dict]:
    """Open instalments past due, as the client page counts them (territory.client360:
    unpaid, due before today, the amount less what was paid)."""
    rows = (
        Receivable.objects.filter(client_id__in=ids, paid_date__isnull=True, due_date__lt=today)
        .values("client_id")
        .annotate(amount=Sum(F("amount") - Coalesce(F("paid_amount"), Decimal(0))))
        .values_list("client_id", "amount")
    )
    counts: dict[int, dict] = {}
    for pk, amount in rows:
        counts[pk] = {"amount": _money(amount)}
    if counts:
        for pk, due in (
            Receivable.objects.filter(
                client_id__in=list(counts), paid_date__isnull=True, due_date__lt=today
            )
            .order_by("client_id", "due_date")
            .values_list("client_id", "due_date")
        ):
            entry = counts[pk]
            entry["count"] = entry.get("count", 0) + 1
            entry.setdefault("oldest", due.isoformat())
    return counts


def _contacts(ids: list[int]) -> dict[int, list]:
    rows = (
        Contact.objects.filter(client_id__in=ids, anonymized_at=None, blocked_at=None)
        .order_by("name", "pk")
        .values_list("client_id", "name", "role", "phone")
    )
    contacts: dict[int, list] = defaultdict(list)
    for pk, name, role, phone in rows:
        contacts[pk].append({"name": name, "role": role, "phone": phone})
    return contacts


def client_cards(user: User, seller: Seller, *, today: dt.date) -> list[dict]:
    """Every card of the seller's clients, in a fixed number of queries (seven)."""
    clients = list(
        field_clients(user, seller)
        .order_by("pk")
        .values_list(
            "pk",
            "external_id",
            "name",
            "trade_name",
            "city",
            "state",
            "phone",
            "latitude",
            "longitude",
            "version",
        )
    )
    ids = [row[0] for row in clients]
    readings, orders = _readings(ids), _last_orders(ids)
    tasks, complaints = _open_tasks(user, seller, ids), _open_complaints(ids)
    overdue, contacts = _overdue(ids, today), _contacts(ids)
    cards = []
    for pk, code, name, trade, city, state, phone, lat, lon, version in clients:
        reading = readings.get(pk, {})
        cards.append({
            "id": pk, "code": code, "name": trade or name, "city": city, "state": state,
            "phone": phone, "lat": lat, "lon": lon, "version": version,
            "status": reading.get("status"), "abc": reading.get("abc") or None,
            "days": reading.get("days"), "orders": orders.get(pk, []),
            "tasks": tasks.get(pk, []), "complaints": complaints.get(pk, []),
            "overdue": overdue.get(pk), "contacts": contacts.get(pk, []),
        })  # fmt: skip
    return cards


def _row(row, arrival=None) -> dict:
    """A task of the week on the phone: a visit its route moved says from which day (the
    planner's, a plain date), a visit planned as a call says why."""
    task = row.task
    moved_from = task.moved_from.isoformat() if task.moved_from else None
    return {"task": task.pk, "client": task.client_id, "title": task.title,
            "channel": task.channel, "arrival": arrival, "moved_from": moved_from,
            "note": row.far_note or None}  # fmt: skip


def field_week(user: User, seller: Seller, *, today: dt.date) -> dict:
    """The week of the seller's next working day, as the agenda page plans it: each
    day's visits in route order with their arrival, the ones the route could not take,
    and the calls."""
    start = working_time(seller, today=today).calendar.next_working_day(today) or today
    monday = monday_of(start)
    week = seller_week(
        seller, tasks=agenda_tasks(user=user, seller=seller), monday=monday, today=today
    )
    return {
        "monday": monday.isoformat(),
        "days": [
            {
                "date": day.date.isoformat(),
                "working": day.working,
                "off": day.why_off,
                "visits": [_row(row, day.arrivals.get(row.task.pk)) for row in day.visits],
                "unrouted": [_row(row) for row in [*day.unrouted, *day.unfit]],
                "calls": [_row(row) for row in day.calls],
                "distance_km": round(day.distance_km, 1),
                "route_url": day.route_url,
            }
            for day in week.days
        ],
        "messages": week.messages,
    }


def reasons() -> list[list]:
    return [[r.pk, r.label] for r in InactivityReason.objects.filter(active=True)]


def digest(value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def download_parts(user: User, seller: Seller) -> dict[str, object]:
    """Every part the phone holds, by key: ``client:<id>`` cards, the week, the reasons."""
    today = timezone.localdate()
    # Yesterday's undone tasks move on, as the agenda page does; before the cards are
    # read, so their planned days are the plan's.
    if Seller.objects.filter(pk=seller.pk).filter(stale_sellers(today)).exists():
        do_schedule(today=today, seller_ids=[seller.pk])
    parts: dict[str, object] = {
        f"client:{c['id']}": c for c in client_cards(user, seller, today=today)
    }
    parts["week"] = field_week(user, seller, today=today)
    parts["reasons"] = reasons()
    parts["seller"] = {"name": seller.name}
    return parts


def changed_since(parts: dict[str, object], held: dict[str, str]) -> tuple[dict, list[str]]:
    """(the parts whose digest differs from what the phone holds, the keys it holds
    that no longer exist)."""
    digests = {key: digest(value) for key, value in parts.items()}
    changed = {key: parts[key] for key, d in digests.items() if held.get(key) != d}
    removed = sorted(key for key in held if key not in parts)
    return changed, removed


def held_digests(user: User, cursor: str) -> dict[str, str] | None:
    """What the phone holds, from the cursor its last download returned; None when the
    cursor is unknown, expired or another user's (the phone then gets everything)."""
    if not cursor:
        return None
    found = SyncCursor.objects.filter(user=user, token=cursor[:32]).first()
    return found.digests if found is not None else None


@dataclass(frozen=True)
class SellerVisits:
    seller: Seller
    visits: int  # contacts logged with the visit channel
    checked_in: int  # of them, with a check-in
    verified: int  # of them, with a verified check-in (within the radius of the client)

    @property
    def unverified(self) -> int:
        return self.checked_in - self.verified


def field_visits(user: User, *, start: dt.date, end: dt.date):
    """The visits of the sellers the user sees, in the window, each once, with its
    check-in (if any) beside it: newest first."""
    return (
        Interaction.objects.filter(
            client__in=clients_visible_to(user),
            seller__in=sellers_visible_to(user),
            channel=Channel.VISIT,
            date__range=(start, end),
        )
        .select_related("client", "seller")
        .order_by("-date", "-pk")
    )


def visit_check_in(check_ins) -> CheckIn | None:
    """The check-in that speaks for a visit: a verified one if any, else the first."""
    ordered = sorted(check_ins, key=lambda c: (not c.verified, c.at, c.pk))
    return ordered[0] if ordered else None


def visits_check_ins(interaction_ids) -> dict[int, tuple[str, bool]]:
    """The verdict of each checked-in visit among ``interaction_ids`` (one query): its
    text and whether it was verified (agenda.hooks, for the client's history)."""
    found: dict[int, list[CheckIn]] = defaultdict(list)
    for check_in in CheckIn.objects.filter(interaction__in=list(interaction_ids)):
        found[check_in.interaction_id].append(check_in)
    return {
        pk: (best.verdict_text, best.verified)
        for pk, check_ins in found.items()
        if (best := visit_check_in(check_ins)) is not None
    }


def visits_by_seller(user: User, *, start: dt.date, end: dt.date) -> list[SellerVisits]:
    counts = {
        row["seller"]: row
        for row in field_visits(user, start=start, end=end)
        .order_by()
        .values("seller")
        .annotate(
            visits=Count("pk", distinct=True),
            checked_in=Count("pk", distinct=True, filter=Q(check_ins__isnull=False)),
            verified=Count("pk", distinct=True, filter=Q(check_ins__verified=True)),
        )
    }
    rows = []
    for seller in sellers_visible_to(user).filter(active=True).order_by("name"):
        row = counts.get(seller.pk, {})
        rows.append(SellerVisits(seller, row.get("visits", 0), row.get("checked_in", 0),
                                 row.get("verified", 0)))  # fmt: skip
    return rows
