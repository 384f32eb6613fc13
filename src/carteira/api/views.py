"""Pages of the web app for API users: personal tokens and the webhook delivery log."""

from pathlib import Path

import ninja
from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carteira.accounts.policy import policy
from carteira.api.models import ApiToken, WebhookDelivery
from carteira.api.tokens import do_create_token, do_revoke_token

# Swagger UI as bundled with django-ninja: the docs page works without a CDN.
NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
}


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=ApiToken.Scope.choices)


@policy("login")
@require_http_methods(["GET", "POST"])
def token_list(request):
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_token = do_create_token(
            user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
        )
        form = TokenForm()
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": ApiToken.objects.filter(user=request.user),
        "nav": "api",
    }
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@policy("login")
@require_POST
def token_revoke(request, token_id: int):
    if not do_revoke_token(user=request.user, token_id=token_id):
        raise Http404
    messages.success(request, _("Token revoked: it no longer works."))
    return redirect("api:tokens")


@policy("login")
@require_GET
def delivery_log(request):
    deliveries = (
        WebhookDelivery.objects.filter(subscription__owner=request.user)
        .select_related("subscription")
        .order_by("-pk")[:200]
    )
    return render(request, "api/deliveries.html", {"deliveries": deliveries, "nav": "api"})


@policy("public")
@require_GET
def docs_asset(request, name: str):
    if name not in DOCS_ASSETS:
        raise Http404
    response = FileResponse((NINJA_STATIC / name).open("rb"), content_type=DOCS_ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response
