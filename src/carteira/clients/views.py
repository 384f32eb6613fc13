from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from carteira.audit.services import do_record
from carteira.clients import selectors
from carteira.clients.access import access_client, sellers_visible_to
from carteira.clients.forms import ClientFilterForm
from carteira.portfolio.selectors import latest_official_run

PAGE_SIZE = 25


@login_required
@require_GET
def client_list(request):
    sellers = list(sellers_visible_to(request.user).values_list("pk", "name"))
    form = ClientFilterForm(
        request.GET, segments=selectors.client_segments(request.user), sellers=sellers
    )
    if not form.is_valid():
        return HttpResponseBadRequest(_("Invalid filter: %s") % ", ".join(form.errors))
    filters = form.cleaned_data
    run = latest_official_run(filters["as_of"])
    clients = selectors.client_list(
        user=request.user,
        search=filters["q"],
        segment=filters["segment"],
        state=filters["state"],
        seller_id=filters["seller"],
        status=filters["status"],
        abc=filters["abc"],
        run=run,
        sort=filters["sort"] or "name",
    )
    page = Paginator(clients, PAGE_SIZE).get_page(filters["page"] or 1)
    context = {
        "form": form,
        "page": page,
        "run": run,
        "sort": filters["sort"] or "name",
        "nav": "clients",
    }
    template = "clients/client_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@login_required
@require_GET
def client_detail(request, client_id: int):
    client = access_client(request.user, client_id)
    do_record("client.viewed", actor=request.user, obj=client)
    context = {
        "client": client,
        "orders": client.orders.select_related("seller").order_by("-date", "-pk")[:50],
        "order_count": client.orders.count(),
        "interactions": client.interactions.select_related("seller", "reason")[:50],
        "contacts": client.contacts.filter(anonymized_at__isnull=True),
        "assignments": client.assignments.select_related("seller").order_by("-start_date", "-pk"),
        "readings": client.snapshots.select_related("run")
        .filter(run__kind="official")
        .order_by("-run__as_of")[:12],
        "nav": "clients",
    }
    return render(request, "clients/client_detail.html", context)
