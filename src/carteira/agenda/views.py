import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from carteira.accounts.policy import policy
from carteira.agenda import selectors
from carteira.agenda.forms import OutcomeForm
from carteira.agenda.ics import Event, calendar
from carteira.agenda.services import TaskNotOpen, do_close_task, do_new_feed, do_revoke_feed
from carteira.clients.access import sellers_visible_to
from carteira.web import labels


def outcome_form(task, data=None) -> OutcomeForm:
    return OutcomeForm(data, prefix=f"t{task.pk}", initial={"channel": task.channel or "visit"})


@policy("login")
@require_GET
def mine(request):
    """Today (overdue included) and the rest of the week; a manager picks a seller."""
    today = timezone.localdate()
    own = selectors.own_seller(request.user)
    seller = own
    if request.GET.get("seller"):
        seller = selectors.access_seller(request.user, request.GET["seller"])
    tasks = selectors.agenda_tasks(
        user=request.user, seller=seller, until=today + dt.timedelta(days=6)
    )
    rows = selectors.agenda_rows(tasks, today)
    context = {
        "today_rows": [row for row in rows if row.task.due_date <= today],
        "week_rows": [row for row in rows if row.task.due_date > today],
        "today": today,
        "seller": seller,
        "own": own,
        "team": list(sellers_visible_to(request.user).filter(active=True).only("pk", "name"))
        if own is None
        else [],
        "nav": "agenda",
    }
    return render(request, "agenda/mine.html", context)


@policy("object:task")
@require_http_methods(["GET", "POST"])
def close_task(request, task_id: int):
    """GET: the outcome form (loaded into the card on demand); POST: record and close."""
    task = selectors.access_open_task(request.user, task_id)
    if request.method == "GET":
        row = selectors.agenda_rows([task], timezone.localdate())[0]
        row.form = outcome_form(task)
        template = "agenda/mine.html#outcome" if request.htmx else "agenda/task.html"
        return render(request, template, {"row": row, "nav": "agenda"})
    form = outcome_form(task, request.POST)
    if not form.is_valid():
        row = selectors.agenda_rows([task], timezone.localdate())[0]
        row.form = form
        return render(request, "agenda/mine.html#task", {"row": row}, status=422)
    data = form.cleaned_data
    try:
        _interaction, following = do_close_task(task, by=request.user, **data)
    except TaskNotOpen:
        messages.error(request, _("This task was already closed."))
        return redirect("agenda:mine")
    if request.htmx:
        return render(request, "agenda/mine.html#closed", {"task": task, "following": following})
    messages.success(request, _("Contact recorded."))
    return redirect("agenda:mine")


@policy("login")
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    seller = selectors.own_seller(request.user)
    if seller is None:
        return redirect("agenda:mine")
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            do_revoke_feed(seller, by=request.user)
        else:
            do_new_feed(seller, by=request.user)
        return redirect("agenda:feed_settings")
    feed = seller.calendar_feeds.filter(revoked_at__isnull=True).first()
    url = request.build_absolute_uri(reverse("agenda:feed", args=[feed.token])) if feed else None
    return render(request, "agenda/feed.html", {"feed": feed, "url": url, "nav": "agenda"})


@policy("public")
@require_GET
def feed(request, token: str):
    """The seller's planned visits; the secret token is the only credential."""
    live = selectors.live_feed(token)
    events = [
        Event(
            uid=f"task-{task.pk}@carteira",
            day=task.due_date,
            summary=task.title,
            description="\n".join(
                filter(None, [labels.label("objective", task.objective), task.script])
            ),
            location=", ".join(filter(None, [task.client.city, task.client.state])),
        )
        for task in selectors.planned_visits(live.seller)
    ]
    text = calendar(events, name=f"Carteira · {live.seller.name}", stamp=timezone.now())
    return HttpResponse(text, content_type="text/calendar; charset=utf-8")
