"""What `carteira snapshot` stored, as canonical JSON, to compare two versions of the code
on copies of one workspace (not a test).

    CARTEIRA_HOME=/tmp/a .venv/bin/python bench/snapshot_outputs.py > a.json
    CARTEIRA_HOME=/tmp/b .venv/bin/python bench/snapshot_outputs.py > b.json
    cmp a.json b.json

The latest official reading and its window run (if any): every client's row, the group
rows, the status transitions, the predictive value's fit and rows, the potentials (ids,
times and durations left out), and the dashboard figures the warm-up stored for every
view of the reading (named by scope, slice and the date of the run they sum, since the
cache keys hold run ids and creation times), with the credit ledger of the date.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal

LEFT_OUT = {"id", "run_id", "run", "fit_id", "fit", "created_at", "duration_ms", "rules_version"}


def canonical(value):
    if isinstance(value, Decimal):
        return f"D{value.normalize():f}" if value == value else "DNaN"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(canonical(k)): canonical(v) for k, v in sorted(value.items(), key=repr)}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: canonical(getattr(value, name)) for name in value.__dataclass_fields__}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def rows(queryset, order: tuple[str, ...]) -> list[dict]:
    found = []
    for row in queryset.order_by(*order).values():
        found.append({k: canonical(v) for k, v in row.items() if k not in LEFT_OUT})
    return found


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    import django

    django.setup()
    import io

    import polars as pl
    from django.db import connection

    from carteira.credit.ledger import cache as credit_cache
    from carteira.portfolio import figures
    from carteira.portfolio.models import (
        ClientSnapshot,
        GroupSnapshot,
        SnapshotRun,
        StatusTransition,
    )
    from carteira.value.models import ClientPotential, ClientValue, ValueFit

    run = figures.latest_official_run()
    out: dict = {"as_of": run.as_of.isoformat()}
    runs = [run, *SnapshotRun.objects.filter(kind="window", as_of=run.as_of)]
    for each in runs:
        name = f"{each.kind}:{each.period_start}"
        out[name] = {
            "clients": rows(ClientSnapshot.objects.filter(run=each), ("client_id",)),
            "groups": rows(GroupSnapshot.objects.filter(run=each), ("by", "key")),
            "transitions": rows(StatusTransition.objects.filter(run=each), ("client_id",)),
            "fits": rows(ValueFit.objects.filter(run=each), ("pk",)),
            "values": rows(ClientValue.objects.filter(fit__run=each), ("client_id",)),
            "potentials": rows(ClientPotential.objects.filter(run=each), ("client_id",)),
        }
    stored = {}
    for view in figures._views(run):
        slice_ = json.dumps(view.filters, sort_keys=True)
        for each in view.runs:
            key = figures._key("kpis", view.scope, view.filters, each)
            stored[f"kpis|{view.scope}|{slice_}|{each.as_of}"] = canonical(figures.cache.get(key))
        key = figures._key("breakdown", view.scope, view.filters, run)
        stored[f"breakdown|{view.scope}|{slice_}"] = canonical(figures.cache.get(key))
    out["figures"] = stored
    ledgers = []

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cache_key FROM carteira_figures_cache WHERE cache_key LIKE %s",
            [f"%carteira:credit:ledger:%:{run.as_of}:%"],
        )
        keys = [row[0].split(":", 2)[2] for row in cursor.fetchall()]
    for key in sorted(keys):
        frame = pl.read_ipc(io.BytesIO(credit_cache.get(key)))
        ledgers.append({"key": key.split(":", 5)[5], "rows": frame.sort(frame.columns).to_dicts()})
    out["ledgers"] = canonical(ledgers)
    json.dump(out, sys.stdout, sort_keys=True, indent=0, default=str)
    print()


if __name__ == "__main__":
    main()
