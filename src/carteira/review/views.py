from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.audit.services import do_record
from carteira.goals.periods import parse_period
from carteira.review import selectors, services
from carteira.review.access import can_decide, check_can_decide
from carteira.review.forms import DecisionForm, FollowUpForm
from carteira.review.kept import kept_review
from carteira.review.models import Decision
from carteira.review.pdf import review_pdf
from carteira.review.sections import review_figures


def _period(request):
    text = request.GET.get("period") or request.POST.get("period")
    if not text:
        return selectors.default_period(timezone.localdate())
    return parse_period(text)


def _context(request, period) -> dict:
    """The review's figures, computed once for the page and its PDF (``review.kept``),
    with the decisions as they are now."""
    user, today = request.user, timezone.localdate()
    data = kept_review(user, period, today, lambda: review_figures(user, period, today))
    return {
        **data,
        "can_decide": can_decide(user),
        "decisions": list(selectors.decisions_of(period).select_related("owner")),
        "follow_ups": list(selectors.follow_ups(period)),
    }


@policy("login")
@require_GET
def review_page(request):
    period = _period(request)
    if period is None:
        return HttpResponseBadRequest(_("Invalid period."))
    context = _context(request, period)
    context.update(form=DecisionForm(), next=period.next(), nav="review",
                   follow_up_form=FollowUpForm)  # fmt: skip
    return render(request, "review/page.html", context)


# A printed review lists the sellers with the most at stake in its per-seller tables
# (credit: the largest open balance; prospecting: the most new leads); the page lists all.
# A director's 400 sellers made those two tables 980 rows, 20 of the PDF's 36 pages.
PDF_SELLER_ROWS = 25


def _for_print(context: dict) -> dict:
    """The context of the PDF: its long per-seller tables cut to ``PDF_SELLER_ROWS``
    rows, with how many were left out (``sellers_left_out``)."""
    for name in ("credit", "funnel"):
        section = context.get(name)
        sellers = section["by_seller"] if section else []
        if len(sellers) > PDF_SELLER_ROWS:
            context[name] = {**section, "by_seller": sellers[:PDF_SELLER_ROWS],
                             "sellers_left_out": len(sellers) - PDF_SELLER_ROWS}  # fmt: skip
    return context


@policy("login")
@require_GET
def review_pdf_download(request):
    period = _period(request)
    if period is None:
        return HttpResponseBadRequest(_("Invalid period."))
    context = _for_print(_context(request, period))
    context["generated_at"] = timezone.localtime()
    pdf = review_pdf(context)
    do_record("review.pdf_downloaded", actor=request.user, period=period.key)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _("review") + f"-{period.key}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@policy(MANAGEMENT)
@require_POST
def decision_new(request):
    check_can_decide(request.user)
    period = _period(request)
    form = DecisionForm(request.POST)
    if period is None or not form.is_valid():
        return HttpResponseBadRequest(_("Invalid decision."))
    services.do_record_decision(period=period, by=request.user, **form.cleaned_data)
    messages.success(request, _("Decision recorded."))
    return redirect(f"{reverse('review:page')}?period={period.key}")


@policy(MANAGEMENT)
@require_POST
def decision_follow_up(request, decision_id: int):
    check_can_decide(request.user)
    decision = get_object_or_404(Decision, pk=decision_id)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Invalid follow-up."))
    services.do_follow_up_decision(decision, by=request.user, **form.cleaned_data)
    messages.success(request, _("Follow-up saved."))
    back = parse_period(request.POST.get("period"))
    return redirect(reverse("review:page") + (f"?period={back.key}" if back else ""))
