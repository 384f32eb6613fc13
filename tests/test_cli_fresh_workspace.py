"""Every `carteira` command works on a brand-new workspace, and none prints a traceback.

A user's first command is whatever the README suggests (`carteira import sellers …`), on an
empty CARTEIRA_HOME: the workspace is created on first use. Each case below runs the real
installed command in its own process on its own new folder."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

# Each case starts real processes on a new workspace (a few seconds each): CI runs them,
# `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

CARTEIRA = str(Path(sys.executable).parent / "carteira")

SELLERS = "codigo;nome\nV01;Ana Souza\n"
CLIENTS = "codigo;razao_social;vendedor;cidade;uf\nC1;Mercado Boa Vista;V01;Campinas;SP\n"
ORDERS = "pedido;cliente;data;valor\nP1;C1;01/12/2026;1.234,56\nP2;C1;03/12/2026;100,00\n"


def environment(home: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CARTEIRA_HOME"}}
    env["CARTEIRA_HOME"] = str(home)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def carteira(home: Path, *args: str, stdin: str = "", database_url: str | None = None):
    return subprocess.run(
        [CARTEIRA, *args],
        env=environment(home, database_url),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
    )


def write_files(folder: Path) -> dict[str, Path]:
    paths = {}
    for kind, text in {"sellers": SELLERS, "clients": CLIENTS, "orders": ORDERS}.items():
        paths[kind] = folder / f"{kind}.csv"
        paths[kind].write_text(text, encoding="utf-8")
    return paths


# (arguments, expected exit code) — each run on a brand-new workspace, nothing before it.
FIRST_COMMANDS = {
    "import sellers": (["import", "sellers", "{sellers}"], 0),
    "import three files": (
        ["import", "sellers", "{sellers}", "clients", "{clients}", "orders", "{orders}"],
        0,
    ),
    "import --dry-run": (["import", "clients", "{clients}", "--dry-run"], 1),  # unknown seller
    "rules show": (["rules", "show"], 0),
    "snapshot": (["snapshot", "--as-of", "2026-12-07"], 0),
    "report kpis": (["report", "kpis", "--format", "json"], 0),
    "report clients": (["report", "clients"], 0),
    "report matrix": (["report", "matrix"], 0),
    "plan": (["plan"], 0),
    "plan --digest": (["plan", "--digest"], 0),
    "exports cleanup": (["exports", "cleanup"], 0),
    "createuser": (["createuser", "ana", "--role", "director", "--password-stdin"], 0),
    "backup": (["backup", "--output", "{folder}/copia.bak"], 0),
    "restore of a missing file": (["restore", "{folder}/nada.bak"], 1),
    "manage check": (["manage", "check"], 0),
    "value": (["value", "--format", "json"], 0),  # says there is no history to fit
    "agenda of an unknown seller": (["agenda", "--seller", "V01", "--week", "2026-12-07"], 1),
    "report receivables": (["report", "receivables"], 0),
    "import of a missing file": (["import", "orders", "{folder}/nada.csv"], 1),
    "demo --help": (["demo", "--help"], 0),
    "serve --help": (["serve", "--help"], 0),
}


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite workspace case")
@pytest.mark.parametrize("case", FIRST_COMMANDS)
def test_every_command_works_on_a_brand_new_embedded_workspace(case, tmp_path):
    template, expected = FIRST_COMMANDS[case]
    names = {kind: str(path) for kind, path in write_files(tmp_path).items()}
    args = [arg.format(folder=tmp_path, **names) for arg in template]

    done = carteira(tmp_path / "ws", *args, stdin="Uma-senha-bem-longa-42\n")

    assert done.returncode == expected, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    if expected:
        lines = [line for line in done.stderr.splitlines() if line.startswith("carteira ")]
        assert len(lines) == 1, done.stderr  # one line that says why
        assert not (tmp_path / "ws" / "logs" / "cli-errors.log").exists()


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite workspace case")
def test_the_first_import_then_snapshot_and_report_need_no_other_step(tmp_path):
    files = write_files(tmp_path)
    home = tmp_path / "ws"
    for kind in ("sellers", "clients", "orders"):
        assert carteira(home, "import", kind, str(files[kind])).returncode == 0

    assert carteira(home, "snapshot", "--as-of", "2026-12-07").returncode == 0
    report = carteira(home, "report", "kpis", "--as-of", "2026-12-07", "--format", "csv")

    assert report.returncode == 0, report.stderr
    assert "1334.56" in report.stdout  # the two orders, read from the stored reading


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite workspace case")
def test_the_first_use_says_once_that_it_prepares_the_workspace_in_portuguese(tmp_path):
    files = write_files(tmp_path)
    home = tmp_path / "ws"

    first = carteira(home, "import", "sellers", str(files["sellers"]))
    second = carteira(home, "import", "sellers", str(files["sellers"]))

    assert f"carteira: preparando o espaço de trabalho em {home}" in first.stderr
    assert "preparando" not in second.stderr


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite workspace case")
def test_two_first_commands_started_together_both_succeed(tmp_path):
    files = write_files(tmp_path)
    home = tmp_path / "ws"
    results = []

    def run():
        results.append(carteira(home, "import", "sellers", str(files["sellers"])))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite workspace case")
def test_an_unexpected_error_is_one_line_and_the_traceback_goes_to_the_workspace_log(tmp_path):
    home = tmp_path / "ws"
    home.mkdir()
    (home / "carteira.sqlite3").write_text("this is not a database")

    done = carteira(home, "rules", "show")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("carteira rules: ")


@pytest.mark.postgres
def test_a_brand_new_postgresql_database_is_prepared_by_the_first_command(tmp_path):
    import psycopg

    # the server's maintenance database: the URL's own database exists only as test_…
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    name = f"fresh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    files = write_files(tmp_path)
    fresh = url.rsplit("/", 1)[0] + f"/{name}"
    try:
        done = carteira(
            tmp_path / "ws", "import", "sellers", str(files["sellers"]), database_url=fresh
        )
        report = carteira(tmp_path / "ws", "report", "kpis", database_url=fresh)
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE {name} WITH (FORCE)")

    assert done.returncode == 0, done.stderr
    assert "1 criada" in done.stdout
    assert report.returncode == 0, report.stderr
