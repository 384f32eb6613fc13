from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.audit.services import do_record
from carteira.clients.filters import segments_of
from carteira.distribution import selectors, services
from carteira.distribution.access import access_distribution
from carteira.distribution.forms import DepartureForm, ProposalForm, ReassignForm, RuleForm
from carteira.distribution.mapping import proposal_map
from carteira.distribution.models import Proposal
from carteira.distribution.rule_map import rule_map_config

PREVIEW_ROWS = 200


def _page(request, template, context):
    return render(request, f"distribution/{template}", {"nav": "distribution", **context})


@policy(MANAGEMENT)
def index(request):
    scope = access_distribution(request.user)
    form = ProposalForm(teams=scope.teams, whole_company=scope.whole_company)
    context = {"rules": scope.rules(), "proposals": scope.proposals()[:20], "form": form}
    return _page(request, "index.html", context)


@policy(MANAGEMENT)
@require_http_methods(["GET", "POST"])
def rule_edit(request, rule_id: int | None = None):
    scope = access_distribution(request.user)
    rule = scope.rule(rule_id) if rule_id is not None else None
    form = RuleForm(request.POST or None, instance=rule, sellers=scope.sellers)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        do_record("distribution.rule_saved", actor=request.user, obj=saved,
                  fields=sorted(form.changed_data))  # fmt: skip
        messages.success(request, _("Rule saved."))
        return redirect("distribution:index")
    context = {"form": form, "rule": rule, "map": rule_map_config(scope, rule)}
    return _page(request, "rule_form.html", context)


@policy(MANAGEMENT)
def rules_preview(request):
    scope = access_distribution(request.user)
    preview = services.rules_preview(scope)
    return _page(request, "rules_preview.html", {"preview": preview, "rows": PREVIEW_ROWS})


@policy(MANAGEMENT)
@require_POST
def rules_apply(request):
    scope = access_distribution(request.user)
    moved = services.do_apply_rules(scope, on=timezone.localdate(), by=request.user)
    messages.success(
        request,
        ngettext(
            "Rules applied: %(n)d client changed seller.",
            "Rules applied: %(n)d clients changed seller.",
            moved,
        )
        % {"n": moved},
    )
    return redirect("distribution:index")


@policy(MANAGEMENT)
@require_http_methods(["GET", "POST"])
def reassign(request):
    scope = access_distribution(request.user)
    data = request.POST if request.method == "POST" else request.GET
    form = ReassignForm(data or None, sellers=scope.sellers, segments=segments_of(scope.clients))
    context = {"form": form, "count": None}
    if form.is_bound and form.is_valid() and not form.client_filter().is_empty():
        clients = form.client_filter().apply(scope.clients)
        context.update(count=clients.count(), sample=clients.select_related("seller")[:20])
        target = form.cleaned_data["seller_to"]
        if request.method == "POST" and target is not None and context["count"]:
            reason = form.cleaned_data["reason"] or _("reassignment")
            moved = services.do_reassign(
                clients, target, on=timezone.localdate(), reason=reason, by=request.user,
                until=form.cleaned_data["until"],
            ).moved  # fmt: skip
            messages.success(
                request,
                ngettext("%(n)d client moved to %(s)s.", "%(n)d clients moved to %(s)s.", moved)
                % {"n": moved, "s": target},
            )
            return redirect("distribution:index")
    return _page(request, "reassign.html", context)


@policy(MANAGEMENT)
@require_http_methods(["GET", "POST"])
def departure(request):
    scope = access_distribution(request.user)
    form = DepartureForm(request.POST or None, sellers=scope.sellers)
    if request.method == "POST" and form.is_valid():
        seller, until = form.cleaned_data["seller"], form.cleaned_data["until"]
        reason = (
            _("leave of %(s)s") % {"s": seller}
            if until
            else _("departure of %(s)s") % {"s": seller}
        )
        if form.cleaned_data["mode"] == DepartureForm.ONE:
            moved = services.do_reassign(
                scope.clients.filter(seller=seller), form.cleaned_data["seller_to"],
                on=timezone.localdate(), reason=reason, by=request.user, until=until,
            ).moved  # fmt: skip
            if until is None:
                seller.active = False
                seller.save(update_fields=["active"])
            messages.success(
                request,
                ngettext("%(n)d client moved.", "%(n)d clients moved.", moved) % {"n": moved},
            )
            return redirect("distribution:index")
        try:
            proposal = services.do_request_proposal(
                scope, team=seller.team, reason=reason, by=request.user, leaving=seller,
                until=until, tradeoff=ProposalForm.default_options(),
            )  # fmt: skip
        except ValueError as error:
            messages.error(request, str(error))
        else:
            return redirect("distribution:proposal", proposal.pk)
    return _page(request, "departure.html", {"form": form})


@policy(MANAGEMENT)
@require_POST
def proposal_new(request):
    scope = access_distribution(request.user)
    form = ProposalForm(request.POST, teams=scope.teams, whole_company=scope.whole_company)
    if not form.is_valid():
        messages.error(request, _("Choose a team."))
        return redirect("distribution:index")
    try:
        proposal = services.do_request_proposal(
            scope, team=form.cleaned_data["team"], reason=form.cleaned_data["reason"],
            by=request.user, tradeoff=form.tradeoff_options(),
        )  # fmt: skip
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("distribution:index")
    return redirect("distribution:proposal", proposal.pk)


def _chart(proposal) -> dict:
    rows = proposal.summary.get("sellers", [])
    return {
        "labels": [r["name"] for r in rows],
        "capacity": [r["capacity"] for r in rows],
        "before": [r["before"]["workload"] for r in rows],
        "after": [r["after"]["workload"] for r in rows],
        "revenueBefore": [r["before"]["revenue"] / 100 for r in rows],
        "revenueAfter": [r["after"]["revenue"] / 100 for r in rows],
        "text": {"before": _("Today"), "after": _("Proposed"), "capacity": _("Capacity"),
                 "workload": _("Contacts a week"), "revenue": _("Revenue")},
    }  # fmt: skip


@policy(MANAGEMENT)
def proposal_detail(request, proposal_id: int):
    scope = access_distribution(request.user)
    proposal = scope.proposal(proposal_id)
    if proposal.computing or proposal.status == Proposal.State.FAILED:
        return _waiting(request, proposal)
    if request.htmx:  # the waiting page's poll: the draft is ready, load the whole page
        return HttpResponse(headers={"HX-Refresh": "true"})
    names = {r["seller"]: r["name"] for r in proposal.summary.get("sellers", [])}
    ids = [cid for cid, _old, _new in proposal.moves[:PREVIEW_ROWS]]
    clients = scope.clients.in_bulk(ids)
    moves = [
        (clients.get(cid), names.get(old, "—"), names.get(new, "—"))
        for cid, old, new in proposal.moves[:PREVIEW_ROWS]
    ]
    context = {
        "proposal": proposal,
        "plain": selectors.proposal_in_words(proposal.summary, len(proposal.moves)),
        "moves": moves,
        "chart": _chart(proposal),
        "map": proposal_map(scope, proposal),
    }
    return _page(request, "proposal.html", context)


def _waiting(request, proposal: Proposal) -> HttpResponse:
    """A proposal the task worker computes (the passes so far, polled by HTMX every
    second) or could not compute (the reason, and the way back to ask again)."""
    template = "proposal_wait.html#status" if request.htmx else "proposal_wait.html"
    return _page(request, template, {"proposal": proposal})


@policy(MANAGEMENT)
@require_POST
def proposal_apply(request, proposal_id: int):
    scope = access_distribution(request.user)
    proposal = scope.proposal(proposal_id)
    moved = services.do_apply_proposal(scope, proposal, on=timezone.localdate(), by=request.user)
    messages.success(
        request,
        ngettext(
            "Proposal applied: %(n)d client changed seller.",
            "Proposal applied: %(n)d clients changed seller.",
            moved,
        )
        % {"n": moved},
    )
    return redirect("distribution:proposal", proposal.pk)


@policy(MANAGEMENT)
@require_POST
def proposal_discard(request, proposal_id: int):
    scope = access_distribution(request.user)
    services.do_discard_proposal(scope.proposal(proposal_id), by=request.user)
    return redirect("distribution:index")


HISTORY_ROWS = 50


@policy(MANAGEMENT)
def history(request):
    scope = access_distribution(request.user)
    batches = scope.batches().prefetch_related("reversal")[:HISTORY_ROWS]
    return _page(request, "history.html", {"batches": batches})


@policy(MANAGEMENT)
def batch_detail(request, move_id: int):
    scope = access_distribution(request.user)
    batch = scope.batch(move_id)
    items = batch.items.select_related("client", "seller_from", "seller_to")
    if not scope.whole_company:  # a manager sees the moves of their teams' sellers only
        items = items.filter(Q(seller_from__in=scope.sellers) | Q(seller_to__in=scope.sellers))
    context = {"batch": batch, "items": items[:PREVIEW_ROWS], "rows": PREVIEW_ROWS}
    if batch.kind != batch.Kind.REVERSAL and not hasattr(batch, "reversal"):
        context["undo"] = selectors.reversal_preview(scope, batch)
    return _page(request, "batch.html", context)


@policy(MANAGEMENT)
@require_POST
def batch_undo(request, move_id: int):
    scope = access_distribution(request.user)
    batch = scope.batch(move_id)
    try:
        undo = services.do_undo_batch(scope, batch, on=timezone.localdate(), by=request.user)
    except services.AlreadyUndone:
        messages.error(request, _("This move was already undone."))
        return redirect("distribution:batch", batch.pk)
    messages.success(
        request,
        ngettext("Undone: %(n)d client went back to their seller.",
                 "Undone: %(n)d clients went back to their sellers.", undo.moved)
        % {"n": undo.moved},
    )  # fmt: skip
    return redirect("distribution:batch", undo.pk)
