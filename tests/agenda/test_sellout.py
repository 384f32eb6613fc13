"""`carteira import sellout`: the clients' sell-out and stock on hand by date (and product),
pt-BR formats, idempotent by client + date + product, all or nothing with bad rows named.
A client whose stock runs out before its next contact is due has the contact brought
forward, and its page says how long the stock lasts."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from carteira.agenda.cadence import client_stock
from carteira.agenda.models import SellOut, Task
from carteira.agenda.scheduling import do_schedule
from tests.imports.conftest import run_import
from tests.personas import make_client

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 14, 15, tzinfo=dt.UTC)  # Monday 14/12/2026
TODAY = dt.date(2026, 12, 14)
HEADER = "cliente;data;produto;quantidade;valor;estoque\n"
# C101 sold 35 units of SKU-1 over 08/12-14/12 (5 a day) and has 45 left: 9 days, runs out
# around 23/12. Its line of SKU-2 lasts longer (200 on hand, 10 a day).
ROWS = ("C101;08/12/2026;SKU-1;10;200,00;\n"
        "C101;11/12/2026;SKU-1;15;300,00;\n"
        "C101;14/12/2026;SKU-1;10;200,00;45\n"
        "C101;14/12/2026;SKU-2;10;;200\n"
        "C102;14/12/2026;;;1.250,50;\n")  # fmt: skip


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def clients(db, seller_ana, media):
    made = {code: make_client(code, seller_ana, state="RS") for code in ("C101", "C102")}
    for client in made.values():  # the next visit, due in four weeks (a monthly cell)
        Task.objects.create(client=client, seller=seller_ana, title="Visitar", channel="visit",
                            due_date=dt.date(2027, 1, 11), origin=Task.Origin.PLAN,
                            plan_key="cell:v", priority=300, frequency_days=30)  # fmt: skip
    return made


def write(tmp_path, text, name="sellout.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="cp1252")
    return path


def planned(code):
    return Task.objects.get(client__external_id=code).scheduled_date


def test_sellout_loads_once_and_brings_forward_the_visit_of_the_client_running_out(
    clients, seller_ana, tmp_path, client
):
    with time_machine.travel(NOW, tick=False):
        do_schedule(today=TODAY, seller_ids=[seller_ana.pk])
        assert (planned("C101"), planned("C102")) == (dt.date(2027, 1, 11), dt.date(2027, 1, 11))
        path = write(tmp_path, HEADER + ROWS)
        result = run_import("sellout", path)
        assert result.error is None, result.out
        assert "\n5 created, 0 updated, 0 unchanged" in result.out
        rows = list(SellOut.objects.order_by("client__external_id", "date", "product")
                    .values_list("client__external_id", "date", "product", "quantity",
                                 "value", "stock"))  # fmt: skip
        assert rows[2] == ("C101", TODAY, "SKU-1", Decimal("10"), Decimal("200"), Decimal("45"))
        assert rows[4] == ("C102", TODAY, "", None, Decimal("1250.50"), None)
        # SKU-1 runs out around 23/12: the visit is due two days before, Monday 21/12;
        # C102 gave no stock, its visit stays on 11/01.
        assert (planned("C101"), planned("C102")) == (dt.date(2026, 12, 21), dt.date(2027, 1, 11))
        stock = client_stock(clients["C101"].pk, today=TODAY)
        assert (stock.cover.product, stock.cover.stock, stock.cover.daily) == ("SKU-1", 45, 5)
        assert (stock.cover.whole_days, stock.cover.runs_out) == (9, dt.date(2026, 12, 23))
        assert (stock.next_contact, stock.brought_forward) == (dt.date(2026, 12, 21), True)
        client.force_login(seller_ana.user)
        page = client.get(f"/clients/{clients['C101'].pk}/").content.decode()
        assert "O estoque dura 9 dias (acaba por volta de 23/12/2026)." in page
        assert "O primeiro produto a acabar: SKU-1." in page
        assert "Próximo contato planejado para 21/12/2026: antecipado" in page
        other = client.get(f"/clients/{clients['C102'].pk}/").content.decode()
        assert 'id="client-stock"' not in other
        again = run_import("sellout", path)
        assert "\n0 created, 0 updated, 5 unchanged" in again.out
        more = write(tmp_path, HEADER + "C101;14/12/2026;SKU-1;10;200,00;90\n", "more.csv")
        assert "\n0 created, 1 updated, 0 unchanged" in run_import("sellout", more).out
        # 90 on hand at 5 a day: 18 days, runs out 01/01; the visit on Wednesday 30/12.
        assert planned("C101") == dt.date(2026, 12, 30)


def test_bad_rows_are_named_and_nothing_is_written(clients, tmp_path):
    path = write(tmp_path, HEADER + "C999;14/12/2026;;5;;10\n"
                                    "C101;31/11/2026;;5;;10\n"
                                    "C101;13/12/2026;;-3;;10\n"
                                    "C101;12/12/2026;SKU-1;;;10\n"
                                    "C102;14/12/2026;A;1;;\n"
                                    "C102;14/12/2026;A;2;;\n")  # fmt: skip
    result = run_import("sellout", path)
    assert result.error is not None
    out = result.out
    assert "Client 'C999' does not exist" in out
    assert "'31/11/2026'" in out
    assert "'-3'" in out
    assert "Give the quantity or the value sold on the day (quantidade or valor)." in out
    assert "is also on line 7." in out and "is also on line 6." in out
    assert SellOut.objects.count() == 0
