"""Names for codes that the shared templates show but a higher app defines (a client's
status is the portfolio's word): the app registers them when it starts, so ``web`` (below
every app) never imports it."""

from collections.abc import Callable, Mapping

_LABELS: dict[str, Callable[[], Mapping[str, str]]] = {}


def register(kind: str, labels: Callable[[], Mapping[str, str]]) -> None:
    """``labels()`` gives the code → label map of ``kind`` in the active language."""
    _LABELS[kind] = labels


def label(kind: str, code: str | None) -> str:
    """The label of ``code``; the code itself if unknown, "—" if empty."""
    if not code:
        return "—"
    labels = _LABELS.get(kind)
    return str(labels().get(code, code)) if labels is not None else code


def choices(kind: str) -> list[tuple[str, str]]:
    """``kind``'s (code, label) pairs in the registering app's order, for a form's choices."""
    labels = _LABELS.get(kind)
    return list(labels().items()) if labels is not None else []
