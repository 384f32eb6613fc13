import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carteira.accounts.capabilities import CENTRAL_TEAM, MANAGEMENT, PLAN_EDITORS
from carteira.accounts.policy import policy
from carteira.agenda.hooks import recovery_outlooks
from carteira.agenda.models import TaskBatch
from carteira.agenda.services import do_send_batch
from carteira.clients import selectors as client_selectors
from carteira.clients.access import access_client
from carteira.clients.filters import client_filter_form
from carteira.plans import selectors
from carteira.plans.forms import BatchForm, CellForm, DecisionForm, NewCellForm
from carteira.plans.models import ActionPlanCell, ActionPlanChange
from carteira.plans.notify import send_batch_reminders
from carteira.plans.services import EDITABLE, do_create_cell, do_decide_recovery, do_update_cell
from carteira.portfolio.selectors import latest_official_run

PAGE_SIZE = 50
FOLLOW_UP_DAYS = 30


@policy(MANAGEMENT)
@require_GET
def matrix(request):
    context = {
        "rows": selectors.plan_matrix(),
        "columns": selectors.MATRIX_COLUMNS,
        "segment_cells": selectors.segment_cells(),
        "changes": ActionPlanChange.objects.select_related("cell", "changed_by")[:20],
        "can_edit": PLAN_EDITORS.held_by(request.user),
        "new_form": NewCellForm(),
        "nav": "plans",
    }
    return render(request, "plans/matrix.html", context)


@policy(PLAN_EDITORS)
@require_http_methods(["GET", "POST"])
def cell(request, cell_id: int):
    """HTMX inline edit: GET gives the form, POST saves and gives the cell back."""
    item = get_object_or_404(ActionPlanCell, pk=cell_id)
    if request.method == "GET":
        return render(
            request, "plans/matrix.html#cell_form", {"cell": item, "form": CellForm(instance=item)}
        )
    form = CellForm(request.POST, instance=ActionPlanCell.objects.get(pk=item.pk))
    if not form.is_valid():
        return render(
            request, "plans/matrix.html#cell_form", {"cell": item, "form": form}, status=422
        )
    do_update_cell(item, by=request.user, **{name: form.cleaned_data[name] for name in EDITABLE})
    item.refresh_from_db()
    if request.htmx:
        return render(request, "plans/matrix.html#cell", {"cell": item, "can_edit": True})
    messages.success(request, _("Plan saved."))
    return redirect("plans:matrix")


@policy(PLAN_EDITORS)
@require_POST
def cell_new(request):
    form = NewCellForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Could not add the refinement: %s") % ", ".join(form.errors))
        return redirect("plans:matrix")
    do_create_cell(by=request.user, **form.cleaned_data)
    messages.success(request, _("Plan saved."))
    return redirect("plans:matrix")


@policy(CENTRAL_TEAM)
@require_GET
def batch_list(request):
    return render(request, "plans/batches.html", {"batches": selectors.batches(), "nav": "plans"})


def _filtered_clients(request, data):
    form = client_filter_form(request.user, data)
    if not form.is_valid():
        return form, None
    where = form.client_filter()
    run = latest_official_run()
    clients = client_selectors.client_list(user=request.user, where=where, run=run)
    return form, clients


@policy(CENTRAL_TEAM)
@require_http_methods(["GET", "POST"])
def batch_new(request):
    """Filter the portfolio, look at the list, send it to the sellers."""
    data = request.POST if request.method == "POST" else request.GET
    filter_form, clients = _filtered_clients(request, data)
    if clients is None:
        return HttpResponseBadRequest(_("Invalid filter: %s") % ", ".join(filter_form.errors))
    batch_form = BatchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and batch_form.is_valid():
        batch = do_send_batch(
            clients=list(clients),
            filter_description=filter_form.client_filter().as_query(),
            by=request.user,
            **batch_form.cleaned_data,
        )
        messages.success(request, _("List sent: %d tasks.") % batch.tasks.count())
        return redirect("plans:batch", batch_id=batch.pk)
    context = {
        "filter_form": filter_form,
        "batch_form": batch_form,
        "count": clients.count(),
        "preview": clients[:20],
        "nav": "plans",
    }
    return render(request, "plans/batch_new.html", context)


@policy(CENTRAL_TEAM)
@require_GET
def batch_detail(request, batch_id: int):
    batch = get_object_or_404(TaskBatch, pk=batch_id)
    progress = selectors.batch_progress(batch.tasks.all(), timezone.localdate())
    context = {
        "batch": batch,
        "progress": progress,
        "total": selectors.total(progress),
        "nav": "plans",
    }
    return render(request, "plans/batch_detail.html", context)


@policy(CENTRAL_TEAM)
@require_GET
def follow_up(request):
    """Every seller's tasks due in the last 30 days (plan and lists): done, overdue, success."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=FOLLOW_UP_DAYS - 1)
    tasks = selectors.seller_tasks_due(start=start, end=today)
    progress = selectors.batch_progress(tasks, today)
    context = {
        "progress": progress,
        "total": selectors.total(progress),
        "start": start,
        "end": today,
        "nav": "plans",
    }
    return render(request, "plans/follow_up.html", context)


@policy(CENTRAL_TEAM)
@require_POST
def batch_remind(request, batch_id: int):
    batch = get_object_or_404(TaskBatch, pk=batch_id)
    sent = send_batch_reminders(batch, timezone.localdate())
    messages.success(request, _("Reminders sent: %d.") % sent)
    return redirect("plans:batch", batch_id=batch.pk)


@policy("login")
@require_GET
def lost_clients(request):
    run = latest_official_run()
    clients = selectors.lost_clients(user=request.user, run=run) if run else []
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    context = {
        "page": page,
        "run": run,
        "recoveries": selectors.recoveries([client.pk for client in page]),
        # the value model's view of each: chance it is still a client, worth of winning it back
        "outlooks": recovery_outlooks(run.pk, [client.pk for client in page]) if run else {},
        "can_decide": MANAGEMENT.held_by(request.user),
        "form": DecisionForm(),
        "nav": "plans",
    }
    return render(request, "plans/lost_clients.html", context)


@policy(MANAGEMENT)
@require_POST
def decide(request, client_id: int):
    client = access_client(request.user, client_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Invalid decision."))
    run = latest_official_run()
    reading = run.clients.filter(client=client).first() if run else None
    do_decide_recovery(
        client,
        by=request.user,
        on=timezone.localdate(),
        status=reading.status if reading else "",
        **form.cleaned_data,
    )
    messages.success(request, _("Decision recorded."))
    return redirect("plans:lost_clients")
