"""`carteira snapshot` end to end on an existing workspace, phase by phase (not a test).

    CARTEIRA_HOME=/tmp/demo100k .venv/bin/python bench/snapshot_bench.py --runs 3
    # before/after: two copies of one workspace, each run with its own source tree
    .venv/bin/python bench/snapshot_bench.py --runs 3 \\
        --variant before=/tmp/old/src:/tmp/home-before --variant after=src:/tmp/home-after

Each run is a fresh process running the real command (``call_command("snapshot")``, ADBC
on SQLite as the CLI does) with the phases timed by wrapping the functions it calls: read
(``engine_input.load_input``), compute (``read_portfolio``), the predictive value stored
with an official reading, the dashboard warm-up, and the rest (writing the readings,
groups and transitions, deleting the same date's earlier run, statistics). It also counts
work, which the machine's load does not blur: SQL statements of the whole command and of
the warm-up. Variants are alternated run by run; the table gives min and median and the
load average, and the peak resident memory of each process.

``--whole`` also times the command as users run it, ``carteira snapshot`` in its own
process from start to exit (Django's start included), alternated with the phase runs.
``--cold`` empties the figures cache before each run, as after a week (entries live 7
days) or a reassignment: every view of every run of the trend, and the credit ledger of
the date, computed again — the nightly worst case; without it, only the new run's.
``--fresh`` deletes today's stored readings before each run (untimed), as a nightly run
finds none of its date; without it each run replaces the previous run's (deleting 100k
readings, values and potentials inside the timed command).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("read", "compute", "value", "warm")
CARTEIRA = Path(sys.executable).parent / "carteira"


def _timed(module, name: str, phase: str, spent: dict) -> None:
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[phase] = spent.get(phase, 0.0) + time.perf_counter() - start

    setattr(module, name, wrapper)


def prepare(cold: bool, fresh: bool) -> None:
    """Untimed, before a run: empty the figures cache (``cold``); delete the stored
    readings of today (``fresh``: the nightly run finds none of its date)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    import django

    django.setup()
    from django.core.cache import caches
    from django.utils import timezone

    from carteira.portfolio.models import SnapshotRun

    if fresh:
        SnapshotRun.objects.filter(as_of=timezone.localdate()).delete()
    if cold:
        caches["figures"].clear()


def child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    import carteira.portfolio.management.commands.snapshot as command
    from carteira.portfolio import services
    from carteira.value import receivers

    spent: dict[str, float] = {}
    queries = {"all": 0, "warm": 0}
    _timed(services.engine_input, "load_input", "read", spent)
    _timed(services, "read_portfolio", "compute", spent)
    _timed(receivers, "do_store_value", "value", spent)
    _timed(command, "do_warm_dashboards", "warm", spent)
    warm_started = spent.get

    def count(execute, sql, params, many, context):
        queries["all"] += 1
        if warm_started("warm_open"):
            queries["warm"] += 1
        return execute(sql, params, many, context)

    original_warm = command.do_warm_dashboards

    def warm(*args, **kwargs):
        spent["warm_open"] = 1.0
        try:
            return original_warm(*args, **kwargs)
        finally:
            spent["warm_open"] = 0.0

    command.do_warm_dashboards = warm
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        call_command("snapshot", stdout=StringIO(), stderr=StringIO())
    total = time.perf_counter() - started
    spent.pop("warm_open", None)
    figures = {"total": total, **{p: spent.get(p, 0.0) for p in PHASES}}
    figures["other"] = total - sum(figures[p] for p in PHASES)
    figures["queries"], figures["warm_queries"] = queries["all"], queries["warm"]
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--variant",
        action="append",
        help="label=PYTHONPATH:CARTEIRA_HOME (default: this tree on $CARTEIRA_HOME)",
    )
    parser.add_argument("--whole", action="store_true", help="also time `carteira snapshot`")
    parser.add_argument("--cold", action="store_true", help="empty the figures cache first")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--fresh", action="store_true", help="delete today's readings first")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    if args.prepare:
        prepare(args.cold, args.fresh)
        return
    prep = [sys.executable, __file__, "--prepare"]
    prep += ["--cold"] * args.cold + ["--fresh"] * args.fresh
    variants = {}
    for spec in args.variant or [f"this tree=src:{os.environ.get('CARTEIRA_HOME', '')}"]:
        label, paths = spec.split("=", 1)
        code, home = paths.split(":", 1)
        variants[label] = (str(Path(code).resolve()), home)
    runs: dict[str, list[dict]] = {label: [] for label in variants}
    whole: dict[str, list[float]] = {label: [] for label in variants}
    load_before = os.getloadavg()
    for _ in range(args.runs):
        for label, (code, home) in variants.items():  # alternated
            env = {**os.environ, "PYTHONPATH": code, "CARTEIRA_HOME": home}
            if args.cold or args.fresh:
                _run(prep, env)
            done = _run([sys.executable, __file__, "--child"], env)
            runs[label].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(label, runs[label][-1], file=sys.stderr, flush=True)
            if args.whole:
                if args.cold or args.fresh:
                    _run(prep, env)
                started = time.perf_counter()
                _run([str(CARTEIRA), "snapshot"], env)
                whole[label].append(time.perf_counter() - started)
                print(label, f"whole command {whole[label][-1]:.2f} s", file=sys.stderr)
    load_after = os.getloadavg()
    print(
        f"load average (1/5/15 min) before: {' / '.join(f'{x:.2f}' for x in load_before)}, "
        f"after: {' / '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs; "
        f"{args.runs} alternated runs per variant, one process each; "
        f"figures cache emptied first: {args.cold}; today's readings deleted first: "
        f"{args.fresh}\n"
    )
    columns = ("total", *PHASES, "other")
    print("| variant | " + " | ".join(f"{c} s (min · median)" for c in columns)
          + " | SQL statements (warm-up) | peak RSS MB |")  # fmt: skip
    print("|---" * (len(columns) + 3) + "|")
    for label, found in runs.items():
        cells = []
        for column in columns:
            values = [r[column] for r in found]
            cells.append(f"{min(values):.2f} · {statistics.median(values):.2f}")
        queries = f"{found[-1]['queries']:,} ({found[-1]['warm_queries']:,})"
        peak = max(r["peak_mb"] for r in found)
        print(f"| {label} | " + " | ".join(cells) + f" | {queries} | {peak:,.0f} |")
    for label, times in whole.items():
        if times:
            print(f"{label}: `carteira snapshot`, whole process: min {min(times):.2f} s, "
                  f"median {statistics.median(times):.2f} s over {len(times)} runs")  # fmt: skip


def _run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 -- our own
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return done


if __name__ == "__main__":
    main()
