"""Record refusals by the permission gate: who asked for which object id, never the data."""

from carteira.audit.services import do_record

REFUSED = frozenset({403, 404})


def _is_id(name: str, value) -> bool:
    if isinstance(value, int):
        return True
    return name.endswith("_id") and isinstance(value, str) and value.isdigit() and len(value) < 19


class RefusalAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED:
            self._record(request, response.status_code)
        return response

    def _record(self, request, status: int) -> None:
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated:
            return
        # Only ids: other string kwargs can be secrets (calendar feed tokens).
        ids = {k: int(v) for k, v in match.kwargs.items() if _is_id(k, v)}
        if not ids:
            return
        do_record(
            "access.refused",
            actor=user,
            ip=request.META.get("REMOTE_ADDR"),
            view=match.view_name,
            method=request.method,
            status=status,
            ids=ids,
        )
