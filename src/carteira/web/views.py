from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from carteira.accounts.policy import policy
from carteira.web.background import queue_state, worker_state


@policy("login")
def home(request):
    return redirect("portfolio:dashboard")


@policy("public")
@require_GET
def health(request) -> HttpResponse:
    """For load balancers, monitoring and the test harness: is the app up and the database
    reachable (else 503), and is background work moving? A dead or stuck task worker
    answers 200 with ``"status": "degraded"``: the web app itself still serves."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        queue = queue_state()
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)
    worker = worker_state()
    oldest = queue.oldest_waiting
    degraded = queue.stuck or worker["state"] in {"restarting", "stopped"}
    return JsonResponse(
        {
            "status": "degraded" if degraded else "ok",
            "worker": worker,
            "queue": {
                "waiting": queue.waiting,
                "oldest_waiting_seconds": round(oldest.total_seconds()) if oldest else None,
                "stuck_after_seconds": round(settings.CARTEIRA_STUCK_TASK_MINUTES * 60),
                "stuck": queue.stuck,
            },
        }
    )
