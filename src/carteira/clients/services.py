import datetime as dt

from django.db import transaction

from carteira.accounts.models import User
from carteira.agenda.models import Task
from carteira.audit.services import do_record
from carteira.clients.models import Assignment, Client
from carteira.organization.models import Seller


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
        current.end_date = start or dt.date.today()
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
    Task.objects.filter(client=client, status=Task.Status.OPEN, assignee_user=None).update(
        seller=seller
    )
    do_record(
        "client.reassigned",
        actor=by,
        obj=client,
        seller_from=current.seller_id if current else None,
        seller_to=seller.pk,
    )
    return assignment
