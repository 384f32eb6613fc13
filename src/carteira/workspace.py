"""Where a Carteira workspace lives and how its database is reached.

A workspace is a folder (``CARTEIRA_HOME``, default ``./var``) holding the embedded
SQLite database, uploaded files and the secret key. ``DATABASE_URL`` points the same
code at PostgreSQL instead. Nothing here imports Django, so the CLI can use it before
Django is configured.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse


def home() -> Path:
    return Path(os.environ.get("CARTEIRA_HOME", "var")).resolve()


def secret_key(folder: Path) -> str:
    """The workspace's secret key: from the environment, else created once and kept."""
    if key := os.environ.get("CARTEIRA_SECRET_KEY"):
        return key
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def database_config(url: str | None, folder: Path) -> dict:
    """Django's DATABASES["default"] for ``url`` (postgresql://…) or the workspace SQLite."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(folder / "carteira.sqlite3"),
            # A file, not memory, so the engine's ADBC reader can open the test database.
            "TEST": {"NAME": str(folder / "test.sqlite3")},
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    parts = urlparse(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must start with postgresql://, got {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def database_url(config: dict) -> str:
    """A URL (for ADBC) pointing at the same database as a Django DATABASES entry."""
    if config["ENGINE"].endswith("sqlite3"):
        return str(config["NAME"])
    from urllib.parse import quote

    auth = quote(config["USER"])
    if config.get("PASSWORD"):
        auth += ":" + quote(config["PASSWORD"])
    host = config.get("HOST") or "localhost"
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgresql://{auth}@{host}{port}/{config['NAME']}"
