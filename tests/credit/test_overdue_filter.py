"""The client list's "overdue more than N days" filter: clients with an instalment open
today whose due date is more than N days ago, through every door of the client filter."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from carteira.clients.filters import ClientFilter
from carteira.clients.models import Client
from tests.credit.factories import aged_book, receivable

pytestmark = pytest.mark.django_db
ON_T = time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))


def listed(client, **query):
    response = client.get(reverse("clients:list"), query)
    assert response.status_code == 200
    return sorted(c.external_id for c in response.context["page"].object_list)


@ON_T
def test_more_than_30_and_more_than_90_days(portfolio, director, client):
    aged_book(portfolio)  # A1 76 days, B1 121, C2 272; A2 paid; A1 also 15 days late
    client.force_login(director)
    assert listed(client, overdue="30") == ["A1", "B1", "C2"]
    assert listed(client, overdue="90") == ["B1", "C2"]
    assert listed(client, overdue="180") == ["C2"]


@ON_T
def test_paid_later_or_in_part_is_still_open_and_paid_in_full_or_not_yet_issued_is_not(
    portfolio, director, client
):
    due = dt.date(2026, 4, 1)  # 90 days before 30/06
    receivable(portfolio["A1"], "P1", due, "100.00", paid=dt.date(2026, 7, 5))  # paid later
    receivable(portfolio["A2"], "P2", due, "100.00", paid=due, paid_amount="60.00")  # in part
    receivable(portfolio["B1"], "P3", due, "100.00", paid=dt.date(2026, 6, 1))  # in full
    receivable(portfolio["B2"], "P4", due, "100.00", issued=dt.date(2026, 7, 1))  # future
    client.force_login(director)
    assert listed(client, overdue="60") == ["A1", "A2"]
    assert listed(client, overdue="90") == []  # d = 90 is not more than 90


@ON_T
def test_a_seller_sees_only_their_own_and_the_filter_survives_a_stored_description(
    portfolio, seller_ana, client
):
    aged_book(portfolio)
    client.force_login(seller_ana.user)
    assert listed(client, overdue="30") == ["A1"]
    stored = ClientFilter.from_query(ClientFilter(overdue_days=90).as_query())
    assert stored.as_query() == {"overdue": 90}
    assert sorted(stored.apply(Client.objects.all()).values_list("external_id", flat=True)) == [
        "B1", "C2"]  # fmt: skip


@ON_T
def test_an_unknown_number_of_days_is_refused(portfolio, director, client):
    client.force_login(director)
    assert client.get(reverse("clients:list"), {"overdue": "45"}).status_code == 400
