"""Personal API tokens: created once, stored as a SHA-256, revocable."""

import hashlib
import secrets
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from carteira.accounts.models import User
from carteira.api.models import ApiToken
from carteira.audit.services import do_record

TOKEN_PREFIX = "crt_"  # noqa: S105 -- a marker, not a secret
# How often ``last_used_at`` is written: a busy integration must not write on every call.
LAST_USED_RESOLUTION_SECONDS = 60


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_create_token(*, user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: returns the row and the raw token, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:12], hashed_secret=hash_token(raw), scope=scope
    )
    do_record("api.token_created", actor=user, obj=token, scope=scope)
    return token, raw


def do_revoke_token(*, user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s tokens; False if it is not theirs or already revoked."""
    count = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if count:
        do_record("api.token_revoked", actor=user, token_id=token_id)
    return bool(count)


def get_token_in_force(raw: str) -> ApiToken | None:
    """The token ``raw`` stands for, if it is not revoked and its user is still active."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(hashed_secret=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    last = token.last_used_at
    if last is None or (now - last).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
        _note_use(token, now)
    return token


# How long the bookkeeping write may wait for the database's write lock (SQLite has one
# writer: during a long import the request must not wait 20 s, nor fail, for it).
BOOKKEEPING_WAIT_MS = 200


def _note_use(token: ApiToken, now) -> None:
    """``last_used_at``, written if the database lets it at once: a read never waits for,
    nor fails because of, its own bookkeeping (the next call a minute on tries again)."""
    try:
        with _brief_lock_wait(), transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{BOOKKEEPING_WAIT_MS}ms'")
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except DatabaseError:
        return
    token.last_used_at = now


@contextmanager
def _brief_lock_wait():
    """SQLite: the connection's busy timeout cut to ``BOOKKEEPING_WAIT_MS`` meanwhile."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {BOOKKEEPING_WAIT_MS}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")
