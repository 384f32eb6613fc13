"""The client list's "select → move": ticked clients (or every client matching the list's
filter) go to another seller, with a reason. Only users who may distribute (managers
within their teams, analysts, directors, admins) reach it; sellers get a 404. The moves go
through distribution.services.do_reassign, hence history, open tasks, access and audit."""

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.audit.services import do_record
from carteira.clients.models import Client
from carteira.clients.views import _filtered_clients
from carteira.distribution.access import access_distribution
from carteira.distribution.forms import BulkMoveForm
from carteira.distribution.services import do_reassign


def _ticked(request) -> list[int] | None:
    try:
        return sorted({int(v) for v in request.POST.getlist("client")})
    except ValueError:
        return None


@policy(MANAGEMENT)
@require_POST
def bulk_move(request):
    """POST the form with the list's query string in the URL (the filter of "all matching")."""
    scope = access_distribution(request.user)
    back = reverse("clients:list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if request.POST.get("seller_to"):
        scope.seller(request.POST["seller_to"])  # outside the user's scope: 404
    form = BulkMoveForm(request.POST, sellers=scope.sellers.filter(active=True))
    ticked = _ticked(request)
    if ticked is None:
        return HttpResponseBadRequest(_("Invalid selection."))
    in_scope = scope.clients.filter(pk__in=ticked).values_list("pk", flat=True)
    if len(in_scope) != len(ticked):
        raise Http404  # one ticked client outside the scope: nothing moves
    if not form.is_valid() or not (ticked or form.cleaned_data["all_matching"]):
        messages.error(request, _("Choose the clients, the seller and a reason."))
        return redirect(back)
    if form.cleaned_data["all_matching"]:
        found = _filtered_clients(request)
        if isinstance(found, HttpResponseBadRequest):
            return found
        # A subquery, not a list of ids: the filter may match tens of thousands.
        chosen = Client.objects.filter(pk__in=found[2].order_by().values("pk")) & scope.clients
    else:
        chosen = Client.objects.filter(pk__in=ticked)
    seller, data = form.cleaned_data["seller_to"], form.cleaned_data
    selected = chosen.count()
    moved = do_reassign(
        chosen, seller, on=timezone.localdate(), reason=data["reason"], by=request.user,
        until=data["until"],
    )  # fmt: skip
    do_record("clients.bulk_moved", actor=request.user, obj=seller, selected=selected, moved=moved,
              all_matching=data["all_matching"])  # fmt: skip
    messages.success(
        request,
        ngettext("%(n)d client moved to %(s)s.", "%(n)d clients moved to %(s)s.", moved)
        % {"n": moved, "s": seller},
    )
    return redirect(back)
