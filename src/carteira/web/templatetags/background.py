"""``{% background_work_warning %}``: on the pages that wait for the task worker (exports,
imports), the central team sees when background work is stuck — the oldest task due has
waited longer than ``CARTEIRA_STUCK_TASK_MINUTES``, or the worker is down. Everyone else
sees nothing (their own job's page says when it is late)."""

from django import template

from carteira.accounts.capabilities import CENTRAL_TEAM
from carteira.web.background import queue_state, worker_state

register = template.Library()


@register.inclusion_tag("web/_background_work_warning.html", takes_context=True)
def background_work_warning(context) -> dict:
    request = context.get("request")
    if request is None or not CENTRAL_TEAM.held_by(request.user):
        return {"show": False}
    queue = queue_state()
    worker = worker_state()["state"]
    if not queue.stuck and worker not in {"restarting", "stopped"}:
        return {"show": False}
    minutes = int(queue.oldest_waiting.total_seconds() // 60) if queue.oldest_waiting else 0
    return {"show": True, "queue": queue, "minutes": minutes, "worker": worker}
