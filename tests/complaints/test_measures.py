"""The measures: one selector behind the report command (and the pages), figures worked
out by hand from three complaints in November 2026."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from carteira.clients.models import Client
from carteira.complaints.measures import complaint_measures, quantile
from carteira.complaints.models import Complaint
from carteira.complaints.services import do_step
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from tests.complaints.conftest import at
from tests.complaints.test_services import open_for

NOVEMBER = {"start": dt.date(2026, 11, 1), "end": dt.date(2026, 11, 30)}


def handled(complaint, user, times, *, satisfied=True):
    values = {"acknowledge": {"apology": "Desculpe.", "promise": "Amanhã."},
              "investigate": {"investigation": "Visto."}, "answer": {"answer": "Troca."},
              "confirm": {"satisfied": satisfied},
              "close": {"root_cause": "Processo."}}  # fmt: skip
    for (step, step_values), now in zip(values.items(), times, strict=True):
        complaint = do_step(complaint, step, by=user, now=now, **step_values)
    return complaint


@pytest.fixture
def november(portfolio, seller_ana, seller_bruno):
    """c1: A1, opened Fri 30 Oct 16:00, first response 3 h, closed after 7 h (in time).
    c2: B1, opened Mon 9 Nov 08:00, first response 6 h, closed after 32 h (late), reopened.
    c3: A2, opened 20 Nov, open."""
    c1 = open_for(seller_ana.user, portfolio["A1"])
    handled(c1, seller_ana.user, [at(3, 9), at(3, 10), at(3, 11), at(3, 12), at(3, 13)])
    c2 = open_for(seller_bruno.user, portfolio["B1"], now=at(9, 8))
    handled(c2, seller_bruno.user, [at(9, 14), at(10, 9), at(11, 9), at(11, 10), at(12, 10)])
    Complaint.objects.filter(pk=c2.pk).update(reopened=1)
    open_for(seller_ana.user, portfolio["A2"], now=at(20, 9))
    return portfolio


def test_quantiles_interpolate_between_ranks_like_numpy():
    assert (quantile([3.0, 6.0], 0.5), quantile([3.0, 6.0], 0.9), quantile([], 0.5)) == (
        4.5, 5.7, None
    )  # fmt: skip


@pytest.mark.django_db
def test_the_month_counts_opened_closed_sla_times_and_reopens(november):
    total = complaint_measures(Complaint.objects.all(), Client.objects.all(), **NOVEMBER)["total"]
    assert total == {
        "opened": 2, "closed": 2, "clients": 6, "per_100_clients": 33.33,
        "sla_met_pct": 50.0,
        "first_response_median_hours": 4.5, "first_response_p90_hours": 5.7,
        "resolution_median_hours": 19.5, "resolution_p90_hours": 29.5,
        "reopen_rate_pct": 50.0, "satisfied_pct": 100.0,
        "survey_answers": 0, "survey_score_avg": None, "csat_pct": None,
    }  # fmt: skip


@pytest.mark.django_db
def test_churn_compares_clients_with_and_without_a_complaint_in_90_days(november):
    run = SnapshotRun.objects.create(as_of=dt.date(2026, 11, 30), period_start=dt.date(2026, 9, 1),
                                     rules={})  # fmt: skip
    statuses = {"A1": "inactive", "A2": "active", "B1": "active", "B2": "inactivated",
                "C1": "active", "C2": "prospect"}  # fmt: skip
    for code, status in statuses.items():
        ClientSnapshot.objects.create(run=run, client=november[code], status=status)
    churn = complaint_measures(Complaint.objects.all(), Client.objects.all(), **NOVEMBER)["churn"]
    assert churn == {"as_of": dt.date(2026, 11, 30), "with_complaint_pct": 33.3,
                     "without_complaint_pct": 50.0}  # fmt: skip


@pytest.mark.django_db
def test_a_managers_measures_count_only_her_teams_complaints(november, manager_sul):
    from carteira.clients.access import clients_visible_to
    from carteira.complaints.access import complaints_visible_to

    data = complaint_measures(
        complaints_visible_to(manager_sul), clients_visible_to(manager_sul), **NOVEMBER
    )
    assert (data["total"]["opened"], data["total"]["clients"]) == (2, 4)


@pytest.mark.django_db
def test_the_report_command_gives_the_figures_by_seller_as_json(november):
    out = io.StringIO()
    call_command("report", "complaints", "--from", "2026-11-01", "--to", "2026-11-30",
                 "--by", "seller", "--format", "json", stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    picked = [(g["key"], g["opened"], g["closed"], g["sla_met_pct"], g["resolution_median_hours"],
               g["first_response_median_hours"], g["per_100_clients"])
              for g in data["groups"]]  # fmt: skip
    assert picked == [("Ana Souza", 1, 1, 100.0, 7.0, 3.0, 50.0),
                      ("Bruno Lima", 1, 1, 0.0, 32.0, 6.0, 50.0)]  # fmt: skip
    assert (data["from"], data["to"], data["total"]["opened"]) == ("2026-11-01", "2026-11-30", 2)


@pytest.mark.django_db
def test_the_report_by_category_groups_by_the_category_name(november):
    out = io.StringIO()
    call_command("report", "complaints", "--from", "2026-11-01", "--to", "2026-11-30",
                 "--by", "category", "--format", "json", stdout=out)  # fmt: skip
    groups = json.loads(out.getvalue())["groups"]
    assert [(g["key"], g["opened"], g["closed"]) for g in groups] == [("Atraso na entrega", 2, 2)]


@pytest.mark.django_db
def test_the_monthly_review_counts_the_complaints_of_the_managers_teams(november, manager_sul):
    from django.test import Client as Browser

    browser = Browser()
    browser.force_login(manager_sul)
    response = browser.get("/review/", {"period": "2026-11"})
    measures = response.context["complaints"]
    assert (measures["total"]["opened"], measures["total"]["closed"]) == (2, 2)
    assert [(g["key"], g["opened"]) for g in measures["groups"]] == [("Atraso na entrega", 2)]
    assert "2 abertas, 2 encerradas no período." in response.content.decode()
