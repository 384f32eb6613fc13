"""Setting a client's credit limit (managers and the central team, the client through its
gate): the form shows the exposure, the suggestion and the history of the limit."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.clients.access import access_client
from carteira.credit.selectors import client_credit
from carteira.credit.services import do_set_credit_limit
from carteira.credit.words import suggested_sentence
from carteira.portfolio.rules_store import current_rules
from carteira.web import formats
from carteira_core.money import NumberError, parse_decimal


class LimitForm(forms.Form):
    limit = forms.CharField(
        label=gettext_lazy("Credit limit (R$)"), required=False, max_length=24,
        help_text=gettext_lazy("Leave empty to remove the limit."),
    )  # fmt: skip
    note = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def clean_limit(self) -> Decimal | None:
        """``2.500,00``, ``2500,00`` or ``2500.00`` (the one pt-BR money parser)."""
        text = self.cleaned_data["limit"].strip()
        if not text:
            return None
        try:
            value = parse_decimal(text)
        except NumberError:
            raise forms.ValidationError(
                _("'%(value)s' is not an amount in reais (e.g. 2.500,00)."), params={"value": text}
            ) from None
        if value < 0:
            raise forms.ValidationError(_("The limit cannot be negative."))
        return value


@policy(MANAGEMENT)
@require_http_methods(["GET", "POST"])
def set_limit(request, client_id: int):
    client = access_client(request.user, client_id)
    credit = client_credit(client, as_of=timezone.localdate(), rules=current_rules().credit)
    current = None if credit.limit is None else credit.limit.limit
    initial = {"limit": "" if current is None else formats.number(current, 2)}
    form = LimitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        limit = form.cleaned_data["limit"]
        change = do_set_credit_limit(
            client, limit=limit, by=request.user, note=form.cleaned_data["note"]
        )
        if change is None:
            messages.info(request, _("The limit is unchanged."))
        else:
            messages.success(request, _("Credit limit saved."))
        return redirect("clients:detail", client_id=client.pk)
    context = {
        "client": client,
        "form": form,
        "credit": credit,
        "suggested_sentence": suggested_sentence(credit.suggested),
        "nav": "clients",
    }
    return render(request, "credit/set_limit.html", context, status=400 if form.errors else 200)
