"""The client list's "select → move": ticked clients or the whole filter, within scope,
asked first (what moves, revenue, from → to, open tasks), then moved as one batch."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from carteira.agenda.models import Task
from carteira.audit.models import AuditEvent
from carteira.clients.models import Assignment, Client
from carteira.distribution.models import MoveBatch
from carteira.orders.models import Order
from carteira.portfolio.services import do_snapshot

pytestmark = pytest.mark.django_db

URL = reverse("clients:bulk_move")
T = dt.date(2026, 6, 30)


def sellers_by_code() -> dict[str, str]:
    return dict(Client.objects.values_list("external_id", "seller__name"))


def move(client, data: dict, url: str = URL):
    """Ask, then confirm with the count the confirmation showed; returns both responses."""
    asked = client.post(url, data)
    assert asked.status_code == 200 and asked.context["preview"] is not None
    expected = asked.context["preview"].moving
    done = client.post(url, {**data, "confirm": "1", "expected": str(expected)})
    return asked, done


@pytest.fixture
def readings(portfolio):
    for n, (code, days, amount) in enumerate([("A1", 100, "10000.00"), ("A2", 20, "300.50"),
                                              ("B1", 120, "8000.00")]):  # fmt: skip
        Order.objects.create(external_id=f"P{n}", client=portfolio[code],
                             seller=portfolio[code].seller, date=T - dt.timedelta(days=days),
                             amount=Decimal(amount))  # fmt: skip
    do_snapshot(T)
    return portfolio


def test_the_first_post_shows_what_would_move_and_moves_nothing(
    client, manager_sul, readings, seller_ana, seller_bruno
):
    Task.objects.create(client=readings["A2"], seller=seller_ana, title="ligar",
                        due_date="2026-07-02")  # fmt: skip
    Task.objects.create(client=readings["A2"], seller=seller_ana, title="visitar",
                        due_date="2026-07-03", assignee_user=manager_sul)  # fmt: skip
    client.force_login(manager_sul)
    ticked = [readings["A1"].pk, readings["A2"].pk, readings["B1"].pk]
    page = client.post(URL, {"client": ticked, "seller_to": seller_bruno.pk, "reason": "rota"})
    preview = page.context["preview"]
    assert (preview.selected, preview.moving, preview.revenue) == (3, 2, Decimal("10300.50"))
    assert [(s.seller, s.clients, s.revenue) for s in preview.sources] == [
        (seller_ana, 2, Decimal("10300.50"))
    ]
    assert (preview.with_tasks, preview.tasks_follow, preview.tasks_stay) == (1, 1, 1)
    html = page.content.decode()
    assert "Mover 2 clientes para Bruno Lima?" in html
    assert "R$\xa010.300,50 nos últimos 365 dias (a janela da curva ABC)" in html
    assert (
        "1 cliente tem tarefas abertas: 1 delas vai para Bruno Lima com o cliente; 1 tarefa "
        "atribuída a uma pessoa fica com ela."
    ) in html
    assert 'name="expected" value="2"' in html and 'name="confirm" value="1"' in html
    assert sellers_by_code()["A1"] == "Ana Souza"
    assert Assignment.objects.count() == 6 and MoveBatch.objects.count() == 0


def test_a_confirmed_move_is_one_batch_with_every_clients_from_and_to(
    client, manager_sul, portfolio, seller_ana, seller_bruno
):
    client.force_login(manager_sul)
    ticked = [portfolio["A1"].pk, portfolio["A2"].pk]
    _asked, done = move(client, {"client": ticked, "seller_to": seller_bruno.pk,
                                 "reason": "rota"})  # fmt: skip
    assert done.status_code == 302 and done["Location"] == reverse("clients:list")
    assert sellers_by_code() == {
        "A1": "Bruno Lima", "A2": "Bruno Lima", "B1": "Bruno Lima", "B2": "Bruno Lima",
        "C1": "Carla Dias", "C2": "Carla Dias",
    }  # fmt: skip
    batch = MoveBatch.objects.get()
    assert (batch.kind, batch.reason, batch.moved, batch.created_by) == (
        "bulk",
        "rota",
        2,
        manager_sul,
    )
    assert sorted(
        (i.client.external_id, i.seller_from.name, i.seller_to.name) for i in batch.items.all()
    ) == [("A1", "Ana Souza", "Bruno Lima"), ("A2", "Ana Souza", "Bruno Lima")]
    opened = Assignment.objects.filter(end_date=None, client__external_id__in=["A1", "A2"])
    assert {(a.seller.name, a.reason, a.changed_by) for a in opened} == {
        ("Bruno Lima", "rota", manager_sul)
    }
    assert {i.assignment_id for i in batch.items.all()} == {a.pk for a in opened}
    assert Assignment.objects.filter(client__external_id="A1").count() == 2  # history kept
    assert AuditEvent.objects.filter(action="client.reassigned", actor=manager_sul).count() == 2
    assert AuditEvent.objects.get(action="distribution.batch").details == {
        "kind": "bulk",
        "moved": 2,
        "reverses": None,
    }
    summary = AuditEvent.objects.get(action="clients.bulk_moved")
    assert summary.details == {"selected": 2, "moved": 2, "all_matching": False}


def test_a_selection_that_changed_since_the_confirmation_is_asked_again(
    client, manager_sul, portfolio, seller_bruno
):
    client.force_login(manager_sul)
    data = {"all_matching": "on", "seller_to": seller_bruno.pk, "reason": "rota",
            "confirm": "1", "expected": "5"}  # fmt: skip
    page = client.post(f"{URL}?state=RS", data)
    assert page.status_code == 200 and page.context["changed"] is True
    assert page.context["preview"].moving == 2  # A1 and A2; B1, B2 are Bruno's already
    assert "A seleção mudou desde que você olhou" in page.content.decode()
    assert MoveBatch.objects.count() == 0 and sellers_by_code()["A1"] == "Ana Souza"


def test_all_clients_matching_the_filter_move_and_their_open_tasks_follow(
    client, analyst, portfolio, seller_carla
):
    Task.objects.create(client=portfolio["A2"], seller=portfolio["A2"].seller,
                        title="ligar", due_date="2026-03-02")  # fmt: skip
    client.force_login(analyst)
    url = f"{URL}?segment=farmácias&state=RS"
    _asked, done = move(client, {"all_matching": "on", "seller_to": seller_carla.pk,
                                 "reason": "nova rota"}, url)  # fmt: skip
    assert done["Location"] == reverse("clients:list") + "?segment=farm%C3%A1cias&state=RS"
    moved = {code for code, name in sellers_by_code().items() if name == "Carla Dias"}
    assert moved == {"A2", "B2", "C1", "C2"}
    assert Task.objects.get(client=portfolio["A2"]).seller == seller_carla
    assert MoveBatch.objects.get().query == {"segment": "farmácias", "state": "RS"}


def test_the_htmx_confirmation_is_a_focusable_fragment_under_the_list(
    client, manager_sul, portfolio, seller_bruno
):
    client.force_login(manager_sul)
    page = client.post(URL, {"client": [portfolio["A1"].pk], "seller_to": seller_bruno.pk,
                             "reason": "rota"}, HTTP_HX_REQUEST="true")  # fmt: skip
    html = page.content.decode()
    assert html.lstrip().startswith('<article id="move-confirmation"') and "<html" not in html
    assert 'tabindex="-1" autofocus' in html
    assert "hx-post" not in html  # the confirmation itself is a plain form: a full page load
    errors = client.post(URL, {"seller_to": seller_bruno.pk, "reason": "x"},
                         HTTP_HX_REQUEST="true")  # fmt: skip
    assert (errors.status_code, errors["HX-Redirect"]) == (204, reverse("clients:list"))


def test_the_moved_clients_leave_the_old_sellers_view_at_once(
    client, manager_sul, portfolio, seller_ana, seller_bruno
):
    client.force_login(manager_sul)
    move(client, {"client": [portfolio["A1"].pk], "seller_to": seller_bruno.pk, "reason": "x"})
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
                                   "reason": "x", "confirm": "1", "expected": "0"})  # fmt: skip
    assert everything.status_code == 302  # Carla already holds the only clients in scope
    assert sellers_by_code() == before
    assert Assignment.objects.count() == 6 and MoveBatch.objects.count() == 0


def test_sellers_never_see_the_action_and_are_refused(client, seller_ana, portfolio, seller_bruno):
    client.force_login(seller_ana.user)
    page = client.get(reverse("clients:list"))
    assert b'id="bulk-move"' not in page.content and b'name="client"' not in page.content
    response = client.post(URL, {"client": [portfolio["A1"].pk], "seller_to": seller_bruno.pk,
                                 "reason": "x", "confirm": "1", "expected": "1"})  # fmt: skip
    assert response.status_code == 403
    assert sellers_by_code()["A1"] == "Ana Souza"
    assert MoveBatch.objects.count() == 0


def test_managers_see_a_checkbox_per_row_tied_to_the_move_form(client, manager_sul, portfolio):
    client.force_login(manager_sul)
    page = client.get(reverse("clients:list"), {"state": "RS"})
    html = page.content.decode()
    assert html.count('name="client"') == 4
    assert f'value="{portfolio["A1"].pk}" form="bulk-move"' in html
    assert 'action="/clients/move/?state=RS"' in html
    assert 'hx-post="/clients/move/?state=RS" hx-target="#bulk-confirm"' in html
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
