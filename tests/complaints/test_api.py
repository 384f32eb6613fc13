"""/api/v1/complaints: scoped like the pages, the same refusals, nothing half-saved."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from carteira.complaints.models import Complaint
from tests.api.conftest import caller_for
from tests.complaints.conftest import at
from tests.complaints.test_services import open_for

NEW = {"category": "Produto avariado", "severity": "high", "description": "Caixa amassada."}


@pytest.mark.django_db
def test_a_seller_opens_a_complaint_through_the_api_and_its_clock_is_set(portfolio, seller_ana):
    with time_machine.travel(at(30, 16, month=10), tick=False):
        response = caller_for(seller_ana.user).post("/complaints", {"client_id": portfolio["A1"].pk,
                                                                    **NEW})  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["channel"], body["client_id"], body["order_ids"]) == (
        "open", "api", portfolio["A1"].pk, []
    )  # fmt: skip
    assert body["first_response_due"] == "2026-11-03T10:00:00-03:00"  # Tue 10:00


@pytest.mark.django_db
def test_a_complaint_for_another_sellers_client_is_a_404_and_nothing_is_created(
    portfolio, seller_ana
):
    response = caller_for(seller_ana.user).post("/complaints", {"client_id": portfolio["B1"].pk,
                                                                **NEW})  # fmt: skip
    assert response.status_code == 404
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_the_list_holds_only_the_callers_complaints(portfolio, seller_ana, seller_bruno):
    mine = open_for(seller_ana.user, portfolio["A1"])
    open_for(seller_bruno.user, portfolio["B1"])
    body = caller_for(seller_ana.user).get("/complaints?open=true").json()
    assert (body["count"], [item["id"] for item in body["results"]]) == (1, [mine.pk])


@pytest.mark.django_db
def test_steps_through_the_api_and_a_close_without_root_cause_is_refused(portfolio, seller_ana):
    complaint = open_for(seller_ana.user, portfolio["A1"])
    ana = caller_for(seller_ana.user)
    url = f"/complaints/{complaint.pk}/steps"
    response = ana.post(url, {"step": "acknowledge", "apology": "Desculpe.", "promise": "Hoje."})
    assert (response.status_code, response.json()["status"]) == (200, "acknowledged")
    Complaint.objects.filter(pk=complaint.pk).update(status="confirmed")
    refused = ana.post(url, {"step": "close", "root_cause": ""})
    assert refused.status_code == 400
    assert Complaint.objects.get().status == "confirmed"


@pytest.mark.django_db
def test_another_sellers_complaint_cannot_be_stepped(portfolio, seller_ana, seller_bruno):
    complaint = open_for(seller_bruno.user, portfolio["B1"])
    response = caller_for(seller_ana.user).post(
        f"/complaints/{complaint.pk}/steps", {"step": "acknowledge", "apology": "x", "promise": "y"}
    )
    assert response.status_code == 404
    assert Complaint.objects.get().status == "open"


@pytest.mark.django_db
def test_the_measures_endpoint_gives_the_report_shape(portfolio, seller_ana):
    open_for(seller_ana.user, portfolio["A1"])
    body = (
        caller_for(seller_ana.user)
        .get("/complaints/measures?date_from=2026-10-01&date_to=2026-10-31&by=category")
        .json()
    )
    assert (body["total"]["opened"], body["total"]["clients"]) == (1, 2)
    assert [(g["key"], g["opened"]) for g in body["groups"]] == [("Atraso na entrega", 1)]


@pytest.mark.django_db
def test_the_list_names_each_complaints_files_and_its_survey_score(
    portfolio, seller_ana, settings, tmp_path
):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}  # fmt: skip
    pdf = SimpleUploadedFile("laudo.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    complaint = open_for(seller_ana.user, portfolio["A1"], attachments=[pdf])
    Complaint.objects.filter(pk=complaint.pk).update(survey_score=4, reporter="Joana")
    (row,) = caller_for(seller_ana.user).get("/complaints").json()["results"]
    assert (row["reporter"], row["survey_score"], row["attachments"]) == (
        "Joana", 4, [{"name": "laudo.pdf", "content_type": "application/pdf", "size": 15}]
    )  # fmt: skip
