"""The nightly jobs as scheduled tasks, run once per company per day however many worker
hosts schedule them (ADR 22). Every worker checks, every few seconds, whether today's
jobs are due (``CARTEIRA_NIGHTLY_AT``, the company's time zone) and enqueues each chain
under an id derived from its name and date: the task queue's primary key is the claim, so
a second host's insert fails and the chain runs once. ``carteira manage nightly`` does the
same by hand or from one cron line. Each step is the CLI command of the README's cron, and
each is safe to run twice (a reaped task starts its chain again)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid

from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

NAMESPACE = uuid.UUID("5f0c5d0e-8f1e-4a57-9a43-6a0b8f6c2a21")

# The portfolio chain is ordered (the plan reads the new snapshot, the digest the plan);
# the housekeeping chain is independent of it and may run on another worker meanwhile.
CHAINS: dict[str, list[list[str]]] = {
    "portfolio": [
        ["snapshot", "--as-of", "{day}"],
        ["plan", "--as-of", "{day}"],
        ["plan", "--as-of", "{day}", "--digest"],
    ],
    "housekeeping": [
        ["webhooks"],
        ["return_covers", "--as-of", "{day}"],
        ["retention"],
        ["exports", "cleanup"],
    ],
}

_scheduled: set[tuple[str, dt.date]] = set()  # this process's memory: skip the query


def due_at() -> dt.time | None:
    """CARTEIRA_NIGHTLY_AT (HH:MM, default 02:15), or None when set to 'off'."""
    value = os.environ.get("CARTEIRA_NIGHTLY_AT", "02:15").strip().lower()
    if value in {"off", "no", "0", ""}:
        return None
    return dt.time.fromisoformat(value)


def chain_task_id(chain: str, day: dt.date) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{chain}:{day.isoformat()}")


def do_schedule_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue today's chains if they are due and not yet enqueued by anyone."""
    at = due_at()
    local = timezone.localtime(now or timezone.now())
    if at is None or local.time() < at:
        return []
    return [chain for chain in CHAINS if do_enqueue_chain(chain, local.date())]


def do_enqueue_chain(chain: str, day: dt.date) -> bool:
    """True if this call enqueued it; False if it already was (by any host)."""
    if (chain, day) in _scheduled:
        return False
    from carteira.cluster.tasks import run_nightly_chain

    task_id = chain_task_id(chain, day)
    created = False
    if not DBTaskResult.objects.filter(id=task_id).exists():
        try:
            with transaction.atomic():
                DBTaskResult.objects.create(
                    id=task_id,
                    args_kwargs={"args": [chain, day.isoformat()], "kwargs": {}},
                    priority=run_nightly_chain.priority,
                    task_path=run_nightly_chain.module_path,
                    queue_name=run_nightly_chain.queue_name,
                    run_after=timezone.now(),
                    backend_name=run_nightly_chain.backend,
                )
            created = True
            logger.info("nightly %s of %s enqueued", chain, day)
        except IntegrityError:
            pass  # another host was first
    _scheduled.add((chain, day))
    return created


def run_chain(chain: str, day: str) -> list[str]:
    """Run a chain's commands in order; the portfolio chain stops at the first failure,
    housekeeping runs every step and fails at the end if one did."""
    done, failures = [], []
    for step in CHAINS[chain]:
        argv = [part.format(day=day) for part in step]
        try:
            call_command(*argv, verbosity=0)
        except Exception as error:
            logger.exception("nightly %s: %s failed", chain, " ".join(argv))
            failures.append(f"{' '.join(argv)}: {error}")
            if chain == "portfolio":
                break
            continue
        done.append(" ".join(argv))
    if failures:
        raise RuntimeError("; ".join(failures))
    return done
