"""The dashboard and the PDCA review show the prospecting funnel: conversion by stage,
time in stage, by team (the territory) and by seller, and CAC — the funnel page's
figures for the same window."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.template.loader import render_to_string

from carteira.leads.funnel import funnel_for
from carteira.leads.models import AcquisitionSpend, LossReason
from carteira.leads.panels import dashboard_panel
from carteira.leads.services import do_convert_lead, do_move_lead
from goals.conftest import buy, november  # noqa: F401 -- the review's small history
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db
OCT, OCT_END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)


@pytest.fixture
def october_leads(november, seller_ana, seller_bruno, seller_carla):  # noqa: F811
    """October: Ana 2 leads (one converted on 10/10, bought on 15/10), Bruno 1 (lost),
    Carla 1. R$ 1.500,00 spent on lists; B2's first purchase (20/10) is new too."""
    won = make_lead("Ganhou", seller_ana, on=dt.date(2026, 10, 2), source="list")
    make_lead("Aberto", seller_ana, on=dt.date(2026, 10, 3), source="list")
    lost = make_lead("Perdeu", seller_bruno, on=dt.date(2026, 10, 4), source="cold_call")
    make_lead("Norte", seller_carla, on=dt.date(2026, 10, 5), source="event")
    do_move_lead(won, "contacted", by=None, on=dt.date(2026, 10, 6))
    client = do_convert_lead(won, by=None, on=dt.date(2026, 10, 10))
    buy(client, dt.date(2026, 10, 15), "1200.00")
    do_move_lead(lost, "lost", by=None, on=dt.date(2026, 10, 20),
                 loss_reason=LossReason.objects.create(name="Preço"))  # fmt: skip
    AcquisitionSpend.objects.create(period_start=OCT, period_end=OCT_END, channel="list",
                                    amount=Decimal("1500.00"))  # fmt: skip
    return november


def test_the_dashboard_panel_is_the_funnel_of_its_period_and_slice(october_leads, director):
    run = SimpleNamespace(as_of=OCT_END)
    panel = dashboard_panel(director, {}, run, OCT - dt.timedelta(days=1))
    report = panel["report"]
    assert report == {**funnel_for(director, start=OCT, end=OCT_END, by="team"),
                      "by_seller": report["by_seller"]}  # fmt: skip
    assert (report["leads"], report["won"], report["lost"]) == (4, 1, 1)
    assert report["acquisition"]["new_clients"] == 2
    assert report["acquisition"]["cac"] == Decimal("750.00")
    teams = {g["key"]: (g["leads"], g["won"], g["lost"]) for g in report["groups"]}
    assert teams == {"Equipe Sul": (3, 1, 1), "Equipe Norte": (1, 0, 0)}
    sellers = {g["key"]: (g["leads"], g["won"]) for g in report["by_seller"]}
    assert sellers == {"Ana Souza": (2, 1), "Bruno Lima": (1, 0), "Carla Dias": (1, 0)}
    contacted = next(s for s in report["stages"] if s["stage"] == "listed")
    assert (contacted["entered"], contacted["days"]) == (4, 10.0)  # 4 and 16 days
    html = render_to_string("leads/_dashboard.html", {"panel": panel})
    assert "Prospecção" in html and "R$\xa0750,00" in html


def test_the_dashboard_slice_of_one_seller_counts_their_leads_spend_and_clients(
    october_leads, director, seller_ana
):
    panel = dashboard_panel(director, {"seller": seller_ana.pk}, SimpleNamespace(as_of=OCT_END),
                            OCT - dt.timedelta(days=1))  # fmt: skip
    report = panel["report"]
    assert (report["leads"], report["won"], report["acquisition"]["new_clients"]) == (2, 1, 1)
    assert report["acquisition"]["spend"] == Decimal("0.00")  # no spend attributed to Ana


def test_a_reader_without_leads_gets_no_panel(director):
    assert dashboard_panel(director, {}, SimpleNamespace(as_of=OCT_END), OCT) is None


def test_the_review_shows_the_prospecting_funnel_of_its_month(client, director, october_leads):
    with time_machine.travel(dt.datetime(2026, 11, 12, 15, tzinfo=dt.UTC), tick=False):
        client.force_login(director)
        page = client.get("/review/?period=2026-10").text
    section = page[page.index('id="prospecting"') :]
    assert "Prospecção: o funil que alimenta a carteira" in section
    assert "R$\xa0750,00" in section
    assert 'id="review-prospecting-teams"' in section and "Equipe Norte" in section


def test_the_dashboard_panel_reads_a_bounded_number_of_queries(
    october_leads, director, django_assert_max_num_queries
):
    """29 measured: a fixed number whatever the count of leads (two more per event)."""
    with django_assert_max_num_queries(30):
        dashboard_panel(director, {}, SimpleNamespace(as_of=OCT_END), OCT - dt.timedelta(days=1))
