"""One run, several files: dependency order, one transaction, all-or-nothing across them."""

import pytest

from carteira.clients.models import Client
from carteira.imports.models import ImportRun
from carteira.orders.models import Order
from carteira.organization.models import Seller
from tests.imports.conftest import FIXTURES, run_import

pytestmark = pytest.mark.django_db


def test_orders_may_name_the_clients_the_same_run_creates_whatever_the_order_given(media):
    result = run_import("orders", FIXTURES / "orders.csv", "clients", FIXTURES / "clients.csv",
                        "sellers", FIXTURES / "sellers.csv")  # fmt: skip

    assert result.error is None, result.out
    lines = result.out.splitlines()
    assert [line.split(":")[0] for line in lines if ".csv:" in line] == [
        "sellers.csv", "clients.csv", "orders.csv"]  # fmt: skip
    assert (Seller.objects.count(), Client.objects.count()) == (4, 8)
    assert Order.objects.count() == 17
    assert set(ImportRun.objects.values_list("status", flat=True)) == {"committed"}


def test_a_bad_row_in_one_file_writes_nothing_from_any_file(media, tmp_path):
    orders = tmp_path / "orders.csv"
    text = (FIXTURES / "orders.csv").read_text()
    orders.write_text(text + "P9999,C404,2025-01-10,10.00,,,\n")

    result = run_import("sellers", FIXTURES / "sellers.csv", "clients",
                        FIXTURES / "clients.csv", "orders", orders)  # fmt: skip

    assert "Nothing was written: another file of the same run has 1 invalid row." in (
        result.out)  # fmt: skip
    assert "value 'C404': Client 'C404' does not exist" in result.out
    assert result.error is not None
    assert (Seller.objects.count(), Client.objects.count(), Order.objects.count()) == (0, 0, 0)
    assert set(ImportRun.objects.values_list("status", flat=True)) == {"failed"}


def test_a_dry_run_of_several_files_counts_what_would_happen_and_writes_nothing(media):
    result = run_import("sellers", FIXTURES / "sellers.csv", "clients",
                        FIXTURES / "clients.csv", "orders", FIXTURES / "orders.csv",
                        "--dry-run")  # fmt: skip

    assert result.error is None, result.out
    assert "17 would be created, 0 would be updated, 0 unchanged, 0 rejected" in result.out
    assert (Seller.objects.count(), Client.objects.count(), Order.objects.count()) == (0, 0, 0)


def test_a_kind_given_twice_or_an_odd_argument_is_refused_before_reading(media):
    twice = run_import("orders", FIXTURES / "orders.csv", "orders", FIXTURES / "orders.csv")
    odd = run_import("orders", FIXTURES / "orders.csv", "clients")

    assert str(twice.error) == "each kind at most once in a run"
    assert str(odd.error) == "give files as KIND FILE pairs, e.g. clients c.csv orders o.csv"
    assert ImportRun.objects.count() == 0
