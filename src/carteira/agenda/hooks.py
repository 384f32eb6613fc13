"""What apps above the agenda add to its planning. They register in their AppConfig.ready,
so the agenda never imports them (the layers contract in pyproject.toml)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

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


@dataclass(frozen=True)
class ValueLead:
    """A client the value model puts forward for the action plan: ``upsell`` (room to grow:
    ``amount`` is the year's gap to its potential) or ``recover`` (probably gone: ``amount``
    is what winning it back is worth), with the reason worded for the seller's task and
    the facts behind it (stored in the task's context)."""

    client_id: int
    kind: str
    amount: Decimal
    reason: str
    facts: dict = field(default_factory=dict)


# official reading (run) id -> the leads, largest amount first within each kind
ValueLeads = Callable[[int], list[ValueLead]]
_leads: list[ValueLeads] = []


def register_value_leads(source: ValueLeads) -> None:
    """``source`` gives the upsell and recovery leads of a reading (the value app); the
    action plan turns them into tasks (plans.value_feed)."""
    _leads[:] = [source]


def value_leads(run_id: int) -> list[ValueLead]:
    """The reading's value leads; empty when no app predicts value."""
    return _leads[0](run_id) if _leads else []


# official reading (run) id -> {client id: its upsell lead} for every client still buying
# with room to grow (any share of wallet)
RoomToGrow = Callable[[int], dict[int, ValueLead]]
_room: list[RoomToGrow] = []


def register_room_to_grow(source: RoomToGrow) -> None:
    """``source`` gives each client's room to grow at a reading (the value app); the action
    plan puts it on the task of a cell whose objective is upsell, which the agenda then
    ranks by the gap (agenda.priority)."""
    _room[:] = [source]


def room_to_grow(run_id: int) -> dict[int, ValueLead]:
    """The reading's clients with room to grow; empty when no app estimates potentials."""
    return _room[0](run_id) if _room else {}


@dataclass(frozen=True)
class RecoveryOutlook:
    """A client's outlook at a reading's value fit: its chance of still being a client
    (``chance``, worded as the client page says it) and, when it has probably left, what
    winning it back is worth over the next ``months``."""

    p_alive: float
    chance: str
    worth: Decimal | None
    months: int


# (official reading id, client ids) -> {client id: its outlook} for those with a prediction
RecoveryOutlooks = Callable[[int, Iterable[int]], dict[int, RecoveryOutlook]]
_outlooks: list[RecoveryOutlooks] = []


def register_recovery_outlooks(source: RecoveryOutlooks) -> None:
    """``source`` gives the clients' recovery outlooks (the value app); the lost clients'
    page shows them beside the "worth recovering?" decision."""
    _outlooks[:] = [source]


def recovery_outlooks(run_id: int, client_ids: Iterable[int]) -> dict[int, RecoveryOutlook]:
    """The clients' recovery outlooks at a reading; empty when no app predicts value."""
    return _outlooks[0](run_id, client_ids) if _outlooks else {}
