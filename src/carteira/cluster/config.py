"""Settings for many processes on many hosts, read from the environment (docs/deploy.md).

Imported by ``carteira.settings`` before Django is set up: nothing here imports a model.
"""

from __future__ import annotations

import os
from pathlib import Path

from carteira.workspace import database_config

REPLICA = "replica"
SHARED_CACHE_TABLE = "carteira_shared_cache"  # created by cluster/migrations/0001


def databases(primary_url: str | None, home: Path) -> dict[str, dict]:
    """DATABASES: the primary, pooled when CARTEIRA_DB_POOL_MAX is set, and the replica
    when DATABASE_REPLICA_URL is set (both PostgreSQL)."""
    primary = database_config(primary_url, home)
    pool_max = int(os.environ.get("CARTEIRA_DB_POOL_MAX", "0") or 0)
    if pool_max and primary["ENGINE"].endswith("postgresql"):
        primary = with_pool(primary, max_size=pool_max)
    result = {"default": primary}
    if replica_url := os.environ.get("DATABASE_REPLICA_URL"):
        if not primary["ENGINE"].endswith("postgresql"):
            raise ValueError("DATABASE_REPLICA_URL needs DATABASE_URL on PostgreSQL too")
        replica = database_config(replica_url, home)
        # A replica that stopped answering must fail fast: the router then uses the primary.
        replica["OPTIONS"] = {"connect_timeout": 2}
        replica["TEST"] = {"MIRROR": "default"}
        result[REPLICA] = replica
    return result


def with_pool(config: dict, *, max_size: int) -> dict:
    """Django's psycopg pool: one per process, connections checked on checkout, so a
    restarted primary costs no failed request once it answers again."""
    from psycopg_pool import ConnectionPool

    pool = {
        "min_size": 1,
        "max_size": max_size,
        # A pool of at least the process's threads always has a connection to give: a
        # long wait means the primary is down, and the request should answer 503 soon.
        "timeout": float(os.environ.get("CARTEIRA_DB_POOL_TIMEOUT", "3")),
        "check": ConnectionPool.check_connection,
    }
    options = {**config.get("OPTIONS", {}), "pool": pool}
    # Pooled connections are returned after each request; Django refuses a persistent age.
    return {**config, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "OPTIONS": options}


def default_cache(kind: str, cache_dir: str | None) -> dict:
    """The cache of rate limits: per process (``local``), a shared folder
    (CARTEIRA_CACHE_DIR) or the database every process shares (``database``)."""
    if kind == "database":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": SHARED_CACHE_TABLE,
        }
    if cache_dir:
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": cache_dir}  # fmt: skip
    if kind != "local":
        raise ValueError(f"CARTEIRA_CACHE must be 'local' or 'database', got {kind!r}")
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
