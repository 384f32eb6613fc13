"""The portfolio rules a workspace computes with (the TOML file of ``docs/spec/cli.md``).

Every threshold is a frozen dataclass field; shares and factors are kept as exact
``Decimal`` values so that a boundary such as "the client crossing 80 %" is decided exactly.

Cycle mode, in plain words (shown to managers)
-----------------------------------------------
In cycle mode the lifecycle thresholds follow each client's own buying rhythm.

1. Look at the client's purchases in the last ``cycle_lookback_days`` days up to the
   reading date (default 365). Several purchases on one day count as one purchase day.
2. If the client has fewer than ``cycle_min_purchases`` purchase days there (default 4),
   its rhythm is not known: the fixed thresholds (``active_days``, ``inactive_days``) apply.
3. Otherwise its *rhythm* ``g`` is the median number of days between consecutive purchase
   days (with an even number of gaps, the average of the two middle gaps).
4. Active threshold = ``cycle_active_factor`` × ``g``, rounded up to whole days, but at least
   ``cycle_floor_days`` (default 14) and at most ``active_days``.
   Inactive threshold = ``cycle_inactive_factor`` × ``g``, rounded up, but at least the
   client's active threshold and at most ``inactive_days``.
5. The status rules are then the fixed ones with the client's own thresholds: active when
   the last purchase is at most the active threshold days ago (and the frequency rule
   holds), pre-inactive up to the inactive threshold, inactivated for one more period
   (``period_days``, unchanged), inactive after that.

With the defaults (factors 3 and 6) a weekly buyer (g = 7) stays active for 21 days and
turns pre-inactive after that, becoming inactivated after 42 days: a weekly buyer who skips
a month is flagged, where fixed mode would wait 90 days. Cycle mode only ever makes the
thresholds shorter than the fixed ones, never longer.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any, Literal

__all__ = [
    "DEFAULT_RULES",
    "MESSAGES",
    "AbcRules",
    "CreditRules",
    "IndicatorRules",
    "LifecycleRules",
    "PortfolioRules",
    "RulesError",
    "ValueRules",
    "explain_cycle_mode",
    "rules_from_dict",
    "rules_from_toml",
    "rules_to_dict",
    "rules_to_toml",
]


MESSAGES: dict[str, str] = {
    "not_a_mapping": "rules must be a mapping of sections",
    "unknown_section": "unknown section [{section}] in rules",
    "not_a_table": "[{section}] must be a table",
    "unknown_key": "unknown key {key}",
    "invalid_toml": "rules file is not valid TOML: {detail}",
    "not_boolean": "{key} must be true or false",
    "not_positive_integer": "{key} must be a positive integer",
    "not_a_number": "{key} must be a number",
    "not_positive_number": "{key} must be a number greater than 0",
    "integer_below_minimum": "{key} must be an integer of at least {minimum}",
    "not_one_of_two": '{key} must be "{first}" or "{second}"',
    "exceeds_with_values": "{key} ({value}) must not exceed {other} ({other_value})",
    "exceeds": "{key} must not exceed {other}",
    "share_out_of_range": "{key} must be a number greater than 0 and at most 1",
    "share_not_fraction": "{key} must be a number between 0 and 1",
    "shares_over_one": "{key} + {other} must not exceed 1",
    "not_a_list": "{key} must be a list of {count} values",
    "not_increasing": "{key} must increase from one value to the next",
    "not_non_decreasing": "{key} must not decrease from one value to the next",
    "integer_out_of_range": "{key} must be an integer from {minimum} to {maximum}",
    "rate_out_of_range": "{key} must be a number from 0 to less than 1",
}
"""English text of every ``RulesError`` code; the web layer translates by code (the
placeholders ``key``/``other`` hold TOML keys such as ``lifecycle.active_days``)."""


class RulesError(ValueError):
    """A rules file or mapping that cannot be used. ``code`` is stable and ``params``
    fill its message (``MESSAGES``); ``str()`` is the English text naming the key."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(MESSAGES[code].format(**params))


@dataclass(frozen=True, slots=True)
class LifecycleRules:
    mode: Literal["fixed", "cycle"] = "fixed"
    active_days: int = 90
    inactive_days: int = 180
    period_days: int = 30
    min_purchases: int = 1
    frequency_window_days: int = 365
    cycle_lookback_days: int = 365
    cycle_min_purchases: int = 4
    cycle_active_factor: Decimal = Decimal("3")
    cycle_inactive_factor: Decimal = Decimal("6")
    cycle_floor_days: int = 14

    def __post_init__(self) -> None:
        _check_lifecycle(self)


@dataclass(frozen=True, slots=True)
class AbcRules:
    basis: Literal["revenue", "margin"] = "revenue"
    window_days: int = 365
    a_share: Decimal = Decimal("0.80")
    b_share: Decimal = Decimal("0.15")

    def __post_init__(self) -> None:
        _check_abc(self)


@dataclass(frozen=True, slots=True)
class IndicatorRules:
    include_prospects: bool = False
    purchase_counts_as_contact: bool = False
    # Coverage counts a visit only when one of its check-ins was verified (the field app,
    # within CARTEIRA_CHECKIN_RADIUS_M of the client): not a visit logged without one.
    verified_visits_only: bool = False

    def __post_init__(self) -> None:
        for name in ("include_prospects", "purchase_counts_as_contact", "verified_visits_only"):
            if not isinstance(getattr(self, name), bool):
                raise RulesError("not_boolean", key=f"indicators.{name}")


@dataclass(frozen=True, slots=True)
class CreditRules:
    """Receivables aging (``carteira_core.credit``): ``bucket_days`` are the upper bounds
    of the overdue buckets 1–30, 31–60, 61–90 and 91–180 (the last one is "over 180");
    ``provision_rates`` are the share of the open balance provisioned in each of the six
    buckets, current first. ``collection_after_days``: a client with an instalment more
    than this many days past due gets a collection task and an alert when it buys.
    ``suggested_limit_months``: the suggested credit limit covers this many months of the
    client's average purchases (``carteira_core.credit.limit``). ``dso_days``: the window
    of credit sales the days sales outstanding divide by (``carteira_core.credit.measures``)."""

    bucket_days: tuple[int, ...] = (30, 60, 90, 180)
    provision_rates: tuple[Decimal, ...] = (
        Decimal("0.005"),
        Decimal("0.01"),
        Decimal("0.03"),
        Decimal("0.10"),
        Decimal("0.50"),
        Decimal("1"),
    )
    collection_after_days: int = 30
    suggested_limit_months: int = 2
    dso_days: int = 90

    def __post_init__(self) -> None:
        _check_credit(self)


@dataclass(frozen=True, slots=True)
class ValueRules:
    """Predictive value (``carteira_core.value``, docs/portfolio-rules.md "Predictive
    value"): ``model`` for the purchase process (``bgnbd`` or ``pareto``), the CLV over
    ``horizon_months`` months discounted at ``monthly_rate`` a month, the expected purchases
    over the next ``expectation_days`` days; a client's potential, when the ERP gives none,
    is the ``potential_quantile`` of the 12-month revenue of at least ``min_peers`` clients
    of its segment and state (else its segment, else the whole portfolio)."""

    model: Literal["bgnbd", "pareto"] = "bgnbd"
    horizon_months: int = 12
    monthly_rate: Decimal = Decimal("0.01")
    expectation_days: int = 90
    potential_quantile: Decimal = Decimal("0.75")
    min_peers: int = 5

    def __post_init__(self) -> None:
        _check_value(self)


@dataclass(frozen=True, slots=True)
class AgendaRules:
    """The seller's week (docs/portfolio-rules.md "The seller's week"): with ``cadence``
    ``rhythm``, an active client with a purchase rhythm (the median days between its
    purchase days, as cycle mode measures it) is contacted every that many days, bounded
    by ``cadence_min_days`` and ``cadence_max_days``, instead of its plan cell's frequency;
    ``class`` (the default) keeps the cell's frequency for everyone."""

    cadence: Literal["class", "rhythm"] = "class"
    cadence_min_days: int = 7
    cadence_max_days: int = 90

    def __post_init__(self) -> None:
        _check_agenda(self)


@dataclass(frozen=True, slots=True)
class PortfolioRules:
    lifecycle: LifecycleRules = field(default_factory=LifecycleRules)
    abc: AbcRules = field(default_factory=AbcRules)
    indicators: IndicatorRules = field(default_factory=IndicatorRules)
    credit: CreditRules = field(default_factory=CreditRules)
    value: ValueRules = field(default_factory=ValueRules)
    agenda: AgendaRules = field(default_factory=AgendaRules)


_SECTIONS: dict[str, type] = {
    "lifecycle": LifecycleRules,
    "abc": AbcRules,
    "indicators": IndicatorRules,
    "credit": CreditRules,
    "value": ValueRules,
    "agenda": AgendaRules,
}
_DECIMAL_FIELDS = {
    "monthly_rate",
    "potential_quantile",
    "cycle_active_factor",
    "cycle_inactive_factor",
    "a_share",
    "b_share",
    "provision_rates",
}


# -- validation -------------------------------------------------------------------------


def _positive_int(section: str, name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RulesError("not_positive_integer", key=f"{section}.{name}")


def _exact_number(section: str, name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise RulesError("not_a_number", key=f"{section}.{name}")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise RulesError("not_a_number", key=f"{section}.{name}")
    return number


def _check_lifecycle(rules: LifecycleRules) -> None:
    if rules.mode not in ("fixed", "cycle"):
        raise RulesError("not_one_of_two", key="lifecycle.mode", first="fixed", second="cycle")
    for name in (
        "active_days",
        "inactive_days",
        "period_days",
        "min_purchases",
        "frequency_window_days",
        "cycle_lookback_days",
        "cycle_floor_days",
    ):
        _positive_int("lifecycle", name, getattr(rules, name))
    if rules.active_days > rules.inactive_days:
        raise RulesError(
            "exceeds_with_values",
            key="lifecycle.active_days",
            value=rules.active_days,
            other="lifecycle.inactive_days",
            other_value=rules.inactive_days,
        )
    cmp = rules.cycle_min_purchases
    if isinstance(cmp, bool) or not isinstance(cmp, int) or cmp < 2:
        raise RulesError("integer_below_minimum", key="lifecycle.cycle_min_purchases", minimum=2)
    for name in ("cycle_active_factor", "cycle_inactive_factor"):
        number = _exact_number("lifecycle", name, getattr(rules, name))
        if number <= 0:
            raise RulesError("not_positive_number", key=f"lifecycle.{name}")
        object.__setattr__(rules, name, number)
    if rules.cycle_active_factor > rules.cycle_inactive_factor:
        raise RulesError(
            "exceeds", key="lifecycle.cycle_active_factor", other="lifecycle.cycle_inactive_factor"
        )
    if rules.cycle_floor_days > rules.active_days:
        raise RulesError(
            "exceeds_with_values",
            key="lifecycle.cycle_floor_days",
            value=rules.cycle_floor_days,
            other="lifecycle.active_days",
            other_value=rules.active_days,
        )


def _check_abc(rules: AbcRules) -> None:
    if rules.basis not in ("revenue", "margin"):
        raise RulesError("not_one_of_two", key="abc.basis", first="revenue", second="margin")
    _positive_int("abc", "window_days", rules.window_days)
    a_share = _exact_number("abc", "a_share", rules.a_share)
    b_share = _exact_number("abc", "b_share", rules.b_share)
    if not 0 < a_share <= 1:
        raise RulesError("share_out_of_range", key="abc.a_share")
    if not 0 <= b_share <= 1:
        raise RulesError("share_not_fraction", key="abc.b_share")
    if a_share + b_share > 1:
        raise RulesError("shares_over_one", key="abc.a_share", other="abc.b_share")
    object.__setattr__(rules, "a_share", a_share)
    object.__setattr__(rules, "b_share", b_share)


def _check_credit(rules: CreditRules) -> None:
    bounds = rules.bucket_days
    if not isinstance(bounds, list | tuple) or len(bounds) != 4:
        raise RulesError("not_a_list", key="credit.bucket_days", count=4)
    for bound in bounds:
        _positive_int("credit", "bucket_days", bound)
    if any(low >= high for low, high in itertools.pairwise(bounds)):
        raise RulesError("not_increasing", key="credit.bucket_days")
    rates = rules.provision_rates
    if not isinstance(rates, list | tuple) or len(rates) != 6:
        raise RulesError("not_a_list", key="credit.provision_rates", count=6)
    exact = tuple(_exact_number("credit", "provision_rates", rate) for rate in rates)
    if any(not 0 <= rate <= 1 for rate in exact):
        raise RulesError("share_not_fraction", key="credit.provision_rates")
    if any(low > high for low, high in itertools.pairwise(exact)):
        raise RulesError("not_non_decreasing", key="credit.provision_rates")
    _positive_int("credit", "collection_after_days", rules.collection_after_days)
    _positive_int("credit", "suggested_limit_months", rules.suggested_limit_months)
    _positive_int("credit", "dso_days", rules.dso_days)
    object.__setattr__(rules, "bucket_days", tuple(bounds))
    object.__setattr__(rules, "provision_rates", exact)


def _check_value(rules: ValueRules) -> None:
    if rules.model not in ("bgnbd", "pareto"):
        raise RulesError("not_one_of_two", key="value.model", first="bgnbd", second="pareto")
    for name, top in (("horizon_months", 120), ("expectation_days", 3650), ("min_peers", 1000)):
        value = getattr(rules, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise RulesError("integer_out_of_range", key=f"value.{name}", minimum=1, maximum=top)
    rate = _exact_number("value", "monthly_rate", rules.monthly_rate)
    if not 0 <= rate < 1:
        raise RulesError("rate_out_of_range", key="value.monthly_rate")
    quantile = _exact_number("value", "potential_quantile", rules.potential_quantile)
    if not 0 < quantile <= 1:
        raise RulesError("share_out_of_range", key="value.potential_quantile")
    object.__setattr__(rules, "monthly_rate", rate)
    object.__setattr__(rules, "potential_quantile", quantile)


def _check_agenda(rules: AgendaRules) -> None:
    if rules.cadence not in ("class", "rhythm"):
        raise RulesError("not_one_of_two", key="agenda.cadence", first="class", second="rhythm")
    _positive_int("agenda", "cadence_min_days", rules.cadence_min_days)
    _positive_int("agenda", "cadence_max_days", rules.cadence_max_days)
    if rules.cadence_min_days > rules.cadence_max_days:
        raise RulesError("exceeds", key="agenda.cadence_min_days", other="agenda.cadence_max_days")


DEFAULT_RULES = PortfolioRules()


# -- conversions --------------------------------------------------------------------------


def rules_from_dict(data: dict[str, Any]) -> PortfolioRules:
    """Build rules from a ``{section: {key: value}}`` mapping; missing keys take defaults."""
    if not isinstance(data, dict):
        raise RulesError("not_a_mapping")
    sections: dict[str, Any] = {}
    for section, values in data.items():
        if section not in _SECTIONS:
            raise RulesError("unknown_section", section=section)
        if not isinstance(values, dict):
            raise RulesError("not_a_table", section=section)
        known = {f.name for f in fields(_SECTIONS[section])}
        for key in values:
            if key not in known:
                raise RulesError("unknown_key", key=f"{section}.{key}")
        sections[section] = _SECTIONS[section](**values)
    return PortfolioRules(**sections)


def rules_to_dict(rules: PortfolioRules) -> dict[str, dict[str, Any]]:
    """Every rule as a nested mapping (shares and factors as ``Decimal``)."""
    return {
        "lifecycle": asdict(rules.lifecycle),
        "abc": asdict(rules.abc),
        "indicators": asdict(rules.indicators),
        "credit": asdict(rules.credit),
        "value": asdict(rules.value),
        "agenda": asdict(rules.agenda),
    }


def rules_from_toml(text: str) -> PortfolioRules:
    """Parse the rules TOML; numbers with a fraction are read exactly as ``Decimal``."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError("invalid_toml", detail=str(exc)) from exc
    return rules_from_dict(data)


def _toml_value(name: str, value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(name, item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if name in _DECIMAL_FIELDS:
        text = format(Decimal(value), "f")
        return text if "." in text else f"{text}.0"
    if isinstance(value, int):
        return str(value)
    return f'"{value}"'


def rules_to_toml(rules: PortfolioRules) -> str:
    """The rules as a TOML document that ``rules_from_toml`` reads back to equal rules."""
    lines: list[str] = []
    for section, values in rules_to_dict(rules).items():
        if lines:
            lines.append("")
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {_toml_value(key, value)}" for key, value in values.items())
    return "\n".join(lines) + "\n"


def explain_cycle_mode(rules: PortfolioRules) -> str:
    """A manager-facing English explanation of the lifecycle thresholds in force."""
    lc = rules.lifecycle
    fixed = (
        f"A client is active while its last purchase is at most {lc.active_days} days old "
        f"(with at least {lc.min_purchases} {'purchase' if lc.min_purchases == 1 else 'purchases'}"
        f" in the last "
        f"{lc.frequency_window_days} days), pre-inactive up to {lc.inactive_days} days, "
        f"inactivated up to {lc.inactive_days + lc.period_days} days and inactive after that."
    )
    if lc.mode == "fixed":
        return "Fixed thresholds. " + fixed
    return (
        "Cycle mode: thresholds follow each client's own buying rhythm. "
        f"The rhythm is the median number of days between the client's purchase days in the "
        f"last {lc.cycle_lookback_days} days (several purchases on one day count once). "
        f"A client with at least {lc.cycle_min_purchases} purchase days there is active for "
        f"{lc.cycle_active_factor} × its rhythm (rounded up, at least {lc.cycle_floor_days} "
        f"and at most {lc.active_days} days) and pre-inactive up to "
        f"{lc.cycle_inactive_factor} × its rhythm (rounded up, at least its active threshold "
        f"and at most {lc.inactive_days} days); it is inactivated for the "
        f"{lc.period_days} days after that and inactive later. "
        f"For example a weekly buyer is active for "
        f"{_example(lc.cycle_active_factor, 7, lc.cycle_floor_days, lc.active_days)} days. "
        f"Clients with fewer purchase days use the fixed thresholds. " + fixed
    )


def _example(factor: Decimal, gap: int, floor: int, cap: int) -> int:
    return min(cap, max(floor, math.ceil(factor * gap)))
