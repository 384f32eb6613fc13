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
from carteira.clients.access import access_client, clients_visible_to
from carteira.complaints import public, sla
from carteira.complaints.access import access_complaint, complaints_visible_to
from carteira.complaints.attachments import AttachmentRefused, do_attach
from carteira.complaints.forms import (
    AttachForm,
    NpsForm,
    OpenComplaintForm,
    PublicComplaintForm,
    SurveyForm,
)
from carteira.complaints.models import Complaint
from carteira.complaints.nps import SurveyError, do_answer_nps
from carteira.complaints.selectors import categories
from carteira.complaints.selectors import queue as queue_rows
from carteira.complaints.services import (
    STEPS,
    ComplaintError,
    do_answer_survey,
    do_open_complaint,
    do_open_from_client,
    do_step,
)
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


@policy("login")
@require_GET
def form_link(request, client_id: int):
    """The signed link of a client's web form, for the seller to send (404 outside the
    scope, like every client page)."""
    client = access_client(request.user, client_id)
    context = {"nav": "complaints", "client": client, "url": public.form_url(client)}
    return render(request, "complaints/form_link.html", context)


@policy("public")
def public_form(request, token: str):
    """The client writes a complaint by its signed link; no login, no portfolio shown."""
    client = public.client_of_form(token)
    if client is None:
        raise Http404
    form = PublicComplaintForm(request.POST or None, request.FILES or None, categories=categories())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_open_from_client(
                client, reporter=data["reporter"], reporter_email=data["reporter_email"],
                category=data["category"], description=data["description"],
                order_numbers=form.order_numbers(), attachments=data["attachments"],
            )  # fmt: skip
        except ComplaintError as error:
            form.add_error(None, str(error))
        else:
            return render(request, "complaints/public_done.html", {"client": client})
    status = 422 if request.method == "POST" else 200
    context = {"client": client, "form": form}
    return render(request, "complaints/public_form.html", context, status=status)


@policy("public")
def survey(request, token: str):
    """The satisfaction survey of a closed complaint (signed link, 30 days, once)."""
    complaint = public.complaint_of_survey(token)
    if complaint is None:
        raise Http404
    if complaint.surveyed_at is not None:
        return render(request, "complaints/public_done.html", {"client": complaint.client,
                                                               "answered": True})  # fmt: skip
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_answer_survey(
                complaint, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
            )
        except ComplaintError as error:
            form.add_error(None, str(error))
        else:
            return render(request, "complaints/public_done.html",
                          {"client": complaint.client, "answered": True})  # fmt: skip
    context = {"complaint": complaint, "form": form}
    return render(request, "complaints/survey.html", context)


@policy("public")
def nps(request, token: str):
    """The periodic NPS question of an active client (signed link, 30 days, once)."""
    survey = public.survey_of_nps(token)
    if survey is None:
        raise Http404
    done = {"client": survey.client, "answered": True}
    if survey.answered_at is not None:
        return render(request, "complaints/public_done.html", done)
    form = NpsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_answer_nps(
                survey, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
            )
        except SurveyError as error:
            form.add_error(None, str(error))
        else:
            return render(request, "complaints/public_done.html", done)
    return render(request, "complaints/nps.html", {"survey": survey, "form": form})
