from collections.abc import Mapping

from carteira.audit.services import do_record

# Filters that may hold personal values (a name typed in the search box) are recorded
# only as "used", never with their text.
FREE_TEXT_FILTERS = frozenset({"q"})


def do_record_export(*, actor, kind: str, fmt: str, filters: Mapping[str, object], rows: int):
    """Every export goes to the audit trail: who, what, which filters, how many rows."""
    recorded = {
        name: True if name in FREE_TEXT_FILTERS else _plain(value)
        for name, value in filters.items()
        if value not in (None, "")
    }
    do_record("export", actor=actor, kind=kind, format=fmt, filter=recorded, rows=rows)


def _plain(value: object) -> object:
    return value if isinstance(value, bool | int | str) else str(value)
