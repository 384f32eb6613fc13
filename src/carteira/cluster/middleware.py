"""Read-your-writes across app processes: after a write, the browser carries the
primary's WAL position in a cookie; a lag-tolerant page is read from the replica only once
the replica has replayed that position (dbrouting.replica_reads)."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.urls import Resolver404, resolve

from carteira.cluster.dbrouting import primary_lsn, replica_configured, replica_reads

COOKIE = "carteira_lsn"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        if request.method in SAFE_METHODS and lag_tolerant(request.path_info):
            with replica_reads(min_lsn=request.COOKIES.get(COOKIE)) as used:
                response = self.get_response(request)
            response["X-Carteira-Database"] = "replica" if used else "primary"
            return response
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 500:
            remember_write(response)
        return response


def lag_tolerant(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in settings.CARTEIRA_REPLICA_ROUTES


def remember_write(response) -> None:
    """The position the replica must reach before this browser reads from it again."""
    try:
        lsn = primary_lsn()
    except DatabaseError:
        return  # the primary is gone: the response already says what happened
    if lsn is None:
        return
    response.set_cookie(
        COOKIE, lsn, max_age=settings.CARTEIRA_REPLICA_PIN_SECONDS, httponly=True,
        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip
