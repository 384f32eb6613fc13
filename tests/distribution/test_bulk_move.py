"""The client list's "select → move": ticked clients or the whole filter, within scope."""

import pytest
from django.urls import reverse

from carteira.agenda.models import Task
from carteira.audit.models import AuditEvent
from carteira.clients.models import Assignment, Client

pytestmark = pytest.mark.django_db

URL = reverse("clients:bulk_move")


def sellers_by_code() -> dict[str, str]:
    return dict(Client.objects.values_list("external_id", "seller__name"))


def test_a_manager_moves_ticked_clients_with_a_reason(client, manager_sul, portfolio, seller_bruno):
    client.force_login(manager_sul)
    ticked = [portfolio["A1"].pk, portfolio["A2"].pk]
    response = client.post(URL, {"client": ticked, "seller_to": seller_bruno.pk, "reason": "rota"})
    assert response.status_code == 302 and response["Location"] == reverse("clients:list")
    assert sellers_by_code() == {
        "A1": "Bruno Lima", "A2": "Bruno Lima", "B1": "Bruno Lima", "B2": "Bruno Lima",
        "C1": "Carla Dias", "C2": "Carla Dias",
    }  # fmt: skip
    opened = Assignment.objects.filter(end_date=None, client__external_id__in=["A1", "A2"])
    assert {(a.seller.name, a.reason, a.changed_by) for a in opened} == {
        ("Bruno Lima", "rota", manager_sul)
    }
    assert Assignment.objects.filter(client__external_id="A1").count() == 2  # history kept
    assert AuditEvent.objects.filter(action="client.reassigned", actor=manager_sul).count() == 2
    summary = AuditEvent.objects.get(action="clients.bulk_moved")
    assert summary.details == {"selected": 2, "moved": 2, "all_matching": False}


def test_all_clients_matching_the_filter_move_and_their_open_tasks_follow(
    client, analyst, portfolio, seller_carla
):
    Task.objects.create(client=portfolio["A2"], seller=portfolio["A2"].seller,
                        title="ligar", due_date="2026-03-02")  # fmt: skip
    client.force_login(analyst)
    url = f"{URL}?segment=farmácias&state=RS"
    response = client.post(url, {"all_matching": "on", "seller_to": seller_carla.pk,
                                 "reason": "nova rota"})  # fmt: skip
    assert response["Location"] == reverse("clients:list") + "?segment=farm%C3%A1cias&state=RS"
    moved = {code for code, name in sellers_by_code().items() if name == "Carla Dias"}
    assert moved == {"A2", "B2", "C1", "C2"}
    assert Task.objects.get(client=portfolio["A2"]).seller == seller_carla


def test_the_moved_clients_leave_the_old_sellers_view_at_once(
    client, manager_sul, portfolio, seller_ana, seller_bruno
):
    client.force_login(manager_sul)
    client.post(URL, {"client": [portfolio["A1"].pk], "seller_to": seller_bruno.pk, "reason": "x"})
    client.force_login(seller_ana.user)
    assert client.get(reverse("clients:detail", args=[portfolio["A1"].pk])).status_code == 404
    assert client.get(reverse("clients:detail", args=[portfolio["A2"].pk])).status_code == 200


def test_a_manager_of_another_team_cannot_move_clients_outside_scope(
    client, manager_norte, portfolio, seller_carla, seller_bruno
):
    client.force_login(manager_norte)
    before = sellers_by_code()
    outside = client.post(URL, {"client": [portfolio["C1"].pk, portfolio["A1"].pk],
                                "seller_to": seller_carla.pk, "reason": "x"})  # fmt: skip
    to_outsider = client.post(URL, {"client": [portfolio["C1"].pk], "seller_to": seller_bruno.pk,
                                    "reason": "x"})  # fmt: skip
    assert (outside.status_code, to_outsider.status_code) == (404, 404)
    everything = client.post(URL, {"all_matching": "on", "seller_to": seller_carla.pk,
                                   "reason": "x"})  # fmt: skip
    assert everything.status_code == 302
    assert sellers_by_code() == before  # Carla already holds the only clients in scope
    assert Assignment.objects.count() == 6


def test_sellers_never_see_the_action_and_are_refused(client, seller_ana, portfolio, seller_bruno):
    client.force_login(seller_ana.user)
    page = client.get(reverse("clients:list"))
    assert b'id="bulk-move"' not in page.content and b'name="client"' not in page.content
    response = client.post(URL, {"client": [portfolio["A1"].pk], "seller_to": seller_bruno.pk,
                                 "reason": "x"})  # fmt: skip
    assert response.status_code == 403
    assert sellers_by_code()["A1"] == "Ana Souza"


def test_managers_see_a_checkbox_per_row_tied_to_the_move_form(client, manager_sul, portfolio):
    client.force_login(manager_sul)
    page = client.get(reverse("clients:list"), {"state": "RS"})
    html = page.content.decode()
    assert html.count('name="client"') == 4
    assert f'value="{portfolio["A1"].pk}" form="bulk-move"' in html
    assert 'action="/clients/move/?state=RS"' in html
    chronology_like = client.get(reverse("clients:list"), {"state": "RS"}, HTTP_HX_REQUEST="true")
    assert chronology_like.content.decode().count('name="client"') == 4  # the HTMX fragment too


def test_nothing_ticked_is_an_error_message_not_a_move(client, manager_sul, portfolio,
                                                       seller_bruno):  # fmt: skip
    client.force_login(manager_sul)
    response = client.post(URL, {"seller_to": seller_bruno.pk, "reason": "x"}, follow=True)
    assert response.status_code == 200
    assert Assignment.objects.count() == 6
    bad = client.post(URL, {"client": ["x"], "seller_to": seller_bruno.pk, "reason": "x"})
    assert bad.status_code == 400
