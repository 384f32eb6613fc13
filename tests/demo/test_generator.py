"""The demo generator: deterministic, Brazilian, and showing every portfolio status."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from carteira_core.demo import generate
from carteira_core.demo.generator import DAY_TRIP_KM
from carteira_core.demo.geo import LAT_RANGE, LON_RANGE
from carteira_core.distribution.geo import haversine_km
from carteira_core.documents import is_valid_cnpj, is_valid_cpf

T = date(2026, 5, 15)
SEGMENTS = {"supermercados", "farmácias", "padarias", "bares e restaurantes", "conveniência",
            "atacado"}  # fmt: skip


@pytest.fixture(scope="module")
def data():
    return generate(clients=1500, seed=3, today=T)


def _purchases(data) -> pl.DataFrame:
    return data.orders.filter((pl.col("status") == "valid") & (pl.col("amount_cents") > 0))


def _status_at(data, day: date) -> pl.DataFrame:
    """The fixed-threshold rule (90/180/+30 days, 1 purchase in 365) per buying client."""
    bought = _purchases(data).filter(pl.col("date") <= day)
    per_client = bought.group_by("client_idx").agg(
        pl.col("date").max().alias("last"),
        (pl.col("date") > day - timedelta(days=365)).sum().alias("frequency"),
    )
    days = (pl.lit(day) - pl.col("last")).dt.total_days()
    return per_client.with_columns(
        pl.when((days <= 90) & (pl.col("frequency") >= 1))
        .then(pl.lit("active"))
        .when(days <= 180)
        .then(pl.lit("pre_inactive"))
        .when(days <= 210)
        .then(pl.lit("inactivated"))
        .otherwise(pl.lit("inactive"))
        .alias("status")
    )


def test_the_same_seed_gives_identical_tables():
    first = generate(clients=300, seed=11, today=T)
    second = generate(clients=300, seed=11, today=T)
    for name, table in first.tables().items():
        assert table.equals(second.tables()[name]), name


def test_another_seed_gives_other_data():
    first = generate(clients=300, seed=11, today=T)
    other = generate(clients=300, seed=12, today=T)
    assert not first.orders.equals(other.orders)


def test_every_segment_is_present(data):
    assert set(data.clients["segment"]) == SEGMENTS


def test_documents_are_valid_and_unique(data):
    documents = data.clients["document"].to_list()
    assert len(set(documents)) == len(documents)
    assert all(is_valid_cnpj(d) if len(d) == 14 else is_valid_cpf(d) for d in documents)
    assert any(len(d) == 11 for d in documents)
    assert any(len(d) == 14 and not d[:12].isdigit() for d in documents)


def test_clients_are_located_inside_brazil(data):
    lat, lon = data.clients["latitude"], data.clients["longitude"]
    assert lat.is_between(*LAT_RANGE).all()
    assert lon.is_between(*LON_RANGE).all()
    assert data.clients["state"].n_unique() > 15
    assert data.clients.filter(pl.col("city") == "São Paulo").height > 50


def test_phones_carry_the_area_code_of_the_city(data):
    sao_paulo = data.clients.filter(pl.col("city") == "São Paulo")["phone"]
    assert sao_paulo.str.starts_with("(11) ").all()


def test_orders_cover_two_years_and_end_today(data):
    assert data.orders["date"].max() == T
    assert data.orders["date"].min() <= T - timedelta(days=730)


def test_orders_include_cancellations_returns_and_sane_margins(data):
    orders = data.orders
    assert 0.005 < (orders["status"] == "cancelled").mean() < 0.03
    returns = orders.filter(pl.col("amount_cents") < 0)
    assert 0.003 < returns.height / orders.height < 0.02
    sales = orders.filter(pl.col("amount_cents") > 0)
    rate = sales["margin_cents"] / sales["amount_cents"]
    assert rate.min() >= 0.079 and rate.max() <= 0.301


def test_every_lifecycle_status_is_present_today(data):
    statuses = _status_at(data, T)["status"].value_counts()
    counts = dict(statuses.iter_rows())
    prospects = data.clients.height - _status_at(data, T).height
    assert set(counts) == {"active", "pre_inactive", "inactivated", "inactive"}
    assert 0.05 <= prospects / data.clients.height <= 0.10
    assert counts["active"] > counts["inactive"] > counts["pre_inactive"] > counts["inactivated"]


def test_some_clients_are_new_and_some_came_back_this_month(data):
    period_start = T - timedelta(days=30)
    purchases = _purchases(data)
    first = purchases.group_by("client_idx").agg(pl.col("date").min().alias("first"))
    assert first.filter(pl.col("first") > period_start).height > 0
    lapsed = _status_at(data, period_start).filter(
        pl.col("status").is_in(["inactivated", "inactive"])
    )
    back = purchases.filter(pl.col("date") > period_start).join(lapsed, on="client_idx")
    assert back["client_idx"].n_unique() > 0


def test_each_client_has_one_open_assignment_and_some_moved(data):
    assignments = data.assignments
    open_rows = assignments.filter(pl.col("end_date").is_null())
    assert open_rows["client_idx"].sort().to_list() == list(range(data.clients.height))
    first_rows = assignments.filter(pl.col("start_date").is_null())
    assert first_rows.height == data.clients.height
    assert assignments.filter(pl.col("end_date").is_not_null()).height > 10


def test_one_seller_has_no_login_and_one_has_left(data):
    sellers = data.sellers
    assert sellers.filter(pl.col("active") & pl.col("username").is_null()).height == 1
    assert sellers.filter(~pl.col("active")).height == 1
    assert sellers.height >= 6


def test_receivables_have_some_overdue_instalments(data):
    unpaid = data.receivables.filter(pl.col("paid_date").is_null() & (pl.col("due_date") < T))
    assert unpaid.height > 0
    assert data.receivables.filter(pl.col("paid_date") > T).height == 0


def test_each_seller_lives_where_most_of_their_clients_are_within_a_day_trip(data):
    """A seller's home is the one of their territory's 20 largest towns with the most of
    their clients within a day trip (about 146 km: the agenda's day, 40 km/h x 1.3, 30
    minutes there): the week's visits start near most of them, the rest are calls. In the
    largest town of each territory, 601 of these 1,500 clients were within a day trip."""
    sellers = data.sellers.with_row_index("seller_idx").filter(pl.col("active"))
    clients = data.clients.join(
        sellers.select(pl.col("seller_idx").cast(pl.Int32), "home_latitude", "home_longitude"),
        on="seller_idx",
    )
    lat, lon, home_lat, home_lon = (
        clients[column].to_numpy()
        for column in ("latitude", "longitude", "home_latitude", "home_longitude")
    )
    km = haversine_km(lat, lon, home_lat, home_lon)
    assert pytest.approx(146.15, abs=0.01) == DAY_TRIP_KM
    assert (clients.height, int((km <= DAY_TRIP_KM).sum())) == (1500, 674)
