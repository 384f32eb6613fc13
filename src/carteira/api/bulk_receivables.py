"""Bulk upsert of the ERP's receivables through the API: the import's own checks and
writer (``import receivables``), idempotent by invoice + instalment, all or nothing per
call, and only for the caller's clients (another's client is an unknown client)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from carteira.accounts.models import User
from carteira.api.bulk_orders import ItemError
from carteira.audit.services import do_record
from carteira.clients.access import clients_visible_to
from carteira.imports.kinds import ReceivablesWriter
from carteira.imports.upsert import Outcome, unknown
from carteira_core.ingest import SCHEMAS, RawRow
from carteira_core.ingest.validate import RowValidator

FIELDS = tuple(spec.name for spec in SCHEMAS["receivables"].fields)


@dataclass(frozen=True)
class ReceivablesResult:
    received: int
    created: int
    updated: int
    unchanged: int
    errors: list[ItemError]


def do_upsert_receivables(*, user: User, items: list[dict]) -> ReceivablesResult:
    """``items`` as dicts of the import's fields; item ``i`` is line ``i + 1``."""
    rows = [RawRow(index + 1, tuple(item.get(name) for name in FIELDS))
            for index, item in enumerate(items)]  # fmt: skip
    validator = RowValidator("receivables", FIELDS)
    records, outcome = [], Outcome()
    for batch in validator.batches(rows, size=len(rows) + 1):
        records += batch.records
        outcome.errors += batch.errors
    mine = set(
        clients_visible_to(user)
        .filter(external_id__in={r.client_external_id for r in records})
        .values_list("external_id", flat=True)
    )
    outcome.errors += [unknown(r.line, "client_external_id", r.client_external_id, "client")
                       for r in records if r.client_external_id not in mine]  # fmt: skip
    records = [r for r in records if r.client_external_id in mine]
    with transaction.atomic():
        writer = ReceivablesWriter(present=frozenset(FIELDS), label=str,
                                   write=not outcome.errors, actor=user)  # fmt: skip
        outcome.add(writer.apply(records))
        if outcome.errors:
            transaction.set_rollback(True)
        else:
            do_record("receivables.bulk_upserted", actor=user, created=outcome.created,
                      updated=outcome.updated)  # fmt: skip
    errors = [ItemError(e.line - 1, e.column, e.message) for e in outcome.errors]
    done = not errors
    return ReceivablesResult(
        received=len(items),
        created=outcome.created if done else 0,
        updated=outcome.updated if done else 0,
        unchanged=outcome.unchanged if done else 0,
        errors=sorted(errors, key=lambda e: e.index),
    )
