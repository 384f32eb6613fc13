"""The data-quality page: what is missing or suspect in the clients the user sees, with
counts per check, the client list's filters, and bulk fixes for those who manage."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.clients.access import clients_visible_to
from carteira.clients.filters import client_filter_form
from carteira.clients.models import Client
from carteira.hygiene.forms import DuplicateForm, FixForm, HygieneFilterForm
from carteira.hygiene.selectors import (
    Check,
    check_counts,
    clients_failing,
    duplicate_groups,
    rows_naming,
)
from carteira.hygiene.services import (
    FILLED_BY_MERGE,
    MergeRefused,
    do_geocode_from_municipality,
    do_mark_reviewed,
    do_merge_clients,
    do_set_segment,
    is_blank,
)
from carteira.web.formats import number

PAGE_SIZE = 50
FILTER_KEYS = ("q", "segment", "state", "seller", "check")
GROUPS_SHOWN = 50


def _listed(request, data):
    """(the filter form, the check, the scoped and filtered clients)."""
    form = client_filter_form(request.user, data, form_class=HygieneFilterForm)
    clients = clients_visible_to(request.user)
    clients = form.client_filter().apply(clients) if form.is_valid() else clients.none()
    return form, form.chosen_check(), clients


@policy("login")
def index(request):
    form, check, clients = _listed(request, request.GET)
    today = timezone.localdate()
    groups = duplicate_groups(clients)
    known = (
        {} if check == Check.DUPLICATES else {check: clients_failing(check, clients, today=today)}
    )
    counts = check_counts(clients, today=today, groups=groups, known=known)
    context = {"form": form, "check": check, "counts": counts, "nav": "hygiene",
               "tabs": [(c.value, c.label, counts[c.value]) for c in Check],
               "can_fix": MANAGEMENT.held_by(request.user),
               "query": _filter_query(request.GET, check=False)}  # fmt: skip
    if check == Check.DUPLICATES:
        context.update(groups=groups[:GROUPS_SHOWN], more_groups=max(len(groups) - GROUPS_SHOWN, 0))
    else:
        listed = known[check].select_related("seller")
        context["page"] = Paginator(listed.order_by("name", "pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render(request, "hygiene/index.html", context)


def _filter_query(data, *, check: bool = True) -> str:
    """The filter (and the check) as a query string: the fixes come back to the same list;
    the tabs add their own check."""
    keys = FILTER_KEYS if check else FILTER_KEYS[:-1]
    return urlencode({key: data[key] for key in keys if data.get(key)})


def _back(request):
    query = _filter_query(request.POST)
    return redirect(reverse("hygiene:index") + (f"?{query}" if query else ""))


@policy(MANAGEMENT)
@require_POST
def fix(request):
    form = FixForm(request.POST)
    _filters, check, clients = _listed(request, request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return _back(request)
    action = form.cleaned_data["action"]
    if action == "geocode":
        check = Check.COORDINATES
    elif check == Check.DUPLICATES:
        raise Http404
    targets = clients_failing(check, clients, today=timezone.localdate())
    if form.cleaned_data["scope"] == "selected":
        targets = targets.filter(pk__in=form.cleaned_data["ids"])
    if action == "segment":
        segment = form.cleaned_data["new_segment"].strip()
        changed = do_set_segment(targets, segment, by=request.user)
        messages.success(request, ngettext(
            "Segment “%(segment)s” set on %(count)s client.",
            "Segment “%(segment)s” set on %(count)s clients.", changed,
        ) % {"segment": segment, "count": number(changed)})  # fmt: skip
    else:
        placed, unknown = do_geocode_from_municipality(targets, by=request.user)
        text = ngettext(
            "%(count)s client placed on their municipality's seat.",
            "%(count)s clients placed on their municipality's seat.", placed,
        ) % {"count": number(placed)}  # fmt: skip
        if unknown:
            text += " " + ngettext(
                "%(count)s left: city missing or not among the municipalities Carteira knows.",
                "%(count)s left: city missing or not among the municipalities Carteira knows.",
                unknown,
            ) % {"count": number(unknown)}
        messages.success(request, text)
    return _back(request)


@policy(MANAGEMENT)
@require_POST
def duplicates(request):
    form = DuplicateForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return _back(request)
    ids = sorted(set(form.cleaned_data["ids"]))
    group = list(clients_visible_to(request.user).filter(pk__in=ids))
    if len(group) != len(ids):  # a client outside the scope: as if it did not exist
        raise Http404
    if form.cleaned_data["action"] == "reviewed":
        do_mark_reviewed(ids, by=request.user)
        messages.success(request, _("Marked as reviewed: these clients are not listed as "
                                    "duplicates of each other any more."))  # fmt: skip
        return _back(request)
    kept = next(client for client in group if client.pk == form.cleaned_data["keep"])
    if not form.cleaned_data["confirmed"]:
        return _confirm_merge(request, kept, group)
    try:
        do_merge_clients(kept, group, by=request.user)
    except MergeRefused:
        messages.error(request, _("The clients could not be merged; nothing was changed."))
        return _back(request)
    merged = len(group) - 1
    messages.success(request, ngettext(
        "%(count)s client merged into %(code)s — %(name)s: its orders, contacts and history "
        "are now there.",
        "%(count)s clients merged into %(code)s — %(name)s: their orders, contacts and "
        "history are now there.", merged,
    ) % {"count": number(merged), "code": kept.external_id, "name": kept})  # fmt: skip
    return _back(request)


def _confirm_merge(request, kept, group):
    """What the merge will do, before it does it: per client what moves, and the empty
    fields of the kept client that the others fill."""
    others = [client for client in group if client.pk != kept.pk]
    filled = [
        str(Client._meta.get_field(name).verbose_name)
        for name in FILLED_BY_MERGE
        if is_blank(getattr(kept, name)) and any(not is_blank(getattr(o, name)) for o in others)
    ]
    context = {"kept": kept, "kept_rows": rows_naming(kept), "nav": "hygiene",
               "others": [(other, rows_naming(other)) for other in others], "filled": filled,
               "ids": [client.pk for client in group], "query": _filter_query(request.POST),
               "filters": {key: request.POST[key] for key in FILTER_KEYS
                           if request.POST.get(key)}}  # fmt: skip
    return render(request, "hygiene/merge_confirm.html", context)
