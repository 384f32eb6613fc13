"""The open complaint where it matters: the three-dimensional reading (class × status ×
seller on the dashboard) narrowed to the clients complaining now, through the one client
filter, and its links to the client list keeping that filter."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from carteira.agenda.models import Task
from carteira.agenda.selectors import agenda_tasks
from carteira.complaints.models import Complaint
from carteira.portfolio.services import do_snapshot
from tests.complaints.test_services import open_for
from tests.histories import T
from tests.personas import PASSWORD


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def dashboard(user, **query):
    browser = Client()
    assert browser.login(username=user.username, password=PASSWORD)
    return browser.get(reverse("portfolio:dashboard"), query)


def pyramid(context) -> dict[str, int]:
    return {row["status"]: row["count"] for row in context["pyramid"] if row["count"]}


def matrix(context) -> dict[tuple[str, str], int]:
    return {(row["abc"], status): cell["clients"] for row in context["matrix"]
            for status, cell in row["cells"] if cell}  # fmt: skip


@pytest.mark.django_db
def test_the_reading_with_an_open_complaint_counts_only_the_clients_complaining_now(
    history,
    seller_ana,
    manager_sul,
):
    do_snapshot(T)
    complaint = open_for(seller_ana.user, history["A2"])
    assert pyramid(dashboard(manager_sul).context) == {
        "active": 1, "pre_inactive": 1, "inactivated": 1, "inactive": 1
    }  # fmt: skip
    narrowed = dashboard(manager_sul, complaint="1")
    assert pyramid(narrowed.context) == {"pre_inactive": 1}
    assert sum(matrix(narrowed.context).values()) == 1
    assert narrowed.context["slice_query"] == {"complaint": "1"}
    page = narrowed.content.decode()
    assert f'?status=pre_inactive&as_of={T.isoformat()}&complaint=1">' in page
    # Closed since: the same reading, asked again, no longer counts it (not a stale entry).
    Complaint.objects.filter(pk=complaint.pk).update(
        status=Complaint.Status.RESOLVED, closed_on=dt.date(2026, 11, 3)
    )
    assert pyramid(dashboard(manager_sul, complaint="1").context) == {}


@pytest.mark.django_db
def test_the_client_list_behind_the_reading_shows_the_complaining_client(
    history,
    seller_ana,
):
    do_snapshot(T)
    open_for(seller_ana.user, history["A2"])
    browser = Client()
    browser.force_login(seller_ana.user)
    query = {"status": "pre_inactive", "as_of": T.isoformat(), "complaint": "1"}
    listed = browser.get(reverse("clients:list"), query).context["page"].object_list
    assert [client.external_id for client in listed] == ["A2"]


def complaints_panel(context) -> dict:
    (panel,) = [p for p in context["panels"] if p["template"] == "complaints/_dashboard.html"]
    return panel


@pytest.mark.django_db
def test_the_dashboard_shows_the_open_complaints_of_the_users_scope_and_slice(
    history, seller_ana, seller_bruno, manager_sul
):
    do_snapshot(T)
    assert [p["template"] for p in dashboard(seller_ana.user).context["panels"]
            if p["template"].startswith("complaints/")] == []  # fmt: skip
    open_for(seller_ana.user, history["A2"])  # farmácias
    open_for(seller_bruno.user, history["B1"])  # supermercados
    ana = complaints_panel(dashboard(seller_ana.user).context)
    marta = dashboard(manager_sul)
    # Opened on 30 October with 4 working hours: past the SLA by now.
    assert (ana["open_now"], ana["breached_now"]) == (1, 1)
    assert (complaints_panel(marta.context)["open_now"],
            complaints_panel(marta.context)["breached_now"]) == (2, 2)  # fmt: skip
    sliced = complaints_panel(dashboard(manager_sul, segment="supermercados").context)
    assert sliced["open_now"] == 1
    page = marta.content.decode()
    assert "2 abertas agora" in page and "2 fora do prazo" in page


@pytest.mark.django_db
def test_the_complaint_comes_first_in_the_sellers_agenda_before_plan_tasks(portfolio, seller_ana):
    Task.objects.create(client=portfolio["A2"], seller=seller_ana, title="Reativar A2",
                        due_date=dt.date(2026, 10, 30), origin=Task.Origin.PLAN, priority=100,
                        revenue_at_risk=Decimal("90000.00"))  # fmt: skip
    complaint = open_for(seller_ana.user, portfolio["A1"])
    tasks = agenda_tasks(user=seller_ana.user, seller=seller_ana)
    assert [task.plan_key for task in tasks][:1] == [f"complaint:{complaint.pk}"]
    assert [task.title for task in tasks] == ["Reclamação: Atraso na entrega", "Reativar A2"]
