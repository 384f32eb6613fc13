"""Loading the demo into the database, and the `demo` command."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from django.core.management import call_command

from carteira.accounts.models import User
from carteira.agenda.models import Task
from carteira.clients.models import Assignment, Client
from carteira.complaints.models import Complaint
from carteira.credit.models import Receivable
from carteira.demo.loader import do_load_demo
from carteira.interactions.models import Interaction
from carteira.orders.models import Order
from carteira.organization.models import Seller, Team
from carteira.plans.defaults import DEFAULT_CELLS
from carteira.plans.models import ActionPlanCell
from carteira_core.demo import generate

T = date(2026, 5, 15)


@pytest.mark.django_db
def test_loader_writes_every_row_and_a_login_per_role():
    data = generate(clients=150, seed=5, today=T)

    do_load_demo(data)

    assert Client.objects.count() == 150
    assert Order.objects.count() == data.orders.height
    assert Interaction.objects.count() == data.interactions.height
    assert Receivable.objects.count() == data.receivables.height
    # Columns the generator leaves out get what the ORM would write (a field added to a
    # model later must not break the demo's raw INSERT: the complaints' texts did once).
    assert Complaint.objects.count() == data.complaints.height > 0
    assert set(Complaint.objects.values_list("answer", "root_cause")) == {("", "")}
    assert (
        Assignment.objects.filter(end_date__isnull=False).count()
        == data.assignments.filter(pl.col("end_date").is_not_null()).height
    )
    assert Team.objects.count() == 6
    roles = {
        role: User.objects.filter(role=role).count()
        for role in ("admin", "director", "manager", "analyst", "seller")
    }
    sellers_with_login = data.sellers["username"].drop_nulls().len()
    assert roles == {"admin": 1, "director": 1, "manager": 6, "analyst": 1,
                     "seller": sellers_with_login}  # fmt: skip
    assert Seller.objects.filter(user__isnull=True).count() == 2  # the representative, the leaver


@pytest.mark.django_db
def test_loaded_money_is_exact():
    data = generate(clients=100, seed=6, today=T)

    do_load_demo(data)

    expected = Decimal(int(data.orders["amount_cents"].sum())) / 100
    assert sum(Order.objects.values_list("amount", flat=True)) == expected


@pytest.mark.django_db
def test_demo_logins_use_the_documented_passwords():
    do_load_demo(generate(clients=60, seed=7, today=T))

    director = User.objects.get(username="diretor")
    admin = User.objects.get(username="admin")
    assert director.check_password("demo-diretor")
    assert admin.is_superuser and admin.role == "admin"
    assert set(User.objects.values_list("language", flat=True)) == {"pt-br"}


@pytest.mark.django_db
def test_demo_command_twice_creates_the_data_once():
    call_command("demo", "--clients", "200", "--no-serve", "--today", "2026-05-15")
    orders = Order.objects.count()

    call_command("demo", "--clients", "200", "--no-serve", "--today", "2026-05-15")

    assert Client.objects.count() == 200
    assert Order.objects.count() == orders
    assert User.objects.filter(username="admin").count() == 1


@pytest.mark.django_db
def test_demo_command_reset_regenerates():
    call_command("demo", "--clients", "80", "--no-serve", "--today", "2026-05-15")
    cells = ActionPlanCell.objects.count()

    call_command("demo", "--clients", "120", "--no-serve", "--reset", "--today", "2026-05-15")

    assert Client.objects.count() == 120
    assert User.objects.filter(username="admin").count() == 1
    assert ActionPlanCell.objects.count() == cells == len(DEFAULT_CELLS)
    assert Task.objects.filter(origin=Task.Origin.PLAN).exists()  # the agendas are filled
