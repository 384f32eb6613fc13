"""Load and soak of the production server setup (trust plan E.31 and E.33, with A.10's leak check).

Not a test: figures for docs/benchmarks.md. Steps:

1. a throw-away PostgreSQL 15 (``carteira_testing.pgserver``) with the demo company
   (``--clients``, default 50,000; loading time reported), one official reading and the
   action plan's tasks (``carteira plan``) — or an existing database (``--database-url``,
   already prepared: nothing is loaded);
2. ``carteira serve`` (gunicorn, ``--workers`` processes × 4 threads) on loopback, with the
   file cache shared by the workers (``CARTEIRA_CACHE_DIR``);
3. the accounts: three sellers of one team, their manager and the portfolio team (the
   analyst); each account's scope and its dashboard measured alone (for the leak check);
4. locust (``bench/load/locustfile.py``) headless: the baseline with ``--users`` for
   ``--minutes``, then, with ``--soak-minutes``, a soak with ``--soak-users`` during which the
   nightly job (``carteira snapshot`` + ``carteira plan``) runs at half time; every
   ``--sample`` seconds the workers' RSS (/proc), the database connections
   (pg_stat_activity) and the load average are recorded.

5. with ``--restart`` (the default when this script started the database): the plan's D.26,
   PostgreSQL stopped (``-m immediate``) for ``--outage`` seconds in the middle of a 90 s
   run; a prober requests a page every 0.25 s: the statuses during the outage (503 expected,
   never a traceback), the seconds from the database's return to the first 200 (≤ 10 s
   expected, no app restart), and the writes checked for halves (every closed task has its
   contact, every contact written by the test closes a task).

Prints Markdown (per page: requests, failures, p50, p95; throughput; thresholds; the
leak check; RSS and connections over time) and keeps the raw files in bench-out/load/.

    .venv/bin/python bench/load_bench.py --minutes 5 --soak-minutes 20
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out" / "load"
PY = sys.executable
BIN = Path(PY).parent
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench" / "load"))

from fingerprint import dashboard_fingerprint  # noqa: E402

THRESHOLDS_MS = {"list": 400, "detail": 400, "dashboard": 1500}
PAGES_THRESHOLD_MS = 1000  # issue 25: p95 <= 1 s on every page at 8 users (the pages mix)
LIST_QUERIES = [
    ({}, "list"),
    ({"page": "2"}, "list (page/filter/sort)"),
    ({"page": "3"}, "list (page/filter/sort)"),
    ({"status": "pre_inactive"}, "list (page/filter/sort)"),
    ({"status": "active", "sort": "name"}, "list (page/filter/sort)"),
    ({"abc": "A"}, "list (page/filter/sort)"),
    ({"q": "mercado"}, "search"),
    ({"q": "ltda"}, "search"),
    ({"q": "farm"}, "search"),
    ({"q": "padaria"}, "search"),
    ({"q": "bar"}, "search"),
]


def _uptime() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _carteira(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 -- our own command
        [str(BIN / "carteira"), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started


def _prepare(env: dict[str, str], clients: int) -> list[str]:
    notes = []
    seconds = _carteira(
        env, "demo", "--clients", str(clients), "--no-serve", "--reset", "--seed", "7"
    )
    notes.append(
        f"demo company with {clients:,} clients loaded in {seconds:.0f} s (load {_uptime()})"
    )
    # `demo --reset` on PostgreSQL leaves no action plan cells: load the defaults first.
    _carteira(env, "plan", "--no-email", "--load-defaults")
    seconds = _carteira(env, "plan", "--no-email")
    notes.append(f"action plan's tasks created in {seconds:.0f} s")
    return notes


def _accounts(env: dict[str, str], *, director: bool = False) -> dict:
    """Three sellers of one team, their manager and the analyst (and the first director,
    with ``director``), with their scopes."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from carteira.accounts.models import Role, User
    from carteira.clients.access import clients_visible_to, sellers_visible_to
    from carteira.demo.loader import demo_password
    from carteira.organization.models import Seller, Team

    team = (
        Team.objects.filter(manager__isnull=False)
        .annotate(n=Count("sellers__clients"))
        .order_by("-n", "pk")
        .first()
    )
    sellers = (
        Seller.objects.filter(team=team, user__isnull=False, active=True)
        .annotate(n=Count("clients"))
        .order_by("-n", "pk")[:3]
    )
    analyst = User.objects.filter(role=Role.ANALYST, is_active=True).order_by("pk").first()
    users = [(s.user, "seller") for s in sellers] + [(team.manager, "manager"), (analyst, "team")]
    if director:
        boss = User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()
        users.append((boss, "director"))
    accounts = []
    for user, kind in users:
        everything = kind in ("team", "director")
        scope = clients_visible_to(user)
        accounts.append(
            {
                "username": user.username,
                "password": demo_password(user.username),
                "kind": kind,
                "clients": scope.count(),
                "client_ids": [] if everything else list(scope.values_list("pk", flat=True)),
                "external_ids": []
                if everything
                else list(scope.values_list("external_id", flat=True)),
                "seller_ids": []
                if everything
                else list(sellers_visible_to(user).values_list("pk", flat=True)),
                "export_params": {} if kind == "seller" else {"status": "pre_inactive"},
                # whose agenda a task write opens: their own (seller) or one of theirs
                "agenda_sellers": [] if kind == "seller" else [s.pk for s in sellers],
            }
        )
    sample = list(clients_visible_to(analyst).order_by("?").values_list("pk", flat=True)[:2000])
    connection.close()
    return {"accounts": accounts, "list_queries": LIST_QUERIES, "all_client_sample": sample}


def _fingerprints(base: str, config: dict) -> None:
    """Each account's dashboard alone, before any load."""
    for account in config["accounts"]:
        session = _login(base, account)
        account["dashboard"] = dashboard_fingerprint(session.get(f"{base}/portfolio/").text)


def _wait_for(url: str, seconds: float = 180) -> None:
    # generous: on a busy machine a new server's first answers take seconds each
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=15):  # noqa: S310 -- loopback
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server did not answer at {url}")


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _workers(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


class Sampler(threading.Thread):
    """Every ``every`` seconds: workers' RSS, database connections by state, load."""

    def __init__(self, master: int, database_url: str | None, every: float) -> None:
        super().__init__(daemon=True)
        self.master, self.url, self.every = master, database_url, every
        self.rows: list[dict] = []
        self.stopped = threading.Event()
        self.started_at = time.monotonic()

    def run(self) -> None:
        if self.url is None:  # SQLite: no server connections to count
            self._sample(lambda: {})
            return
        import psycopg

        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
            self._sample(
                lambda: dict(
                    db.execute(
                        "SELECT coalesce(state, 'other'), count(*) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid() GROUP BY 1",
                        [self.url.rsplit("/", 1)[1]],
                    ).fetchall()
                )
            )

    def _sample(self, connections) -> None:
        while not self.stopped.is_set():
            workers = _workers(self.master)
            self.rows.append(
                {
                    "t": round(time.monotonic() - self.started_at),
                    "workers": {str(pid): round(_rss_mb(pid), 1) for pid in workers},
                    "master_rss": round(_rss_mb(self.master), 1),
                    "connections": connections(),
                    "load": _uptime(),
                }
            )
            self.stopped.wait(self.every)


def _locust(
    base: str, users: int, minutes: float, name: str, env: dict[str, str], config_path: Path
) -> subprocess.Popen:
    prefix = OUT / name
    return subprocess.Popen(  # noqa: S603
        [
            str(BIN / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            base,
            "-u",
            str(users),
            "-r",
            "5",
            "-t",
            f"{int(minutes * 60)}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
            "--reset-stats",
        ],
        env={**env, "LOAD_CONFIG": str(config_path), "LOAD_RESULT": f"{prefix}_result.json"},
        stdout=open(f"{prefix}_locust.log", "w"),
        stderr=subprocess.STDOUT,
    )


def _stats(name: str) -> list[dict]:
    with open(OUT / f"{name}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _failure_kinds(name: str) -> list[str]:
    path = OUT / f"{name}_failures.csv"
    if not path.exists():
        return []
    counts: dict[str, int] = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = re.search(r"\b([1-5]\d\d) (?:Client|Server) Error", row["Error"])
            kind = code.group(1) if code else row["Error"].split("(")[0][:40]
            counts[kind] = counts.get(kind, 0) + int(row["Occurrences"])
    return [f"{n}× {kind}" for kind, n in sorted(counts.items())]


def _server_errors(name: str) -> int:
    path = OUT / f"{name}_failures.csv"
    if not path.exists():
        return 0
    with open(path, encoding="utf-8") as handle:
        return sum(
            int(row["Occurrences"])
            for row in csv.DictReader(handle)
            if re.search(r"\b5\d\d Server Error", row["Error"])
        )


def _report(
    name: str,
    title: str,
    users: int,
    minutes: float,
    samples: list[dict],
    extra: list[str],
    page_limit: int | None = None,
    log: str = "server.log",
) -> str:
    rows = _stats(name)
    result = json.loads((OUT / f"{name}_result.json").read_text())
    lines = [
        f"#### {title}: {users} users, {minutes:g} min",
        "",
        "| page | requests | failures | p50 ms | p95 ms | p99 ms | max ms | threshold |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if row["Name"] == "Aggregated":
            continue
        limit = next((v for k, v in THRESHOLDS_MS.items() if row["Name"].startswith(k)), None)
        if row["Name"] == "search":
            limit = THRESHOLDS_MS["list"]
        if page_limit is not None:  # the pages mix: one bar for every page (not the login)
            limit = None if row["Name"].startswith("login") else page_limit
        verdict = ""
        if limit is not None:
            ok = float(row["95%"]) <= limit
            verdict = f"p95 ≤ {limit} ms: {'met' if ok else '**missed**'}"
        if row["Name"] == "export request":  # a job: 202 at once, then polled apart
            verdict = f"plan: 202 ≤ 200 ms: {'met' if float(row['95%']) <= 200 else '**missed**'}"
        elif row["Name"].startswith("export"):
            verdict = "following the export's job (not in the plan)"
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | "
            f"{float(row['Max Response Time']):.0f} | {verdict} |"
        )
    errors = _server_errors(name)
    pages = [r for r in rows if r["Name"] != "Aggregated" and not r["Name"].startswith("login")]
    count = sum(int(r["Request Count"]) for r in pages)
    failed = sum(int(r["Failure Count"]) for r in pages)
    kinds = _failure_kinds(name)
    lines += [
        "",
        f"Throughput {sum(float(r['Requests/s']) for r in pages):.1f} requests/s (logins "
        f"left out); {failed} failures of {count:,} requests ({100 * failed / max(count, 1):.2f} "
        f"%: {', '.join(kinds) or 'none'}), of which {errors} server errors (5xx).",
    ]
    leaks, writes = result["leaks"], result["writes"]
    lines.append(
        f"Leak check: {leaks['responses_checked']:,} responses and "
        f"{leaks['ids_checked']:,} ids checked, **{leaks['cross_user_ids']} cross-user "
        f"ids**{'; e.g. ' + str(leaks['examples'][:3]) if leaks['examples'] else ''}. "
        f"Task writes: {writes['closed']} closed, {writes['already_closed']} lost a "
        f"race with another session of the same seller (404), "
        f"{writes['no_open_task']} found no open task."
    )
    if (exports := result.get("exports")) and exports["polls"] + exports["done"]:
        waits = sorted(exports["seconds_to_file"]) or [0]
        lines.append(
            f"Exports: {exports['done']} files ready ({exports['failed']} failed, "
            f"{exports['timed_out']} not ready in 120 s) after {exports['polls']} polls; "
            f"request to file ready: median {waits[len(waits) // 2]:.1f} s, max {waits[-1]:.1f} s."
        )
    if samples:
        lines += ["", _memory(samples, log)]
    lines += extra
    return "\n".join(lines)


def _booted_workers(log: str) -> set[str]:
    """Worker pids from gunicorn's log (its other child, the control process, is not one)."""
    text = (OUT / log).read_text(errors="replace")
    return set(re.findall(r"Booting worker with pid: (\d+)", text))


def _memory(samples: list[dict], log: str) -> str:
    workers = _booted_workers(log)
    for sample in samples:
        sample["workers"] = {p: v for p, v in sample["workers"].items() if p in workers}
    first, last = samples[0], samples[-1]
    peak_conn = max(sum(s["connections"].values()) for s in samples)

    def total(sample):
        return sum(sample["workers"].values())

    growth = 100 * (total(last) - total(first)) / max(total(first), 1)
    steady = next((s for s in samples if s["t"] >= 120), first)
    after_warmup = 100 * (total(last) - total(steady)) / max(total(steady), 1)
    timeline = ", ".join(
        f"{s['t'] // 60:.0f} min {total(s):.0f} MB/"
        f"{sum(s['connections'].values())} conn/load {s['load'].split()[0]}"
        for s in samples[:: max(1, len(samples) // 12)]
    )
    return (
        f"Workers' RSS (sum of {len(last['workers'])}): {total(first):.0f} MB at start → "
        f"{total(last):.0f} MB at the end ({growth:+.1f} %; {after_warmup:+.1f} % after the "
        f"first 2 minutes); database connections at most {peak_conn}. Timeline: {timeline}."
    )


def _phase(
    base,
    env,
    config_path,
    name,
    title,
    users,
    minutes,
    master,
    url,
    every,
    nightly: bool,
    page_limit: int | None = None,
    log: str = "server.log",
) -> str:
    sampler = Sampler(master, url, every)
    sampler.start()
    load = _locust(base, users, minutes, name, env, config_path)
    extra = []
    if nightly:
        time.sleep(minutes * 30)
        before = _uptime()
        started = time.perf_counter()
        snap = _carteira(env, "snapshot")
        plan = _carteira(env, "plan", "--no-email")
        extra.append(
            f"Nightly job at {minutes / 2:g} min (load {before}): `carteira snapshot` "
            f"{snap:.0f} s + `carteira plan` {plan:.0f} s, both exit 0 "
            f"({time.perf_counter() - started:.0f} s in all)."
        )
    load.wait()
    sampler.stopped.set()
    sampler.join()
    (OUT / f"{name}_samples.json").write_text(json.dumps(sampler.rows, indent=1))
    extra.append(f"Machine load (uptime) at the end: {_uptime()}.")
    return _report(name, title, users, minutes, sampler.rows, extra, page_limit, log)


class PgControl:
    """Stop and start the throw-away server in place (same data, port and options)."""

    def __init__(self, root: Path, port: int, bindir: Path) -> None:
        self.root, self.port, self.bindir = root, port, bindir
        owner = root.owner()
        self.prefix = ["runuser", "-u", owner, "--"] if owner != "root" else []

    def _ctl(self, *args: str) -> None:
        data = str(self.root / "data")
        command = [*self.prefix, str(self.bindir / "pg_ctl"), "-D", data, *args]
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603

    def stop(self) -> None:
        self._ctl("stop", "-m", "immediate")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._ctl("-l", str(self.root / "log"), "-w", "-t", "60", "-o", options, "start")


class Prober(threading.Thread):
    """A logged-in seller requesting the client list every 0.25 s: (t, status, traceback)."""

    def __init__(self, base: str, account: dict) -> None:
        super().__init__(daemon=True)
        self.session = _login(base, account)
        self.base = base
        self.rows: list[tuple[float, int, bool]] = []
        self.stopped = threading.Event()
        self.t0 = time.monotonic()

    def run(self) -> None:
        while not self.stopped.is_set():
            at = time.monotonic() - self.t0
            try:
                page = self.session.get(f"{self.base}/clients/", timeout=10)
                self.rows.append((at, page.status_code, "Traceback" in page.text))
            except requests.RequestException:
                self.rows.append((at, 0, False))
            self.stopped.wait(0.25)


def _half_written(url: str) -> tuple[int, int]:
    """Closed tasks without their contact; contacts of the load test closing no task."""
    import psycopg

    with psycopg.connect(url) as db:
        orphans = db.execute(
            "SELECT count(*) FROM agenda_task WHERE status = 'done' AND outcome_id IS NULL"
        ).fetchone()[0]
        loose = db.execute(
            "SELECT count(*) FROM interactions_interaction i WHERE notes = 'load test' "
            "AND NOT EXISTS (SELECT 1 FROM agenda_task t WHERE t.outcome_id = i.id)"
        ).fetchone()[0]
    return orphans, loose


def _restart_phase(base, env, config_path, config, control: PgControl, url, outage) -> str:
    name, seconds, users = "restart", 90, 30
    prober = Prober(base, next(a for a in config["accounts"] if a["kind"] == "seller"))
    load = _locust(base, users, seconds / 60, name, env, config_path)
    prober.t0 = time.monotonic()
    prober.start()
    time.sleep(30)
    load_before = _uptime()
    down_at = time.monotonic() - prober.t0
    control.stop()
    time.sleep(outage)
    control.start()
    up_at = time.monotonic() - prober.t0
    load.wait()
    prober.stopped.set()
    prober.join()
    during = [r for r in prober.rows if down_at <= r[0] < up_at]
    after = [r for r in prober.rows if r[0] >= up_at and r[1] == 200]
    recovery = after[0][0] - up_at if after else None
    statuses = sorted({r[1] for r in during})
    tracebacks = sum(r[2] for r in prober.rows)
    orphans, loose = _half_written(url)
    rows = {r["Name"]: r for r in _stats(name)}
    total = rows.get("Aggregated", {})
    kinds = _failure_kinds(name)
    result = json.loads((OUT / f"{name}_result.json").read_text())
    back = f"{recovery:.1f} s after the database was back" if recovery is not None else "never"
    requests_, failed = total.get("Request Count", "?"), total.get("Failure Count", "?")
    title = (
        f"#### Database restart under load: {users} users, 90 s, PostgreSQL down "
        f"{down_at:.0f}–{up_at:.0f} s (stop -m immediate, {outage:g} s, then start)"
    )
    return f"""{title}

Prober during the outage: {len(during)} requests, statuses {statuses} (0 = no answer),
tracebacks in any answer: {tracebacks}. First 200 {back} (no app restart).
Locust: {requests_} requests, {failed} failures ({", ".join(kinds) or "none"}).
Half-written writes: {orphans} closed tasks without their contact, {loose} contacts of the
test closing no task ({result["writes"]["closed"]} tasks closed in the run).
Load before the stop: {load_before}."""


def _pg_control(args, pg, url: str) -> PgControl | None:
    if pg is not None:
        return PgControl(pg.root, pg.port, pg.bindir)
    if args.restart and args.pg_root:
        from carteira_testing import pgserver

        port = int(url.rsplit(":", 1)[1].split("/")[0])
        return PgControl(args.pg_root, port, pgserver.find_bindir())
    return None


def _login(base: str, account: dict) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    session.post(
        f"{base}/login/",
        headers={"Referer": f"{base}/login/"},
        data={
            "username": account["username"],
            "password": account["password"],
            "csrfmiddlewaretoken": token,
        },
    )
    return session


def _serve(env: dict[str, str], port: int, workers: int, log: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [str(BIN / "carteira"), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        start_new_session=True,
        stdout=open(OUT / log, "w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def _scaling(args, env, config, base: str, counts: list[int], notes: list[str]) -> str:
    """The same mix, users and think time against each number of app processes (gunicorn
    workers, 4 threads each), alternated over ``--rounds``; one table."""
    config_path = OUT / "accounts.json"
    config_path.write_text(json.dumps(config))
    env = {**env, "LOAD_WAIT": args.wait}
    rows = []
    for round_ in range(1, args.rounds + 1):
        for workers in counts:
            name = f"scaling-{workers}-{round_}"
            # one log per step and round: a failure is read in the log of its own run
            server = _serve(env, args.port, workers, f"{name}-server.log")
            try:
                _wait_for(f"{base}/health/")
                before = _uptime()
                _locust(base, args.users, args.minutes, name, env, config_path).wait()
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
            stats = [r for r in _stats(name) if r["Name"] != "Aggregated"
                     and not r["Name"].startswith("login")]  # fmt: skip
            total = next(r for r in _stats(name) if r["Name"] == "Aggregated")
            count = sum(int(r["Request Count"]) for r in stats)
            failed = sum(int(r["Failure Count"]) for r in stats)
            rows.append(
                f"| {workers} | {round_} | {sum(float(r['Requests/s']) for r in stats):.1f} | "
                f"{total['50%']} | {total['95%']} | {count:,} | {failed} | "
                f"{_server_errors(name)} | {before} → {_uptime()} |"
            )
    notes.append(
        f"Scaling: `carteira serve --workers N` (gunicorn gthread, N × 4 threads, and its "
        f"one supervised task worker for the exports), {args.users} locust users with "
        f"{args.wait.replace(',', '–')} s of think time, {args.minutes:g} min per step, "
        f"steps alternated over {args.rounds} rounds; "
        "PostgreSQL and locust on the same machine."
    )
    table = [
        "| app processes | round | requests/s | p50 ms | p95 ms | requests | failures | 5xx "
        "| load (1, 5, 15 min) before → after |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    text = "### Scaling over app processes\n\n" + "\n".join(notes) + "\n\n" + "\n".join(table)
    (OUT / f"scaling-{dt.datetime.now():%Y%m%d-%H%M}.md").write_text(text)
    return text


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15, help="baseline length")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--soak-minutes", type=float, default=30, help="0: no soak")
    parser.add_argument("--soak-users", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn processes (4 threads)")
    parser.add_argument("--database-url", help="an already prepared database (skips loading)")
    parser.add_argument("--home", type=Path, default=OUT / "home")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--sample", type=float, default=15, help="seconds between samples")
    parser.add_argument(
        "--gunicorn-args", default="", help="extra gunicorn options (GUNICORN_CMD_ARGS)"
    )
    parser.add_argument(
        "--restart",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the database restart under load (default: when this script starts the database)",
    )
    parser.add_argument("--outage", type=float, default=10, help="seconds the database is down")
    parser.add_argument("--pg-root", type=Path, help="the folder of the --database-url server")
    parser.add_argument(
        "--scaling",
        help="instead of the phases: the same load against each number of app processes, "
        "e.g. 1,2,4 (issue 22), --rounds times, alternated",
    )
    parser.add_argument("--rounds", type=int, default=2, help="rounds of --scaling")
    parser.add_argument(
        "--mix",
        choices=("plan", "pages"),
        default="plan",
        help="plan: the trust plan's mix (lists, details, task writes, dashboard, exports); "
        "pages: every page a user waits for (dashboard, list, client, agenda, review, map, "
        "chronology) per role, a director too, judged against p95 <= 1 s (issue 25)",
    )
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help="the SQLite workspace already in --home (e.g. a 100k demo): no PostgreSQL, "
        "nothing loaded, no restart phase",
    )
    parser.add_argument(
        "--wait", default="0.2,1", help="think time of --scaling, seconds 'low,high'"
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    args.home.mkdir(parents=True, exist_ok=True)
    notes = [
        f"Run of {dt.datetime.now():%Y-%m-%d %H:%M} on {os.cpu_count()} cores, "
        f"load at start {_uptime()}."
    ]
    pg = None
    url = args.database_url
    if args.sqlite:
        if url or not (args.home / "carteira.sqlite3").exists():
            raise SystemExit("--sqlite: a workspace with carteira.sqlite3 in --home, no URL")
        args.restart = False
    elif url is None:
        from carteira_testing import pgserver

        pg = pgserver.start()
        subprocess.run(  # noqa: S603 -- the server's own createdb
            [
                str(pg.bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(pg.port),
                "-U",
                "postgres",
                "load",
            ],
            check=True,
        )
        url = pg.database_url("load")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "CARTEIRA_HOME": str(args.home),
        "CARTEIRA_CACHE_DIR": str(args.home / "cache"),
        "LOAD_MIX": args.mix,
        **({"DATABASE_URL": url} if url else {}),
    }
    page_limit = PAGES_THRESHOLD_MS if args.mix == "pages" else None
    log = f"server-{dt.datetime.now():%Y%m%d-%H%M%S}.log"  # one per run, never overwritten
    if args.gunicorn_args:
        env["GUNICORN_CMD_ARGS"] = args.gunicorn_args
    server = None
    try:
        if pg is not None:
            notes += _prepare(env, args.clients)
        config = _accounts(env, director=args.mix == "pages")
        base = f"http://127.0.0.1:{args.port}"
        if args.scaling:
            counts = [int(n) for n in args.scaling.split(",")]
            return _scaling(args, env, config, base, counts, notes)
        server = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "carteira"),
                "serve",
                "--port",
                str(args.port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            start_new_session=True,
            stdout=open(OUT / log, "w"),  # noqa: SIM115 -- the server's log
            stderr=subprocess.STDOUT,
        )
        _wait_for(f"{base}/health/")
        _fingerprints(base, config)
        config_path = OUT / "accounts.json"
        config_path.write_text(json.dumps(config))
        notes.append(
            "Accounts: "
            + ", ".join(
                f"{a['username']} ({a['kind']}, {a['clients']:,} clients)"
                for a in config["accounts"]
            )
            + "."
        )
        extra = f", GUNICORN_CMD_ARGS={args.gunicorn_args!r}" if args.gunicorn_args else ""
        notes.append(
            f"Server: `carteira serve --workers {args.workers}` (gunicorn gthread, "
            f"{args.workers} × 4 threads{extra}), "
            f"{'SQLite' if args.sqlite else 'PostgreSQL 15'} on the same machine, locust on "
            f"the same machine ({args.mix} mix, 1–5 s think time, 5 users started per "
            "second; statistics reset once all users are started: logins still under way "
            "are counted)."
        )
        parts = ["\n".join(notes)]
        if args.minutes > 0:
            parts.append(
                _phase(
                    base,
                    env,
                    config_path,
                    "baseline",
                    "Baseline",
                    args.users,
                    args.minutes,
                    server.pid,
                    url,
                    args.sample,
                    nightly=False,
                    page_limit=page_limit,
                    log=log,
                )
            )
        if args.soak_minutes > 0:
            parts.append(
                _phase(
                    base,
                    env,
                    config_path,
                    "soak",
                    "Soak with the nightly job",
                    args.soak_users,
                    args.soak_minutes,
                    server.pid,
                    url,
                    args.sample,
                    nightly=True,
                    page_limit=page_limit,
                    log=log,
                )
            )
        control = _pg_control(args, pg, url)
        if args.restart is not False and control is not None:
            parts.append(_restart_phase(base, env, config_path, config, control, url, args.outage))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if pg is not None:
            pg.stop()
    clients = max(a["clients"] for a in config["accounts"])
    text = f"### Load and soak, {clients:,} clients\n\n" + "\n\n".join(parts) + "\n"
    (OUT / f"results-{dt.datetime.now():%Y%m%d-%H%M}.md").write_text(text)
    return text


if __name__ == "__main__":
    print(main())
