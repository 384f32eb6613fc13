from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.audit.services import do_record
from carteira.clients import selectors
from carteira.clients.access import access_client
from carteira.clients.filters import client_filter_form, do_remember_query, remembered_query
from carteira.credit.blocks import client_credit_block
from carteira.exports.views import request_export
from carteira.interactions.models import Photo
from carteira.portfolio.selectors import latest_official_run
from carteira.territory import client360

PAGE_SIZE = 25
LIST = "clients"  # the list's name in the user's saved filters


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


def _restored(request) -> HttpResponseRedirect | None:
    """Back to the list without a query: the user's last filter, if it is still valid
    (a seller since moved out of their scope is not); ``?clear`` forgets it."""
    if "clear" in request.GET:
        do_remember_query(request.user, LIST, {})
        return redirect("clients:list")
    if request.GET:
        return None
    saved = remembered_query(request.user, LIST)
    if not saved:
        return None
    if not client_filter_form(request.user, saved, sorts=selectors.CLIENT_SORTS).is_valid():
        do_remember_query(request.user, LIST, {})
        return None
    return redirect(f"{reverse('clients:list')}?{urlencode(saved)}")


@policy("login")
@require_GET
def client_list(request):
    restored = _restored(request)
    if restored is not None:
        return restored
    found = _filtered_clients(request)
    if isinstance(found, HttpResponseBadRequest):
        return found
    form, run, clients = found
    do_remember_query(request.user, LIST, request.GET.dict())
    filters = form.cleaned_data
    page = Paginator(clients, PAGE_SIZE).get_page(filters["page"] or 1)
    context = {
        "form": form,
        "page": page,
        "run": run,
        "sort": filters["sort"] or "name",
        "filtered": not form.client_filter().is_empty(),
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
    context["can_set_limit"] = MANAGEMENT.held_by(request.user)
    if context["credit"]["count"]:  # receivables: their aging, limit and score
        context["credit_block"] = client_credit_block(client, today=timezone.localdate())
    context.update(client=client, nav="clients")
    return render(request, "clients/client_detail.html", context)


@policy("login")
@require_GET
def client_export(request, fmt: str):
    """The client list as CSV or XLSX (the same filters, the same scope, every row),
    prepared in the background: the answer is the export's job (202)."""
    return request_export(request, "clients", fmt, request.GET.dict())


@policy("login")
@require_GET
def client_photo(request, client_id: int, photo_id: int):
    """A photo of a contact with the client, to whoever sees the client (404 otherwise)."""
    client = access_client(request.user, client_id)
    photo = Photo.objects.filter(pk=photo_id, interaction__client=client).first()
    if photo is None:
        raise Http404
    try:
        response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    except FileNotFoundError:
        raise Http404 from None
    response["Cache-Control"] = "private, max-age=86400"
    return response
