"""The audit trail is append-only in the database itself, on SQLite as on PostgreSQL:
raw SQL cannot change or delete a row, whatever the ORM's guard."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from carteira.audit.models import AuditEvent
from carteira.audit.services import do_record
from carteira.audit.wipe import audit_wipe

REFUSED = [
    "UPDATE audit_auditevent SET action = 'forged'",
    "UPDATE audit_auditevent SET details = '{}'",
    "UPDATE audit_auditevent SET actor_id = NULL, object_id = '7'",
    "DELETE FROM audit_auditevent",
]


@pytest.mark.django_db
@pytest.mark.parametrize("sql", REFUSED)
def test_the_database_refuses_to_change_or_delete_an_audit_row(sql):
    do_record("test.event", n=1)
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert list(AuditEvent.objects.values_list("action", "object_id", "details")) == [
        ("test.event", "", {"n": 1})
    ]


@pytest.mark.django_db
def test_the_database_lets_a_deleted_user_leave_their_events_without_an_actor(seller_ana):
    do_record("test.event", actor=seller_ana.user)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_id = NULL")
    assert list(AuditEvent.objects.values_list("action", "actor")) == [("test.event", None)]


@pytest.mark.django_db
def test_new_events_are_still_appended():
    do_record("test.first")
    do_record("test.second")
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "test.first",
        "test.second",
    ]


@pytest.mark.django_db
def test_on_sqlite_a_deliberate_wipe_may_empty_the_trail():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL empties tables with TRUNCATE, which row triggers do not see")
    do_record("test.event")
    with audit_wipe(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_flush_empties_the_trail_on_both_databases():
    do_record("test.event")
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
