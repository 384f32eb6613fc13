"""/api/v1/receivables: the CLI's aging, scoped to the caller's clients."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from carteira.credit.models import CreditLimit, Receivable
from tests.api.conftest import caller_for
from tests.credit.factories import aged_book

pytestmark = pytest.mark.django_db
T = "2026-06-30"


def test_the_director_sees_the_cli_report(portfolio, director):
    aged_book(portfolio)
    out = io.StringIO()
    call_command("report", "receivables", "--as-of", T, "--by", "seller", "--format", "json",
                 stdout=out)  # fmt: skip
    data = caller_for(director).get(f"/receivables?as_of={T}&by=seller").json()
    assert data == json.loads(out.getvalue())


def test_a_seller_sees_only_their_clients_and_their_total(portfolio, seller_ana):
    aged_book(portfolio)
    data = caller_for(seller_ana.user).get(f"/receivables?as_of={T}").json()
    assert [g["key"] for g in data["groups"]] == ["A1"]
    assert (data["total"]["open"], data["total"]["provision"]) == (1500.0, 37.0)


def test_a_manager_sees_their_teams_clients(portfolio, manager_sul):
    aged_book(portfolio)
    data = caller_for(manager_sul).get(f"/receivables?as_of={T}&by=seller").json()
    assert [g["key"] for g in data["groups"]] == ["V001", "V002"]


def test_an_unknown_grouping_is_a_400(portfolio, director):
    response = caller_for(director).get(f"/receivables?as_of={T}&by=week")
    assert response.status_code == 400
    assert "client, seller, team, segment, region" in response.json()["detail"]


def test_one_clients_credit_has_buckets_limit_use_and_score(portfolio, seller_ana):
    aged_book(portfolio)
    CreditLimit.objects.create(client=portfolio["A1"], limit="2000.00")
    data = caller_for(seller_ana.user).get(f"/receivables/clients/{portfolio['A1'].pk}?as_of={T}")
    body = data.json()
    assert (body["open"], body["overdue"], body["provision"]) == (1500.0, 500.0, 37.0)
    assert body["buckets"] == {"current": 1000.0, "d1_30": 200.0, "d31_60": 0.0,
                               "d61_90": 300.0, "d91_180": 0.0, "over_180": 0.0}  # fmt: skip
    assert (body["credit_limit"], body["limit_use"]) == (2000.0, 0.75)
    assert (body["most_days_past_due"], body["in_collection"]) == (76, True)
    assert body["score"]["grade"] == "no_history"  # two instalments due in the year


def test_another_sellers_client_is_a_404(portfolio, seller_ana):
    aged_book(portfolio)
    response = caller_for(seller_ana.user).get(f"/receivables/clients/{portfolio['B1'].pk}")
    assert response.status_code == 404


def item(invoice, client="A1", **fields):
    return {"invoice": invoice, "client_external_id": client, "issue_date": "2026-03-01",
            "due_date": "2026-03-31", "amount": "100.00", **fields}  # fmt: skip


def test_a_manager_bulk_upserts_titles_idempotently(portfolio, manager_sul):
    api = caller_for(manager_sul)
    body = {"receivables": [item("NF1"), item("NF1", instalment=2, client="B1")]}
    assert api.post("/receivables/bulk", body).json() == {
        "received": 2, "created": 2, "updated": 0, "unchanged": 0}  # fmt: skip
    paid = {"receivables": [item("NF1", paid_date="2026-04-02")]}
    assert api.post("/receivables/bulk", paid).json()["updated"] == 1
    assert api.post("/receivables/bulk", paid).json()["unchanged"] == 1
    assert Receivable.objects.get(invoice="NF1", instalment=1).paid_date == dt.date(2026, 4, 2)
    assert Receivable.objects.count() == 2


def test_bad_items_are_named_by_index_and_nothing_is_written(portfolio, manager_sul):
    body = {
        "receivables": [
            item("NF1"),
            item("NF2", due_date="2026-02-01"),
            item("NF3", amount="-1.00"),
            item("NF4", paid_date="2026-04-01", paid_amount="150.00"),
            item("NF5", client="C1"),  # Carla's: not Marta's
            item("NF1"),
        ]
    }
    response = caller_for(manager_sul).post("/receivables/bulk", body)
    assert response.status_code == 422
    errors = [(e["index"], e["field"]) for e in response.json()["errors"]]
    assert errors == [(0, "instalment"), (1, "due_date"), (2, "amount"), (3, "paid_amount"),
                      (4, "client_external_id"), (5, "instalment")]  # fmt: skip
    assert Receivable.objects.count() == 0


def test_a_seller_cannot_bulk_upsert(portfolio, seller_ana):
    response = caller_for(seller_ana.user).post("/receivables/bulk", {"receivables": [item("N")]})
    assert response.status_code == 403
    assert Receivable.objects.count() == 0
