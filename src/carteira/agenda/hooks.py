"""What apps above the agenda add to its planning. They register in their AppConfig.ready,
so the agenda never imports them (the layers contract in pyproject.toml)."""

from collections.abc import Callable, Iterable

# client ids -> {client id: expected value in cents} for the clients with a prediction
ClientValues = Callable[[Iterable[int]], dict[int, int]]
_values: list[ClientValues] = []


def register_client_values(source: ClientValues) -> None:
    """``source`` gives each client's predicted value (the value app: its CLV, which
    already weighs P(alive)); the scheduler ranks tasks of one class by it."""
    _values[:] = [source]


def client_values(client_ids: Iterable[int]) -> dict[int, int]:
    """The clients' predicted values in cents; empty when no app predicts them."""
    return _values[0](client_ids) if _values else {}


# visit (interaction) ids -> {interaction id: (verdict text, verified)} for those checked in
VisitCheckIns = Callable[[Iterable[int]], dict[int, tuple[str, bool]]]
_check_ins: list[VisitCheckIns] = []


def register_visit_check_ins(source: VisitCheckIns) -> None:
    """``source`` gives the check-in verdict of visits (the field app, which keeps the
    check-ins); the client's history shows it beside each visit."""
    _check_ins[:] = [source]


def visit_check_ins(interaction_ids: Iterable[int]) -> dict[int, tuple[str, bool]]:
    """Each checked-in visit's verdict text and whether it was verified; empty when no
    app records check-ins."""
    return _check_ins[0](interaction_ids) if _check_ins else {}
