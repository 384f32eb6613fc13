"""The error pages (403, 404, 500, CSRF failure) in the product's layout and the user's
language, with the menu for a logged-in user and a way back. Under /api/v1/ the API
answers JSON, as its own errors do."""

import logging
import sys
from functools import wraps
from urllib.parse import urlsplit

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from carteira.accounts.capabilities import Capability
from carteira.accounts.middleware import activate_user_language
from carteira.accounts.security import DATABASE_ERRORS, unavailable

API_PREFIX = "/api/v1/"
logger = logging.getLogger(__name__)


def _page(request, status: int, context: dict) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": context["title"]}, status=status)
    context = {"status": status, "back": _back(request), **context}
    html = loader.render_to_string("errors/error.html", context, request)
    return HttpResponse(html, status=status)


def _back(request) -> str | None:
    """The page the user came from, if it is one of ours and not this one."""
    referer = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return None
    return referer if urlsplit(referer).path != request.path else None


def in_users_language(handler):
    """Error pages can be met before any view ran (an unknown address), so before the
    user's language was activated: activate it before the texts are translated."""

    @wraps(handler)
    def translated(request, *args, **kwargs):
        activate_user_language(request)
        return handler(request, *args, **kwargs)

    return translated


@in_users_language
def page_not_found(request, exception=None):
    return _page(request, 404, {
        "title": _("Page not found"),
        "text": _("The address may be mistyped, or what it pointed to no longer exists or "
                  "is not in your portfolio."),
    })  # fmt: skip


@in_users_language
def permission_denied(request, exception=None):
    capability = exception.args[0] if exception and exception.args else None
    holders = capability.holders if isinstance(capability, Capability) else None
    return _page(request, 403, {
        "title": _("You do not have access to this page"),
        "text": (_("This page is for %(holders)s.") % {"holders": holders}) if holders
        else _("Your role does not include this page."),
        "hint": _("If you need it for your work, ask your manager or the administrator."),
    })  # fmt: skip


@in_users_language
def csrf_failure(request, reason=""):
    """The form was sent with an expired or missing security token (a page left open
    across a login, or cookies blocked); nothing was saved."""
    return _page(request, 403, {
        "title": _("The form expired"),
        "text": _("For your security the form could not be sent: the page was open for too "
                  "long, or you logged in again in another tab. Nothing was saved."),
        "hint": _("Go back, reload the page and send it again."),
    })  # fmt: skip


def server_error(request, *args, **kwargs):
    """handler500: a database outage is a 503 built without the database; anything else
    the 500 page, and a bare page should even that fail (a broken template, the session)."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return unavailable()
    try:
        activate_user_language(request)
        return _page(request, 500, _server_error_texts())
    except Exception:
        logger.exception("the 500 page could not be rendered")
        texts = _server_error_texts()
        html = "<!doctype html><title>500</title><h1>{}</h1><p>{}</p>".format(
            texts["title"], texts["text"]
        )
        return HttpResponse(html, status=500)


def _server_error_texts() -> dict:
    return {
        "title": _("Something went wrong on our side"),
        "text": _("The error was recorded. Try again in a few moments; if it happens again, "
                  "tell the administrator what you were doing."),
    }  # fmt: skip
