"""Receivables end to end (issue 20; a script, not a test): a fresh SQLite workspace with
``--clients`` clients, ``--instalments`` instalments imported through ``carteira import
receivables`` (a cp1252 ``;`` CSV with pt-BR dates and numbers, as an ERP exports it),
then ``carteira report receivables --by client`` as a user runs it, and the report's own
read + aging + JSON in a warm process (``credit.report.render``), beside a plain Polars
read + group-by of the same table (``pl.read_database_uri``, no Django).

    python bench/credit_e2e.py --home bench-out/credit --instalments 5000000 --clients 100000

``--report-only`` skips the files and the imports and times the report of a workspace
already imported (``--home``; PostgreSQL when DATABASE_URL is set, e.g. a copy of the
SQLite workspace's tables), ``--runs`` warm runs, the least CPU and wall.

Prints a Markdown table. The instalments are the core benchmark's (bench/credit_bench.py,
seed 7): 30 % unpaid, payments from 5 days early to 200 days late.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
CARTEIRA = str(Path(sys.executable).parent / "carteira")
AS_OF = date(2026, 6, 30)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    seconds = time.perf_counter() - started
    print(f"[credit] {' '.join(command[1:3])}: {seconds:.1f} s", file=sys.stderr, flush=True)
    return seconds


def split(titles: Path, parts: int) -> list[Path]:
    """The titles file in ``parts`` files of about equal rows, each with the header (the
    import reads at most 200 MB a file: 5M titles come in two, as an ERP exports years)."""
    if parts <= 1:
        return [titles]
    lines = titles.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    size = -(-len(rows) // parts)
    paths = []
    for index in range(parts):
        path = titles.with_name(f"{titles.stem}-{index + 1}of{parts}.csv")
        path.write_text(header + "".join(rows[index * size : (index + 1) * size]), encoding="utf-8")
        paths.append(path)
    return paths


def write_files(folder: Path, instalments: int, clients: int) -> tuple[Path, Path, Path]:
    from credit_bench import instalments as generate

    folder.mkdir(parents=True, exist_ok=True)
    sellers = folder / "vendedores.csv"
    sellers.write_text("codigo;nome\nV001;Vendedor Um\n", encoding="cp1252")
    people = folder / "clientes.csv"
    pl.DataFrame({"codigo": [f"C{n:06d}" for n in range(1, clients + 1)]}).with_columns(
        razao_social=pl.lit("Cliente ") + pl.col("codigo"), vendedor=pl.lit("V001")
    ).write_csv(people, separator=";")
    titles = folder / f"titulos-{instalments}.csv"
    if not titles.exists():
        frame = generate(instalments, clients)
        money = pl.col("amount").cast(pl.String).str.zfill(3)
        pl.DataFrame(
            {
                "nota": pl.int_range(1, instalments + 1, eager=True).cast(pl.String),
                "cliente": frame["client_id"].map_elements(lambda n: f"C{n:06d}", pl.String),
            }
        ).with_columns(
            frame.select(
                pl.col("issue_date").dt.strftime("%d/%m/%Y").alias("emissao"),
                pl.col("due_date").dt.strftime("%d/%m/%Y").alias("vencimento"),
                (money.str.slice(0, money.str.len_chars() - 2) + "," + money.str.slice(-2)).alias(
                    "valor"
                ),
                pl.col("paid_date").dt.strftime("%d/%m/%Y").fill_null("").alias("pagamento"),
            )
        ).write_csv(titles, separator=";")
    return sellers, people, titles


def in_process(home: Path, runs: int = 3) -> tuple[float, float, float, int, float | None]:
    """Wall and CPU seconds of the report by client as the CLI computes it (ADBC read,
    aging, JSON; the least of ``runs`` warm runs) and wall seconds of the plain Polars
    read + group-by of the same table; the report's number of groups; on PostgreSQL the
    least CPU its server spent on a run (None on SQLite)."""
    os.environ["CARTEIRA_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    import django

    django.setup()
    import json

    from django.db import connection

    from carteira.credit.report import render
    from carteira.workspace import database_url

    postgres = connection.vendor == "postgresql"
    render(AS_OF, "client", "json")  # warm: imports, rules, the page cache
    walls, cpus, servers = [], [], []
    for _ in range(runs):
        server = _server_cpu() if postgres else 0.0
        started, cpu = time.perf_counter(), time.process_time()
        text = render(AS_OF, "client", "json")
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        servers.append(_server_cpu() - server if postgres else 0.0)
    groups = len(json.loads(text)["groups"])
    if postgres:
        import adbc_driver_postgresql.dbapi as driver
    else:
        import adbc_driver_sqlite.dbapi as driver

    uri = database_url(connection.settings_dict)
    connection.close()  # ADBC links its own SQLite (portfolio.engine_input)
    started = time.perf_counter()
    sql = (
        "SELECT client_id, CAST(ROUND(amount * 100) AS BIGINT) AS amount,"
        " CAST(due_date AS TEXT) AS due_date"
        " FROM credit_receivable WHERE issue_date <= '2026-06-30'"
        " AND (paid_date IS NULL OR paid_date > '2026-06-30')"
    )
    with driver.connect(uri) as adbc, adbc.cursor() as cursor:
        cursor.execute(sql)
        frame = pl.from_arrow(cursor.fetch_arrow_table())
    days = (pl.lit(AS_OF) - pl.col("due_date").str.to_date()).dt.total_days()
    frame.group_by("client_id").agg(
        pl.col("amount").sum(), pl.col("amount").filter(days > 30).sum().alias("late")
    )
    plain = time.perf_counter() - started
    return min(walls), min(cpus), plain, groups, min(servers) if postgres else None


def _server_cpu() -> float:
    """CPU seconds spent so far by the local PostgreSQL server's processes (its backends
    are the postmaster's children; the finished ones count in its children's times):
    the server named by DATABASE_URL must run on this machine, as the benchmarks' does."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
        (folder,) = cursor.fetchone()
    master = int((Path(folder) / "postmaster.pid").read_text().split()[0])
    total = 0
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == master or entry.name == str(master):
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def report_only(home: Path, runs: int) -> None:
    wall, cpu, plain, groups, server = in_process(home, runs)
    database = "PostgreSQL" if server is not None else "SQLite"
    print(f"| report of {home} ({database}, {groups:,} clients with an open balance) | seconds |")
    print("|---|---|")
    used = f"{cpu:.2f} s of CPU" + (f" + {server:.2f} s of the server's" if server else "")
    print(f"| read + aging + provision + JSON, warm, min of {runs} | {wall:.2f} ({used}) |")
    print(f"| plain Polars: ADBC read of the open rows + group-by | {plain:.2f} |")
    print(f"\nLoad average (1 min) at the end: {os.getloadavg()[0]:.1f}.")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--instalments", type=int, default=5_000_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--parts", type=int, default=0,
                        help="titles files to import (default: 1 per 2.5M titles)")  # fmt: skip
    parser.add_argument("--report-only", action="store_true",
                        help="time the report of an imported workspace (--home) only")  # fmt: skip
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    home = args.home.resolve()
    if args.report_only:
        report_only(home, args.runs)
        return
    env = {"CARTEIRA_HOME": str(home)}
    for old in home.glob("*.sqlite3*"):
        old.unlink()
    sellers, people, titles = write_files(home.parent / "credit-files", args.instalments,
                                          args.clients)  # fmt: skip
    timed([CARTEIRA, "import", "sellers", str(sellers)], env)
    clients_s = timed([CARTEIRA, "import", "clients", str(people)], env)
    parts = args.parts or -(-args.instalments // 2_500_000)
    import_s = sum(timed([CARTEIRA, "import", "receivables", str(part)], env)
                   for part in split(titles, parts))  # fmt: skip
    out = home / "aging.json"
    report_s = timed([CARTEIRA, "report", "receivables", "--as-of", AS_OF.isoformat(), "--by",
                      "client", "--format", "json", "--output", str(out)], env)  # fmt: skip
    ours, ours_cpu, plain, groups, _ = in_process(home, args.runs)
    load = os.getloadavg()[0]
    n, c = f"{args.instalments:,}", f"{args.clients:,}"
    rate = f"{args.instalments / import_s:,.0f} rows/s"
    command = "`carteira report receivables --by client --format json`"
    rows = [
        (f"`carteira import clients` ({c} rows)", f"{clients_s:.1f}"),
        (
            f"`carteira import receivables` ({n} rows in {parts} file(s))",
            f"{import_s:.1f} ({rate})",
        ),
        (f"{command}, whole command ({groups:,} clients with an open balance)", f"{report_s:.2f}"),
        (
            "the report's ADBC read + aging + provision + JSON in a warm process (min of 3)",
            f"{ours:.2f} ({ours_cpu:.2f} s of CPU)",
        ),
        ("plain Polars: ADBC read of the open rows + group-by", f"{plain:.2f}"),
    ]
    print(f"| {n} instalments, {c} clients, SQLite | seconds |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print(f"\nLoad average (1 min) at the end: {load:.1f}.")


if __name__ == "__main__":
    main()
