from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from carteira.accounts.policy import policy


@policy("login")
def home(request):
    return redirect("portfolio:dashboard")


@policy("public")
@require_GET
def health(request) -> HttpResponse:
    """For load balancers and the test harness: is the app up and the database reachable?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
