import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carteira.accounts.policy import policy
from carteira.agenda import selectors
from carteira.agenda.forms import OutcomeForm, VisitHoursForm
from carteira.agenda.ics import Event, calendar
from carteira.agenda.models import ClientVisitHours, Task
from carteira.agenda.planning import (
    PlanRefused,
    do_move_task,
    do_set_office_day,
    do_set_visit_hours,
    do_unpin_task,
)
from carteira.agenda.priority import by_importance
from carteira.agenda.scheduling import (
    backlog_by_seller,
    do_schedule,
    stale_sellers,
    working_time,
)
from carteira.agenda.services import TaskNotOpen, do_close_task, do_new_feed, do_revoke_feed
from carteira.agenda.stops import visit_minutes
from carteira.agenda.week import monday_of, seller_week, week_routes
from carteira.clients.access import access_client, sellers_visible_to
from carteira.organization.models import Seller
from carteira.web import labels
from carteira.web.mapbase import base_map_config


def outcome_form(task, data=None) -> OutcomeForm:
    return OutcomeForm(data, prefix=f"t{task.pk}", initial={"channel": task.channel or "visit"})


def _week_of(request, seller, today: dt.date) -> dt.date:
    """The week asked for (?week=YYYY-MM-DD, any day of it), else the one of the seller's
    next working day (on a Saturday, the coming week)."""
    try:
        return dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        pass
    if seller is None:
        return today
    return working_time(seller, today=today).calendar.next_working_day(today) or today


def _team_backlog(user, today: dt.date) -> list[dict]:
    """Per seller the manager sees: the daily capacity and what found no day."""
    sellers = list(sellers_visible_to(user).filter(active=True))
    backlog = backlog_by_seller([seller.pk for seller in sellers])
    rows = []
    for seller in sellers:
        count, value = backlog.get(seller.pk, (0, Decimal(0)))
        capacity = working_time(seller, today=today).capacity
        rows.append({"seller": seller, "capacity": capacity, "count": count, "value": value})
    return sorted(rows, key=lambda row: (-row["value"], -row["count"], row["seller"].name))


@policy("login")
@require_GET
def mine(request):
    """The week by day: each working day's visits in route order and calls, within the
    day's capacity; the backlog. A manager picks a seller and sees the team's backlog."""
    today = timezone.localdate()
    own = selectors.own_seller(request.user)
    seller = own
    if request.GET.get("seller"):
        seller = selectors.access_seller(request.user, request.GET["seller"])
    if seller is not None and Seller.objects.filter(pk=seller.pk).filter(stale_sellers(today)):
        do_schedule(today=today, seller_ids=[seller.pk])  # yesterday's undone tasks move on
    tasks = selectors.agenda_tasks(user=request.user, seller=seller)
    monday = monday_of(_week_of(request, seller, today))
    week = None
    next_day = None
    if seller is not None:
        week = seller_week(seller, tasks=tasks, monday=monday, today=today)
        next_day = next((d for d in week.days if d.date >= today and d.working), None)
    escalations = by_importance(
        selectors.agenda_rows(
            tasks.filter(assignee_user=request.user, scheduled_date__lte=monday + dt.timedelta(6)),
            today,
        ),
        today,
        task_of=_task,
    )
    context = {
        "week": week,
        "monday": monday,
        "previous_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "next_day": next_day,
        # The first working day from today: its tasks, most important first.
        "today_rows": by_importance(next_day.rows, today, task_of=_task)
        if next_day
        else escalations,
        "escalations": escalations if seller is not None and seller == own else [],
        "today": today,
        "seller": seller,
        "own": own,
        "team": list(sellers_visible_to(request.user).filter(active=True).only("pk", "name"))
        if own is None
        else [],
        "team_backlog": _team_backlog(request.user, today) if own is None else [],
        "nav": "agenda",
    }
    if week is not None:
        context["map_config"] = base_map_config()
        context["routes"] = week_routes(week)
    return render(request, "agenda/mine.html", context)


def _back_to_week(request, seller, day: dt.date | None):
    """The week the change was made in, for the seller it was made for."""
    query = {"week": (day or timezone.localdate()).isoformat()}
    if seller is not None and seller != selectors.own_seller(request.user):
        query["seller"] = str(seller.pk)
    return redirect(reverse("agenda:mine") + "?" + urlencode(query))


def _posted_day(request) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        return None


@policy("object:task")
@require_POST
def move_task(request, task_id: int):
    """Put a task on another day of the week (dragged there, or chosen in its list) and
    pin it; or, with action=unpin, let the planner place it again."""
    task = selectors.access_open_task(request.user, task_id)
    today = timezone.localdate()
    day = _posted_day(request)
    try:
        if request.POST.get("action") == "unpin":
            task = do_unpin_task(task, by=request.user, today=today)
            messages.success(request, _("%(client)s is no longer fixed on a day.")
                             % {"client": task.client})  # fmt: skip
        elif day is None:
            raise PlanRefused(_("Choose a day."))
        else:
            task = do_move_task(task, day, by=request.user, today=today)
            messages.success(request, _("%(client)s moved to %(day)s and fixed there.") % {
                "client": task.client, "day": date_format(day, "SHORT_DATE_FORMAT")})  # fmt: skip
    except PlanRefused as refused:
        messages.error(request, str(refused))
    return _back_to_week(request, task.seller, task.scheduled_date or day)


@policy("login")
@require_POST
def office_day(request):
    """Mark a day of the seller's week as an office day (calls only), or undo it."""
    seller = selectors.access_seller(request.user, request.POST.get("seller", ""))
    day = _posted_day(request)
    office = request.POST.get("action") != "clear"
    try:
        if day is None:
            raise PlanRefused(_("Choose a day."))
        do_set_office_day(seller, day, office=office, by=request.user, today=timezone.localdate())
        done = (
            _("%(day)s is an office day: its visits were moved.")
            if office
            else _("%(day)s takes visits again.")
        )
        messages.success(request, done % {"day": date_format(day, "SHORT_DATE_FORMAT")})
    except PlanRefused as refused:
        messages.error(request, str(refused))
    return _back_to_week(request, seller, day)


def _task(row):
    return row.task


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


def _routed_visits(seller) -> dict[int, tuple[dt.time, int]]:
    """The planned arrival and length of the visits of this week and the next, on their
    day's route (later weeks are all-day events: their days still move)."""
    today = timezone.localdate()
    tasks = Task.objects.filter(seller=seller, assignee_user=None, status=Task.Status.OPEN)
    routed = {}
    for monday in (monday_of(today), monday_of(today) + dt.timedelta(days=7)):
        week = seller_week(seller, tasks=tasks, monday=monday, today=today)
        for day in week.days:
            for row in day.visits:
                if row.arrival:
                    start = dt.time.fromisoformat(row.arrival)
                    routed[row.task.pk] = (start, visit_minutes(row.task, row.hours))
    return routed


@policy("public")
@require_GET
def feed(request, token: str):
    """The seller's planned visits; the secret token is the only credential."""
    live = selectors.live_feed(token)
    routed = _routed_visits(live.seller)
    events = []
    for task in selectors.planned_visits(live.seller):
        arrival, minutes = routed.get(task.pk, (None, 0))
        client = task.client
        events.append(Event(
            uid=f"task-{task.pk}@carteira",
            day=task.scheduled_date or task.due_date,
            summary=task.title,
            description="\n".join(
                filter(None, [labels.label("objective", task.objective), task.script])
            ),
            location=" ".join(filter(None, [
                "/".join(filter(None, [client.city, client.state])), client.postal_code])),
            start=arrival,
            minutes=minutes,
            geo=(client.latitude, client.longitude) if client.latitude is not None else None,
        ))  # fmt: skip
    text = calendar(events, name=f"Carteira · {live.seller.name}", stamp=timezone.now())
    return HttpResponse(text, content_type="text/calendar; charset=utf-8")


@policy("object:client")
@require_http_methods(["GET", "POST"])
def visit_hours(request, client_id: int):
    """When the client receives visits and how long one lasts (the day's route uses it)."""
    client = access_client(request.user, client_id)
    current = ClientVisitHours.objects.filter(client=client).first()
    back = request.GET.get("week", "")
    if request.method == "POST":
        form = VisitHoursForm(request.POST)
        if form.is_valid():
            do_set_visit_hours(client, by=request.user, **form.cleaned_data)
            messages.success(request, _("Visit hours of %(client)s saved.") % {"client": client})
            return _back_to_week(request, client.seller, _iso_day(back))
    else:
        initial = {}
        if current is not None:
            initial = {"opens": current.opens, "closes": current.closes,
                       "visit_minutes": current.visit_minutes}  # fmt: skip
        form = VisitHoursForm(initial=initial)
    status = 422 if request.method == "POST" else 200
    context = {"client": client, "form": form, "week": back, "nav": "agenda"}
    return render(request, "agenda/visit_hours.html", context, status=status)


def _iso_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
