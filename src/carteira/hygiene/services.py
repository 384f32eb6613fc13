"""The data-quality page's bulk fixes: each one audited write over clients the caller
already reached through ``clients_visible_to`` (the views pass scoped querysets and ids
checked against the scope; nothing here widens it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import combinations

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from carteira.accounts.models import User
from carteira.agenda.models import Task
from carteira.audit.services import do_record
from carteira.clients.models import Assignment, Client
from carteira.hygiene.models import ClientMerge, DuplicateReview
from carteira.hygiene.selectors import DERIVED, centroid_of

# Fields a merge copies from the merged client into the kept one where the kept is blank.
FILLED_BY_MERGE = (
    "trade_name", "document", "segment", "city", "state", "postal_code",
    "latitude", "longitude", "phone", "email", "created_date", "potential",
)  # fmt: skip


def _touch(clients: QuerySet[Client], **changes) -> int:
    return clients.update(**changes, version=F("version") + 1, updated_at=timezone.now())


def do_set_segment(clients: QuerySet[Client], segment: str, *, by: User) -> int:
    """Give ``clients`` the segment ``segment``; how many changed."""
    segment = segment.strip()[:80]
    with transaction.atomic():
        targets = clients.exclude(segment=segment)
        ids = sorted(targets.values_list("pk", flat=True))
        changed = _touch(Client.objects.filter(pk__in=ids), segment=segment)
        if changed:
            do_record("hygiene.segment_set", actor=by, clients=ids, count=changed)
    return changed


def do_geocode_from_municipality(clients: QuerySet[Client], *, by: User) -> tuple[int, int]:
    """Place each client without coordinates on its municipality's seat (the centroid the
    product ships); (placed, left because the city is unknown or missing)."""
    placed: list[int] = []
    unknown = 0
    with transaction.atomic():
        rows = clients.filter(latitude__isnull=True) | clients.filter(longitude__isnull=True)
        for pk, city, state in rows.values_list("pk", "city", "state").iterator():
            point = centroid_of(city, state) if city and state else None
            if point is None:
                unknown += 1
                continue
            _touch(Client.objects.filter(pk=pk), latitude=point[0], longitude=point[1])
            placed.append(pk)
        if placed:
            do_record("hygiene.geocoded", actor=by, clients=placed, count=len(placed),
                      source="municipality_centroid")  # fmt: skip
    return len(placed), unknown


def do_mark_reviewed(client_ids: list[int], *, by: User) -> int:
    """Declare the clients distinct from each other; how many new pairs were recorded."""
    ids = sorted(set(client_ids))
    pairs = list(combinations(ids, 2))
    with transaction.atomic():
        existing = set(DuplicateReview.objects.filter(first_id__in=ids, second_id__in=ids)
                       .values_list("first_id", "second_id"))  # fmt: skip
        new = [DuplicateReview(first_id=a, second_id=b, reviewed_by=by)
               for a, b in pairs if (a, b) not in existing]  # fmt: skip
        DuplicateReview.objects.bulk_create(new)
        if new:
            do_record("hygiene.duplicates_reviewed", actor=by, clients=ids, pairs=len(new))
    return len(new)


class MergeRefused(Exception):
    """The merge cannot be done as asked (nothing was written)."""


def do_merge_clients(kept: Client, merged: list[Client], *, by: User) -> ClientMerge | None:
    """Merge ``merged`` into ``kept`` in one transaction: every row that names a merged
    client (orders, contacts, interactions, tasks, goals, complaints, credit, leads,
    decisions, assignment history) moves to ``kept``; blank registration fields of
    ``kept`` take the merged client's values; each merged client's own registration is
    kept in a ``ClientMerge`` row; then the merged client is deleted. Its readings are
    dropped (the next portfolio reading recomputes them). Returns the last merge row."""
    others = [client for client in merged if client.pk != kept.pk]
    if not others:
        raise MergeRefused("nothing to merge")
    record = None
    with transaction.atomic():
        locked = Client.objects.select_for_update()
        for other in others:
            record = _merge_one(locked.get(pk=kept.pk), locked.get(pk=other.pk), by=by)
    return record


def _merge_one(kept: Client, other: Client, *, by: User) -> ClientMerge:
    today = timezone.localdate()
    registration = _registration(other)
    credit = other.credit_limit if hasattr(other, "credit_limit") else None
    if credit is not None and hasattr(kept, "credit_limit"):
        # One limit per client: the kept one stays; the merged one's is on the record.
        registration["credit_limit"] = {"limit": str(credit.limit),
                                        "reviewed_on": _plain(credit.reviewed_on)}  # fmt: skip
        credit.delete()
    Assignment.objects.filter(client=other, end_date__isnull=True).update(
        end_date=today, reason=f"merged into client {kept.pk}"
    )
    _cancel_clashing_tasks(kept, other)
    moved = _move_related(kept, other)
    fills = {name: getattr(other, name) for name in FILLED_BY_MERGE
             if is_blank(getattr(kept, name)) and not is_blank(getattr(other, name))}  # fmt: skip
    if "document" in fills:  # unique: free it on the merged client first
        Client.objects.filter(pk=other.pk).update(document="")
    if other.is_key_account and not kept.is_key_account:
        fills["is_key_account"] = True
    merge = ClientMerge.objects.create(
        kept=kept, merged_client_id=other.pk, merged_external_id=other.external_id,
        registration=registration, moved=moved, merged_by=by,
    )  # fmt: skip
    DuplicateReview.objects.filter(first_id=other.pk).delete()
    DuplicateReview.objects.filter(second_id=other.pk).delete()
    other_pk = other.pk
    try:
        other.delete()
    except IntegrityError as error:  # a row the move did not know about still names it
        raise MergeRefused(str(error)) from error
    _touch(Client.objects.filter(pk=kept.pk), **fills)
    do_record("clients.merged", actor=by, obj=kept, merged=other_pk, merge=merge.pk,
              moved=moved, filled=sorted(fills))  # fmt: skip
    return merge


def _move_related(kept: Client, other: Client) -> dict[str, int]:
    moved: dict[str, int] = {}
    for relation in Client._meta.related_objects:
        model = relation.related_model
        label = model._meta.label
        rows = model._default_manager.filter(**{relation.field.name: other})
        if label in DERIVED:
            rows.delete()
            continue
        count = rows.update(**{relation.field.name: kept})
        if count:
            moved[label] = count
    return moved


def _cancel_clashing_tasks(kept: Client, other: Client) -> None:
    """One open task per client and plan: the merged client's open task for a plan the
    kept client already has an open task for is cancelled (both stay in the history)."""
    plans = Task.objects.filter(client=kept, status=Task.Status.OPEN).exclude(plan_key="")
    keys = set(plans.values_list("plan_key", flat=True))
    if keys:
        Task.objects.filter(client=other, status=Task.Status.OPEN, plan_key__in=keys).update(
            status=Task.Status.CANCELLED
        )


def _registration(client: Client) -> dict:
    return {field.attname: _plain(getattr(client, field.attname))
            for field in Client._meta.concrete_fields}  # fmt: skip


def _plain(value):
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    return value


def is_blank(value) -> bool:
    """No value: what a merge may fill."""
    return value is None or value == ""
