"""Lead pages: the list and the board a seller works every day, a lead's page (edit,
move, convert), and the funnel for managers. Leads come through the leads gate."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.audit.services import do_record
from carteira.leads import selectors
from carteira.leads.access import access_lead, leads_visible_to
from carteira.leads.forms import (
    ContactForm,
    FunnelForm,
    LeadFilterForm,
    LeadForm,
    MoveForm,
    PlanForm,
)
from carteira.leads.funnel import funnel_for
from carteira.leads.icp import ATTRIBUTES
from carteira.leads.models import Lead, Source
from carteira.leads.services import (
    LeadError,
    do_convert_lead,
    do_create_lead,
    do_move_lead,
    do_plan_first_contacts,
    do_record_contact,
    do_update_lead,
    normalised_document,
)
from carteira.leads.stages import closing_keys, funnel_stages, stage_labels
from carteira.organization.models import Seller
from carteira.web.writers import write_csv, write_xlsx

PAGE_SIZE = 25
FILTER_FIELDS = ("q", "stage", "source", "segment", "state", "seller", "open")
BOARD_CARDS = 30  # per stage column, the best ICP first
EDIT_FIELDS = LeadForm.Meta.fields


def _filtered(request):
    form = LeadFilterForm(request.GET, user=request.user,
                          segments=selectors.lead_segments(request.user))  # fmt: skip
    if not form.is_valid():
        return None, None
    sort = form.cleaned_data["sort"] or "icp"
    return form, selectors.lead_list(user=request.user, where=form.lead_filter(), sort=sort)


@policy("login")
@require_GET
def lead_list(request):
    form, leads = _filtered(request)
    if form is None:
        return HttpResponseBadRequest(_("Invalid filter."))
    page = Paginator(leads, PAGE_SIZE).get_page(form.cleaned_data["page"] or 1)
    labels = stage_labels()
    for lead in page:
        lead.stage_label = labels.get(lead.stage, lead.stage)
    context = {
        "form": form,
        "plan_form": PlanForm(),
        "page": page,
        "sort": form.cleaned_data["sort"] or "icp",
        "filtered": any(form.cleaned_data.get(k) for k in FILTER_FIELDS),
        "nav": "leads",
    }
    template = "leads/list.html#results" if request.htmx else "leads/list.html"
    return render(request, template, context)


EXPORT_COLUMNS = (
    "external_id", "name", "document", "segment", "size", "city", "state", "source", "stage",
    "seller", "created_at", "next_step", "next_step_date", "icp_score", "client",
)  # fmt: skip


@policy("login")
@require_GET
def lead_export(request, fmt: str):
    """The list as CSV or XLSX: the same filters and scope, every row (formula-safe)."""
    form, leads = _filtered(request)
    if form is None or fmt not in ("csv", "xlsx"):
        return HttpResponseBadRequest(_("Invalid filter."))
    labels = stage_labels()
    rows = [
        (lead.external_id or "", lead.name, lead.document, lead.segment, lead.size, lead.city,
         lead.state, lead.source, labels.get(lead.stage, lead.stage),
         lead.seller.external_id if lead.seller else "", lead.created_date, lead.next_step,
         lead.next_step_date, lead.icp_score, lead.client.external_id if lead.client else "")
        for lead in leads.select_related("client").iterator(chunk_size=2000)
    ]  # fmt: skip
    do_record("lead.exported", actor=request.user, rows=len(rows), format=fmt)
    name = f"leads-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        write_csv(EXPORT_COLUMNS, rows, out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        binary = io.BytesIO()
        write_xlsx(EXPORT_COLUMNS, rows, binary)
        response = HttpResponse(
            binary.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _board_context(request) -> dict:
    leads = selectors.LeadFilter(open_only=False).apply(leads_visible_to(request.user))
    if request.GET.get("seller", "").isdigit():
        leads = leads.filter(seller_id=int(request.GET["seller"]))
    closed = closing_keys("won") | closing_keys("lost")
    columns = []
    for stage in funnel_stages():
        in_stage = leads.filter(stage=stage.key)
        if stage.key in closed:
            in_stage = in_stage.filter(stage_since__gte=timezone.localdate() - dt.timedelta(30))
        cards = in_stage.select_related("seller").order_by(*selectors.LEAD_SORTS["icp"])
        columns.append(
            {
                "stage": stage,
                "count": in_stage.count(),
                "cards": list(cards[:BOARD_CARDS]),
                "closed": stage.key in closed,
            }
        )
    return {"columns": columns, "stages": funnel_stages(), "nav": "leads",
            "move_form": MoveForm()}  # fmt: skip


@policy("login")
@require_GET
def board(request):
    """One column per stage (won and lost: the last 30 days), each lead a card that moves
    with a select and a button (keyboard first), or to the next stage in one click."""
    return render(request, "leads/board.html", _board_context(request))


def _owner_default(request) -> Seller | None:
    return Seller.objects.filter(user=request.user).first()


@policy("login")
def lead_new(request):
    initial = {"seller": _owner_default(request), "source": Source.LIST}
    if request.GET.get("referred_by_code"):  # "Record a referral" from a client's task
        initial |= {"source": Source.REFERRAL, "referred_by_code": request.GET["referred_by_code"]}
    form = LeadForm(request.POST or None, user=request.user, initial=initial)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        lead = form.save(commit=False)
        lead.referred_by = form.cleaned_data.get("referred_by")
        if lead.seller is None and not request.user.sees_whole_portfolio:
            lead.seller = _owner_default(request)
        duplicates = _duplicates(request.user, lead)
        if duplicates and not request.POST.get("confirm_duplicate"):
            form.add_error(None, _("This company may already be a client or a lead: see below."))
        else:
            try:
                lead.stage = funnel_stages()[0].key
                lead.created_date = timezone.localdate()
                do_create_lead(lead, by=request.user, via="web")
            except LeadError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Lead recorded."))
                return redirect("leads:detail", lead_id=lead.pk)
    return render(request, "leads/form.html",
                  {"form": form, "duplicates": duplicates, "nav": "leads"})  # fmt: skip


def _duplicates(user, lead: Lead):
    try:
        document = normalised_document(lead.document)
    except LeadError:
        document = ""
    return selectors.duplicates_of(user=user, name=lead.name, city=lead.city,
                                   document=document, exclude_lead=lead.pk)  # fmt: skip


@policy("object:lead")
def lead_detail(request, lead_id: int, contact_form=None, status=200):
    lead = access_lead(request.user, lead_id)
    form = LeadForm(request.POST or None, instance=lead, user=request.user)
    if request.method == "POST" and form.is_valid():
        lead = form.save(commit=False)
        lead.referred_by = form.cleaned_data.get("referred_by")
        try:
            do_update_lead(lead, [*form.changed_data, "referred_by"], by=request.user)
        except LeadError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Lead saved."))
            return redirect("leads:detail", lead_id=lead.pk)
    labels = stage_labels()
    context = {
        "lead": lead,
        "form": form,
        "move_form": MoveForm(initial={"stage": lead.stage}),
        "stage_label": labels.get(lead.stage, lead.stage),
        "factors": [
            {**f, "label": ATTRIBUTES.get(f["attribute"], f["attribute"])}
            for f in lead.icp_factors or []
        ],
        "history": [
            (change, labels.get(change.stage, change.stage))
            for change in lead.history.select_related("by").order_by("-on", "-pk")
        ],
        "duplicates": _duplicates(request.user, lead),
        "won": lead.stage in closing_keys("won"),
        "closed": lead.client_id is not None
        or lead.stage in closing_keys("won") | closing_keys("lost"),
        "contact_form": contact_form
        or ContactForm(
            initial={"on": timezone.localdate(), "channel": lead.next_step_channel, "reached": True}
        ),
        "contacts": lead.contacts.select_related("by"),
        "nav": "leads",
    }
    return render(request, "leads/detail.html", context, status=status)


@policy("object:lead")
@require_POST
def lead_contact(request, lead_id: int):
    """Record a contact made with the lead; its next step follows (given, or the cadence)."""
    lead = access_lead(request.user, lead_id)
    form = ContactForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_record_contact(lead, by=request.user, channel=data["channel"], on=data["on"],
                              reached=data["reached"], note=data["note"],
                              move_to=data["move_to"], next_step=data["next_step"],
                              next_step_date=data["next_step_date"],
                              next_step_channel=data["next_step_channel"])  # fmt: skip
        except LeadError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Contact recorded."))
            return redirect("leads:detail", lead_id=lead.pk)
    request.method = "GET"  # the page again with the form's errors, nothing else posted
    return lead_detail(request, lead_id, contact_form=form, status=422)


@policy("login")
@require_POST
def plan_contacts(request):
    """The best ``count`` leads of the filtered list (by ICP) without a next step get
    their stage's next step today: the agenda plans them within the seller's capacity."""
    plan = PlanForm(request.POST)
    form, leads = _filtered(request)
    if form is None or not plan.is_valid():
        return HttpResponseBadRequest(_("Invalid filter."))
    leads = leads.filter(next_step_date__isnull=True).order_by(*selectors.LEAD_SORTS["icp"])
    open_leads = selectors.LeadFilter(open_only=True).apply(leads)
    count = do_plan_first_contacts(list(open_leads[: plan.cleaned_data["count"]]),
                                   by=request.user)  # fmt: skip
    messages.success(request, ngettext(
        "%(count)s lead is now in the agenda.", "%(count)s leads are now in the agenda.", count,
    ) % {"count": count})  # fmt: skip
    return redirect(f"{reverse('leads:list')}?{request.GET.urlencode()}")


@policy("object:lead")
@require_POST
def lead_move(request, lead_id: int):
    lead = access_lead(request.user, lead_id)
    form = MoveForm(request.POST)
    error = None
    if form.is_valid():
        try:
            do_move_lead(lead, form.cleaned_data["stage"], by=request.user,
                         loss_reason=form.cleaned_data["loss_reason"])  # fmt: skip
        except LeadError as refused:
            error = str(refused)
    else:
        error = _("Choose a stage.")
    if request.htmx:
        context = _board_context(request)
        context.update(moved=lead, error=error)
        return render(request, "leads/board.html#board", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Lead moved to %(stage)s.")
                         % {"stage": stage_labels().get(lead.stage)})  # fmt: skip
    return redirect("leads:detail", lead_id=lead.pk)


@policy("object:lead")
@require_POST
def lead_convert(request, lead_id: int):
    lead = access_lead(request.user, lead_id)
    try:
        client = do_convert_lead(lead, by=request.user)
    except LeadError as error:
        messages.error(request, str(error))
        return redirect("leads:detail", lead_id=lead.pk)
    text = _("%(name)s is now client %(code)s: a prospect until its first order.")
    messages.success(request, text % {"name": lead.name, "code": client.external_id})
    return redirect("clients:detail", client_id=client.pk)


@policy(MANAGEMENT)
@require_GET
def funnel(request):
    """Conversion by stage, won and lost, CAC by channel and seller over a window (the
    current month by default): the same selector as the CLI and the API."""
    form = FunnelForm(request.GET or None)
    today = timezone.localdate()
    start, end, by = today.replace(day=1), today, None
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        by = form.cleaned_data["by"] or None
    if end < start:
        start, end = end, start
    report = funnel_for(request.user, start=start, end=end, by=by)
    top = max((s["entered"] for s in report["stages"]), default=0) or 1
    for stage in report["stages"]:
        stage["width"] = round(100 * stage["entered"] / top)
    return render(request, "leads/funnel.html",
                  {"form": form, "report": report, "nav": "funnel"})  # fmt: skip
