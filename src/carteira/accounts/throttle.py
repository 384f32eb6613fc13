"""Login throttling: per username (any IP) and per IP (any username), in the database so
every worker sees the same counts. Usernames are hashed: a typo'd password in the username
field must not end up stored."""

import datetime as dt
import hashlib

from django.conf import settings
from django.utils import timezone

from carteira.accounts.models import LoginFailure

WINDOW = dt.timedelta(minutes=15)


def username_hash(username: str) -> str:
    key = f"{settings.SECRET_KEY}:{username.strip().lower()}".encode()
    return hashlib.sha256(key).hexdigest()


def is_locked_out(*, username: str, ip: str | None) -> bool:
    since = timezone.now() - WINDOW
    recent = LoginFailure.objects.filter(at__gte=since)
    if (
        recent.filter(username_hash=username_hash(username)).count()
        >= settings.LOGIN_FAILURES_PER_USERNAME
    ):
        return True
    return ip is not None and recent.filter(ip=ip).count() >= settings.LOGIN_FAILURES_PER_IP


def do_note_failure(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username_hash=username_hash(username), ip=ip)


def do_forget_failures(*, username: str) -> None:
    """A successful login clears the username's count (the IP's stays)."""
    LoginFailure.objects.filter(username_hash=username_hash(username)).delete()


def do_prune(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return LoginFailure.objects.filter(at__lt=now - WINDOW).delete()[0]
