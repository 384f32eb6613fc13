import io
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.audit.services import do_record
from carteira.organization.models import Seller, Team
from carteira.value import lists, selectors, services
from carteira.web.writers import write_csv, write_xlsx
from carteira_core.money import NumberError, parse_decimal

MARKET_MULTIPLES = (7, 10)  # "a carteira é vendida a 7 a 10 vezes o EBITDA"
# the what-if levers: (query name, default, largest accepted)
CHURN = ("churn", Decimal(1), Decimal(20))  # points less chance of leaving per purchase
FREQUENCY = ("frequency", Decimal(5), Decimal(100))  # % more purchases


def _lever(data, lever) -> tuple[Decimal, bool]:
    """A what-if lever typed in (0 < value <= its largest), or its default and an error."""
    name, default, top = lever
    text = data.get(name, "").strip()
    if not text:
        return default, False
    try:
        value = parse_decimal(text)
    except NumberError:
        return default, True
    return (value, False) if 0 < value <= top else (default, True)


def _ebitda(text: str) -> tuple[Decimal | None, bool]:
    if not text.strip():
        return None, False
    try:
        value = parse_decimal(text)
    except NumberError:
        return None, True
    return (value, False) if value > 0 else (None, True)


@policy(MANAGEMENT)
@require_GET
def valuation(request):
    """What the user's portfolio is worth: the sum of discounted CLV by seller, team,
    segment and class, what changed since last month, and the market's EBITDA view."""
    fit = selectors.latest_fit()
    context: dict = {"fit": fit, "nav": "value"}
    ebitda, ebitda_error = _ebitda(request.GET.get("ebitda", ""))
    context.update(
        ebitda=ebitda,
        ebitda_text=request.GET.get("ebitda", ""),
        ebitda_error=ebitda_error,
        market=[(m, ebitda * m) for m in MARKET_MULTIPLES] if ebitda else [],
    )
    if fit is not None and fit.ok and fit.spend_ok:
        groups = {by: selectors.valuation_by(request.user, fit, by) for by in selectors.GROUPS}
        context.update(
            groups=groups,
            total=sum((g.value for g in groups["abc"]), Decimal(0)),
            clients=sum(g.clients for g in groups["abc"]),
            change=selectors.change_since(request.user, fit, selectors.previous_month_fit(fit)),
        )
        churn, churn_error = _lever(request.GET, CHURN)
        frequency, frequency_error = _lever(request.GET, FREQUENCY)
        context.update(
            what_if=selectors.what_if(
                request.user, fit, churn_points=churn, frequency_percent=frequency
            ),
            churn_error=churn_error,
            frequency_error=frequency_error,
        )
    return render(request, "value/valuation.html", context)


@policy(MANAGEMENT)
@require_GET
def model_check(request):
    """The holdout check of the latest reading's model: fitted on the history up to 180
    days before the reading, its predicted purchases of those 180 days against the actual
    ones, by how often the clients had bought before."""
    fit = selectors.latest_fit()
    check = services.holdout(fit.run.as_of) if fit is not None else None
    top = max([max(row.predicted, row.actual) for row in check.rows] if check else [], default=0)
    return render(
        request,
        "value/model.html",
        {"fit": fit, "check": check, "top": top, "nav": "value"},
    )


LIST_ROWS = 200  # on the page; the export holds every row
LIST_COLUMNS = ("client", "name", "seller", "team", "amount", "why")


def _id(text: str) -> tuple[int | None, bool]:
    """An id typed in a filter (None when blank), and whether the text was refused."""
    if not text.strip():
        return None, False
    return (int(text), False) if text.strip().isdigit() else (None, True)


@policy(MANAGEMENT)
@require_GET
def central_lists(request):
    """The central team's lists (value at risk, worth recovering, room to grow) for the
    user's clients, by team or seller, each row linking to the client; CSV or XLSX."""
    kind = request.GET.get("list", "at_risk")
    kind = kind if kind in lists.KINDS else "at_risk"
    team_id, bad_team = _id(request.GET.get("team", ""))
    seller_id, bad_seller = _id(request.GET.get("seller", ""))
    fit = selectors.latest_fit()
    rows = (
        lists.central_list(request.user, fit, kind, team_id=team_id, seller_id=seller_id)
        if fit is not None
        else []
    )
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return _list_file(request, kind, rows, fmt)
    visible = lists.scoped_clients(request.user, team_id=None, seller_id=None)
    context = {
        "nav": "value",
        "fit": fit,
        "kind": kind,
        "kinds": list(lists.KINDS.items()),
        "rows": rows[:LIST_ROWS],
        "count": len(rows),
        "cut": len(rows) > LIST_ROWS,
        "total": sum((row.amount for row in rows), Decimal(0)),
        "team_id": team_id,
        "seller_id": seller_id,
        "bad_filter": bad_team or bad_seller,
        "teams": Team.objects.filter(sellers__clients__in=visible).distinct().order_by("name"),
        "sellers": Seller.objects.filter(clients__in=visible).distinct().order_by("name"),
        "query": request.GET.urlencode(),
    }
    return render(request, "value/lists.html", context)


def _list_file(request, kind: str, rows: list, fmt: str) -> HttpResponse:
    data = [(row.code, row.name, row.seller, row.team, row.amount, row.why) for row in rows]
    do_record("value.list_exported", actor=request.user, rows=len(data), format=fmt, list=kind)
    name = f"{kind}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        write_csv(LIST_COLUMNS, data, out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        binary = io.BytesIO()
        write_xlsx(LIST_COLUMNS, data, binary)
        response = HttpResponse(
            binary.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
