"""Webhook deliveries: signed POSTs with retries and exponential backoff. Delivery goes
to the address checked just before (no second DNS lookup) and never follows redirects."""

import datetime as dt
import hashlib
import hmac
import http.client
import json
import secrets
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from carteira.accounts.models import User
from carteira.api.models import WebhookDelivery, WebhookSubscription
from carteira.api.ssrf import UnsafeTarget, resolve_target
from carteira.audit.services import do_record

EVENTS = (
    "client.status_changed",
    "task.created",
    "task.overdue",
    "client.reassigned",
    "import.finished",
    "lead.won",
    "lead.lost",
    "complaint.opened",
    "complaint.breached",
    "complaint.closed",
)
SIGNATURE_HEADER = "X-Carteira-Signature"
TIMESTAMP_HEADER = "X-Carteira-Timestamp"
TIMEOUT_SECONDS = 10


def _setting(name: str, default):
    return getattr(settings, name, default)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def do_subscribe(*, owner: User, url: str, events: list[str]) -> WebhookSubscription:
    """A new subscription; the URL is checked against SSRF now (and at every delivery)."""
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise ValueError(f"unknown events: {', '.join(unknown)}")
    try:
        resolve_target(url)
    except UnsafeTarget as error:
        raise ValueError(f"URL refused: {error}") from None
    subscription = WebhookSubscription.objects.create(
        owner=owner, url=url, events=sorted(set(events)), secret=secrets.token_hex(32)
    )
    do_record("webhook.subscribed", actor=owner, obj=subscription, events=subscription.events)
    return subscription


@transaction.atomic
def do_unsubscribe(subscription: WebhookSubscription, *, by: User) -> None:
    """End a subscription (its deliveries go with it)."""
    do_record("webhook.deleted", actor=by, obj=subscription)
    subscription.delete()


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict) -> int:
    scheme, host, port, addresses = resolve_target(url)
    connection_class = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = connection_class(host, addresses[0], port, TIMEOUT_SECONDS)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status
    finally:
        connection.close()


def _body(delivery: WebhookDelivery, timestamp: int) -> bytes:
    message = {
        "id": delivery.pk,
        "event": delivery.event,
        "timestamp": timestamp,
        "data": delivery.payload,
    }
    return json.dumps(message, separators=(",", ":"), sort_keys=True).encode()


def do_attempt(delivery: WebhookDelivery, *, now: dt.datetime | None = None) -> WebhookDelivery:
    """One delivery attempt; on failure the next one is scheduled with exponential backoff
    (base * 2**(attempts-1)) until the attempts run out."""
    now = now or timezone.now()
    subscription = delivery.subscription
    timestamp = int(time.time())
    body = _body(delivery, timestamp)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Carteira-Webhooks/1",
        SIGNATURE_HEADER: sign(subscription.secret, body),
        TIMESTAMP_HEADER: str(timestamp),
        "X-Carteira-Event": delivery.event,
        "X-Carteira-Delivery": str(delivery.pk),
    }
    delivery.attempts += 1
    delivery.response_code = None
    try:
        delivery.response_code = _post(subscription.url, body, headers)
        ok = 200 <= delivery.response_code < 300
        delivery.last_error = "" if ok else f"HTTP {delivery.response_code}"
    except UnsafeTarget as error:
        ok, delivery.last_error = False, f"refused: {error}"[:500]
    except (OSError, http.client.HTTPException) as error:
        ok, delivery.last_error = False, f"{type(error).__name__}: {error}"[:500]
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
    elif delivery.attempts >= _setting("CARTEIRA_WEBHOOK_MAX_ATTEMPTS", 8):
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        base = _setting("CARTEIRA_WEBHOOK_RETRY_SECONDS", 60)
        delay = base * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = now + dt.timedelta(seconds=delay)
    delivery.save()
    return delivery


def deliver_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Attempt every pending delivery that is due; returns how many were attempted."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status="pending", next_attempt_at__lte=now, subscription__active=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        # Claimed: a second worker started meanwhile will not pick these up.
        WebhookDelivery.objects.filter(pk__in=ids).update(
            next_attempt_at=now + dt.timedelta(seconds=TIMEOUT_SECONDS * 3)
        )
    for delivery in WebhookDelivery.objects.filter(pk__in=ids).select_related("subscription"):
        do_attempt(delivery, now=now)
    return len(ids)
