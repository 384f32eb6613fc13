"""Formula injection (issue 24, plan [17]): text starting with any trigger a spreadsheet
runs — ``=``, ``+``, ``-``, ``@``, TAB, CR — comes out inert (a leading ``'``; in XLSX a
text cell) in the orders, tasks and report exports and in the audit trail's CSV; numbers
stay numbers. The names are written around the doors (``update()``): legacy data keeps
its control characters, the export must still be safe."""

import csv
import io
from itertools import cycle

import pytest
from django.urls import reverse

from carteira.accounts.models import Role, User
from carteira.agenda.models import Task
from carteira.audit.services import do_record
from carteira.clients.models import Client
from carteira.plans.planner import do_plan
from carteira.portfolio.services import do_snapshot
from tests.exports.conftest import body, exported, header, login, rows_of, sheet_of
from tests.histories import T
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# One hostile text per client of the history, one per trigger.
HOSTILE = {
    "A1": '=HYPERLINK("http://mal.example","clique")',
    "A2": "+1+1",
    "B1": "-2+3",
    "B2": "@SUM(A1:A9)",
    "C1": "\t=1+1",
    "C2": "\r=1+1",
}


@pytest.fixture
def hostile(history):
    for code, name in HOSTILE.items():
        Client.objects.filter(external_id=code).update(name=name)
    return history


def assert_inert_csv(rows, code_column, text_column, expected) -> int:
    checked = 0
    for row in rows:
        if row[code_column] in expected:
            assert row[text_column] == "'" + expected[row[code_column]], row
            checked += 1
    return checked


def assert_inert_xlsx(sheet, code_column, text_column, expected) -> int:
    columns = header(sheet)
    checked = 0
    for cells in sheet.iter_rows(min_row=2):
        code = cells[columns.index(code_column)].value
        if code in expected:
            cell = cells[columns.index(text_column)]
            # xlsxwriter stores a CR as Excel's escape _x000D_ (Excel shows the CR back).
            value = cell.value.replace("_x000D_", "\r")
            assert (value, cell.data_type) == ("'" + expected[code], "s")
            checked += 1
    return checked


def test_every_trigger_is_inert_in_the_orders_export(client, hostile, director):
    login(client, director)
    rows = rows_of(exported(client, reverse("exports:orders", args=["csv"])))
    with_orders = {row["client"] for row in rows} & set(HOSTILE)
    assert len(with_orders) == 5  # C1 is a prospect: no orders
    assert assert_inert_csv(rows, "client", "client_name", HOSTILE) == len(rows)
    assert not any(row["amount"].startswith("'") for row in rows)  # numbers stay numbers
    sheet = sheet_of(exported(client, reverse("exports:orders", args=["xlsx"])))
    assert assert_inert_xlsx(sheet, "client", "client_name", HOSTILE) == len(rows)
    at = header(sheet).index("amount")
    amounts = {cells[at].data_type for cells in sheet.iter_rows(min_row=2)}
    assert amounts == {"n"}


def test_every_trigger_is_inert_in_the_tasks_export_titles_and_names(client, hostile, director):
    do_snapshot(T, use_adbc=False)
    do_plan(T)
    titles = {}
    for task, trigger in zip(Task.objects.order_by("pk"), cycle(HOSTILE.values())):
        Task.objects.filter(pk=task.pk).update(title=trigger + " ligar")
        titles[str(task.pk)] = trigger + " ligar"
    login(client, director)
    rows = rows_of(exported(client, reverse("exports:tasks", args=["csv"])))
    assert len(rows) >= 4
    assert assert_inert_csv(rows, "task", "title", titles) == len(rows)
    assert assert_inert_csv(rows, "client", "client_name", HOSTILE) == len(rows)
    sheet = sheet_of(exported(client, reverse("exports:tasks", args=["xlsx"])))
    xlsx_titles = {int(k): v for k, v in titles.items()}
    assert assert_inert_xlsx(sheet, "task", "title", xlsx_titles) == len(rows)


def test_every_trigger_is_inert_in_the_clients_report(client, hostile, director):
    do_snapshot(T, use_adbc=False)
    login(client, director)
    url = reverse("exports:report", args=["clients", "csv"])
    rows = rows_of(exported(client, url))
    assert assert_inert_csv(rows, "external_id", "name", HOSTILE) == 6
    sheet = sheet_of(exported(client, reverse("exports:report", args=["clients", "xlsx"])))
    assert assert_inert_xlsx(sheet, "external_id", "name", HOSTILE) == 6


def test_every_trigger_is_inert_in_the_audit_trails_csv(client, db):
    admin = User.objects.create_superuser("raiz", "raiz@exemplo.com.br", PASSWORD)
    actors = {}
    for n, trigger in enumerate(HOSTILE.values()):
        username = f"{trigger}u{n}"
        user = User.objects.create_user(f"u{n}", "", PASSWORD, role=Role.SELLER)
        User.objects.filter(pk=user.pk).update(username=username)  # around the doors
        actors[username] = user
        do_record("login.failed", actor=user)
    assert client.login(username="raiz", password=PASSWORD)
    response = client.get(reverse("admin:audit_auditevent_export"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))
    exported_actors = [row["actor"] for row in rows if row["action"] == "login.failed"]
    assert sorted(exported_actors) == sorted("'" + name for name in actors)
    assert admin.is_superuser
