"""`make bench`: the benchmarks behind docs/benchmarks.md (never run as tests).

Steps (all by default;
`--only engine,snapshot,import,pages,exports,distribution,review,value,credit,agenda,load`):
  engine    the engine's compute step vs. plain Polars (and pandas if installed) on synthetic
            orders: 1M orders / 100k clients and 10M / 1M (bench/engine_bench.py)
  snapshot  `carteira snapshot` end to end (read, compute, write) on the demo company with
            --clients N (default 100k), from a SQLite workspace and from a throw-away
            PostgreSQL server, with peak memory
  import    `carteira import orders` of a generated cp1252 `;` CSV with --import-rows rows
            into SQLite and PostgreSQL: rows per second and peak memory
  load      the production server setup under locust (50 users, the plan's mix) and a soak
            with the nightly job: p50/p95 per page, errors, leak check, RSS and
            connections over time (bench/load_bench.py; --load-minutes, --soak-minutes)
  pages     server time (first request, p50, p95) and queries of the dashboard, client list,
            client pages, agenda and exports as director, manager and seller, on a throw-away
            PostgreSQL with the demo company of --clients N (bench/pages_bench.py)
  exports   background exports: the 202's latency and a 100k-row file end to end, on a
            SQLite workspace of --clients N (bench/exports_bench.py)
  distribution  the balanced-assignment proposal, 50 sellers × 20,000 clients, seeds 1–3,
            against k-means and the CP-SAT bound on moves (bench/distribution_bench.py)
  review    the monthly review's PDF on the 3,000-client demo: wall and CPU seconds
  value     the predictive-value models: CDNOW fits and 1M clients' fit and scoring
            (bench/value_bench.py)
  credit    receivables: the core's aging of --credit-instalments (5M) instalments of
            --clients clients beside plain Polars (bench/credit_bench.py), then the same
            imported into a SQLite workspace through `carteira import receivables` and
            reported with `carteira report receivables --by client` (bench/credit_e2e.py)
            (bench/review_pdf_bench.py)
  agenda    day routes of 30 visits: the agenda's (VROOM) beside VROOM levels 2-5 and the
            OR-Tools model it replaced; 100k tasks of 50 sellers scheduled
            (bench/agenda_bench.py)
Results are printed as Markdown and kept in bench-out/.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
PY = sys.executable
CARTEIRA = str(Path(PY).parent / "carteira")
sys.path.insert(0, str(ROOT / "src"))


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Seconds, peak RSS of the child (MB) and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 -- our own commands
        command, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024, done.stdout + done.stderr


def engine_step(args) -> str:
    lines = []
    for orders, clients in ((1_000_000, 100_000), (10_000_000, 1_000_000)):
        if orders > args.max_engine_orders:
            continue
        _, _, output = run([PY, str(ROOT / "bench" / "engine_bench.py"),
                            "--orders", str(orders), "--clients", str(clients)])  # fmt: skip
        lines.append(f"### Engine, {orders:,} orders / {clients:,} clients\n\n{output.strip()}\n")
    return "\n".join(lines)


def load_step(args) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    from load_bench import main as load_bench

    return load_bench(["--minutes", str(args.load_minutes),
                       "--soak-minutes", str(args.soak_minutes)])  # fmt: skip


def exports_step(args) -> str:
    home = _workspace("exports")
    _, _, output = run([PY, str(ROOT / "bench" / "exports_bench.py"), "--home", str(home),
                        "--clients", str(args.clients)])  # fmt: skip
    return f"### Background exports, {args.clients:,} clients\n\n{output.strip()}\n"


def distribution_step(args) -> str:
    _, _, output = run([PY, str(ROOT / "bench" / "distribution_bench.py")])
    return f"### Distribution proposal\n\n{output.strip()}\n"


def review_step(args) -> str:
    _, _, output = run([PY, str(ROOT / "bench" / "review_pdf_bench.py"),
                        "--home", str(_workspace("review"))])  # fmt: skip
    return f"### Review PDF, 3,000-client demo\n\n{output.strip()}\n"


def value_step(args) -> str:
    _, _, output = run([PY, str(ROOT / "bench" / "value_bench.py")])
    return f"### Predictive value: CDNOW fits, 1M-client fit and scoring\n\n{output.strip()}\n"


def agenda_step(args) -> str:
    _, _, output = run([PY, str(ROOT / "bench" / "agenda_bench.py")])
    return f"### The seller's week: day routes side by side, scheduling\n\n{output.strip()}\n"


def credit_step(args) -> str:
    _, _, core = run([PY, str(ROOT / "bench" / "credit_bench.py"), "--instalments",
                      str(args.credit_instalments), "--clients", str(args.clients)])  # fmt: skip
    _, _, e2e = run([PY, str(ROOT / "bench" / "credit_e2e.py"), "--home",
                     str(_workspace("credit")), "--instalments", str(args.credit_instalments),
                     "--clients", str(args.clients)])  # fmt: skip
    e2e = "\n".join(line for line in e2e.splitlines() if not line.startswith("[credit]"))
    return f"### Receivables aging (issue 20)\n\n{core.strip()}\n\n{e2e.strip()}\n"


def _workspace(name: str) -> Path:
    home = OUT / name
    home.mkdir(parents=True, exist_ok=True)
    return home


def _demo(env: dict[str, str], clients: int) -> str:
    seconds, peak, _ = run([CARTEIRA, "demo", "--clients", str(clients), "--no-serve", "--reset",
                            "--seed", "7"], env)  # fmt: skip
    return f"demo generate+load+history: {seconds:.1f} s, peak {peak:.0f} MB"


def snapshot_step(args) -> str:
    from carteira_testing import pgserver

    rows = ["| database | demo setup | `carteira snapshot` (read+compute+write) | peak memory |",
            "|---|---|---|---|"]  # fmt: skip
    targets = [("SQLite", {"CARTEIRA_HOME": str(_workspace("sqlite"))}, None)]
    server = pgserver.start()
    try:
        run([str(server.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(server.port),
             "-U", "postgres", "bench"])  # fmt: skip
        pg_env = {
            "CARTEIRA_HOME": str(_workspace("pg")),
            "DATABASE_URL": server.database_url("bench"),
        }
        targets.append(("PostgreSQL 15", pg_env, server))
        for label, env, _ in targets:
            setup = _demo(env, args.clients)
            best = None
            for _ in range(2):
                seconds, peak, _ = run([CARTEIRA, "snapshot"], env)
                best = min(best or (seconds, peak), (seconds, peak))
            rows.append(f"| {label} | {setup} | {best[0]:.2f} s | {best[1]:.0f} MB |")
    finally:
        server.stop()
    return f"### Snapshot end to end, demo company with {args.clients:,} clients\n\n" + "\n".join(
        rows
    )


def _orders_file(path: Path, rows: int, clients: int) -> None:
    rng = random.Random(7)
    start = dt.date.today() - dt.timedelta(days=730)
    with path.open("w", encoding="cp1252", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Pedido", "Cliente", "Data Emissão", "Valor Total", "Situação"])
        for n in range(rows):
            day = start + dt.timedelta(days=rng.randrange(730))
            cents = rng.randrange(1_000, 5_000_000)
            amount = f"{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"
            writer.writerow([f"B{n:09d}", f"C{rng.randrange(1, clients + 1):06d}",
                             day.strftime("%d/%m/%Y"), amount, ""])  # fmt: skip


def _import_run(data: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """`carteira import orders`: wall seconds, CPU seconds of the child, peak RSS (MB).

    Peak memory comes from a wrapper process per run (``ru_maxrss`` of RUSAGE_CHILDREN is
    the largest child so far, so a fresh wrapper keeps the runs apart)."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(time.perf_counter() - t, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024)\n"
    )
    _, _, output = run([PY, "-c", probe, CARTEIRA, "import", "orders", str(data)], env)
    wall, cpu, peak = (float(x) for x in output.split())
    return wall, cpu, peak


def import_step(args) -> str:
    from carteira_testing import pgserver

    OUT.mkdir(exist_ok=True)
    clients = 2_000
    data = OUT / f"orders-{args.import_rows}.csv"
    if not data.exists():
        _orders_file(data, args.import_rows, clients)
    rows = ["| database | rows | first import | rows/s | CPU | re-import (unchanged) | "
            "re-import CPU | peak memory | load average (1 min) |",
            "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    databases = args.import_databases.split(",")
    server = pgserver.start() if "postgres" in databases else None
    try:
        targets = []
        if "sqlite" in databases:
            targets.append(("SQLite", {"CARTEIRA_HOME": str(_workspace("import-sqlite"))}))
        if server is not None:
            run([str(server.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(server.port),
                 "-U", "postgres", "imports"])  # fmt: skip
            pg_env = {"CARTEIRA_HOME": str(_workspace("import-pg")),
                      "DATABASE_URL": server.database_url("imports")}  # fmt: skip
            targets.append(("PostgreSQL 15", pg_env))
        for label, env in targets:
            _demo(env, clients)
            load = os.getloadavg()[0]
            first, cpu, peak = _import_run(data, env)
            again, cpu2, peak2 = _import_run(data, env)
            load = max(load, os.getloadavg()[0])
            rows.append(f"| {label} | {args.import_rows:,} | {first:.1f} s | "
                        f"{args.import_rows / first:,.0f} | {cpu:.1f} s | {again:.1f} s | "
                        f"{cpu2:.1f} s | {max(peak, peak2):.0f} MB | {load:.1f} |")  # fmt: skip
    finally:
        if server is not None:
            server.stop()
    return "### Import of an ERP orders file (cp1252, `;`, pt-BR numbers)\n\n" + "\n".join(rows)


def pages_step(args) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    from pages_bench import pg_at_scale

    table = pg_at_scale(args.clients, argv=["--repeat", "20", "--clients", "5"])
    return f"### Pages on PostgreSQL, demo company with {args.clients:,} clients\n\n```\n{table}```"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        default="engine,snapshot,import,pages,exports,distribution,review,value,credit,agenda,load",
    )
    parser.add_argument("--credit-instalments", type=int, default=5_000_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--import-databases", default="sqlite,postgres")
    parser.add_argument("--max-engine-orders", type=int, default=10_000_000)
    parser.add_argument("--load-minutes", type=float, default=15, help="load baseline length")
    parser.add_argument("--soak-minutes", type=float, default=30, help="soak length (0: none)")
    args = parser.parse_args()
    steps = {"engine": engine_step, "snapshot": snapshot_step, "import": import_step,
             "pages": pages_step, "exports": exports_step, "distribution": distribution_step,
             "review": review_step, "value": value_step, "credit": credit_step,
             "agenda": agenda_step, "load": load_step}  # fmt: skip
    OUT.mkdir(exist_ok=True)
    report = [f"## Run of {dt.datetime.now():%Y-%m-%d %H:%M} on {os.cpu_count()} cores\n"]
    for name in args.only.split(","):
        print(f"[bench] {name}…", file=sys.stderr, flush=True)
        report.append(steps[name](args))
    text = "\n\n".join(report) + "\n"
    (OUT / f"results-{dt.datetime.now():%Y%m%d-%H%M}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
