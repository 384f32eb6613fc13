from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carteira.accounts.capabilities import PRIVACY_OFFICERS
from carteira.accounts.policy import policy
from carteira.audit.services import do_record
from carteira.privacy import services
from carteira.privacy.forms import ContactCorrectionForm, DataSubjectRequestForm
from carteira.privacy.models import DataSubjectRequest


@policy("object:contact")
@require_GET
def contact_report(request, contact_id: int):
    contact = services.access_contact(request.user, contact_id)
    do_record("contact.viewed", actor=request.user, obj=contact)
    report = services.get_access_report(contact)
    context = {"contact": contact, "report": report, "nav": "clients",
               "may_anonymise": request.user.handles_privacy}  # fmt: skip
    return render(request, "privacy/contact_report.html", context)


@policy("object:contact")
@require_http_methods(["GET", "POST"])
def contact_edit(request, contact_id: int):
    contact = services.access_contact(request.user, contact_id)
    if contact.anonymized_at is not None:
        raise Http404
    form = ContactCorrectionForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.do_correct_contact(form.instance, form.changed_data, actor=request.user)
        messages.success(request, _("Contact corrected."))
        return redirect("privacy:contact", contact_id=contact.pk)
    return render(request, "privacy/contact_edit.html", {"contact": contact, "form": form})


@policy(PRIVACY_OFFICERS)
@require_POST
def contact_anonymise(request, contact_id: int):
    contact = services.access_contact_for_privacy(request.user, contact_id)
    if contact.anonymized_at is None:
        services.do_anonymise_contact(contact, actor=request.user, reason="request")
    messages.success(request, _("Contact anonymised."))
    return redirect("privacy:contact", contact_id=contact.pk)


@policy(PRIVACY_OFFICERS)
@require_POST
def contact_block(request, contact_id: int):
    contact = services.access_contact_for_privacy(request.user, contact_id)
    services.do_block_contact(
        contact, actor=request.user, blocked=request.POST.get("unblock") != "1"
    )
    return redirect("privacy:contact", contact_id=contact.pk)


@policy(PRIVACY_OFFICERS)
@require_http_methods(["GET", "POST"])
def requests_page(request):
    form = DataSubjectRequestForm(request.POST or None, initial={"received_at": timezone.now()})
    if request.method == "POST" and form.is_valid():
        services.do_record_request(form.save(commit=False), actor=request.user)
        return redirect("privacy:requests")
    now = timezone.now()
    rows = [(r, r.is_overdue(now)) for r in DataSubjectRequest.objects.all()[:500]]
    return render(request, "privacy/requests.html", {"rows": rows, "form": form, "now": now})


@policy(PRIVACY_OFFICERS)
@require_POST
def request_answer(request, request_id: int):
    """Close a request: answered, or refused with reasons (in the notes)."""
    services.do_answer_request(request_id, request.POST.get("status", ""), actor=request.user)
    return redirect("privacy:requests")
