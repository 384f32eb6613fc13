"""Interactions (list/create) and tasks (list/update status) of the caller's clients;
writes through interactions.services and agenda.services."""

import datetime as dt

from ninja import Path, Status
from ninja.errors import HttpError

from carteira.agenda.models import Task
from carteira.agenda.services import do_set_task_status
from carteira.api import schemas as s
from carteira.api.policy import CLIENT_SCOPE, MAX_ID, Router, get_or_404, policy
from carteira.api.query import DEFAULT_PAGE_SIZE, page_of, paginate
from carteira.clients.access import clients_visible_to
from carteira.interactions.models import Interaction
from carteira.interactions.services import do_record_interaction

interactions = Router(tags=["interactions"])
tasks = Router(tags=["tasks"])


@interactions.get("", response=page_of(s.InteractionOut), openapi_extra=policy(CLIENT_SCOPE))
def list_interactions(
    request,
    client: int | None = None,
    date_from: dt.date | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
):
    rows = Interaction.objects.filter(client__in=clients_visible_to(request.user))
    if client is not None:
        rows = rows.filter(client_id=client if 0 < client <= MAX_ID else None)
    if date_from:
        rows = rows.filter(date__gte=date_from)
    return paginate(rows.order_by("-date", "-pk"), page, page_size)


@interactions.post("", response={201: s.InteractionOut}, openapi_extra=policy(CLIENT_SCOPE))
def create_interaction(request, payload: s.InteractionCreate):
    client = get_or_404(clients_visible_to(request.user), payload.client_id)
    fields = payload.dict(exclude={"client_id"})
    return Status(201, do_record_interaction(client, by=request.user, via="api", **fields))


def visible_tasks(user):
    return Task.objects.filter(client__in=clients_visible_to(user))


@tasks.get("", response=page_of(s.TaskOut), openapi_extra=policy(CLIENT_SCOPE))
def list_tasks(
    request,
    status: str = "",
    client: int | None = None,
    due_before: dt.date | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
):
    rows = visible_tasks(request.user)
    if status:
        if status not in Task.Status.values:
            raise HttpError(400, f"Unknown status '{status}'.")
        rows = rows.filter(status=status)
    if client is not None:
        rows = rows.filter(client_id=client if 0 < client <= MAX_ID else None)
    if due_before:
        rows = rows.filter(due_date__lt=due_before)
    return paginate(rows.order_by("due_date", "-priority", "pk"), page, page_size)


@tasks.patch("/{int:task_id}", response=s.TaskOut, openapi_extra=policy(CLIENT_SCOPE))
def update_task(request, payload: s.TaskUpdate, task_id: int = Path(..., ge=1, le=MAX_ID)):
    task = get_or_404(visible_tasks(request.user), task_id)
    return do_set_task_status(task, payload.status, by=request.user)
