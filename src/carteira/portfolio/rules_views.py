from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.accounts.capabilities import PLAN_EDITORS
from carteira.accounts.models import User
from carteira.accounts.policy import policy
from carteira.portfolio.models import RulesVersion
from carteira.portfolio.rules_forms import RulesForm
from carteira.portfolio.rules_store import current_rules, do_save_rules
from carteira.portfolio.services import do_snapshot
from carteira.portfolio.tasks import warm_dashboards
from carteira.portfolio.whatif import preview_rules


def can_edit_rules(user: User) -> bool:
    return PLAN_EDITORS.held_by(user)


def check_can_edit_rules(user: User) -> None:
    PLAN_EDITORS.check(user)


@policy("login")
def rules_page(request):
    """Everyone reads the rules; managers, directors and admins change them, after a
    what-if preview of how many clients would move."""
    rules = current_rules()
    form = RulesForm(request.POST or None, initial=RulesForm.initial_for(rules))
    preview = None
    if request.method == "POST":
        check_can_edit_rules(request.user)
        if form.is_valid():
            if "save" in request.POST:
                version = do_save_rules(form.rules, by=request.user,
                                        comment=form.cleaned_data["comment"])  # fmt: skip
                run = do_snapshot(timezone.localdate(), by=request.user)
                warm_dashboards.enqueue(run.pk)  # ADR 10: the first dashboards read them
                messages.success(request, _("Rules version %(n)s is in force; today's reading "
                                            "was recomputed.") % {"n": version.number})  # fmt: skip
                return redirect("portfolio:rules")
            preview = preview_rules(rules, form.rules, timezone.localdate())
        if request.htmx:
            return render(request, "portfolio/rules.html#preview",
                          {"form": form, "preview": preview})  # fmt: skip
    context = {
        "form": form,
        "rules": rules,
        "preview": preview,
        "can_edit": can_edit_rules(request.user),
        "versions": RulesVersion.objects.select_related("created_by")[:20],
        "nav": "rules",
    }
    return render(request, "portfolio/rules.html", context)
