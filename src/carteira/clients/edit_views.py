"""Editing a client's registration data, with optimistic locking on Client.version
(clients.services.do_edit_client): a save based on a stale copy gets 409 and the current
values instead of overwriting them."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.clients.access import access_client
from carteira.clients.models import Client
from carteira.clients.services import StaleVersion, do_edit_client

EDITABLE = ["name", "trade_name", "segment", "city", "state", "postal_code", "phone", "email",
            "potential", "is_key_account"]  # fmt: skip


class ClientEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Client
        fields = EDITABLE


@policy(MANAGEMENT)
@require_http_methods(["GET", "POST"])
def client_edit(request, client_id: int):
    client = access_client(request.user, client_id)
    if request.method == "GET":
        form = ClientEditForm(instance=client, initial={"version": client.version})
        return render(request, "clients/client_edit.html", {"client": client, "form": form})
    form = ClientEditForm(request.POST, instance=Client.objects.get(pk=client.pk))
    if not form.is_valid():
        return render(request, "clients/client_edit.html", {"client": client, "form": form})
    changes = {f: form.cleaned_data[f] for f in form.changed_data if f in EDITABLE}
    try:
        do_edit_client(client, changes, version=form.cleaned_data["version"], by=request.user)
    except StaleVersion as stale:
        current = ClientEditForm(instance=stale.current, initial={"version": stale.current.version})
        context = {"client": stale.current, "form": current, "conflict": True}
        return render(request, "clients/client_edit.html", context, status=409)
    messages.success(request, _("Client saved."))
    return redirect("clients:detail", client_id=client.pk)
