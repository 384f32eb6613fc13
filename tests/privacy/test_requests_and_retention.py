"""Data subject requests with their 15-day deadline; the retention job."""

import contextlib
import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client as Browser
from django.utils import timezone

from carteira.accounts.models import Role
from carteira.clients.models import Contact
from carteira.interactions.models import Interaction
from carteira.organization.models import WorkspaceSettings
from carteira.privacy.locks import exclusive, lock_key
from carteira.privacy.models import DataSubjectRequest, RetentionRun
from carteira.privacy.services import do_apply_retention
from tests.personas import make_user

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.mark.django_db
def test_a_request_is_due_fifteen_days_after_it_was_received():
    dsr = DataSubjectRequest.objects.create(kind="access", received_at=NOW)
    assert dsr.due_at == NOW + dt.timedelta(days=15)
    day = dt.timedelta(days=1)
    assert (dsr.is_overdue(NOW + 15 * day), dsr.is_overdue(NOW + 16 * day)) == (False, True)


@pytest.mark.django_db
def test_the_dpo_page_lists_requests_and_highlights_the_overdue(db):
    dpo = make_user("encarregada", Role.ANALYST, is_dpo=True)
    DataSubjectRequest.objects.create(kind="access", received_at=timezone.now())
    DataSubjectRequest.objects.create(kind="deletion", received_at=timezone.now() -
                                      dt.timedelta(days=20))  # fmt: skip
    html = _browser(dpo).get("/privacy/requests/").content.decode()
    assert html.count('class="overdue"') == 1
    assert html.count("<tr") == 3


@pytest.mark.django_db
def test_the_dpo_page_is_refused_to_everyone_else(seller_ana, manager_sul, director):
    statuses = [_browser(u).get("/privacy/requests/").status_code for u in
                (seller_ana.user, manager_sul, director)]  # fmt: skip
    assert statuses == [403, 403, 403]


@pytest.mark.django_db
def test_the_dpo_records_a_request(admin_user):
    data = {"kind": "blocking", "received_at": "2026-11-20 10:00", "notes": "por e-mail"}
    assert _browser(admin_user).post("/privacy/requests/", data).status_code == 302
    dsr = DataSubjectRequest.objects.get()
    assert (dsr.kind, dsr.handled_by, dsr.status) == ("blocking", admin_user, "open")


@pytest.fixture
def old_and_recent(portfolio):
    WorkspaceSettings.objects.create(contact_retention_days=365)
    with time_machine.travel(NOW - dt.timedelta(days=800), tick=False):
        old = Contact.objects.create(client=portfolio["A1"], name="Velho Contato", email="v@x.br")
        kept = Contact.objects.create(client=portfolio["B1"], name="Ativo Contato")
    Interaction.objects.create(client=portfolio["B1"], date=(NOW - dt.timedelta(days=10)).date(),
                               channel="phone", successful=True)  # fmt: skip
    recent = Contact.objects.create(client=portfolio["A2"], name="Novo Contato")
    return old, kept, recent


@pytest.mark.django_db
def test_retention_anonymises_only_contacts_idle_past_the_period(old_and_recent):
    old, kept, recent = old_and_recent
    with time_machine.travel(NOW, tick=False):
        run = do_apply_retention()
    names = {c.pk: c.name for c in Contact.objects.all()}
    assert run.anonymised == 1
    assert names == {old.pk: "Anonimizado", kept.pk: "Ativo Contato", recent.pk: "Novo Contato"}


@pytest.mark.django_db
def test_running_retention_twice_changes_nothing_more_and_leaves_two_ledger_rows(old_and_recent):
    with time_machine.travel(NOW, tick=False):
        call_command("retention", stdout=None)
        before = list(Contact.objects.order_by("pk").values())
        call_command("retention", stdout=None)
    assert list(Contact.objects.order_by("pk").values()) == before
    assert list(RetentionRun.objects.order_by("pk").values_list("anonymised", flat=True)) == [1, 0]


@contextlib.contextmanager
def _another_run_holds_the_lock():
    """The lock as a concurrent run would hold it: another process (SQLite: another open
    file; PostgreSQL: another connection, advisory locks being re-entrant per session)."""
    if connection.vendor != "postgresql":
        with exclusive("retention") as held:
            assert held is True
            yield
        return
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock_key("retention")])
        yield
    finally:
        other.close()


@pytest.mark.django_db
def test_a_second_concurrent_retention_run_skips(old_and_recent):
    with _another_run_holds_the_lock(), time_machine.travel(NOW, tick=False):
        assert do_apply_retention() is None
    assert RetentionRun.objects.count() == 0


@pytest.mark.django_db
def test_the_dpo_marks_a_request_answered_and_it_leaves_the_overdue_list(admin_user):
    dsr = DataSubjectRequest.objects.create(kind="access", received_at=NOW - dt.timedelta(days=20))
    browser = _browser(admin_user)
    response = browser.post(f"/privacy/requests/{dsr.pk}/answer/", {"status": "done"})
    dsr.refresh_from_db()
    assert (response.status_code, dsr.status, dsr.handled_by) == (302, "done", admin_user)
    assert dsr.is_overdue(timezone.now()) is False
    assert 'class="overdue"' not in browser.get("/privacy/requests/").content.decode()
