"""The company's credit ledger (``carteira_core.credit.measures.client_ledger``: each
client's buckets at a date and at an earlier one, its issues in the DSO window) computed
once per change of the receivables and kept in the figures cache (the database table
every server process shares, ADR 10); the dashboard's and the review's credit sections
group it for each reader's scope.

Freshness: every write of receivables bumps a version (``receivables_changed``: the
import kind and the API's bulk upsert through ``ReceivablesWriter``, any ORM save or
delete through signals). The version is a cache entry in the same database, written in
the writer's transaction, so it changes exactly when the new rows become visible; a
ledger is stored under the version read before its instalments were, so an entry
computed while an import commits is filed under the old version and never read again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid

import polars as pl
from django.core.cache import caches
from django.db.models import Q

from carteira.credit.models import Receivable
from carteira.credit.reading import open_by, receivables_frame
from carteira_core.credit.measures import client_ledger
from carteira_core.rules import CreditRules

cache = caches["figures"]
VERSION_KEY = "carteira:credit:receivables-version"
TIMEOUT = 7 * 24 * 3600


def receivables_version() -> str:
    """The receivables' current version (a new one when none is stored: after a flush,
    or the cache's culling — a recomputation, never a stale figure)."""
    found = cache.get(VERSION_KEY)
    if found is None:
        found = uuid.uuid4().hex
        cache.set(VERSION_KEY, found, None)
    return found


def receivables_changed(**_signal) -> None:
    """Call after writing receivables (in the writer's transaction)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def ledger_key(as_of: dt.date, before: dt.date, rules: CreditRules, version: str) -> str:
    rules_digest = hashlib.sha256(repr(rules).encode()).hexdigest()[:16]
    return f"carteira:credit:ledger:1:{version}:{as_of}:{before}:{rules_digest}"


def company_ledger(as_of: dt.date, before: dt.date, rules: CreditRules) -> pl.DataFrame:
    """The whole company's ledger at ``as_of`` against ``before``: from the cache when
    the receivables have not changed since it was computed (Arrow IPC, zstd)."""
    key = ledger_key(as_of, before, rules, receivables_version())
    stored = cache.get(key)
    if stored is not None:
        return pl.read_ipc(io.BytesIO(stored))
    window = Q(issue_date__gt=as_of - dt.timedelta(days=rules.dso_days), issue_date__lte=as_of)
    read = Receivable.objects.filter(open_by(as_of) | open_by(before) | window)
    ledger = client_ledger(receivables_frame(read), as_of, before, rules)
    out = io.BytesIO()
    ledger.write_ipc(out, compression="zstd")
    cache.set(key, out.getvalue(), TIMEOUT)
    return ledger


def do_warm_ledger(run) -> bool:
    """Compute the ledger the dashboard's default view of ``run`` reads (the reading's
    date against the eve of its default period), so the first visit after a snapshot or a
    receivables import reads it (9 s of CPU at 5M instalments); False without
    receivables. Called by the dashboards' warm-up (portfolio.hooks.warm_sections)."""
    from carteira.portfolio.kpis import requested_period
    from carteira.portfolio.rules_store import current_rules

    if not Receivable.objects.exists():
        return False
    period = requested_period(run, None)
    company_ledger(run.as_of, period.start - dt.timedelta(days=1), current_rules().credit)
    return True
