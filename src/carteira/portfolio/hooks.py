"""What apps above the portfolio add to its pages. They register in their AppConfig.ready,
so the portfolio never imports them (the layers contract in pyproject.toml)."""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# (user, the dashboard's filters, the reading's date, quarter?) -> {indicator: target}
GoalsSource = Callable[..., dict[str, object]]
_goals: list[GoalsSource] = []


def register_goals(source: GoalsSource) -> None:
    """``source`` gives the goals shown on the dashboard's cards (the goals app)."""
    _goals[:] = [source]


def dashboard_goals(
    user, filters: Mapping[str, Any], as_of: dt.date, *, quarter: bool = False
) -> dict[str, object]:
    """The goal of each card's indicator; none when no app gives goals."""
    return _goals[0](user, filters, as_of, quarter=quarter) if _goals else {}


# (user, the dashboard's filters, the reading, the day before its period) -> a panel's
# context with its "template", or None when it has nothing to show
DashboardPanel = Callable[..., dict[str, Any] | None]
_panels: dict[str, DashboardPanel] = {}


def register_panel(name: str, source: DashboardPanel) -> None:
    """``source`` adds a section below the dashboard's own (credit: receivables)."""
    _panels[name] = source


def dashboard_panels(user, filters: Mapping[str, Any], run, before: dt.date) -> list[dict]:
    found = (source(user, filters, run, before) for source in _panels.values())
    return [panel for panel in found if panel]


# (the reading) -> None: figures an app above keeps for its dashboard section, computed
# ahead of the first visit (credit: the company's ledger at the reading's date)
Warmer = Callable[[Any], None]
_warmers: dict[str, Warmer] = {}


def register_warmer(name: str, source: Warmer) -> None:
    """``source`` is called by the dashboards' warm-up (after each snapshot, and after an
    import that changes what an app's section reads)."""
    _warmers[name] = source


def warm_sections(run) -> None:
    for source in _warmers.values():
        source(run)


@dataclass(frozen=True)
class ExtraReport:
    """A ``carteira report NAME`` an app above the portfolio adds (credit: receivables)."""

    by: tuple[str, ...]  # the --by values it accepts
    render: Callable[..., str | bytes]  # (as_of, by, format) -> text
    # True: it reads a window, --from/--to given to render as start=, end= (dates or None)
    window: bool = False


_reports: dict[str, ExtraReport] = {}


def register_report(name: str, report: ExtraReport) -> None:
    _reports[name] = report


def extra_reports() -> Mapping[str, ExtraReport]:
    return _reports
