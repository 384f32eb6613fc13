"""The database's open instalments (``credit.reading.open_rows``, the SQL the report runs)
are the core's (``carteira_core.credit.open_instalments``) on the definition's edge cases:
payments after the date, partial payments, issues after the date, every bucket bound,
amounts whose cents a float gets wrong. Run on PostgreSQL too (CARTEIRA_TEST_DB=postgres),
where the second test also reads through ADBC, as the CLI does."""

import datetime as dt

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carteira.clients.models import Client, HiddenImport
from carteira.credit.models import Receivable
from carteira.credit.reading import is_whole_portfolio, open_rows
from carteira.credit.selectors import MONEY, aging_frames
from carteira.portfolio import engine_input
from carteira_core.credit import aging, open_instalments
from carteira_core.rules import CreditRules
from tests.credit.factories import AS_OF, receivable

DAY = dt.timedelta(days=1)
OTHER_BOUNDS = CreditRules(bucket_days=(15, 45, 75, 120))


def edge_book(portfolio) -> None:
    """Around AS_OF (30/06/2026): every day past due at and beside the default and the
    other bounds, payments on, before and after the date, whole and partial."""
    a1, a2, b1 = portfolio["A1"], portfolio["A2"], portfolio["B1"]
    days = sorted({d for b in (0, 15, 30, 45, 60, 75, 90, 120, 180) for d in (b, b + 1)} | {-5})
    for d in days:
        # 1175.57 and 0.29 times 100 are 117556.99999999999 and 28.999999999999996 as
        # floats (SQLite stores them so): the database must round them, not truncate.
        receivable(a1, f"D{d}", AS_OF - d * DAY, "1175.57")
    receivable(a2, "PAID-AFTER", AS_OF - 40 * DAY, "0.29", paid=AS_OF + DAY)
    receivable(a2, "PAID-ON", AS_OF - 40 * DAY, "500.00", paid=AS_OF)
    receivable(a2, "PAID-BEFORE-NO-AMOUNT", AS_OF - 40 * DAY, "70.00", paid=AS_OF - DAY)
    receivable(a2, "PARTIAL-BY", AS_OF - 61 * DAY, "2939.30", paid=AS_OF - 2 * DAY,
               paid_amount="1000.01")  # fmt: skip
    receivable(a2, "PARTIAL-AFTER", AS_OF - 61 * DAY, "100.00", paid=AS_OF + 3 * DAY,
               paid_amount="40.00")  # fmt: skip
    # Paid in full with the amount given (settled), after / on the date, and overpaid.
    receivable(a2, "WHOLE-AFTER", AS_OF - 95 * DAY, "80.00", paid=AS_OF + 2 * DAY,
               paid_amount="80.00")  # fmt: skip
    receivable(a2, "WHOLE-ON", AS_OF - 95 * DAY, "81.00", paid=AS_OF, paid_amount="81.00")
    receivable(b1, "OVERPAID-AFTER", AS_OF - 5 * DAY, "12.00", paid=AS_OF + DAY,
               paid_amount="12.50")  # fmt: skip
    receivable(b1, "ISSUED-ON", AS_OF + 20 * DAY, "10.10", issued=AS_OF)
    receivable(b1, "ISSUED-AFTER", AS_OF + 20 * DAY, "10.20", issued=AS_OF + DAY)
    receivable(b1, "ZERO", AS_OF - 10 * DAY, "0.00")


SCHEMA = {"issue_date": pl.Date, "due_date": pl.Date, "amount": pl.Int64,
          "paid_date": pl.Date, "paid": pl.Int64}  # fmt: skip


def model_frame(key: str, dtype) -> pl.DataFrame:
    """The instalments from the model objects (Decimal to cents in Python), ``key`` first:
    the core's input built without the database's arithmetic."""

    def cents(value):
        return None if value is None else int(value * 100)

    key_of = {"id": lambda r: r.pk, "key": lambda r: r.client.external_id}[key]
    rows = [
        (key_of(r), r.issue_date, r.due_date, cents(r.amount), r.paid_date, cents(r.paid_amount))
        for r in Receivable.objects.select_related("client")
    ]
    return pl.DataFrame(rows, schema={key: dtype, **SCHEMA}, orient="row")


def core_rows(as_of: dt.date, rules: CreditRules) -> pl.DataFrame:
    """The core's reading of the same instalments, with the client beside the id."""
    clients = dict(Receivable.objects.values_list("pk", "client_id"))
    frame = model_frame("id", pl.Int64).with_columns(
        client_id=pl.col("id").replace_strict(clients, return_dtype=pl.Int64)
    )
    return open_instalments(frame, as_of, rules).select("id", "client_id", "bucket", "open")


def sql_rows(as_of: dt.date, rules: CreditRules) -> pl.DataFrame:
    return open_rows(
        Receivable.objects.all(), as_of=as_of, rules=rules, fields=("id", "client_id")
    ).select("id", "client_id", "bucket", "open")


DATES = (AS_OF, AS_OF - DAY, AS_OF + DAY, AS_OF + 3 * DAY, AS_OF - 200 * DAY)


@pytest.mark.django_db
@pytest.mark.parametrize("rules", [CreditRules(), OTHER_BOUNDS], ids=["default", "other_bounds"])
def test_the_database_opens_and_buckets_each_instalment_as_the_core_does(portfolio, rules):
    edge_book(portfolio)
    for as_of in DATES:
        core, sql = core_rows(as_of, rules).sort("id"), sql_rows(as_of, rules).sort("id")
        assert sql.equals(core), as_of
    # What the definition says at AS_OF, spelled out for a few rows:
    at = {row["id"]: row for row in sql_rows(AS_OF, rules).iter_rows(named=True)}
    by_invoice = dict(Receivable.objects.values_list("invoice", "pk"))
    assert at[by_invoice["PAID-AFTER"]]["open"] == 29
    assert at[by_invoice["PARTIAL-BY"]]["open"] == 293_930 - 100_001
    assert at[by_invoice["PARTIAL-AFTER"]]["open"] == 10_000
    assert at[by_invoice["ISSUED-ON"]]["open"] == 1_010
    assert at[by_invoice["WHOLE-AFTER"]]["open"] == 8_000
    assert at[by_invoice["OVERPAID-AFTER"]]["open"] == 1_200
    for gone in ("PAID-ON", "PAID-BEFORE-NO-AMOUNT", "ISSUED-AFTER", "ZERO", "WHOLE-ON"):
        assert by_invoice[gone] not in at, gone
    bounds = (0, *rules.bucket_days)
    for d in (-5, *sorted({b + e for b in bounds for e in (0, 1)})):
        expected = sum(1 for bound in bounds if d > bound)
        assert at[by_invoice[f"D{d}"]]["bucket"] == expected, d
        assert at[by_invoice[f"D{d}"]]["open"] == 117_557


def _report_equals_the_core(rules: CreditRules) -> None:
    instalments = model_frame("key", pl.String)
    for as_of in DATES:
        groups, total = aging_frames(Client.objects.all(), as_of=as_of, rules=rules)
        expected = aging(instalments, as_of, rules, by="key").select("key", *MONEY)
        assert groups.select("key", *MONEY).equals(expected), as_of
        assert total == aging(instalments, as_of, rules).select(*MONEY).row(0, named=True)


@pytest.mark.django_db
@pytest.mark.parametrize("rules", [CreditRules(), OTHER_BOUNDS], ids=["default", "other_bounds"])
def test_the_report_s_groups_and_total_are_the_core_s_aging(portfolio, rules):
    edge_book(portfolio)
    _report_equals_the_core(rules)


@pytest.mark.django_db(transaction=True)
def test_read_through_adbc_the_report_is_still_the_core_s_aging(portfolio):
    if connection.vendor == "sqlite":
        pytest.skip("ADBC reads of SQLite are the CLI's (test_report_columns' workspace test)")
    edge_book(portfolio)
    assert engine_input.can_use_adbc() is True
    for rules in (CreditRules(), OTHER_BOUNDS):
        for as_of in DATES:
            assert sql_rows(as_of, rules).sort("id").equals(core_rows(as_of, rules).sort("id"))
        _report_equals_the_core(rules)


@pytest.mark.django_db
def test_the_whole_portfolio_is_read_unfiltered_until_an_import_hides_clients(portfolio):
    edge_book(portfolio)
    assert is_whole_portfolio(Client.objects.all())
    assert not is_whole_portfolio(Client.objects.filter(seller__external_id="V001"))
    HiddenImport.objects.create(run_id=7)
    assert is_whole_portfolio(Client.objects.all())  # an import hiding titles only
    Client.objects.filter(pk=portfolio["B1"].pk).update(hidden_by=7)  # a staged import's

    assert not is_whole_portfolio(Client.objects.all())
    groups, _ = aging_frames(Client.objects.all(), as_of=AS_OF, rules=CreditRules())
    assert groups["key"].to_list() == ["A1", "A2"]  # B1's title issued on AS_OF is not read


@pytest.mark.django_db
def test_the_open_read_reads_two_partial_indexes_and_never_the_table(portfolio):
    """The unsettled instalments and those settled after the date, each half from the
    index that holds it with every column the balance and the bucket need: the
    instalments settled by the date (most of a book) are not read at all."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan; PostgreSQL chooses by its statistics")
    edge_book(portfolio)
    with CaptureQueriesContext(connection) as read:
        open_rows(Receivable.objects.all(), as_of=AS_OF, rules=CreditRules())
    selects = [q["sql"] for q in read.captured_queries if "credit_receivable" in q["sql"]]
    plans = []
    with connection.cursor() as cursor:
        for sql in selects:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plans.append(" / ".join(row[-1] for row in cursor.fetchall()))
    assert len(plans) == 2
    assert "USING COVERING INDEX credit_unsettled" in plans[0], plans[0]
    assert "USING COVERING INDEX credit_settled_by_payment (paid_date>?)" in plans[1], plans[1]
