"""The field app's three doors: the app shell (the page the phone keeps), its service
worker and its web manifest. The data never comes with the page: the app downloads it
through /api/v1/field/ into IndexedDB (api.routers.field)."""

import datetime as dt
import hashlib
import json
from functools import cache, wraps

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.field.selectors import (
    field_seller,
    field_visits,
    visit_check_in,
    visits_by_seller,
)
from carteira.interactions.models import Channel
from carteira.interactions.photos import max_photo_bytes
from carteira.web import labels

# Static files the phone keeps (besides the shell): what the app needs with no network.
STATIC_FILES = (
    "vendor/pico/pico.min.css",
    "vendor/idb/idb.umd.js",
    "field/app.css",
    "field/app.js",
    "field/icons/icon-192.png",
    "field/icons/icon-512.png",
)
TEMPLATES = ("field/app.html", "field/sw.js")


def clears_phone_data(view):
    """Wrap the logout: its answer tells the browser to erase what this site stored
    (the field app's IndexedDB, its service worker and cache), wherever the seller logs
    out from, not only from the app's own button."""

    @wraps(view)
    def logout(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "POST":
            response["Clear-Site-Data"] = '"storage"'
        return response

    return logout


@cache
def app_version() -> str:
    """A digest of everything the phone caches: a change to any of them is a new service
    worker, which replaces the old cache (the browser compares the worker's bytes)."""
    content = hashlib.blake2b(digest_size=6)
    for name in STATIC_FILES:
        with open(finders.find(name), "rb") as file:
            content.update(file.read())
    for name in TEMPLATES:
        content.update(get_template(name).template.source.encode())
    return content.hexdigest()


def _strings() -> dict:
    """The codes the app shows, named as the web pages name them (web.labels)."""
    return {
        "status": {code: labels.label("status", code) for code in
                   ("active", "pre_inactive", "inactivated", "inactive", "prospect")},
        "abc": {code: labels.label("abc", code) for code in ("A", "B", "C")},
        "channel": {code: str(name) for code, name in Channel.choices},
    }  # fmt: skip


def _words() -> dict:
    """The app's own sentences, translated here (the script holds none)."""
    return {
        "online": _("Online"), "offline": _("Offline"),
        "synced": _("Synced %(when)s"), "never": _("Never synced"),
        "pending": _("%(count)s to send"), "syncing": _("Syncing…"),
        "sync_failed": _("Could not sync now; it will try again."),
        "today": _("Next working day"), "week": _("The week"),
        "no_visits": _("Nothing planned."), "visits": _("Visits in route order"),
        "unrouted": _("Visits off the route"), "calls": _("Calls"),
        "route": _("Open the route in the maps app"), "off": _("Day off"),
        "arrival": _("arrival %(time)s"), "search": _("Search a client"),
        "moved": _("moved from %(day)s: it did not fit in the route"),
        "no_clients": _("No client found."), "days": _("%(days)s days without buying"),
        "no_purchase": _("No purchase yet"), "class": _("Class"),
        "last_orders": _("Last purchases"), "tasks": _("Open tasks"),
        "complaints": _("Open complaints"),
        "overdue": _("Overdue: %(count)s instalments, %(amount)s, the oldest due %(oldest)s"),
        "contacts": _("Contacts"), "call": _("Call"), "whatsapp": _("WhatsApp"),
        "check_in": _("Check in here"), "checked_in": _("Checked in at %(time)s"),
        "no_position": _("No position: the check-in is unverified. Allow this app to use the "
                         "location to verify the next ones."),
        "log_contact": _("Log a contact"), "follow_up": _("Set a follow-up"),
        "queued": _("Saved on the phone: it is sent when there is a network."),
        "pending_state": _("Waiting to be sent"), "applied": _("Sent"),
        "conflict": _("Sent, with a conflict"), "refused": _("Refused by the server"),
        "dismiss": _("Dismiss"), "queue_empty": _("Nothing logged on this phone yet."),
        "session_ended": _("Your session ended: this phone's data was erased. Log in again."),
        "unsent_kept": _("Records not sent yet: %(count)s. They stay on this phone for up "
                         "to %(days)s days: log in again to send them."),
        "log_in": _("Log in"), "updated": _("A new version of the app was installed."),
        "required_successful": _("Say whether you reached the client."),
        "back": _("Back"), "due": _("due %(date)s"), "planned": _("planned for %(date)s"),
        "checkin_kind": _("Check-in"), "outcome_kind": _("Contact"),
        "followup_kind": _("Follow-up"), "client_not_found": _("Client not on this phone."),
        "moved_away": _("No longer in your portfolio (moved at the last download)."),
        "photo_kind": _("Photo"), "photo_unreadable": _("This photo could not be read."),
        "photo_too_big": _("The photo is too large even after shrinking it."),
    }  # fmt: skip


@policy("login")
@require_GET
def app(request):
    """The shell: no client data in it (it is cached on the phone), only the labels."""
    get_token(request)  # the CSRF cookie the app sends its queue with
    seller = field_seller(request.user)
    context = {
        "seller": seller,
        "user_id": request.user.pk,
        "strings": _strings(),
        "words": _words(),
        "version": app_version(),
        "photo_max": max_photo_bytes(),
        "nav": "field",
    }
    return render(request, "field/app.html", context)


@policy("public")
@require_GET
def service_worker(request):
    """The worker's script, at the app's path so its scope is the app (/campo/)."""
    urls = [reverse("field:app"), *(static(name) for name in STATIC_FILES)]
    text = get_template("field/sw.js").render(
        {"version": app_version(), "precache": json.dumps(urls), "shell": reverse("field:app")}
    )
    response = HttpResponse(text, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field:app")
    return response


@policy("public")
@require_GET
def manifest(request):
    data = {
        "name": _("Carteira — field"),
        "short_name": _("Field"),
        "lang": "pt-BR",
        "start_url": reverse("field:app"),
        "scope": reverse("field:app"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [
            {"src": static("field/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("field/icons/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "any maskable"},
        ],
    }  # fmt: skip
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


TEAM_DAYS = 30
VISITS_SHOWN = 50


@policy(MANAGEMENT)
@require_GET
def team_visits(request):
    """The visits the team logged (on the phone or the web), each counted once, with the
    check-in beside it: when, and whether it was verified (within the radius of the
    client's registered place) or why not."""
    end = timezone.localdate()
    start = end - dt.timedelta(days=TEAM_DAYS - 1)
    visits = list(
        field_visits(request.user, start=start, end=end).prefetch_related("photos", "check_ins")[
            :VISITS_SHOWN
        ]
    )
    for visit in visits:
        visit.check_in = visit_check_in(visit.check_ins.all())
    context = {
        "rows": visits_by_seller(request.user, start=start, end=end),
        "visits": visits,
        "start": start,
        "end": end,
        "radius": settings.CARTEIRA_CHECKIN_RADIUS_M,
        "nav": "field_team",
    }
    return render(request, "field/team.html", context)
