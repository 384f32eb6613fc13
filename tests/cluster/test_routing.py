"""The database router and settings for several processes (no cluster needed)."""

from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings

from carteira.clients.models import Client
from carteira.cluster import config, dbrouting


def test_wal_positions_compare_as_numbers():
    assert dbrouting.lsn_number("0/3000060") == 0x3000060
    assert dbrouting.lsn_number("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert dbrouting.lsn_number("1/0") > dbrouting.lsn_number("0/FFFFFFFF")


def test_reads_stay_on_the_primary_outside_a_replica_block():
    router = dbrouting.ReplicaRouter()

    assert router.db_for_read(Client) is None
    assert router.db_for_write(Client) == "default"


def test_in_a_replica_block_business_reads_go_to_the_replica_but_sessions_never(monkeypatch):
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    monkeypatch.setattr(dbrouting, "replica_can_serve", lambda min_lsn: True)
    router = dbrouting.ReplicaRouter()

    with dbrouting.replica_reads() as used:
        assert used is True
        assert router.db_for_read(Client) == "replica"
        assert router.db_for_read(Session) is None
    assert router.db_for_read(Client) is None


def test_a_replica_that_cannot_serve_leaves_the_block_on_the_primary(monkeypatch):
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    monkeypatch.setattr(dbrouting, "replica_can_serve", lambda min_lsn: False)

    with dbrouting.replica_reads(min_lsn="0/10") as used:
        assert used is False
        assert dbrouting.ReplicaRouter().db_for_read(Client) is None


def test_the_replica_serves_a_writer_only_once_it_replayed_the_write(monkeypatch):
    monkeypatch.setattr(dbrouting, "replayed_lsn", lambda fresh=False: 0x3000060)

    assert dbrouting.replica_can_serve(None) is True
    assert dbrouting.replica_can_serve("0/3000060") is True
    assert dbrouting.replica_can_serve("0/3000061") is False
    assert dbrouting.replica_can_serve("not-a-position") is False


def test_a_down_replica_is_not_asked_again_before_the_retry_delay(monkeypatch):
    probes = []
    monkeypatch.setattr(dbrouting, "_probe", lambda: probes.append(1))
    dbrouting.forget_replica_state()
    try:
        assert dbrouting.replayed_lsn() is None
        assert dbrouting.replayed_lsn() is None
        assert probes == [1]
    finally:
        dbrouting.forget_replica_state()


def test_without_a_replica_the_middleware_sets_no_cookie(client, director):
    client.force_login(director)

    answer = client.get("/portfolio/")

    assert "X-Carteira-Database" not in answer
    assert "carteira_lsn" not in answer.cookies


@override_settings(CARTEIRA_REPLICA_ROUTES=frozenset({"portfolio:dashboard"}))
def test_only_the_listed_routes_are_lag_tolerant():
    from carteira.cluster.middleware import lag_tolerant

    assert lag_tolerant("/portfolio/") is True
    assert lag_tolerant("/clients/") is False
    assert lag_tolerant("/no-such-page/") is False


def test_a_replica_url_adds_a_replica_that_mirrors_the_primary_in_tests(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgresql://reader@db2:5433/carteira")
    monkeypatch.setenv("CARTEIRA_DB_POOL_MAX", "8")

    databases = config.databases("postgresql://app@db1/carteira", Path("/tmp"))

    assert databases["replica"]["HOST"] == "db2" and databases["replica"]["PORT"] == "5433"
    assert databases["replica"]["TEST"] == {"MIRROR": "default"}
    assert databases["default"]["OPTIONS"]["pool"]["max_size"] == 8
    assert databases["default"]["CONN_MAX_AGE"] == 0


def test_a_replica_without_postgresql_as_primary_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgresql://reader@db2/carteira")

    with pytest.raises(ValueError, match="DATABASE_URL on PostgreSQL"):
        config.databases(None, Path("/tmp"))


def test_the_shared_cache_is_the_database_table_the_migration_creates():
    assert config.default_cache("database", None)["LOCATION"] == config.SHARED_CACHE_TABLE
    assert config.default_cache("local", "/srv/cache")["BACKEND"].endswith("FileBasedCache")
    with pytest.raises(ValueError, match="CARTEIRA_CACHE"):
        config.default_cache("redis", None)


@pytest.mark.django_db
def test_the_shared_cache_table_exists_after_migrations():
    from django.db import connection

    assert config.SHARED_CACHE_TABLE in connection.introspection.table_names()
