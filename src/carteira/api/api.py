"""The REST API, version 1: one NinjaAPI, a router per resource."""

import re

from django.db import IntegrityError
from django.http import Http404, HttpRequest
from django.utils.csp import CSP
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase

from carteira.api.auth import ActiveSessionAuth, CallerRateThrottle, TokenAuth
from carteira.api.query import make_strict
from carteira.api.routers import activity, clients, orders, organization, portfolio, webhooks
from carteira.api.routers import complaints as complaints_router
from carteira.api.routers import credit as credit_router
from carteira.api.routers import field as field_router
from carteira.api.routers import leads as leads_router
from carteira.api.routers import value as value_router
from carteira.audit.services import do_record


class OfflineSwagger(DocsBase):
    """Swagger UI from the copy bundled with django-ninja, served by us: no CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs):
        from django.shortcuts import render

        response = render(
            request,
            "api/swagger.html",
            {
                "openapi_url": self.get_openapi_url(api, kwargs),
                "api": api,
            },
        )
        # Swagger UI sets inline styles; everything else stays as strict as the app's CSP.
        response._csp_config = {
            "default-src": [CSP.SELF],
            "script-src": [CSP.SELF],
            "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
            "img-src": [CSP.SELF, "data:"],
            "frame-ancestors": [CSP.NONE],
        }
        return response


api = NinjaAPI(
    title="Carteira API",
    version="1",
    description="Client portfolio of a B2B distributor. Authenticate with "
    "`Authorization: Bearer <token>` (create tokens at /api/tokens/).",
    urls_namespace="api:v1",
    auth=[TokenAuth(), ActiveSessionAuth()],
    throttle=[CallerRateThrottle()],
    docs=OfflineSwagger(),
    docs_url="/docs",
)

api.add_router("/clients", clients.router)
api.add_router("/contacts", clients.contacts)
api.add_router("/sellers", organization.sellers)
api.add_router("/assignments", organization.assignments)
api.add_router("/orders", orders.router)
api.add_router("/interactions", activity.interactions)
api.add_router("/tasks", activity.tasks)
api.add_router("/rules", portfolio.rules)
api.add_router("/reports", portfolio.reports)
api.add_router("/webhooks", webhooks.router)
api.add_router("/value", value_router.router)
api.add_router("/receivables", credit_router.router)
api.add_router("/complaints", complaints_router.router)
api.add_router("/field", field_router.router)
api.add_router("/leads", leads_router.router)


def operations():
    """Every (method, path, operation) of the API: what the route inventory test walks."""
    # The bound routers hold the operations that serve requests (ninja clones the
    # routers' templates when binding them to the API).
    for bound in api._get_bound_routers():
        prefix = bound.prefix
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                full = "/" + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/"))
                full = re.sub(r"\{\w+:", "{", full)  # /{int:id} → /{id}, as in OpenAPI
                for method in operation.methods:
                    yield method, full, operation


for _method, _path, _operation in operations():
    make_strict(_operation)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    """Bad query strings are a 400 (like unknown parameters); bad bodies a 422, with
    per-item (index, field, message) errors for the bulk order upsert."""
    if exc.errors and all(e.get("loc", [None])[0] == "query" for e in exc.errors):
        return api.create_response(request, {"detail": exc.errors}, status=400)
    items = []
    for error in exc.errors:
        loc = list(error.get("loc", []))
        if "orders" in loc and len(loc) > loc.index("orders") + 1:
            at = loc.index("orders") + 1
            if isinstance(loc[at], int):
                field = ".".join(str(p) for p in loc[at + 1 :]) or "item"
                items.append({"index": loc[at], "field": field, "message": error.get("msg", "")})
    if items:
        detail = "Nothing was written: fix the items listed in errors."
        return api.create_response(request, {"detail": detail, "errors": items}, status=422)
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    body = {"detail": exc.message}
    if getattr(exc, "errors", None) is not None:
        body["errors"] = exc.errors
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    """Missing or outside the caller's scope (the two look the same); the attempt is kept
    in the audit trail, with the path only."""
    if request.user.is_authenticated:
        do_record("api.not_found", actor=request.user, method=request.method, path=request.path)
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="carteira"'
    return response


@api.exception_handler(IntegrityError)
def conflict(request, exc):
    return api.create_response(
        request,
        {"detail": "Conflict with existing data (a code or CNPJ already used)."},
        status=409,
    )
