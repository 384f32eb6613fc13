"""The backup drill: copy the database while another thread writes, restore it into an
empty database, check migrations, log in, compare row counts."""

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

SEED = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from carteira.accounts.models import User
from carteira.clients.models import Client
User.objects.create_user("ana", "ana@exemplo.com.br", "senha-forte-123", role="seller")
Client.objects.bulk_create(Client(external_id=f"S{i}", name=f"Cliente {i}") for i in range(300))
"""
CHECK = """
from django.core.management import call_command
call_command("migrate", check_unapplied=True, verbosity=0)  # exits 1 if a migration is missing
from django.test import Client as Browser
from carteira.clients.models import Client
response = Browser().post("/login/", {"username": "ana", "password": "senha-forte-123"})
print(response.status_code, Client.objects.count())
"""


def _carteira(home: Path, *args: str, database_url: str | None = None) -> str:
    env = {**os.environ, "CARTEIRA_HOME": str(home), "CARTEIRA_ALLOWED_HOSTS": "testserver"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, "-m", "carteira.cli", *args], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Writer(threading.Thread):
    """Inserts clients, one commit each, until stopped."""

    def __init__(self, connect):
        super().__init__(daemon=True)
        self.connect, self.stop, self.written = connect, threading.Event(), 0

    def run(self):
        connection = self.connect()
        while not self.stop.is_set():
            n = self.written
            connection.execute(
                "INSERT INTO clients_client (external_id, name, trade_name, document, segment,"  # noqa: S608
                " city, state, postal_code, phone, email, is_key_account, version, updated_at)"
                f" VALUES ('W{n}', 'Escrito {n}', '', '', '', '', '', '', '', '', false, 1,"
                " CURRENT_TIMESTAMP)"
            )
            connection.commit()
            self.written += 1
        connection.close()


def _drill(tmp_path, source_url, target_url, connect, count_in_backup):
    source, target = tmp_path / "source", tmp_path / "target"
    _carteira(source, "manage", "shell", "-c", SEED, database_url=source_url)
    writer = Writer(connect)
    writer.start()
    while writer.written < 20:
        pass
    backup = tmp_path / "carteira.backup"
    _carteira(source, "backup", "--output", str(backup), database_url=source_url)
    writer.stop.set()
    writer.join()
    expected = count_in_backup(backup)
    assert 300 + 20 <= expected <= 300 + writer.written
    _carteira(target, "restore", str(backup), database_url=target_url)
    status, clients = _carteira(target, "manage", "shell", "-c", CHECK,
                                database_url=target_url).splitlines()[-1].split()  # fmt: skip
    assert (status, int(clients)) == ("302", expected)


@pytest.mark.sqlite_only
def test_a_sqlite_backup_taken_while_writing_restores_into_an_empty_workspace(tmp_path):
    database = tmp_path / "source" / "carteira.sqlite3"

    def count(backup: Path) -> int:
        with sqlite3.connect(backup) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            return copy.execute("SELECT count(*) FROM clients_client").fetchone()[0]

    _drill(tmp_path, None, None, lambda: sqlite3.connect(database, timeout=20), count)


@pytest.mark.postgres
def test_a_postgresql_backup_taken_while_writing_restores_into_an_empty_database(tmp_path):
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in ("drill_source", "drill_target", "drill_check"):
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
    source_url, target_url = f"{base}/drill_source", f"{base}/drill_target"

    def count(backup: Path) -> int:
        bindir = __import__("carteira.backup.engines", fromlist=["x"]).find_bindir()
        restore = str(bindir / "pg_restore") if bindir else "pg_restore"
        subprocess.run([restore, "--no-owner", "-d", f"{base}/drill_check", str(backup)],
                       check=True, capture_output=True)  # fmt: skip
        with psycopg.connect(f"{base}/drill_check") as check:
            return check.execute("SELECT count(*) FROM clients_client").fetchone()[0]

    _drill(tmp_path, source_url, target_url, lambda: psycopg.connect(source_url), count)


@pytest.mark.sqlite_only
def test_a_backup_file_is_readable_by_its_owner_only(tmp_path):
    out = tmp_path / "b.backup"
    _carteira(tmp_path, "backup", "--output", str(out))
    assert oct(out.stat().st_mode & 0o777) == "0o600"
