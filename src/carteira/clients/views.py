from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from carteira.accounts.policy import policy
from carteira.audit.services import do_record
from carteira.clients import selectors
from carteira.clients.access import access_client
from carteira.clients.filters import client_filter_form
from carteira.exports.views import request_export
from carteira.portfolio.selectors import latest_official_run
from carteira.territory import client360

PAGE_SIZE = 25


def _filtered_clients(request):
    """(form, run, clients) for the list's query string, or a 400 response."""
    form = client_filter_form(request.user, request.GET, sorts=selectors.CLIENT_SORTS)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Invalid filter: %s") % ", ".join(form.errors))
    run = latest_official_run(form.cleaned_data["as_of"])
    clients = selectors.client_list(
        user=request.user, where=form.client_filter(), run=run,
        sort=form.cleaned_data["sort"] or "name",
    )  # fmt: skip
    return form, run, clients


@policy("login")
@require_GET
def client_list(request):
    found = _filtered_clients(request)
    if isinstance(found, HttpResponseBadRequest):
        return found
    form, run, clients = found
    filters = form.cleaned_data
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


@policy("object:client")
@require_GET
def client_detail(request, client_id: int):
    client = access_client(request.user, client_id, shaped=client360.page_row)
    do_record("client.viewed", actor=request.user, obj=client)
    context = client360.page_context(client, today=timezone.localdate())
    context.update(client=client, nav="clients")
    return render(request, "clients/client_detail.html", context)


@policy("login")
@require_GET
def client_export(request, fmt: str):
    """The client list as CSV or XLSX (the same filters, the same scope, every row),
    prepared in the background: the answer is the export's job (202)."""
    return request_export(request, "clients", fmt, request.GET.dict())
