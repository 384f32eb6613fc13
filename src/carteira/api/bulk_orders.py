"""Bulk upsert of ERP orders: idempotent by external_id, all or nothing per call."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from carteira.accounts.models import User
from carteira.audit.services import do_record
from carteira.clients.access import clients_visible_to
from carteira.orders.models import Order
from carteira.plans.credit_alerts import do_credit_alerts

CHUNK = 2_000  # keeps IN (...) lists under SQLite's variable limit
UPDATE_BATCH = 500


@dataclass(frozen=True)
class ItemError:
    index: int
    field: str
    message: str


@dataclass(frozen=True)
class UpsertResult:
    received: int
    created: int
    updated: int
    unchanged: int
    errors: list[ItemError]


def _chunks(values: list):
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _visible_clients(user: User, external_ids: set[str]) -> dict[str, tuple[int, int | None]]:
    found = {}
    scope = clients_visible_to(user)
    for chunk in _chunks(sorted(external_ids)):
        rows = scope.filter(external_id__in=chunk).values_list("external_id", "pk", "seller_id")
        found.update({ext: (pk, seller) for ext, pk, seller in rows})
    return found


def _existing_orders(external_ids: list[str]) -> dict[str, Order]:
    found = {}
    for chunk in _chunks(external_ids):
        found.update({o.external_id: o for o in Order.objects.filter(external_id__in=chunk)})
    return found


def do_upsert_orders(*, user: User, items: list) -> UpsertResult:
    """Create or update orders (``items``: validated OrderIn). Any item error writes nothing.
    An existing order may only be changed if its client is also in the caller's scope."""
    clients = _visible_clients(user, {item.client_external_id for item in items})
    errors: list[ItemError] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.external_id in seen:
            errors.append(ItemError(index, "external_id", f"repeats item {seen[item.external_id]}"))
        seen.setdefault(item.external_id, index)
        if item.client_external_id not in clients:
            errors.append(ItemError(index, "client_external_id", "unknown client"))
    with transaction.atomic():
        existing = _existing_orders(list(seen))
        visible_ids = {pk for pk, _seller in clients.values()}
        outside = {o.client_id for o in existing.values()} - visible_ids
        if outside:
            visible_ids |= set(
                clients_visible_to(user).filter(pk__in=outside).values_list("pk", flat=True)
            )
        for index, item in enumerate(items):
            order = existing.get(item.external_id)
            if order is not None and order.client_id not in visible_ids:
                errors.append(ItemError(index, "external_id", "order outside your portfolio"))
        if errors:
            return UpsertResult(len(items), 0, 0, 0, errors)
        to_create: list[Order] = []
        # Orders to update, grouped by which fields changed: bulk_update's cost is in
        # building one CASE expression per field, so only changed fields are sent.
        to_update: dict[tuple[str, ...], list[Order]] = defaultdict(list)
        for item in items:
            client_id, seller_id = clients[item.client_external_id]
            values = {
                "client_id": client_id,
                "seller_id": seller_id,
                "date": item.date,
                "amount": item.amount,
                "margin": item.margin,
                "status": item.status,
            }
            order = existing.get(item.external_id)
            if order is None:
                to_create.append(Order(external_id=item.external_id, **values))
                continue
            if order.client_id == client_id:  # the seller at the time of the order stays
                values["seller_id"] = order.seller_id
            changed = tuple(f for f, v in values.items() if getattr(order, f) != v)
            if changed:
                for field in changed:
                    setattr(order, field, values[field])
                to_update[changed].append(order)
        Order.objects.bulk_create(to_create, batch_size=1000)
        for fields, group in to_update.items():
            Order.objects.bulk_update(group, fields, batch_size=UPDATE_BATCH)
        updated = sum(len(group) for group in to_update.values())
        unchanged = len(items) - len(to_create) - updated
        # The credit alerts of the clients that bought, as an orders import raises them
        # (in this transaction: a refused call raises none).
        bought: dict[int, Decimal] = defaultdict(Decimal)
        for item in items:
            if item.status == Order.Status.VALID and item.amount > 0:
                bought[clients[item.client_external_id][0]] += item.amount
        if bought:
            do_credit_alerts(bought, today=timezone.localdate())
        if to_create or updated:
            do_record(
                "orders.bulk_upserted",
                actor=user,
                created=len(to_create),
                updated=updated,
                unchanged=unchanged,
            )
    return UpsertResult(len(items), len(to_create), updated, unchanged, [])
