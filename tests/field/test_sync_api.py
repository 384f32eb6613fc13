"""The field app's sync API: the download holds only the seller's own portfolio and only
what changed since the cursor; the queue is applied once per key, under the gate and the
online form's validation; conflicts are applied or refused by the ADR's rules and say so."""

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from carteira.agenda.models import Task
from carteira.clients.models import Client, Contact
from carteira.clients.services import do_assign_client
from carteira.complaints.models import Complaint
from carteira.credit.models import Receivable
from carteira.field.models import AppliedOperation, CheckIn, SyncCursor
from carteira.interactions.models import InactivityReason, Interaction
from carteira.orders.models import Order

API = "/api/v1/field"
TODAY = timezone.localdate


def phone(user) -> HttpClient:
    """The seller's phone: a logged-in browser that sends the CSRF token like the app."""
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/campo/")
    browser.defaults["HTTP_X_CSRFTOKEN"] = browser.cookies["csrftoken"].value
    return browser


def send(browser, *operations):
    response = browser.post(f"{API}/sync", data=json.dumps({"operations": list(operations)}),
                            content_type="application/json")  # fmt: skip
    return response


def op(kind, client, data, task=None, key=None, version=None):
    return {"key": key or str(uuid.uuid4()), "kind": kind, "client": client.pk, "task": task,
            "client_version": version, "data": data}  # fmt: skip


def outcome(**fields):
    return {"channel": "visit", "successful": "yes", "reason": "", "notes": "Pediu catálogo",
            "next_step": "", "next_date": "", "date": TODAY().isoformat(), **fields}  # fmt: skip


def counts():
    return (Interaction.objects.count(), Task.objects.count(), CheckIn.objects.count(),
            Task.objects.filter(status="done").count())  # fmt: skip


@pytest.fixture
def ana_phone(seller_ana):
    return phone(seller_ana.user)


# --- the download ---------------------------------------------------------------------


def test_the_download_holds_the_sellers_own_clients_only(portfolio, ana_phone):
    body = ana_phone.get(f"{API}/download").json()
    clients = sorted(v["code"] for k, v in body["changed"].items() if k.startswith("client:"))
    assert clients == ["A1", "A2"]
    assert body["full"] is True
    assert body["removed"] == []
    assert {"week", "reasons", "seller"} <= set(body["changed"])


def test_a_manager_downloads_nothing_of_the_team(portfolio, manager_sul):
    response = phone(manager_sul).get(f"{API}/download")
    assert response.status_code == 403
    assert SyncCursor.objects.count() == 0


def test_without_a_session_the_answer_is_401_and_the_app_wipes(portfolio):
    assert HttpClient().get(f"{API}/download").status_code == 401


def test_a_deactivated_seller_gets_401(portfolio, seller_ana, ana_phone):
    seller_ana.user.is_active = False
    seller_ana.user.save()
    assert ana_phone.get(f"{API}/download").status_code == 401


def test_a_seller_who_left_gets_403(portfolio, seller_ana, ana_phone):
    seller_ana.active = False
    seller_ana.save()
    assert ana_phone.get(f"{API}/download").status_code == 403


def test_a_card_holds_what_a_visit_needs_and_no_more(portfolio, seller_ana, ana_phone):
    client = portfolio["A1"]
    Order.objects.create(external_id="P1", client=client, date=dt.date(2026, 1, 5),
                         amount=Decimal("100.50"))  # fmt: skip
    Order.objects.create(external_id="P2", client=client, date=dt.date(2026, 2, 5),
                         amount=Decimal("200.00"))  # fmt: skip
    Order.objects.create(external_id="P3", client=client, date=dt.date(2026, 3, 5),
                         amount=Decimal("300.00"), status="cancelled")  # fmt: skip
    Contact.objects.create(client=client, name="Joana", role="Compradora", phone="51999990000",
                           email="joana@exemplo.com.br")  # fmt: skip
    Contact.objects.create(client=client, name="Bloqueado", phone="1", blocked_at=timezone.now())
    Complaint.objects.create(client=client, opened_on=dt.date(2026, 3, 1), category="Atraso",
                             description="texto livre com dados")  # fmt: skip
    Receivable.objects.create(client=client, invoice="NF1", issue_date=dt.date(2026, 1, 1),
                              due_date=TODAY() - dt.timedelta(days=10), amount=Decimal("80.00"),
                              paid_amount=Decimal("30.00"))  # fmt: skip
    card = ana_phone.get(f"{API}/download").json()["changed"][f"client:{client.pk}"]
    assert card["orders"] == [["2026-02-05", "200.00"], ["2026-01-05", "100.50"]]
    assert card["contacts"] == [{"name": "Joana", "role": "Compradora", "phone": "51999990000"}]
    assert card["complaints"] == [{"category": "Atraso", "severity": "medium",
                                   "opened": "2026-03-01"}]  # fmt: skip
    assert card["overdue"] == {"amount": "50.00", "count": 1,
                               "oldest": (TODAY() - dt.timedelta(days=10)).isoformat()}  # fmt: skip
    assert "joana@exemplo.com.br" not in json.dumps(card)
    assert "texto livre" not in json.dumps(card)


def test_a_later_download_sends_only_what_changed(portfolio, seller_ana, ana_phone):
    first = ana_phone.get(f"{API}/download").json()
    again = ana_phone.get(f"{API}/download", {"cursor": first["cursor"]}).json()
    assert again["full"] is False
    assert again["changed"] == {}
    client = portfolio["A2"]
    client.phone = "5133334444"
    client.save()
    moved = portfolio["A1"]
    do_assign_client(moved, portfolio["B1"].seller, start=TODAY())
    later = ana_phone.get(f"{API}/download", {"cursor": again["cursor"]}).json()
    assert list(later["changed"]) == [f"client:{client.pk}"]
    assert later["changed"][f"client:{client.pk}"]["phone"] == "5133334444"
    assert later["removed"] == [f"client:{moved.pk}"]


def test_another_users_cursor_gives_a_full_download(portfolio, seller_bruno, ana_phone):
    bruno = phone(seller_bruno.user).get(f"{API}/download").json()
    mine = ana_phone.get(f"{API}/download", {"cursor": bruno["cursor"]}).json()
    assert mine["full"] is True


# --- the queue ------------------------------------------------------------------------


def test_an_outcome_closes_the_task_like_the_agenda_page(portfolio, seller_ana, ana_phone):
    client = portfolio["A1"]
    task = Task.objects.create(client=client, seller=seller_ana, title="Visitar",
                               channel="visit", due_date=TODAY(), origin="manual")  # fmt: skip
    answer = send(ana_phone, op("outcome", client, outcome(), task=task.pk)).json()["results"]
    task.refresh_from_db()
    assert answer[0]["result"] == "applied"
    assert task.status == "done"
    assert task.outcome.notes == "Pediu catálogo"
    assert task.outcome.recorded_by == seller_ana.user
    assert answer[0]["created"] == {"task_closed": task.pk, "interaction": task.outcome.pk}


def test_a_retried_key_is_answered_again_and_applied_once(portfolio, ana_phone):
    operation = op("outcome", portfolio["A1"], outcome())
    first = send(ana_phone, operation).json()["results"][0]
    again = send(ana_phone, operation).json()["results"][0]
    assert Interaction.objects.count() == 1
    assert first["replayed"] is False
    assert again["replayed"] is True
    assert again["created"] == first["created"]


def test_an_invalid_outcome_is_refused_with_the_forms_messages(portfolio, ana_phone):
    before = counts()
    result = send(ana_phone, op("outcome", portfolio["A1"], outcome(successful="",
                                                                    channel="fax")))  # fmt: skip
    result = result.json()["results"][0]
    assert result["result"] == "refused"
    assert result["code"] == "invalid"
    assert set(result["errors"]) == {"channel", "successful"}
    assert counts() == before


def test_another_sellers_client_is_refused_as_not_found(portfolio, ana_phone):
    before = counts()
    result = send(ana_phone, op("outcome", portfolio["B1"], outcome())).json()["results"][0]
    assert (result["result"], result["code"]) == ("refused", "not_found")
    assert counts() == before


def test_a_client_moved_meanwhile_is_refused_and_says_so(portfolio, seller_bruno, ana_phone):
    client = portfolio["A1"]
    do_assign_client(client, seller_bruno, start=TODAY())
    before = counts()
    result = send(ana_phone, op("outcome", client, outcome())).json()["results"][0]
    assert (result["result"], result["code"]) == ("refused", "client_moved")
    assert "outro vendedor" in result["message"]
    assert counts() == before


def test_a_task_closed_by_someone_else_keeps_the_contact(portfolio, seller_ana, ana_phone):
    client = portfolio["A1"]
    task = Task.objects.create(client=client, seller=seller_ana, title="Visitar",
                               channel="visit", due_date=TODAY(), origin="manual",
                               status="done")  # fmt: skip
    result = send(ana_phone, op("outcome", client, outcome(), task=task.pk)).json()["results"][0]
    assert (result["result"], result["code"]) == ("conflict", "task_closed")
    assert Interaction.objects.filter(client=client).count() == 1
    assert Task.objects.get(pk=task.pk).outcome is None


def test_a_client_edited_meanwhile_is_applied_and_flagged(portfolio, ana_phone):
    client = portfolio["A1"]
    result = send(ana_phone, op("outcome", client, outcome(), version=client.version - 1))
    result = result.json()["results"][0]
    assert (result["result"], result["code"]) == ("conflict", "client_edited")
    assert Interaction.objects.count() == 1


def test_a_check_in_then_its_visit_link_up(portfolio, seller_ana, ana_phone):
    client = portfolio["A1"]
    client.latitude, client.longitude = -30.0330, -51.2100
    client.save()
    at = timezone.now().replace(microsecond=0)
    check = op("checkin", client, {"at": at.isoformat(), "latitude": -30.0331,
                                   "longitude": -51.2101, "accuracy": 12})  # fmt: skip
    visit = op("outcome", client, outcome(checkin=check["key"]))
    results = send(ana_phone, check, visit).json()["results"]
    assert [r["result"] for r in results] == ["applied", "applied"]
    check_in = CheckIn.objects.get()
    assert check_in.at == at
    assert check_in.interaction_id == results[1]["created"]["interaction"]
    assert check_in.seller == seller_ana
    assert 10 <= check_in.distance_m <= 20


def test_a_check_in_without_a_position_is_refused(portfolio, ana_phone):
    data = {"at": timezone.now().isoformat(), "latitude": "", "longitude": 200}
    result = send(ana_phone, op("checkin", portfolio["A1"], data)).json()["results"][0]
    assert result["result"] == "refused"
    assert set(result["errors"]) == {"latitude"}
    assert CheckIn.objects.count() == 0


def test_a_follow_up_becomes_a_task_in_the_agenda(portfolio, seller_ana, ana_phone):
    due = TODAY() + dt.timedelta(days=3)
    data = {"title": "Levar amostras", "due": due.isoformat(), "channel": "visit", "notes": ""}
    result = send(ana_phone, op("followup", portfolio["A1"], data)).json()["results"][0]
    task = Task.objects.get(pk=result["created"]["task"])
    assert (task.seller, task.title, task.due_date, task.origin) == (
        seller_ana,
        "Levar amostras",
        due,
        "manual",
    )


def test_a_reason_from_the_list_is_kept(portfolio, ana_phone):
    # Its own reason: a browser test before it may have flushed the seeded list.
    reason, _ = InactivityReason.objects.get_or_create(code="preco", defaults={"label": "Preço"})
    send(ana_phone, op("outcome", portfolio["A1"], outcome(successful="no", reason=reason.pk)))
    assert Interaction.objects.get().reason == reason


def test_a_queue_without_csrf_is_refused(portfolio, seller_ana):
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(seller_ana.user)
    assert send(browser, op("outcome", portfolio["A1"], outcome())).status_code == 403
    assert AppliedOperation.objects.count() == 0
    assert Interaction.objects.count() == 0


def test_a_date_in_the_future_is_refused(portfolio, ana_phone):
    later = (TODAY() + dt.timedelta(days=5)).isoformat()
    result = send(ana_phone, op("outcome", portfolio["A1"], outcome(date=later)))
    assert result.json()["results"][0]["errors"] == {"date": ["A data está no futuro."]}
    assert Client.objects.count() == 6
