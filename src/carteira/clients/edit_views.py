"""Editing a client's registration data, with optimistic locking on Client.version: a save
based on a stale copy gets 409 and the current values instead of overwriting them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carteira.accounts.models import Role
from carteira.accounts.policy import policy
from carteira.audit.services import do_record
from carteira.clients.access import access_client
from carteira.clients.models import Client

EDITORS = frozenset({Role.ADMIN, Role.DIRECTOR, Role.MANAGER, Role.ANALYST})
EDITABLE = ["name", "trade_name", "segment", "city", "state", "postal_code", "phone", "email",
            "potential", "is_key_account"]  # fmt: skip


class ClientEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Client
        fields = EDITABLE


@policy("role:admin,director,manager,analyst")
@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request, client_id: int):
    client = access_client(request.user, client_id)
    if not (request.user.is_superuser or request.user.role in EDITORS):
        raise Http404
    if request.method == "GET":
        form = ClientEditForm(instance=client, initial={"version": client.version})
        return render(request, "clients/client_edit.html", {"client": client, "form": form})
    form = ClientEditForm(request.POST, instance=Client.objects.get(pk=client.pk))
    if not form.is_valid():
        return render(request, "clients/client_edit.html", {"client": client, "form": form})
    values = {f: form.cleaned_data[f] for f in EDITABLE}
    saved = Client.objects.filter(pk=client.pk, version=form.cleaned_data["version"]).update(
        **values, version=F("version") + 1, updated_at=timezone.now()
    )
    if not saved:
        do_record("client.edit_conflict", actor=request.user, obj=client,
                  based_on=form.cleaned_data["version"], current=client.version)  # fmt: skip
        current = ClientEditForm(instance=client, initial={"version": client.version})
        context = {"client": client, "form": current, "conflict": True}
        return render(request, "clients/client_edit.html", context, status=409)
    do_record("client.edited", actor=request.user, obj=client, fields=sorted(form.changed_data))
    messages.success(request, _("Client saved."))
    return redirect("clients:detail", client_id=client.pk)
