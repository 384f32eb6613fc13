"""Consistent copies of the database: SQLite's online backup API (safe while the app
writes) and PostgreSQL's pg_dump -Fc / pg_restore from the system binaries."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


def find_bindir() -> Path | None:
    """Like carteira_testing.pgserver.find_bindir: $CARTEIRA_PG_BINDIR, else the newest
    /usr/lib/postgresql/*/bin, else $PATH."""
    if env := os.environ.get("CARTEIRA_PG_BINDIR"):
        return Path(env)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), reverse=True)
    return Path(found[0]).parent if found else None


def pg_binary(name: str) -> str:
    bindir = find_bindir()
    if bindir is not None and (bindir / name).exists():
        return str(bindir / name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} not found: install the PostgreSQL client binaries")
    return found


def _pg_args(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    args = ["-h", settings_dict.get("HOST") or "127.0.0.1", "-U", settings_dict.get("USER") or
            "postgres", "-d", settings_dict["NAME"]]  # fmt: skip
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def do_backup(output: Path, alias: str = "default") -> Path:
    connection = connections[alias]
    output.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        source = sqlite3.connect(connection.settings_dict["NAME"])
        target = sqlite3.connect(output)
        try:
            source.backup(target)  # page by page, restarting if a writer changes the file
        finally:
            target.close()
            source.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        subprocess.run(  # noqa: S603
            [pg_binary("pg_dump"), "-Fc", "--no-owner", "-f", str(output), *args],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
    else:
        raise RuntimeError(f"backups of {connection.vendor} are not supported")
    output.chmod(0o600)  # every client and contact is in there
    return output


def do_restore(source: Path, alias: str = "default") -> None:
    """Restore into the configured database, replacing what it holds. Callers check the
    file and the target first (`carteira.backup.checks`); on PostgreSQL a failure midway
    rolls back (``--single-transaction``), on SQLite the copy is one write transaction."""
    connection = connections[alias]
    connection.close()
    if connection.vendor == "sqlite":
        backup = sqlite3.connect(source)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            backup.backup(target)
        finally:
            target.close()
            backup.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        subprocess.run(  # noqa: S603
            [pg_binary("pg_restore"), "--no-owner", "--clean", "--if-exists",
             "--single-transaction", *args, str(source)],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
    else:
        raise RuntimeError(f"restores of {connection.vendor} are not supported")
