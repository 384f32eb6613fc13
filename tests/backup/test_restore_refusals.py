"""`carteira restore` cannot destroy: a database that holds data is refused unless
`--replace`, which writes a safety backup first and says where; a garbage, truncated or
wrong-engine file gets one line saying why (in the workspace language, pt-BR), and nothing
changes."""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SEED = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from carteira.accounts.models import User
from carteira.clients.models import Client
User.objects.create_user("ana", "ana@exemplo.com.br", "senha-forte-123", role="seller")
Client.objects.bulk_create(Client(external_id=f"S{i}", name=f"Cliente {i}") for i in range(N))
"""


def carteira(home: Path, *args: str, database_url: str | None = None):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CARTEIRA_HOME"}}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["CARTEIRA_HOME"] = str(home)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "carteira.cli", *args], env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


def seed(home: Path, clients: int, database_url: str | None = None) -> None:
    done = carteira(home, "manage", "shell", "-c", SEED.replace("N", str(clients)),
                    database_url=database_url)  # fmt: skip
    assert done.returncode == 0, done.stderr


def clients_in(home: Path, database_url: str | None = None) -> int:
    """Read straight from the database, as an operator checking by hand would."""
    if database_url:
        import psycopg

        with psycopg.connect(database_url) as db:
            return db.execute("SELECT count(*) FROM clients_client").fetchone()[0]
    with closing(sqlite3.connect(home / "carteira.sqlite3")) as db:
        return db.execute("SELECT count(*) FROM clients_client").fetchone()[0]


def one_line_refusal(done) -> str:
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stdout == ""
    (line,) = done.stderr.splitlines()
    return line


def backup(home: Path, out: Path, database_url: str | None = None) -> Path:
    done = carteira(home, "backup", "--output", str(out), database_url=database_url)
    assert done.returncode == 0, done.stderr
    return out


class Workspaces:
    """Migrated and seeded workspaces, made once per module and copied per test: a
    migration takes a command about 15 s, and every test here starts from the same two
    workspaces (5 clients, to back up; 7 clients, the live one)."""

    def __init__(self, root: Path, server_url: str | None):
        self.root, self.server_url = root, server_url
        self.made: dict[int, tuple[Path, str | None]] = {}

    def copy(self, clients: int, home: Path, database: str) -> str | None:
        """A workspace at ``home`` holding ``clients`` clients (on PostgreSQL in a new
        database named ``database``); returns its database URL (None on SQLite)."""
        template_home, template_url = self._made(clients)
        shutil.copytree(template_home, home)
        if template_url is None:
            return None
        return self._create(database, template=template_url.rsplit("/", 1)[1])

    def _made(self, clients: int) -> tuple[Path, str | None]:
        if clients not in self.made:
            home = self.root / f"seeded-{clients}"
            url = self._create(f"restore_template_{clients}") if self.server_url else None
            seed(home, clients, url)
            self.made[clients] = home, url
        return self.made[clients]

    def _create(self, name: str, template: str | None = None) -> str:
        import psycopg

        with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return f"{self.server_url}/{name}"


@pytest.fixture(scope="module")
def sqlite_workspaces(tmp_path_factory):
    return Workspaces(tmp_path_factory.mktemp("restore-sqlite"), None)


@pytest.fixture(scope="module")
def postgres_workspaces(tmp_path_factory):
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return Workspaces(tmp_path_factory.mktemp("restore-postgres"), server)


def _live_and_backup(tmp_path, workspaces: Workspaces):
    """The live workspace (7 clients), and a fresh backup of another one (5 clients)."""
    other_url = workspaces.copy(5, tmp_path / "other", "restore_other")
    live_url = workspaces.copy(7, tmp_path / "live", "restore_live")
    copy = backup(tmp_path / "other", tmp_path / "five.backup", other_url)
    return tmp_path / "live", live_url, copy


def _refuses_then_replaces(tmp_path, workspaces: Workspaces):
    """A backup of 5 clients restored over a live database of 7: refused, then replaced."""
    live, live_url, copy = _live_and_backup(tmp_path, workspaces)

    refused = carteira(live, "restore", str(copy), database_url=live_url)
    line = one_line_refusal(refused)
    assert "--replace" in line and "nada foi alterado" in line
    assert clients_in(live, live_url) == 7

    replaced = carteira(live, "restore", str(copy), "--replace", database_url=live_url)
    assert replaced.returncode == 0, replaced.stderr
    safety = Path(re.search(r"backup de segurança dos dados substituídos: (\S+)",
                            replaced.stdout).group(1))  # fmt: skip
    assert safety.parent == live / "backups" and oct(safety.stat().st_mode & 0o777) == "0o600"
    assert clients_in(live, live_url) == 5
    # The safety backup holds the 7 replaced clients: restoring it undoes the restore.
    undone = carteira(live, "restore", str(safety), "--replace", database_url=live_url)
    assert undone.returncode == 0, undone.stderr
    assert clients_in(live, live_url) == 7


def _refuses_bad_files(tmp_path, workspaces: Workspaces, foreign_magic=b""):
    live, live_url, copy = _live_and_backup(tmp_path, workspaces)
    whole = copy.read_bytes()
    files = {
        "garbage": os.urandom(4096),
        "empty": b"",
        "truncated": whole[: len(whole) // 2],
        "other engine": foreign_magic + os.urandom(4096),
    }
    reasons = {}
    for name, content in files.items():
        path = tmp_path / f"{name.replace(' ', '-')}.backup"
        path.write_bytes(content)
        extra = [] if name == "garbage" else ["--replace"]  # refused before a safety backup
        line = one_line_refusal(carteira(live, "restore", str(path), *extra,
                                         database_url=live_url))  # fmt: skip
        reasons[name] = line
    assert clients_in(live, live_url) == 7
    assert not (live / "backups").exists()  # refused before any safety backup
    return reasons


@pytest.mark.sqlite_only
def test_a_sqlite_restore_over_a_live_workspace_is_refused_until_replace(
    tmp_path, sqlite_workspaces
):
    _refuses_then_replaces(tmp_path, sqlite_workspaces)


@pytest.mark.sqlite_only
def test_a_bad_file_gets_one_line_and_the_sqlite_workspace_is_unchanged(
    tmp_path, sqlite_workspaces
):
    reasons = _refuses_bad_files(tmp_path, sqlite_workspaces, foreign_magic=b"PGDMP\x01\x0e\x00")
    assert "não é um backup do Carteira (formato desconhecido)" in reasons["garbage"]
    assert "não é um backup do Carteira (formato desconhecido)" in reasons["empty"]
    assert "danificado ou truncado" in reasons["truncated"]
    assert (
        "é um backup de PostgreSQL, mas o banco de dados deste espaço de trabalho é SQLite"
        in (reasons["other engine"])
    )


@pytest.mark.sqlite_only
def test_a_sqlite_file_that_is_not_a_carteira_database_is_refused(tmp_path):
    import sqlite3

    stranger = tmp_path / "stranger.sqlite3"
    with sqlite3.connect(stranger) as db:
        db.execute("CREATE TABLE t (x)")
    line = one_line_refusal(carteira(tmp_path / "w", "restore", str(stranger)))
    assert line.endswith("é um arquivo SQLite, mas não um backup do Carteira; nada foi alterado")


@pytest.mark.postgres
def test_a_postgresql_restore_over_a_live_database_is_refused_until_replace(
    tmp_path, postgres_workspaces
):
    _refuses_then_replaces(tmp_path, postgres_workspaces)


@pytest.mark.postgres
def test_a_bad_file_gets_one_line_and_the_postgresql_database_is_unchanged(
    tmp_path, postgres_workspaces
):
    sqlite_magic = b"SQLite format 3\x00"
    reasons = _refuses_bad_files(tmp_path, postgres_workspaces, foreign_magic=sqlite_magic)
    assert "não é um backup do Carteira (formato desconhecido)" in reasons["garbage"]
    assert "não é um backup do Carteira (formato desconhecido)" in reasons["empty"]
    truncated = reasons["truncated"]
    assert "danificado ou truncado" in truncated or "foi desfeita" in truncated
    assert (
        "é um backup de SQLite, mas o banco de dados deste espaço de trabalho é PostgreSQL"
        in (reasons["other engine"])
    )
