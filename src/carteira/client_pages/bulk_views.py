"""The client list's "select → move": ticked clients (or every client matching the list's
filter) go to another seller, with a reason. The first POST shows what would move (count,
revenue, from → to, open tasks) and asks to confirm (a page, or a fragment under the list
with HTMX); the confirmed POST moves them as one batch (distribution.services.do_reassign:
history, open tasks, access, audit), which the distribution history can undo. Only users
who may distribute (managers within their teams, analysts, directors, admins) get here."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.audit.services import do_record
from carteira.client_pages.views import _filtered_clients
from carteira.clients.models import Client
from carteira.distribution.access import access_distribution
from carteira.distribution.forms import BulkMoveForm
from carteira.distribution.models import MoveBatch
from carteira.distribution.selectors import move_preview
from carteira.distribution.services import do_reassign


def _go(request, url: str) -> HttpResponse:
    """Back to the list; from the HTMX fragment, the whole page goes (not into the
    fragment's place), so the message shows."""
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def _ticked(request) -> list[int] | None:
    try:
        return sorted({int(v) for v in request.POST.getlist("client")})
    except ValueError:
        return None


@policy(MANAGEMENT)
@require_POST
def bulk_move(request):
    """POST the form with the list's query string in the URL (the filter of "all matching").
    Without ``confirm``: the confirmation. With it (and the count the user saw in
    ``expected``): the move; a selection that changed meanwhile is shown again instead."""
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
        return _go(request, back)
    query = {}
    if form.cleaned_data["all_matching"]:
        found = _filtered_clients(request)
        if isinstance(found, HttpResponseBadRequest):
            return found
        # A subquery, not a list of ids: the filter may match tens of thousands.
        chosen = Client.objects.filter(pk__in=found[2].order_by().values("pk")) & scope.clients
        query = found[0].client_filter().as_query()
    else:
        chosen = Client.objects.filter(pk__in=ticked)
    seller, data = form.cleaned_data["seller_to"], form.cleaned_data
    preview = move_preview(chosen, seller)
    if not preview.moving:
        messages.info(request, _("Nothing to move: %(s)s already serves these clients.")
                      % {"s": seller})  # fmt: skip
        return _go(request, back)
    confirmed = request.POST.get("confirm") == "1"
    if not confirmed or request.POST.get("expected") != str(preview.moving):
        context = {"preview": preview, "form": form, "ticked": ticked, "back": back,
                   "changed": confirmed, "nav": "clients"}  # fmt: skip
        template = "distribution/move_confirm.html"
        return render(request, template + ("#confirm" if request.htmx else ""), context)
    batch = do_reassign(
        chosen, seller, on=timezone.localdate(), reason=data["reason"], by=request.user,
        until=data["until"], kind=MoveBatch.Kind.BULK, query=query,
    )  # fmt: skip
    do_record("clients.bulk_moved", actor=request.user, obj=seller, selected=preview.selected,
              moved=batch.moved, all_matching=data["all_matching"])  # fmt: skip
    text = ngettext("%(n)d client moved to %(s)s.", "%(n)d clients moved to %(s)s.", batch.moved)
    messages.success(request, format_html(
        '{} <a href="{}">{}</a>', text % {"n": batch.moved, "s": seller},
        reverse("distribution:batch", args=[batch.pk]), _("See or undo this move"),
    ))  # fmt: skip
    return redirect(back)
