"""Reads never wait for, nor fail because of, the token's ``last_used_at`` (issue 24):
while another process holds SQLite's write lock (a long import), a read answers and skips
the bookkeeping; once the lock is gone, the next call records the use."""

import sqlite3

import pytest
from django.db import connection

from carteira.api.models import ApiToken

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's single writer"),
]


def test_a_read_answers_while_another_process_holds_the_write_lock(ana):
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # as the import's transaction holds it
        response = ana.get("/clients")
        assert response.status_code == 200
        assert sorted(c["external_id"] for c in response.json()["results"]) == ["A1", "A2"]
        assert ApiToken.objects.get().last_used_at is None  # skipped, not waited for
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert ana.get("/clients").status_code == 200
    assert ApiToken.objects.get().last_used_at is not None
