"""The audit trail: append-only, records refusals, and never holds personal values."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client as Browser
from django.utils import timezone

from carteira.audit.models import AuditEvent
from carteira.audit.services import do_record
from carteira.clients.models import Client, Contact
from carteira.clients.services import do_assign_client
from tests.exports.conftest import run_worker
from tests.personas import PASSWORD

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.mark.django_db
def test_an_audit_event_cannot_be_changed_or_deleted_through_the_model():
    do_record("test.event", n=1)
    event = AuditEvent.objects.get()
    event.action = "forged"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("sql", ["UPDATE audit_auditevent SET action = 'x'",
                                 "DELETE FROM audit_auditevent"])  # fmt: skip
def test_postgresql_refuses_updates_and_deletes_of_audit_rows(sql):
    do_record("test.event", n=1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(sql)
    assert AuditEvent.objects.filter(action="test.event").count() == 1


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_audit_events_without_the_actor(seller_ana):
    user = seller_ana.user
    seller_ana.delete()
    do_record("test.event", actor=user)
    user.delete()
    assert list(AuditEvent.objects.filter(action="test.event").values_list("actor", flat=True)) == [
        None
    ]


@pytest.mark.django_db
def test_a_refused_object_is_recorded_with_its_id_and_not_its_data(portfolio, seller_ana):
    other = portfolio["B1"]
    assert _browser(seller_ana.user).get(f"/clients/{other.pk}/").status_code == 404
    event = AuditEvent.objects.get(action="access.refused")
    assert (event.actor, event.details) == (
        seller_ana.user,
        {"view": "clients:detail", "method": "GET", "status": 404, "ids": {"client_id": other.pk}},
    )


@pytest.mark.django_db
def test_a_refused_calendar_token_is_not_recorded(seller_ana):
    _browser(seller_ana.user).get("/agenda/calendar/" + "s" * 40 + ".ics")
    assert "s" * 40 not in json.dumps(list(AuditEvent.objects.values("details", "object_id")))


def _personal_values() -> set[str]:
    values = set()
    for row in Client.objects.values("name", "trade_name", "document", "email", "phone"):
        values |= {v for v in row.values() if v and len(v) > 3}
    for row in Contact.objects.values("name", "email", "phone"):
        values |= {v for v in row.values() if v and len(v) > 3}
    return values


@pytest.mark.django_db(transaction=True)  # the export's worker commits
def test_no_personal_value_reaches_the_audit_trail(
    portfolio, seller_ana, seller_bruno, manager_sul, admin_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    for kind in ("sellers", "clients", "contacts"):
        call_command("import", kind, str(FIXTURES / f"{kind}.csv"), stdout=None)
    contact = Contact.objects.filter(email__contains="@").first()
    Browser().post("/login/", {"username": "ana", "password": PASSWORD})
    Browser().post("/login/", {"username": "ana", "password": "errada"})
    admin = _browser(admin_user)
    admin.get(f"/clients/{contact.client_id}/")
    admin.get(f"/privacy/contacts/{contact.pk}/")
    assert admin.get("/clients/export.csv", {"q": contact.client.name}).status_code == 202
    run_worker()  # the export is audited when its file is ready
    admin.get("/clients/", {"q": contact.name})
    _browser(seller_ana.user).get(f"/clients/{portfolio['B1'].pk}/")
    do_assign_client(portfolio["A1"], seller_bruno, start=timezone.localdate(), by=manager_sul)
    trail = json.dumps(list(AuditEvent.objects.values("details", "object_id", "object_type")))
    assert sorted(v for v in _personal_values() if v in trail) == []
    recorded = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"auth.login", "auth.login_failed", "client.viewed", "contact.viewed", "export",
            "import", "access.refused", "client.reassigned"} <= recorded  # fmt: skip


@pytest.mark.django_db
def test_an_admin_exports_the_trail_as_csv_and_the_export_is_audited(admin_user, seller_ana):
    do_record("test.event", actor=seller_ana.user, n=1)
    response = _browser(admin_user).get("/admin/audit/auditevent/export.csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert response.status_code == 200
    assert lines[0] == "at,actor,action,object_type,object_id,ip,details"
    assert ",ana,test.event,,,," in lines[1]
    assert AuditEvent.objects.filter(action="audit.exported", actor=admin_user).count() == 1


@pytest.mark.django_db
def test_a_staff_user_who_is_not_a_superuser_cannot_export_the_trail(analyst):
    analyst.is_staff = True
    analyst.save()
    response = _browser(analyst).get("/admin/audit/auditevent/export.csv")
    assert response.status_code == 403


@pytest.mark.django_db
def test_saving_a_distribution_rule_is_audited(director, seller_ana):
    from carteira.distribution.models import DistributionRule

    response = _browser(director).post(
        "/distribution/rules/new/", {"name": "Sul", "seller": seller_ana.pk, "priority": 1}
    )
    rule = DistributionRule.objects.get()
    event = AuditEvent.objects.get(action="distribution.rule_saved")
    assert response.status_code == 302
    assert (event.actor, event.object_id) == (director, str(rule.pk))
