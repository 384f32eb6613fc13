"""Who is calling: a bearer token (integrations) or the browser session (the app itself,
with CSRF). Both end with ``request.user`` set, so the one permission gate applies."""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle

from carteira.api.tokens import get_token_in_force

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_RATE_PER_MINUTE = 120


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        api_token = get_token_in_force(token)
        if api_token is None:
            return None
        if request.method not in SAFE_METHODS and not api_token.can_write:
            raise HttpError(403, "This token has the read scope: writing needs a write token.")
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class ActiveSessionAuth(SessionAuth):
    """The logged-in user of the web app (CSRF checked on unsafe methods)."""

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


class CallerRateThrottle(BaseThrottle):
    """A fixed one-minute window per token (or per session user), in Django's cache.
    With several processes the cache must be shared (Redis, Memcached, database)."""

    def allow_request(self, request: HttpRequest) -> bool:
        limit = getattr(settings, "CARTEIRA_API_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE)
        token = getattr(request, "api_token", None)
        caller = f"t{token.pk}" if token is not None else f"u{request.user.pk}"
        now = time.time()
        window = int(now // 60)
        key = f"carteira:api:rate:{caller}:{window}"
        cache.add(key, 0, timeout=61)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=61)
            count = 1
        self._wait = (window + 1) * 60 - now
        return count <= limit

    def wait(self) -> float:
        return max(1, math.ceil(self._wait))
