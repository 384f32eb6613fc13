from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.goals import services
from carteira.goals.charts import sparkline
from carteira.goals.models import Goal
from carteira.goals.performance import performance
from carteira.goals.periods import month_of, parse_period
from carteira.goals.scopes import can_edit_goals, goal_scopes, may_set
from carteira.goals.selectors import Reader, goals_of_period
from carteira_core.ingest.problems import ValueProblem

MAX_CSV_BYTES = 2_000_000


def _period(request):
    text = request.GET.get("period") or request.POST.get("period")
    period = parse_period(text) if text else month_of(timezone.localdate())
    if period is None:
        raise ValueError(text)
    return period


def _cell_name(scope, indicator) -> str:
    return f"{scope.kind}:{scope.key}:{indicator}"


def _typed_cells(request, scopes):
    """The grid as posted: {(scope, indicator): typed Decimal or None}, or a list of errors."""
    cells, errors = {}, []
    for scope in scopes:
        for indicator in Goal.Indicator.values:
            raw = (request.POST.get(_cell_name(scope, indicator)) or "").strip()
            try:
                cells[(scope, indicator)] = services.parse_target(raw) if raw else None
            except ValueProblem:
                errors.append(f"{scope.label}: {Goal.Indicator(indicator).label} ({raw})")
    return cells, errors


@policy(MANAGEMENT)
@require_http_methods(["GET", "POST"])
def grid(request):
    """This period's goals: a row per team, seller and region, a column per indicator."""
    if not can_edit_goals(request.user):
        raise PermissionDenied
    try:
        period = _period(request)
    except ValueError:
        return HttpResponseBadRequest(_("Invalid period."))
    scopes = goal_scopes(request.user)
    if request.method == "POST":
        cells, errors = _typed_cells(request, scopes)
        if errors:
            messages.error(request, _("Invalid targets: %s") % "; ".join(errors))
        else:
            saved = services.do_save_grid(cells, period=period, by=request.user)
            messages.success(request, _("Goals saved: %d.") % saved)
            return redirect(f"{request.path}?period={period.key}")
    goals = list(goals_of_period(period))
    typed = {}
    for goal in goals:
        for scope in scopes:
            if scope.goal_filter() and _matches(goal, scope):
                typed[_cell_name(scope, goal.indicator)] = services.target_for_input(
                    goal.indicator, goal.target
                )
    today = timezone.localdate()
    allowed = [g for g in goals if any(_matches(g, s) for s in scopes) or g.client_id]
    started = period.start <= today
    reader = Reader(period, today) if started else None
    context = {
        "period": period,
        "previous": period.previous(),
        "next": period.next(),
        "rows": [
            (scope, [(ind, label, _cell_name(scope, ind)) for ind, label in Goal.Indicator.choices])
            for scope in scopes
        ],
        "indicators": Goal.Indicator.choices,
        "typed": typed,
        "progress": [(g, reader.progress(g)) for g in allowed] if reader else [],
        "as_of": reader.as_of if reader else None,
        "nav": "goals",
    }
    return render(request, "goals/grid.html", context)


def _matches(goal, scope) -> bool:
    fields = scope.goal_fields()
    return all(getattr(goal, name) == value for name, value in fields.items())


@policy(MANAGEMENT)
@require_POST
def import_csv(request):
    if not can_edit_goals(request.user):
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None or upload.size > MAX_CSV_BYTES:
        return HttpResponseBadRequest(_("Choose a CSV file (up to 2 MB)."))
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return HttpResponseBadRequest(_("The file is not UTF-8 text."))
    result = services.do_import_goals(text, by=request.user)
    messages.success(request, _("Goals imported: %d.") % result.saved)
    for line, problem in result.problems[:20]:
        messages.warning(
            request, _("Line %(line)d: %(problem)s") % {"line": line, "problem": problem}
        )
    return redirect("goals:grid")


@policy("login")
@require_GET
def performance_page(request):
    try:
        period = _period(request)
    except ValueError:
        return HttpResponseBadRequest(_("Invalid period."))
    data = performance(request.user, period=period, today=timezone.localdate())
    for row in data["sellers"] + data["teams"]:
        row.spark = sparkline(row.trend, title=_("Positivation, last 6 months"))
    context = {**data, "is_seller": request.user.role == "seller", "nav": "goals",
               "previous": period.previous(), "next": period.next(),
               "may_set": may_set}  # fmt: skip
    return render(request, "goals/performance.html", context)
