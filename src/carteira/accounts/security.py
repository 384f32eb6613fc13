"""Cross-cutting protections: no caching of personal pages, and a clean 503 (no traceback)
when the database is down (accounts.errors: the error pages). Refusals are audited by
carteira.audit.middleware."""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

DATABASE_ERRORS = (OperationalError, InterfaceError)


class NoStoreMiddleware:
    """The app's pages hold client and contact data: never let a browser or proxy store
    them (the back button on a shared computer). Static files are served before this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response


def unavailable() -> HttpResponse:
    """A 503 built without the database, templates or the session."""
    title = _("Carteira is temporarily unavailable")
    body = _("The database cannot be reached. Try again in a few moments.")
    html = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{body}</p>"
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "10"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that hits a lost database connection answers 503, not a traceback; Django
    drops the broken connection at the end of the request (CONN_HEALTH_CHECKS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable()
        return None
