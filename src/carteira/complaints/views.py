"""Complaint pages: the queue (open complaints with ageing and SLA clock), recording a
complaint, and one complaint's guided flow. Rows come through the complaints gate."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from carteira.accounts.policy import policy
from carteira.clients.access import clients_visible_to
from carteira.complaints import sla
from carteira.complaints.access import access_complaint, complaints_visible_to
from carteira.complaints.attachments import AttachmentRefused, do_attach
from carteira.complaints.forms import AttachForm, OpenComplaintForm
from carteira.complaints.models import Complaint
from carteira.complaints.selectors import categories
from carteira.complaints.selectors import queue as queue_rows
from carteira.complaints.services import STEPS, ComplaintError, do_open_complaint, do_step
from carteira.orders.models import Order

Status = Complaint.Status
# The steps a complaint in each status may take next, the first one suggested.
NEXT_STEPS = {
    Status.OPEN: ["acknowledge"],
    Status.ACKNOWLEDGED: ["investigate"],
    Status.INVESTIGATING: ["answer", "investigate"],
    Status.ANSWERED: ["confirm"],
    Status.CONFIRMED: ["close"],
    Status.RESOLVED: ["reopen"],
}
STEP_FIELDS = ("apology", "promise", "investigation", "involved", "answer", "note", "root_cause")


@policy("login")
def queue(request):
    rows = queue_rows(complaints_visible_to(request.user))
    return render(request, "complaints/queue.html", {"nav": "complaints", "rows": rows})


@policy("login")
def new(request):
    initial = {}
    if client_id := request.GET.get("client", ""):
        client = (
            clients_visible_to(request.user).filter(pk=client_id).first()
            if client_id.isdigit()
            else None
        )
        initial["client_code"] = client.external_id if client else ""
    form = OpenComplaintForm(
        request.POST or None, request.FILES or None, initial=initial, categories=categories()
    )
    if request.method == "POST" and form.is_valid():
        try:
            complaint = _open(request, form)
        except ComplaintError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Complaint recorded. The SLA clock is running."))
            return redirect("complaints:detail", complaint_id=complaint.pk)
    return render(request, "complaints/new.html", {"nav": "complaints", "form": form})


def _open(request, form: OpenComplaintForm) -> Complaint:
    code = form.cleaned_data["client_code"].strip()
    client = clients_visible_to(request.user).filter(external_id=code).first()
    if client is None:
        raise ComplaintError(
            _(
                "No client with code %(code)s in your portfolio: "
                "you cannot record a complaint for it."
            )
            % {"code": code}
        )
    numbers = form.order_numbers()
    found = dict(
        Order.objects.filter(client=client, external_id__in=numbers).values_list(
            "external_id", "pk"
        )
    )
    if missing := [n for n in numbers if n not in found]:
        raise ComplaintError(
            _("Not an order of this client: %(numbers)s.") % {"numbers": ", ".join(missing)}
        )
    return do_open_complaint(
        by=request.user,
        client_id=client.pk,
        category=form.cleaned_data["category"],
        severity=form.cleaned_data["severity"],
        channel=form.cleaned_data["channel"],
        description=form.cleaned_data["description"],
        order_ids=found.values(),
        attachments=form.cleaned_data["attachments"],
    )


def _page(request, complaint: Complaint, *, error: str = "", values=None, status=200,
          attach_form=None):  # fmt: skip
    now = timezone.now()
    calendar = sla.company_calendar(timezone.localdate(now))
    context = {
        "nav": "complaints",
        "complaint": complaint,
        "clock": sla.clock(complaint, now, calendar),
        "events": complaint.events.select_related("by"),
        "orders": complaint.orders.order_by("date"),
        "attachments": complaint.attachments.select_related("uploaded_by"),
        "attach_form": attach_form or AttachForm(),
        "next_steps": NEXT_STEPS.get(complaint.status, []),
        "error": error,
        "values": values or {},
    }
    return render(request, "complaints/detail.html", context, status=status)


@policy("object:complaint")
def detail(request, complaint_id: int):
    return _page(request, access_complaint(request.user, complaint_id))


@policy("object:complaint")
@require_POST
def step(request, complaint_id: int, step: str):
    complaint = access_complaint(request.user, complaint_id)
    if step not in STEPS:
        raise Http404
    values = {name: request.POST.get(name, "") for name in STEP_FIELDS}
    satisfied = {"yes": True, "no": False}.get(request.POST.get("satisfied", ""))
    try:
        do_step(complaint, step, by=request.user, satisfied=satisfied, **values)
    except ComplaintError as error:
        return _page(request, complaint, error=str(error), values=values, status=422)
    messages.success(request, _("Step recorded."))
    return redirect("complaints:detail", complaint_id=complaint.pk)


@policy("object:complaint")
@require_POST
def attach(request, complaint_id: int):
    """Add files to the complaint; a refused file is named and nothing is kept."""
    complaint = access_complaint(request.user, complaint_id)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = do_attach(complaint, form.cleaned_data["files"], by=request.user)
        except AttachmentRefused as error:
            form.add_error("files", str(error))
        else:
            messages.success(
                request,
                ngettext("%(count)d file attached.", "%(count)d files attached.", len(stored))
                % {"count": len(stored)},
            )
            return redirect("complaints:detail", complaint_id=complaint.pk)
    return _page(request, complaint, attach_form=form, status=422)


@policy("object:complaint")
@require_GET
def attachment(request, complaint_id: int, key: str):
    """One attached file, to whoever sees the complaint (404 otherwise), always as a
    download under its uploaded name: never shown inline, never sniffed."""
    complaint = access_complaint(request.user, complaint_id)
    found = complaint.attachments.filter(key=key).first()
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
