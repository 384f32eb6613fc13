"""The client list's export: the list's filters and scope, inert formulas, numeric cells,
an audit entry without the searched text — now prepared by the worker."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from carteira.audit.models import AuditEvent
from carteira.clients.models import Client
from carteira.exports.models import ExportJob
from tests.exports.conftest import body, exported, login, sheet_of

pytestmark = pytest.mark.django_db(transaction=True)
HOSTILE_NAME = '=HYPERLINK("http://mal.example","clique")'


def export_csv(client, **query) -> list[list[str]]:
    response = exported(client, reverse("clients:export", args=["csv"]), query)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def test_a_sellers_export_holds_only_their_own_clients(client, portfolio, seller_ana):
    login(client, seller_ana.user)
    rows = export_csv(client)
    assert [row[0] for row in rows[1:]] == ["A1", "A2"]


def test_the_export_uses_the_same_filters_as_the_page(client, portfolio, manager_sul):
    login(client, manager_sul)
    rows = export_csv(client, segment="farmácias")
    assert [row[0] for row in rows[1:]] == ["A2", "B2"]


def test_a_formula_in_a_name_comes_out_inert_in_csv(client, portfolio, director):
    Client.objects.filter(external_id="A1").update(name=HOSTILE_NAME, latitude=-30.0277)
    login(client, director)
    rows = export_csv(client, q="A1")
    header, (row,) = rows[0], rows[1:]
    assert row[header.index("name")] == "'" + HOSTILE_NAME
    assert row[header.index("latitude")] == "-30.0277"  # numbers are not prefixed


def test_xlsx_cells_keep_numbers_numeric_and_text_as_text(client, portfolio, director):
    Client.objects.filter(external_id="A1").update(
        name=HOSTILE_NAME, latitude=-30.0277, potential=Decimal("1234.56")
    )
    login(client, director)
    sheet = sheet_of(exported(client, reverse("clients:export", args=["xlsx"]), {"q": "A1"}))
    header = [cell.value for cell in sheet[1]]
    row = sheet[2]
    name, latitude = row[header.index("name")], row[header.index("latitude")]
    potential = row[header.index("potential")]
    assert (name.value, name.data_type) == ("'" + HOSTILE_NAME, "s")
    assert (latitude.value, latitude.data_type) == (-30.0277, "n")
    assert (potential.value, potential.data_type) == (1234.56, "n")
    assert sheet.max_row == 2


def test_every_export_is_in_the_audit_without_the_search_text(client, portfolio, manager_sul):
    login(client, manager_sul)
    export_csv(client, q="Cliente", state="RS")
    event = AuditEvent.objects.get(action="export")
    assert event.actor == manager_sul
    assert event.details == {
        "kind": "clients", "format": "csv", "rows": 4,
        "filter": {"q": True, "state": "RS"},
    }  # fmt: skip


def test_an_invalid_filter_is_refused_not_widened(client, portfolio, seller_ana):
    login(client, seller_ana.user)
    response = client.get(reverse("clients:export", args=["csv"]), {"state": "XX"})
    assert (response.status_code, response.content.decode()) == (400, "Filtro inválido: state")
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, portfolio):
    response = client.get(reverse("clients:export", args=["xlsx"]))
    assert response.status_code == 302
    assert not ExportJob.objects.exists()
