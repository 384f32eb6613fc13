"""POST /orders/bulk: the ERP's door. Idempotent by external_id, all or nothing."""

import time

import pytest

from carteira.orders.models import Order
from tests.api.conftest import checksum

pytestmark = pytest.mark.django_db


def orders(count: int, clients=("A1", "A2"), amount="10.50"):
    return [
        {"external_id": f"ERP-{n:06d}", "client_external_id": clients[n % len(clients)],
         "date": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}", "amount": amount,
         "margin": "2.10"}
        for n in range(count)
    ]  # fmt: skip


def test_ten_thousand_orders_are_created_then_the_same_payload_creates_nothing(ana):
    payload = {"orders": orders(10_000)}
    ana.get("/rules")  # warm: the first request of a process imports the URL conf
    started = time.perf_counter()
    first = ana.post("/orders/bulk", payload)
    elapsed = time.perf_counter() - started
    assert first.status_code == 200, first.content[:500]
    assert first.json() == {"received": 10_000, "created": 10_000, "updated": 0,
                            "unchanged": 0}  # fmt: skip
    assert Order.objects.count() == 10_000
    again = ana.post("/orders/bulk", payload)
    assert again.json() == {"received": 10_000, "created": 0, "updated": 0,
                            "unchanged": 10_000}  # fmt: skip
    assert Order.objects.count() == 10_000
    print(f"10k bulk upsert: {elapsed:.2f}s")  # reported with -s


def test_changed_orders_are_updated_in_place(ana, portfolio):
    ana.post("/orders/bulk", {"orders": orders(3)})
    changed = orders(3)
    changed[1]["amount"] = "99.99"
    changed[2]["status"] = "cancelled"
    response = ana.post("/orders/bulk", {"orders": changed})
    assert response.json() == {"received": 3, "created": 0, "updated": 2, "unchanged": 1}
    assert str(Order.objects.get(external_id="ERP-000001").amount) == "99.99"
    assert Order.objects.get(external_id="ERP-000001").seller.external_id == "V001"


def test_one_bad_item_is_422_with_its_index_and_nothing_is_written(ana):
    payload = orders(500)
    payload[321]["amount"] = "dez reais"
    before = checksum()
    response = ana.post("/orders/bulk", {"orders": payload})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 321, "field": "amount", "message": response.json()["errors"][0]["message"]}
    ]
    assert checksum() == before


def test_orders_for_a_client_outside_the_callers_portfolio_are_refused_by_index(ana):
    payload = orders(4)
    payload[2]["client_external_id"] = "B1"
    payload[3]["client_external_id"] = "NAO-EXISTE"
    before = checksum()
    response = ana.post("/orders/bulk", {"orders": payload})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 2, "field": "client_external_id", "message": "unknown client"},
        {"index": 3, "field": "client_external_id", "message": "unknown client"},
    ]
    assert checksum() == before


def test_an_order_of_another_sellers_client_cannot_be_moved_to_mine(ana, bruno_objects):
    before = checksum()
    item = {"external_id": bruno_objects.order.external_id, "client_external_id": "A1",
            "date": "2026-05-02", "amount": "1.00"}  # fmt: skip
    response = ana.post("/orders/bulk", {"orders": [item]})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 0, "field": "external_id", "message": "order outside your portfolio"}
    ]
    assert checksum() == before


def test_the_same_order_twice_in_one_call_is_refused(ana):
    payload = orders(2)
    payload[1]["external_id"] = payload[0]["external_id"]
    response = ana.post("/orders/bulk", {"orders": payload})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 1, "field": "external_id", "message": "repeats item 0"}
    ]
    assert Order.objects.count() == 0


def test_more_than_ten_thousand_orders_is_422(ana):
    response = ana.post("/orders/bulk", {"orders": orders(10_001)})
    assert response.status_code == 422
    assert Order.objects.count() == 0
