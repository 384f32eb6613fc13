"""The web import's report: field names and examples in the mapper, the report kept with
the run (a reload shows it), rows named by their key, and the reading after a commit."""

import pytest
from django.urls import reverse
from django.utils import translation

from carteira.imports.fields import FIELD_TEXTS, field_choice_label
from carteira.imports.models import ImportRun
from carteira.imports.reading import Reading, needs_reading, read_portfolio_after_import
from carteira.portfolio.models import SnapshotRun
from carteira_core.ingest import SCHEMAS
from tests.imports.conftest import FIXTURES
from tests.imports.test_web import login, upload

pytestmark = pytest.mark.django_db
ORDER_FIELDS = ["external_id", "client_external_id", "date", "amount", "status"]


def validate(client, run, fields=ORDER_FIELDS):
    url = reverse("imports:preview", args=[run.pk])
    return client.post(url, {f"col_{i}": field for i, field in enumerate(fields)})


def test_every_field_of_every_kind_has_a_name_and_an_example():
    for kind, schema in SCHEMAS.items():
        assert set(FIELD_TEXTS[kind]) == {spec.name for spec in schema.fields}, kind
        assert all(text.example for text in FIELD_TEXTS[kind].values()), kind


def test_the_mapper_shows_the_fields_in_the_users_language_with_examples():
    with translation.override("pt-br"):
        label = field_choice_label("orders", "external_id", required=True)
        amount = field_choice_label("orders", "amount", required=True)
    assert label == "Número do pedido * (ex.: 9001)"
    assert amount == "Valor * (ex.: R$ 1.234,56)"


def test_the_preview_lists_the_first_value_of_each_column_beside_its_field(
    client, manager_sul, erp_clients, media
):
    login(client, manager_sul)
    upload(client, "pedidos.csv", (FIXTURES / "orders_cp1252.csv").read_bytes())
    page = client.get(reverse("imports:preview", args=[ImportRun.objects.get().pk]))
    mapper = [(field.label, first) for field, first in page.context["mapper"]]
    assert mapper[0] == ("Pedido", "9001")
    assert "Order number * (e.g. 9001)" in page.content.decode()


def test_a_reload_shows_the_validation_report_kept_with_the_run(
    client, director, erp_clients, media
):
    login(client, director)
    upload(client, "quebrado.csv", (FIXTURES / "orders_broken.csv").read_bytes())
    run = ImportRun.objects.get()
    validated = validate(client, run)
    reloaded = client.get(reverse("imports:preview", args=[run.pk]))
    first, again = validated.context["report"], reloaded.context["report"]
    assert again.counts == first.counts and again.rejected == 9
    assert [(e.line, e.key, e.column, e.code) for e in again.errors] == [
        (e.line, e.key, e.column, e.code) for e in first.errors
    ]
    page = reloaded.content.decode()
    assert '<th scope="col">Order</th>' in page  # the key column, named for the kind
    assert f'action="/imports/{run.pk}/commit/"' in page  # "Import" without a new upload


def test_every_rejected_row_is_named_by_its_key_in_the_report_and_the_csv(
    client, director, erp_clients, media
):
    login(client, director)
    upload(client, "quebrado.csv", (FIXTURES / "orders_broken.csv").read_bytes())
    run = ImportRun.objects.get()
    report = validate(client, run).context["report"]
    assert all(error.key for error in report.errors)
    csv_text = b"".join(client.get(reverse("imports:errors", args=[run.pk])).streaming_content)
    lines = csv_text.decode("utf-8-sig").splitlines()
    keys = [line.split(",")[1] for line in lines[1:]]
    assert keys == [error.key for error in report.errors]


def test_the_valid_dry_run_commits_the_same_upload_and_reads_the_portfolio(
    client, manager_sul, erp_clients, media, django_capture_on_commit_callbacks
):
    login(client, manager_sul)
    upload(client, "pedidos.csv", (FIXTURES / "orders_cp1252.csv").read_bytes())
    run = ImportRun.objects.get()
    validate(client, run, ["external_id", "client_external_id", "date", "amount", "margin",
                           "status"])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.created, ImportRun.objects.count()) == ("committed", 5, 1)
    assert run.reading_status == Reading.DONE
    reading = SnapshotRun.objects.get(kind=SnapshotRun.Kind.OFFICIAL)
    assert reading.clients.count() == 3
    result = client.get(reverse("imports:result", args=[run.pk])).content.decode()
    assert "already have their status and class" in result


def test_a_reading_task_run_twice_reads_once(client, director, erp_clients, media):
    run = ImportRun.objects.create(kind="orders", file_name="x.csv", sha256="0", created=1,
                                   status="committed", reading_status=Reading.DONE)  # fmt: skip
    assert read_portfolio_after_import.call(run.pk) == Reading.DONE
    assert SnapshotRun.objects.count() == 0


def test_an_import_that_changed_nothing_needs_no_reading(client, manager_sul, erp_clients, media):
    run = ImportRun(kind="orders", status="committed", created=0, updated=0, unchanged=5)
    contacts = ImportRun(kind="contacts", status="committed", created=3)
    orders = ImportRun(kind="orders", status="committed", updated=1)
    assert [needs_reading(r) for r in (run, contacts, orders)] == [False, False, True]


def test_the_preview_of_a_committed_import_leads_to_its_result(
    client, manager_sul, erp_clients, media
):
    login(client, manager_sul)
    upload(client, "pedidos.csv", (FIXTURES / "orders_cp1252.csv").read_bytes())
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.COMMITTED)
    url = reverse("imports:preview", args=[run.pk])
    for response in (client.get(url), client.post(url, {"col_0": "external_id"})):
        assert response.status_code == 302
        assert response["Location"] == reverse("imports:result", args=[run.pk])
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED  # not relabelled a dry run


def test_a_header_refused_after_a_validation_hides_the_old_report(
    client, director, erp_clients, media
):
    login(client, director)
    upload(client, "quebrado.csv", (FIXTURES / "orders_broken.csv").read_bytes())
    run = ImportRun.objects.get()
    validate(client, run)
    refused = validate(client, run, ["external_id", "", "", "", ""])
    assert refused.context["header_errors"] and refused.context["report"] is None
