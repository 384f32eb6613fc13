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
