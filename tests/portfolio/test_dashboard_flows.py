"""From the dashboard's moves to the clients behind them: which clients of which class
changed status since a period ago, and why (the issue's "done when")."""

import datetime as dt

import pytest
from django.urls import reverse

from carteira.portfolio.services import do_snapshot
from tests.histories import T
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def moves(context):
    return {(f["from"], f["to"]): (f["count"], {a: n for a, n, _u in f["classes"]})
            for f in context["flows"]}  # fmt: skip


@pytest.fixture
def two_readings(history):
    # A month ago A2 had bought 61 days before (active); today 91 days (pre-inactive).
    do_snapshot(T - dt.timedelta(days=30))
    do_snapshot(T)
    return history


def test_each_move_counts_its_clients_per_class(client, two_readings, director):
    login(client, director)
    assert moves(client.get(reverse("portfolio:dashboard")).context) == {
        ("pre_inactive", "inactivated"): (2, {"A": 0, "B": 1, "C": 1}),
        ("active", "pre_inactive"): (1, {"A": 1, "B": 0, "C": 0}),
        ("inactivated", "inactive"): (1, {"A": 0, "B": 1, "C": 0}),
    }


def test_the_a_clients_that_became_pre_inactive_open_from_their_number(
    client, two_readings, manager_sul, seller_ana
):
    login(client, manager_sul)
    page = client.get(reverse("portfolio:dashboard"))
    flow = next(f for f in page.context["flows"] if f["to"] == "pre_inactive")
    link = flow["classes"][0][2]
    assert link == "/clients/?previous=active&status=pre_inactive&abc=A&as_of=2026-06-30"
    assert link.replace("&", "&amp;") in page.content.decode()
    listed = client.get(link).context["page"]
    assert [(c.external_id, c.seller) for c in listed] == [("A2", seller_ana)]


def test_a_sellers_slice_keeps_the_seller_in_the_links(client, two_readings, director,
                                                      seller_bruno):  # fmt: skip
    login(client, director)
    context = client.get(reverse("portfolio:dashboard"), {"seller": seller_bruno.pk}).context
    assert moves(context) == {
        ("pre_inactive", "inactivated"): (1, {"A": 0, "B": 1, "C": 0}),
        ("inactivated", "inactive"): (1, {"A": 0, "B": 1, "C": 0}),
    }
    flow = next(f for f in context["flows"] if f["to"] == "inactivated")
    assert flow["url"] == (
        f"/clients/?previous=pre_inactive&status=inactivated&as_of=2026-06-30"
        f"&seller={seller_bruno.pk}"
    )


def test_the_previous_status_filter_needs_a_reading(client, portfolio, director):
    login(client, director)
    assert client.get("/clients/?previous=active").context["page"].paginator.count == 0
    assert client.get("/clients/?previous=sleepy").status_code == 400


def test_the_client_page_says_why_the_client_is_pre_inactive(client, two_readings, director):
    director.language = "en"
    director.save(update_fields=["language"])
    login(client, director)
    page = client.get(reverse("clients:detail", args=[two_readings["A2"].pk]))
    assert page.context["status_reason"] == (
        "No purchase for 91 days: more than the 90 days of an active client. "
        "After 180 days without buying it is inactivated."
    )
    assert "A period earlier it was active." in page.content.decode()
