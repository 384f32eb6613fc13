"""Writing goals: one at a time, a whole grid (typed or pasted from a spreadsheet), a copy
of the previous period's, or a CSV file."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from carteira.accounts.models import User
from carteira.audit.services import do_record
from carteira.clients.models import Client
from carteira.goals.measure import RATES
from carteira.goals.models import Goal
from carteira.goals.periods import Period, parse_period
from carteira.goals.scopes import Scope, may_set, scope_of_goal
from carteira.organization.models import Seller, Team
from carteira_core.ingest.problems import ValueProblem
from carteira_core.ingest.values import decimal_parser, fold, parse_date

parse_target = decimal_parser(4)
INDICATORS = frozenset(Goal.Indicator.values)


def target_from_input(indicator: str, value: Decimal) -> Decimal:
    """Rates are typed as percentages (70 = 70 %) and kept as fractions (0.7)."""
    return value / 100 if indicator in RATES else value


def target_for_input(indicator: str, target: Decimal) -> Decimal:
    return (target * 100).normalize() if indicator in RATES else target.normalize()


# A spreadsheet in pt-BR or es copies 1234 as "1.234": in those languages a dot between
# groups of three digits is a thousands separator, never a decimal point.
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")


def check_cell(indicator: str, raw: str, *, decimal_comma: bool = True) -> Decimal | None:
    """A grid cell as typed or pasted: empty → no goal; "1.234,56", "R$ 1.234,56" (money),
    "70" or "70%" (rates, in %). Raises ValueProblem: ``invalid_number``, ``negative`` or
    ``over_100`` (a rate above 100 %)."""
    text = raw.strip().replace("\u00a0", " ")
    if not text:
        return None
    if indicator in RATES and text.endswith("%"):
        text = text[:-1].strip()
    if decimal_comma and _THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    value = parse_target(text)
    if value < 0:
        raise ValueProblem("negative", value=raw)
    if indicator in RATES and value > 100:
        raise ValueProblem("over_100", value=raw)
    return value


def do_set_goal(*, scope: Scope, indicator: str, period: Period, target: Decimal | None,
                by: User | None) -> Goal | None:  # fmt: skip
    """Set (or clear, with ``target=None``) the goal of a scope on an indicator."""
    existing = Goal.objects.filter(
        scope.goal_filter(), indicator=indicator, period_start=period.start,
        period_end=period.end,
    )  # fmt: skip
    if target is None:
        existing.delete()
        return None
    goal = existing.order_by("pk").first()
    if goal is None:
        goal = Goal(indicator=indicator, period_start=period.start, period_end=period.end,
                    created_by=by, **scope.goal_fields())  # fmt: skip
    goal.target = target
    goal.save()
    return goal


@transaction.atomic
def do_save_grid(cells: dict[tuple[Scope, str], Decimal | None], *, period: Period,
                 by: User) -> int:  # fmt: skip
    """Store a grid of targets (as typed: rates in %); returns how many goals are set."""
    count = 0
    for (scope, indicator), typed in cells.items():
        target = None if typed is None else target_from_input(indicator, typed)
        count += do_set_goal(scope=scope, indicator=indicator, period=period, target=target,
                             by=by) is not None  # fmt: skip
    do_record("goals.saved", actor=by, period=period.key, goals=count)
    return count


class GoalsWouldBeReplaced(Exception):
    """Copying would replace goals already set: the caller must ask and pass ``replace``."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


def goals_to_copy(*, source: Period, by: User) -> list[Goal]:
    """The goals of ``source`` that ``by`` may set (a manager: their teams and sellers)."""
    goals = Goal.objects.filter(period_start=source.start, period_end=source.end)
    goals = goals.select_related("seller", "team", "client").order_by("pk")
    return [goal for goal in goals if may_set(by, scope_of_goal(goal))]


def _same_slot(goal: Goal, target: Period):
    return Goal.objects.filter(scope_of_goal(goal).goal_filter(), indicator=goal.indicator,
                               period_start=target.start, period_end=target.end)  # fmt: skip


def goals_replaced_by_copy(*, source: Period, target: Period, by: User) -> int:
    """How many goals of ``target`` a copy from ``source`` would overwrite."""
    return sum(_same_slot(goal, target).exists() for goal in goals_to_copy(source=source, by=by))


@transaction.atomic
def do_copy_goals(*, source: Period, target: Period, by: User, replace: bool = False) -> int:
    """Copy the goals ``by`` may set from ``source`` to ``target`` (same scope, indicator
    and target), as one audited write; returns how many were copied. Raises
    GoalsWouldBeReplaced, and writes nothing, when ``target`` already has a goal in one of
    those places and ``replace`` is not given."""
    goals = goals_to_copy(source=source, by=by)
    replaced = sum(_same_slot(goal, target).exists() for goal in goals)
    if replaced and not replace:
        raise GoalsWouldBeReplaced(replaced)
    for goal in goals:
        do_set_goal(scope=scope_of_goal(goal), indicator=goal.indicator, period=target,
                    target=goal.target, by=by)  # fmt: skip
    do_record("goals.copied", actor=by, source=source.key, period=target.key,
              goals=len(goals), replaced=replaced)  # fmt: skip
    return len(goals)


@dataclass
class ImportResult:
    saved: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


COLUMNS = {"period": "period", "periodo": "period", "from": "from", "de": "from",
           "inicio": "from", "until": "until", "ate": "until", "fim": "until",
           "scope": "scope", "escopo": "scope", "tipo": "scope", "code": "code",
           "codigo": "code", "indicator": "indicator", "indicador": "indicator",
           "target": "target", "meta": "target", "alvo": "target"}  # fmt: skip
SCOPE_WORDS = {"seller": "seller", "vendedor": "seller", "team": "team", "equipe": "team",
               "region": "region", "regiao": "region", "client": "client",
               "cliente": "client"}  # fmt: skip


def _row_period(row: dict) -> Period:
    if row.get("period"):
        period = parse_period(row["period"])
        if period is None:
            raise ValueProblem("invalid_period", value=row["period"])
        return period
    return Period(parse_date(row["from"]), parse_date(row["until"]))


def _row_scope(kind: str, code: str) -> Scope:
    if kind == "seller":
        seller = Seller.objects.filter(external_id=code).first()
        if seller:
            return Scope("seller", str(seller.pk), seller.name)
    elif kind == "team":
        team = Team.objects.filter(name__iexact=code).first()
        if team:
            return Scope("team", str(team.pk), team.name)
    elif kind == "client":
        client = Client.objects.filter(external_id=code).first()
        if client:
            return Scope("client", str(client.pk), client.name)
    elif kind == "region" and code:
        return Scope("region", code, code)
    raise ValueProblem("unknown_code", value=code)


def _import_row(row: dict, by: User) -> None:
    kind = SCOPE_WORDS.get(fold(row.get("scope") or ""))
    indicator = (row.get("indicator") or "").strip()
    if kind is None:
        raise ValueProblem("invalid_scope", value=row.get("scope") or "")
    if indicator not in INDICATORS or (kind == "client" and indicator != "revenue"):
        raise ValueProblem("invalid_indicator", value=indicator)
    scope = _row_scope(kind, (row.get("code") or "").strip())
    if not may_set(by, scope):
        raise ValueProblem("not_allowed", value=row.get("code"))
    target = target_from_input(indicator, parse_target((row.get("target") or "").strip()))
    do_set_goal(scope=scope, indicator=indicator, period=_row_period(row), target=target, by=by)


def do_import_goals(text: str, *, by: User) -> ImportResult:
    """Goals from CSV (``;`` or ``,``): period (2026-11, 2026-Q4) or from/until, scope
    (seller/team/region/client), code, indicator, target (rates in %). Rows with a problem
    are reported and skipped; the others are saved."""
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [COLUMNS.get(fold(name or ""), fold(name or ""))
                         for name in reader.fieldnames or []]  # fmt: skip
    result = ImportResult()
    with transaction.atomic():
        for line, row in enumerate(reader, start=2):
            try:
                with transaction.atomic():
                    _import_row(row, by)
            except ValueProblem as problem:
                result.problems.append((line, _describe(problem)))
            else:
                result.saved += 1
    do_record("goals.imported", actor=by, saved=result.saved, problems=len(result.problems))
    return result


ROW_PROBLEMS = {
    "invalid_period": _("invalid period '%(value)s' (use 2026-11 or 2026-Q4)"),
    "invalid_scope": _("invalid scope '%(value)s' (seller, team, region or client)"),
    "invalid_indicator": _("invalid indicator '%(value)s'"),
    "unknown_code": _("unknown code '%(value)s'"),
    "not_allowed": _("you may not set goals for '%(value)s'"),
}


def _describe(problem: ValueProblem) -> str:
    if problem.code in ROW_PROBLEMS:
        return str(ROW_PROBLEMS[problem.code]) % {"value": problem.params.get("value", "")}
    return problem.message
