from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
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


# What a bad cell gets, in the user's language: who, which indicator, what was typed, why.
CELL_PROBLEMS = {
    "negative": gettext_lazy("cannot be negative"),
    "over_100": gettext_lazy("is a rate in %: between 0 and 100"),
}


def _cell_problem(problem: ValueProblem) -> str:
    if problem.code in CELL_PROBLEMS:
        return str(CELL_PROBLEMS[problem.code])
    return str(gettext_lazy("is not a number (write it as 1.234,56)"))


def _typed_cells(request, scopes):
    """The grid as posted: ({(scope, indicator): typed Decimal or None}, the raw text of
    every cell by name, {cell name: error message})."""
    cells, raw, errors = {}, {}, {}
    comma = (get_language() or "pt-br").lower() in ("pt-br", "es")
    for scope in scopes:
        for indicator, label in Goal.Indicator.choices:
            name = _cell_name(scope, indicator)
            raw[name] = (request.POST.get(name) or "").strip()
            try:
                cells[(scope, indicator)] = services.check_cell(
                    indicator, raw[name], decimal_comma=comma
                )
            except ValueProblem as problem:
                errors[name] = _("%(who)s — %(indicator)s: '%(value)s' %(problem)s") % {
                    "who": scope.label, "indicator": label, "value": raw[name],
                    "problem": _cell_problem(problem),
                }  # fmt: skip
    return cells, raw, errors


def _saved_cells(scopes, goals) -> dict:
    """The saved targets as the grid shows them (rates in %), by cell name."""
    typed = {}
    for goal in goals:
        for scope in scopes:
            if _matches(goal, scope):
                typed[_cell_name(scope, goal.indicator)] = services.target_for_input(
                    goal.indicator, goal.target
                )
    return typed


def _row_cells(scope, errors) -> list[tuple]:
    """(indicator, label, cell name, error or None) for each cell of a scope's row."""
    cells = []
    for indicator, label in Goal.Indicator.choices:
        name = _cell_name(scope, indicator)
        cells.append((indicator, label, name, errors.get(name)))
    return cells


@policy(MANAGEMENT)
@require_http_methods(["GET", "POST"])
def grid(request):
    """This period's goals: a row per team, seller and region, a column per indicator. A
    grid with a bad cell saves nothing and comes back as typed, the bad cells marked."""
    if not can_edit_goals(request.user):
        raise PermissionDenied
    try:
        period = _period(request)
    except ValueError:
        return HttpResponseBadRequest(_("Invalid period."))
    scopes = goal_scopes(request.user)
    goals = list(goals_of_period(period))
    typed, errors = _saved_cells(scopes, goals), {}
    if request.method == "POST":
        cells, typed, errors = _typed_cells(request, scopes)
        if errors:
            messages.error(request, ngettext(
                "Nothing was saved: %(n)d cell is not valid. Fix it and save again.",
                "Nothing was saved: %(n)d cells are not valid. Fix them and save again.",
                len(errors)) % {"n": len(errors)})  # fmt: skip
        else:
            saved = services.do_save_grid(cells, period=period, by=request.user)
            messages.success(request, _("Goals saved: %d.") % saved)
            return redirect(f"{request.path}?period={period.key}")
    today = timezone.localdate()
    allowed = [g for g in goals if any(_matches(g, s) for s in scopes) or g.client_id]
    started = period.start <= today
    reader = Reader(period, today) if started else None
    previous = period.previous()
    context = {
        "period": period,
        "previous": previous,
        "next": period.next(),
        "rows": [(scope, _row_cells(scope, errors)) for scope in scopes],
        "indicators": Goal.Indicator.choices,
        "typed": typed,
        "errors": errors,
        "to_copy": len(services.goals_to_copy(source=previous, by=request.user)),
        "confirm_copy": (
            services.goals_replaced_by_copy(source=previous, target=period, by=request.user)
            if request.GET.get("confirm_copy")
            else 0
        ),
        "paste_text": {
            "pasted": _("%s cells pasted. Check them and click Save goals."),
            "tooMany": _("The pasted block is larger than the grid: %s cells were left out."),
        },
        "progress": [(g, reader.progress(g)) for g in allowed] if reader else [],
        "as_of": reader.as_of if reader else None,
        "nav": "goals",
    }
    return render(request, "goals/grid.html", context)


@policy(MANAGEMENT)
@require_POST
def copy_previous(request):
    """Copy the previous period's goals into this one; asks first if any would be replaced."""
    if not can_edit_goals(request.user):
        raise PermissionDenied
    try:
        period = _period(request)
    except ValueError:
        return HttpResponseBadRequest(_("Invalid period."))
    back = f"{reverse('goals:grid')}?period={period.key}"
    replace = bool(request.POST.get("replace"))
    try:
        copied = services.do_copy_goals(
            source=period.previous(), target=period, by=request.user, replace=replace
        )
    except services.GoalsWouldBeReplaced:
        return redirect(f"{back}&confirm_copy=1")
    messages.success(request, ngettext(
        "%(n)d goal copied from %(source)s.", "%(n)d goals copied from %(source)s.", copied,
    ) % {"n": copied, "source": period.previous().label})  # fmt: skip
    return redirect(back)


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
