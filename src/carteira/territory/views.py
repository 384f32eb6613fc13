import functools
import gzip
import json
import re

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from carteira.accounts.policy import policy
from carteira.audit.services import do_record
from carteira.clients.access import access_client, clients_visible_to, sellers_visible_to
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.selectors import latest_official_run
from carteira.territory import client360, clusters, selectors
from carteira.territory.basemap import base_map_config
from carteira.territory.buckets import COLOURS, CONTACT_BUCKETS, NEVER, legend
from carteira.territory.forms import COLOUR_MODES, MapViewForm, TerritoryFilterForm

PAGE_SIZE = 25
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip reads the header


def _filter_form(request, *, page: bool = True) -> TerritoryFilterForm:
    """The map's and the chronology's filter. A page offers the segments and states the
    user has clients in (one read for both: two DISTINCTs over 100k clients took 0.17 s
    of CPU); the JSON endpoints take any segment and state (the user's scope still
    bounds what they find, and a seller stays checked against the user's sellers)."""
    user, data = request.user, request.GET
    sellers = list(sellers_visible_to(user).values_list("pk", "name"))
    if not page:
        asked = [data["segment"]] if data.get("segment") else []
        return TerritoryFilterForm(data, segments=asked, sellers=sellers)
    segments, states = selectors.client_segments_and_states(clients_visible_to(user))
    return TerritoryFilterForm(data, segments=segments, sellers=sellers, states=states)


def _bad_filter(form) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(_("Invalid filter: %s") % ", ".join(form.errors))


def _map_config(user) -> dict:
    return {
        "clustersUrl": reverse("territory:clusters"),
        "cardUrl": reverse("territory:card", args=[0]),
        **base_map_config(user),
        "colours": {str(key): colour for key, colour in COLOURS.items()},
        "labels": {
            mode: [[key, str(label)] for key, label in legend(mode)] for mode, _l in COLOUR_MODES
        },
        "messages": {
            "onMap": _("Clients on the map: %s"),
            "withoutCoordinates": _("Without coordinates: %s"),
            "error": _("The map could not load its points. Reload the page to try again."),
            "loadingCard": _("Loading…"),
            # a cluster's name for screen readers and its tooltip
            "cluster": _("%s clients here: click to zoom in"),
        },
    }


@policy("login")
@require_GET
def territory_map(request):
    form = _filter_form(request)
    if not form.is_valid():
        return _bad_filter(form)
    context = {"form": form, "config": _map_config(request.user), "nav": "map"}
    return render(request, "territory/map.html", context)


def _compact_json(request, payload: dict) -> HttpResponse:
    """``payload`` as JSON without spaces, gzipped at level 1 when the browser takes gzip:
    the 100k-client map's 2 MB take 0.05 s to 0.72 MB, where gzip_page's level 6 took
    0.2-0.4 s for 0.63 MB. Nothing secret rides in it (BREACH needs a secret beside
    reflected input), so no random padding."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    response = HttpResponse(body, content_type="application/json")
    patch_vary_headers(response, ("Accept-Encoding",))
    if len(body) >= 200 and ACCEPTS_GZIP.search(request.headers.get("accept-encoding", "")):
        response.content = gzip.compress(body, compresslevel=1, mtime=0)
        response["Content-Encoding"] = "gzip"
    return response


@policy("login")
@require_GET
def map_points_json(request):
    form = _filter_form(request, page=False)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    filters = form.cleaned_data
    run = latest_official_run()
    clients = selectors.territory_clients(
        user=request.user, where=form.client_filter(), run=run,
        readings=filters["colour"] in {"status", "abc"},
    )  # fmt: skip
    points = selectors.map_points(
        clients, colour=filters["colour"], today=timezone.localdate(), run=run
    )
    response = _compact_json(request, points.as_json())
    response["Cache-Control"] = "private, no-store"
    return response


@policy("login")
@require_GET
def map_clusters_json(request):
    """The clusters and points of one view of the map (``territory.clusters``): of the
    squares its ``bbox`` touches at its ``zoom``; or, given its size (``fit``), of the view
    that frames every point, with that view and the legend's totals."""
    form, asked = _filter_form(request, page=False), MapViewForm(request.GET)
    if not (form.is_valid() and asked.is_valid()):
        return JsonResponse({"errors": {**form.errors, **asked.errors}}, status=400)
    filters, view = form.cleaned_data, asked.cleaned_data
    run = latest_official_run()
    clients = selectors.territory_clients(
        user=request.user, where=form.client_filter(), run=run,
        readings=filters["colour"] in {"status", "abc"},
    )  # fmt: skip
    read = functools.partial(selectors.map_points, clients, colour=filters["colour"],
                             today=timezone.localdate(), run=run)  # fmt: skip
    if view["fit"] is None:
        cells = clusters.Cells.touched_by(view["bbox"], view["zoom"])
        points, framed = read(within=cells.read_box()), None
    else:
        points = read()
        framed = clusters.fit(points, *view["fit"])
        area = framed.box if framed else clusters.WORLD
        cells = clusters.Cells.touched_by(area, framed.zoom if framed else clusters.FIT_MIN_ZOOM)
    payload = clusters.cluster(points, cells).as_json()
    if view["fit"] is not None:
        payload |= {"counts": points.counts, "without_coordinates": points.without_coordinates,
                    "view": framed.as_json() if framed else None}  # fmt: skip
    response = _compact_json(request, payload)
    response["Cache-Control"] = "private, no-store"
    return response


@policy("object:client")
@require_GET
def client_card(request, client_id: int):
    client = access_client(request.user, client_id)
    today = timezone.localdate()
    run = latest_official_run()
    reading = (
        ClientSnapshot.objects.filter(run=run, client=client).first() if run is not None else None
    )
    last = (
        client.interactions.filter(successful=True, date__lte=today)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    context = {
        "client": client,
        "reading": reading,
        "last_contact": last,
        "days_without_contact": (today - last).days if last else None,
    }
    return render(request, "territory/card.html", context)


@policy("login")
@require_GET
def chronology(request):
    form = _filter_form(request)
    if not form.is_valid():
        return _bad_filter(form)
    filters = form.cleaned_data
    today = timezone.localdate()
    run = latest_official_run()
    clients = selectors.territory_clients(user=request.user, where=form.client_filter(), run=run)
    counts = selectors.bucket_counts(clients, today=today)
    listed = selectors.clients_in_bucket(
        clients, bucket=filters["bucket"], today=today, sort=filters["sort"]
    ).values_list("pk", "last_contact")
    paginator = Paginator(listed, PAGE_SIZE)
    # The counts already hold the list's length: no COUNT over every client's last contact.
    paginator.count = counts[filters["bucket"]] if filters["bucket"] else sum(counts.values())
    page = paginator.get_page(filters["page"] or 1)
    # The never contacted come first (by name) in the never bucket and in the whole list
    # by contact: a page among them is read along the name index.
    bottom, bucket = (page.number - 1) * PAGE_SIZE, filters["bucket"]
    if bucket == NEVER or (not bucket and filters["sort"] == "contact"
                           and bottom + PAGE_SIZE <= counts[NEVER]):  # fmt: skip
        never = selectors.never_contacted(
            clients, today=today, descending=filters["sort"] == "-name"
        )
        page.object_list = never[bottom : bottom + PAGE_SIZE]
    page.object_list = selectors.chronology_rows(page.object_list, run=run, today=today)
    buckets = [
        {"key": key, "label": label, "count": counts[key]} for key, _b, label in CONTACT_BUCKETS
    ]
    context = {
        "form": form,
        "buckets": buckets,
        "total": sum(counts.values()),
        "bucket": filters["bucket"],
        "bucket_label": dict((key, label) for key, _b, label in CONTACT_BUCKETS).get(
            filters["bucket"]
        ),
        "page": page,
        "sort": filters["sort"],
        "run": run,
        "today": today,
        "nav": "map",
    }
    return render(request, "territory/chronology.html", context)


def _page_number(request) -> int | None:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return None
    return number if 1 <= number <= 100_000 else None


@policy("object:client")
@require_GET
def client_orders(request, client_id: int):
    """The client page's next orders ("see more"): rows for its table."""
    client = access_client(request.user, client_id)
    number = _page_number(request)
    if number is None:
        return HttpResponseBadRequest(_("Invalid page."))
    do_record("client.viewed", actor=request.user, obj=client, part="orders", page=number)
    context = {"client": client, "orders": client360.orders_page(client, number)}
    return render(request, "clients/client_detail.html#order-rows", context)


@policy("object:client")
@require_GET
def client_timeline(request, client_id: int):
    """The client page's next interactions and tasks ("see more"): items for its list."""
    client = access_client(request.user, client_id)
    number = _page_number(request)
    if number is None:
        return HttpResponseBadRequest(_("Invalid page."))
    do_record("client.viewed", actor=request.user, obj=client, part="timeline", page=number)
    page = client360.timeline_page(client, number)
    context = {"client": client, "timeline": {"entries": page.rows, "page": page}}
    return render(request, "clients/client_detail.html#timeline-entries", context)
