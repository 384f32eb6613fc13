"""Writes on clients, their contacts and assignments: the web pages, the API, imports
and the distribution all come here."""

import datetime as dt

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from carteira.accounts.models import User
from carteira.audit.events import CLIENTS_REASSIGNED, emit
from carteira.audit.models import AuditEvent
from carteira.audit.services import do_record
from carteira.clients.models import Assignment, Client, Contact
from carteira.clients.signals import clients_reassigned
from carteira.organization.models import Seller
from carteira.web.cleaning import clean_values

# Ids per ``IN (...)``: under SQLite's smallest default variable limit (32,766), so a move
# of a whole region's clients never fails with "too many SQL variables".
IDS_PER_QUERY = 10_000


def id_chunks(ids: list[int]):
    """``ids`` in slices small enough for one ``IN (...)``."""
    for start in range(0, len(ids), IDS_PER_QUERY):
        yield ids[start : start + IDS_PER_QUERY]


@transaction.atomic
def do_assign_client(
    client: Client,
    seller: Seller,
    *,
    start: dt.date | None,
    reason: str = "",
    by: User | None = None,
    returns_to: Seller | None = None,
) -> Assignment:
    """Give ``client`` to ``seller`` from ``start`` on. The open assignment is closed,
    never deleted; open tasks follow the client; access changes on the next request."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    current = client.assignments.filter(end_date__isnull=True).first()
    if current is not None:
        if current.seller_id == seller.pk:
            return current
        current.end_date = start or timezone.localdate()
        current.save(update_fields=["end_date"])
    assignment = Assignment.objects.create(
        client=client,
        seller=seller,
        start_date=start if current is not None else None,
        reason=reason,
        changed_by=by,
        returns_to=returns_to,
    )
    Client.objects.filter(pk=client.pk).update(seller=seller)
    clients_reassigned.send(sender=Client, moves={client.pk: seller.pk if seller else None})
    do_record(
        "client.reassigned",
        actor=by,
        obj=client,
        seller_from=current.seller_id if current else None,
        seller_to=seller.pk,
    )
    emit(CLIENTS_REASSIGNED, moves=[(client.pk, current.seller_id if current else None, seller.pk)])
    return assignment


def do_assign_clients_bulk(
    changes: dict[int, int], *, on: dt.date, reason: str = "", by: User | None = None,
    hidden_by: int | None = None,
) -> int:  # fmt: skip
    """``do_assign_client`` for many clients at once (imports): ``changes`` maps client id →
    seller id. A client without an open assignment gets its first known seller (from the
    start of its history); one with another seller is reassigned ``on`` that day. Same
    history, ``Client.seller``, open tasks and audit as the one-by-one path, in a few
    queries. Returns how many clients changed hands. Call inside a transaction.

    ``hidden_by``: the clients are rows an import still hides (ADR 0024), written with
    their seller already: only their history is written here, hidden by the same run;
    their audit entries and event come as its rows settle (``do_record_first_assignments``).
    """
    current = {
        a.client_id: a
        for ids in id_chunks(list(changes))
        for a in Assignment.objects.filter(client_id__in=ids, end_date__isnull=True)
    }
    moves = {
        cid: sid
        for cid, sid in changes.items()
        if getattr(current.get(cid), "seller_id", None) != sid
    }
    if not moves:
        return 0
    closing = [current[cid].pk for cid in moves if cid in current]
    for ids in id_chunks(closing):
        Assignment.objects.filter(pk__in=ids).update(end_date=on)
    day, by_id = connection.ops.adapt_datefield_value(on), getattr(by, "pk", None)
    stamp = _stamp(Assignment, "created_at")
    _insert_plain(Assignment, ["client", "seller", "start_date", "reason", "changed_by",
                               "created_at", "hidden_by"],
                  [(cid, sid, day if cid in current else None, reason, by_id, stamp, hidden_by)
                   for cid, sid in moves.items()])  # fmt: skip
    if hidden_by is not None:
        return len(moves)
    by_seller: dict[int, list[int]] = {}
    for cid, sid in moves.items():
        by_seller.setdefault(sid, []).append(cid)
    for sid, all_cids in by_seller.items():
        for cids in id_chunks(all_cids):
            Client.objects.filter(pk__in=cids).update(seller_id=sid)
    previous = {cid: getattr(current.get(cid), "seller_id", None) for cid in moves}
    clients_reassigned.send(sender=Client, moves=moves)
    actor_id = by.pk if getattr(by, "is_authenticated", False) else None
    _audit_reassigned([(cid, previous[cid], sid, actor_id) for cid, sid in moves.items()])
    emit(CLIENTS_REASSIGNED, moves=[(cid, previous[cid], sid) for cid, sid in moves.items()])
    return len(moves)


def do_record_first_assignments(assignment_ids: list[int]) -> None:
    """The first assignments an import wrote hidden (``do_assign_clients_bulk`` with
    ``hidden_by``), once revealed: one ``client.reassigned`` audit entry each, by who
    imported, and the ``clients.reassigned`` event, as ``do_assign_clients_bulk`` writes
    them. No ``clients_reassigned`` signal: a client the same import created has no open
    task or complaint to follow, and no seller's week changes. In the transaction that
    settles them, so each is recorded exactly once."""
    rows = list(Assignment._base_manager.filter(pk__in=assignment_ids)
                .values_list("client_id", "seller_id", "changed_by_id"))  # fmt: skip
    _audit_reassigned([(cid, None, sid, by_id) for cid, sid, by_id in rows])
    emit(CLIENTS_REASSIGNED, moves=[(cid, None, sid) for cid, sid, _by_id in rows])


def _audit_reassigned(moves: list[tuple[int, int | None, int | None, int | None]]) -> None:
    """(client id, seller from, seller to, actor id) → one audit entry each."""
    details, stamp = AuditEvent._meta.get_field("details"), _stamp(AuditEvent, "at")
    _insert_plain(AuditEvent, ["action", "actor", "object_type", "object_id", "details", "at"], [
        ("client.reassigned", actor_id, "client", str(cid), details.get_db_prep_save(
            {"seller_from": seller_from, "seller_to": sid}, connection), stamp)
        for cid, seller_from, sid, actor_id in moves
    ])  # fmt: skip


def _stamp(model, name: str):
    """Now, as ``model.name`` (a DateTimeField) stores it."""
    return model._meta.get_field(name).get_db_prep_save(timezone.now(), connection)


def _insert_plain(model, names: list[str], rows: list[tuple]) -> None:
    """``rows`` (values for the fields ``names``, as the driver takes them; the others get
    their column default: NULL) in one ``executemany``, without model objects: an import
    assigns hundreds of thousands of clients at once (issue 25)."""
    if not rows:
        return
    meta, qn = model._meta, connection.ops.quote_name
    columns = ", ".join(qn(meta.get_field(name).column) for name in names)
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:  # only quoted model metadata is interpolated
        cursor.executemany(f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})",  # noqa: S608
                           rows)  # fmt: skip


class StaleVersion(Exception):
    """The client changed since the editor read it: ``current`` is the row as it is now."""

    def __init__(self, current: Client, based_on: int):
        super().__init__(f"client {current.pk} is at version {current.version}, not {based_on}")
        self.current = current
        self.based_on = based_on


def do_edit_client(
    client: Client, changes: dict[str, object], *, version: int, by: User, via: str = "web"
) -> Client:
    """Write ``changes`` (validated by the caller) if ``client`` is still at ``version``,
    the one its editor read; otherwise nothing is written and StaleVersion carries the
    current row (optimistic lock: two editors never overwrite each other unseen).
    Returns the client as saved."""
    changes = clean_values(Client, changes)  # update() skips the pre_save cleaning
    with transaction.atomic():
        saved = Client.objects.filter(pk=client.pk, version=version)
        if changes:
            saved = saved.update(**changes, version=F("version") + 1, updated_at=timezone.now())
        else:
            saved = saved.exists()
        current = Client.objects.get(pk=client.pk)
        if saved and changes:
            do_record("client.edited", actor=by, obj=current, fields=sorted(changes), via=via)
    if not saved:
        do_record("client.edit_conflict", actor=by, obj=current, based_on=version,
                  current=current.version, via=via)  # fmt: skip
        raise StaleVersion(current, version)
    return current


@transaction.atomic
def do_create_client(client: Client, *, seller: Seller | None, by: User, via: str) -> Client:
    """Save a new (validated) client; a seller's new client is theirs from the start."""
    client.save()
    if seller is not None:
        do_assign_client(client, seller, start=None, by=by, reason=f"created via {via}")
        client.refresh_from_db()
    do_record("client.created", actor=by, obj=client, via=via)
    return client


def do_create_contact(contact: Contact, *, by: User) -> Contact:
    """Save a new (validated) contact of a client the caller may see."""
    with transaction.atomic():
        contact.save()
        do_record("contact.created", actor=by, obj=contact, client=contact.client_id)
    return contact


def do_update_contact(contact: Contact, fields: list[str], *, by: User) -> Contact:
    """Save ``fields`` of a (validated) contact."""
    if fields:
        with transaction.atomic():
            contact.save(update_fields=[*fields, "updated_at"])
            do_record("contact.updated", actor=by, obj=contact, fields=sorted(fields))
    return contact
