"""The receivables report written from columns of cents (no Decimal per cell): the JSON
and text writers, and the ADBC read (the CLI's) giving what Django's cursor gives."""

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from django.db import connection

from carteira.clients.models import Client
from carteira.credit.models import Receivable
from carteira.credit.reading import read_columns, receivables_frame
from carteira.credit.selectors import (
    MONEY,
    aging_frames,
    aging_json,
    aging_report,
    aging_rows,
    money_text,
)
from carteira.portfolio import engine_input
from carteira.portfolio.rules_store import current_rules
from tests.credit.factories import AS_OF, aged_book, receivable

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
CARTEIRA = str(Path(sys.executable).parent / "carteira")


def frame(keys, names, cents):
    columns = {name: [value + index for value in cents] for index, name in enumerate(MONEY)}
    return pl.DataFrame({"key": keys, "name": names, **columns})


def test_money_as_numbers_is_the_exact_decimal_of_the_cents():
    # 2,492,060 cents is 24920.6, not Polars' 24920.600000000002 (x * 0.01).
    groups = frame(["C1", None], ['Padaria "Pão" & Cia\nLtda', None], [2_492_060, 9_999])
    total = dict.fromkeys(MONEY, 2_502_059)
    text = aging_json(groups, total, as_of=AS_OF, by="client")
    data = json.loads(text)
    assert data["as_of"] == "2026-06-30" and data["by"] == "client"
    assert data["groups"][0]["key"] == "C1"
    assert data["groups"][0]["name"] == 'Padaria "Pão" & Cia\nLtda'
    assert data["groups"][0]["open"] == 24920.6
    assert data["groups"][1] == {"key": None, "name": None, **{
        name: float(Decimal(9_999 + i).scaleb(-2)) for i, name in enumerate(MONEY)}}  # fmt: skip
    assert data["total"]["provision"] == 25020.59
    assert '"open":24920.6,' in text  # one group per line, written as is


def test_an_empty_report_is_valid_json():
    empty = frame([], [], []).cast({"key": pl.String, "name": pl.String})
    data = json.loads(aging_json(empty, dict.fromkeys(MONEY, 0), as_of=AS_OF, by="seller"))
    assert data == {"as_of": "2026-06-30", "by": "seller", "groups": [],
                    "total": dict.fromkeys(MONEY, 0.0)}  # fmt: skip


def test_money_as_text_has_two_places_and_its_sign():
    cents = pl.DataFrame({"open": [0, 5, 120, 123_456, -5, -123_456]})
    assert cents.select(money_text("open"))["open"].to_list() == [
        "0.00", "0.05", "1.20", "1234.56", "-0.05", "-1234.56"
    ]  # fmt: skip


def test_the_rows_end_with_the_total_as_text_or_numbers():
    groups = frame(["V1"], ["Ana"], [150_000])
    total = dict.fromkeys(MONEY, 150_000)
    columns, rows = aging_rows(groups, total, by="seller", as_text=True)
    assert columns == ["seller", "name", *MONEY]
    assert rows[0][:4] == ("V1", "Ana", "1500.00", "1500.01")
    assert rows[-1][:3] == ("total", "", "1500.00")
    _, numbers = aging_rows(groups, total, by="seller", as_text=False)
    assert numbers[0][2:4] == (1500.0, 1500.01)


@pytest.mark.django_db
def test_the_columns_hold_what_the_decimal_report_holds(portfolio):
    aged_book(portfolio)
    rules = current_rules().credit
    for by in ("client", "seller", "segment"):
        groups, total = aging_frames(Client.objects.all(), as_of=AS_OF, rules=rules, by=by)
        report = aging_report(Client.objects.all(), as_of=AS_OF, rules=rules, by=by)
        assert [money for money in (report["total"][n] for n in MONEY)] == [
            Decimal(total[n]).scaleb(-2) for n in MONEY
        ]
        assert [g["key"] for g in report["groups"]] == groups["key"].to_list()


@pytest.mark.django_db(transaction=True)
def test_the_adbc_read_gives_what_django_s_cursor_gives(portfolio):
    if connection.vendor == "sqlite":
        # ADBC links its own SQLite: on the in-memory/shared test database it is not used
        # (can_use_adbc); the SQLite workspace case is the CLI test below.
        pytest.skip("ADBC reads of SQLite are the CLI's, tested in a workspace")
    aged_book(portfolio)
    receivable(portfolio["A2"], "NF7", dt.date(2026, 5, 1), "10.00", paid=dt.date(2026, 5, 9),
               paid_amount="4.50")  # fmt: skip
    Client.objects.filter(pk=portfolio["B1"].pk).update(segment="", name='B1 "Pão" Ltda')
    queries = {
        "receivables": lambda: receivables_frame(Receivable.objects.all()).sort(
            "client_id", "due_date"
        ),
        "clients": lambda: read_columns(
            Client.objects.order_by("pk").values_list("pk", "segment", "name"),
            {"client_id": pl.Int64, "key": pl.String, "name": pl.String},
        ),
    }  # fmt: skip
    assert engine_input.can_use_adbc() is True
    via_adbc = {name: read() for name, read in queries.items()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("carteira.credit.reading.can_use_adbc", lambda: False)
        via_django = {name: read() for name, read in queries.items()}
    for name in queries:
        assert via_adbc[name].equals(via_django[name]), name
    assert via_adbc["receivables"].filter(pl.col("paid") == 450).height == 1


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="a SQLite workspace test")
def test_the_cli_report_through_adbc_equals_the_page_s_reading(tmp_path):
    """``carteira report receivables`` reads the SQLite workspace through ADBC; the same
    workspace read through Django's cursor (as the page does) gives the same JSON."""
    home = tmp_path / "workspace"
    env = {**os.environ, "CARTEIRA_HOME": str(home)}
    env.pop("DATABASE_URL", None)

    def carteira(*args: str) -> str:
        done = subprocess.run(
            [CARTEIRA, *args], env=env, capture_output=True, text=True, check=False, timeout=180
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    for kind in ("sellers", "clients", "receivables"):
        carteira("import", kind, str(FIXTURES / f"{kind}.csv"))
    for by in ("client", "seller"):
        via_cli = json.loads(carteira("report", "receivables", "--as-of", "2025-06-30",
                                      "--by", by, "--format", "json"))  # fmt: skip
        via_django = carteira("manage", "shell", "--no-imports", "-c", DJANGO_READING % by)
        assert via_cli == json.loads(via_django)
        assert via_cli["groups"] and via_cli["total"]["open"] > 0


DJANGO_READING = """
import datetime as dt, json
from carteira.clients.models import Client
from carteira.credit.selectors import aging_report
from carteira.portfolio.rules_store import current_rules
from carteira.web.writers import to_json
print(to_json(aging_report(Client.objects.all(), as_of=dt.date(2025, 6, 30),
                           rules=current_rules().credit, by="%s")))
"""
