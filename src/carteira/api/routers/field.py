"""The seller's phone app (carteira.field): download the own portfolio since a cursor,
send the offline queue. Session only (the app runs in the browser that logged in; no
tokens): a logged-out or deactivated user gets 401, a user who is not an active seller
403, and the phone wipes what it holds on either (docs/adr/0023-offline-sync.md)."""

import gzip
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from ninja import Field, Query, Schema
from ninja.errors import HttpError

from carteira.api.auth import ActiveSessionAuth
from carteira.api.policy import CLIENT_SCOPE, Router, policy
from carteira.field import selectors
from carteira.field.services import NotYet, do_apply_operation, do_new_cursor
from carteira.interactions.photos import max_photo_bytes, too_big_message

router = Router(tags=["field"], auth=ActiveSessionAuth())
MAX_OPERATIONS = 200


def _seller(request):
    seller = selectors.field_seller(request.user)
    if seller is None:
        raise HttpError(403, "The field app is for active sellers.")
    return seller


@router.get("/download", openapi_extra=policy(CLIENT_SCOPE))
def download(request, cursor: str = ""):
    """The seller's own client cards, the week's agenda and the outcome reasons; with
    ``cursor`` (from the previous download) only what changed and what was removed."""
    seller = _seller(request)
    parts = selectors.download_parts(request.user, seller)
    held = selectors.held_digests(request.user, cursor)
    changed, removed = selectors.changed_since(parts, held or {})
    token, synced_at = do_new_cursor(request.user, parts)
    body = {
        "cursor": token,
        "full": held is None,
        "synced_at": synced_at.isoformat(),
        "changed": changed,
        "removed": removed,
    }
    return compressed(request, body)


def compressed(request, body: dict) -> HttpResponse:
    """The JSON, gzip-compressed when the phone accepts it: the first download of a
    250-client portfolio is ~190 KB as text, ~11–40 KB compressed (no secret of anyone
    else and no attacker-chosen text is reflected in it, so compression leaks nothing)."""
    content = json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder).encode()
    response = HttpResponse(content_type="application/json")
    response["Vary"] = "Accept-Encoding, Cookie"
    if "gzip" in request.headers.get("Accept-Encoding", "") and len(content) > 1024:
        content = gzip.compress(content, mtime=0)
        response["Content-Encoding"] = "gzip"
    response.content = content
    return response


class OperationIn(Schema):
    key: str = Field(..., min_length=8, max_length=64)
    kind: str = Field(..., max_length=16)
    client: int = Field(..., ge=1, le=2**53)
    task: int | None = Field(None, ge=1, le=2**53)
    client_version: int | None = None
    data: dict[str, Any] = {}


class SyncIn(Schema):
    operations: list[OperationIn] = Field(..., max_length=MAX_OPERATIONS)


def _answer(applied, replayed: bool) -> dict:
    return {
        "key": applied.key, "result": applied.result, "code": applied.code,
        "message": applied.message, "errors": applied.errors, "created": applied.created,
        "replayed": replayed,
    }  # fmt: skip


@router.post("/sync", openapi_extra=policy(CLIENT_SCOPE))
def sync(request, payload: SyncIn):
    """Apply the queue in order, each once: its answer (applied, applied with a
    conflict, refused) and why. A key sent again gets the first answer back."""
    _seller(request)
    results = [_answer(*do_apply_operation(request.user, op.dict())) for op in payload.operations]
    return {"results": results}


@router.post("/photo", openapi_extra=policy(CLIENT_SCOPE))
def photo(
    request,
    key: str = Query(..., min_length=8, max_length=64),
    client: int = Query(..., ge=1, le=2**53),
    outcome: str = Query(..., min_length=8, max_length=64),
    taken_at: str = Query("", max_length=40),
):
    """A photo of a contact logged on the phone, sent after its contact (``outcome``: that
    operation's key) as the request's body (image/jpeg, png or webp), once per ``key``.
    The size is checked before the body is read; 409 while the contact has not arrived."""
    _seller(request)
    limit = max_photo_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = limit + 1
    if length > limit:
        return JsonResponse({"detail": too_big_message()}, status=413)
    op = {"key": key, "kind": "photo", "client": client, "data": {"outcome": outcome,
          "taken_at": taken_at}, "content": request.read(limit + 1)}  # fmt: skip
    try:
        return _answer(*do_apply_operation(request.user, op))
    except NotYet as wait:
        return JsonResponse({"detail": str(wait)}, status=409)
