import pytest
from django.db import IntegrityError, connection, transaction

from carteira.clients.models import Assignment


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_postgresql_pass_really_runs_on_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_assignment_for_a_client(portfolio, seller_bruno):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(client=portfolio["A1"], seller=seller_bruno)


@pytest.mark.django_db
def test_reassigning_closes_the_old_row_and_keeps_it(portfolio, seller_bruno):
    import datetime as dt

    from carteira.clients.services import do_assign_client

    do_assign_client(portfolio["A1"], seller_bruno, start=dt.date(2026, 5, 1), reason="saída")
    rows = list(
        Assignment.objects.filter(client=portfolio["A1"])
        .order_by("pk")
        .values_list("seller__external_id", "start_date", "end_date")
    )
    assert rows == [("V001", None, dt.date(2026, 5, 1)), ("V002", dt.date(2026, 5, 1), None)]
    portfolio["A1"].refresh_from_db()
    assert portfolio["A1"].seller == seller_bruno
