import csv
import datetime as dt
import random
from decimal import Decimal

import pytest

from carteira.leads.models import AcquisitionSpend, Lead, StageChange
from carteira_core.documents import format_cnpj, generate_cnpj
from tests.imports.conftest import run_import
from tests.leads.factories import make_lead
from tests.personas import make_client

pytestmark = pytest.mark.django_db

HEADER = ["codigo", "razao_social", "cnpj", "segmento", "cidade", "uf", "origem", "etapa",
          "vendedor", "data_cadastro"]  # fmt: skip


def _write(path, rows, header=HEADER):
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def purchased_list(tmp_path, seller_ana, seller_bruno):
    """500 companies (cp1252, ';'): 6 with the CNPJ of a client, 3 with a client's name in
    its city, 3 with the CNPJ of a lead already in the funnel — 12 flagged."""
    rng = random.Random(18)
    documents = [generate_cnpj(rng, alphanumeric=n % 5 == 0) for n in range(500)]
    for n in range(6):
        make_client(f"K{n}", seller_bruno, document=documents[n])
    for n in range(6, 9):
        make_client(f"N{n}", seller_bruno, name=f"Padaria São José {n}", city="Maringá")
    for n in range(9, 12):
        make_lead(f"Já na lista {n}", seller_bruno, document=documents[n])
    rows = []
    for n in range(500):
        name = f"Padaria São José {n}" if 6 <= n < 9 else f"Comércio Ação {n} Ltda"
        rows.append([f"P{n:03}", name, format_cnpj(documents[n]), "Varejo", "Maringá", "PR",
                     "Lista comprada", "Listado" if n % 2 else "", "V001",
                     "07/11/2026"])  # fmt: skip
    return _write(tmp_path / "lista.csv", rows)


def test_the_dry_run_names_the_12_rows_already_clients_or_leads_and_writes_nothing(
    purchased_list,
):
    result = run_import("leads", purchased_list, "--dry-run")
    assert Lead.objects.count() == 3
    lines = [line for line in (result.out + result.err).splitlines() if "already" in line]
    assert len(lines) == 12
    assert sum("already client K" in line for line in lines) == 6
    assert sum("already client N" in line for line in lines) == 3
    assert sum("already lead" in line for line in lines) == 3


def test_skip_invalid_imports_the_other_488_with_their_history_and_reimport_changes_nothing(
    purchased_list, seller_ana
):
    result = run_import("leads", purchased_list, "--skip-invalid")
    assert result.error is None, result.err
    imported = Lead.objects.filter(external_id__startswith="P")
    assert imported.count() == 488
    assert set(imported.values_list("seller", "source", "stage", "created_date").distinct()) == {
        (seller_ana.pk, "list", "listed", dt.date(2026, 11, 7))
    }
    assert StageChange.objects.filter(lead__in=imported).count() == 488
    assert imported.filter(latitude__isnull=False).count() == 488  # Maringá/PR is shipped
    alphanumeric = imported.filter(document__regex=r"[A-Z]").count()
    assert alphanumeric == sum(1 for n in range(12, 500) if n % 5 == 0)
    again = run_import("leads", purchased_list, "--skip-invalid")
    assert again.error is None
    assert Lead.objects.count() == 491
    assert StageChange.objects.count() == 491


def test_a_later_file_moves_a_lead_to_the_stage_it_names(tmp_path, seller_ana):
    first = _write(tmp_path / "a.csv", [["P1", "Loja Um", "", "", "", "", "evento", "", "V001",
                                         ""]])  # fmt: skip
    assert run_import("leads", first).error is None
    later = _write(tmp_path / "b.csv", [["P1", "Loja Um", "", "", "", "", "evento",
                                         "Reunião agendada", "V001", ""]])  # fmt: skip
    assert run_import("leads", later).error is None
    lead = Lead.objects.get(external_id="P1")
    assert (lead.source, lead.stage) == ("event", "meeting")
    assert list(lead.history.values_list("stage", flat=True)) == ["listed", "meeting"]


def test_an_unknown_stage_or_source_refuses_the_file_naming_the_line(tmp_path, seller_ana):
    bad = _write(tmp_path / "c.csv", [
        ["P1", "Loja Um", "", "", "", "", "lista", "", "V001", ""],
        ["P2", "Loja Dois", "", "", "", "", "rádio", "", "V001", ""],
        ["P3", "Loja Três", "", "", "", "", "lista", "quase lá", "V001", ""],
    ])  # fmt: skip
    result = run_import("leads", bad)
    assert result.error is not None
    assert Lead.objects.count() == 0
    text = result.out + result.err
    assert "rádio" in text and "quase lá" in text


def test_acquisition_spend_is_imported_by_channel_label_and_updated_by_reimport(
    tmp_path, seller_ana
):
    header = ["inicio", "fim", "canal", "valor", "vendedor"]
    rows = [["01/11/2026", "30/11/2026", "Evento ou feira", "R$ 6.000,00", ""],
            ["01/11/2026", "30/11/2026", "lista", "800,00", "V001"]]  # fmt: skip
    path = _write(tmp_path / "gasto.csv", rows, header)
    assert run_import("acquisition_spend", path).error is None
    assert set(AcquisitionSpend.objects.values_list("channel", "amount", "seller")) == {
        ("event", Decimal("6000.00"), None),
        ("list", Decimal("800.00"), seller_ana.pk),
    }
    rows[0][3] = "6.500,00"
    assert run_import("acquisition_spend", _write(path, rows, header)).error is None
    assert AcquisitionSpend.objects.count() == 2
    assert AcquisitionSpend.objects.get(channel="event").amount == Decimal("6500.00")


def test_a_spend_period_that_ends_before_it_starts_is_refused(tmp_path):
    header = ["inicio", "fim", "canal", "valor"]
    path = _write(tmp_path / "g.csv", [["01/11/2026", "01/10/2026", "lista", "10"]], header)
    result = run_import("acquisition_spend", path)
    assert result.error is not None
    assert AcquisitionSpend.objects.count() == 0
    assert "before it starts" in result.out + result.err
