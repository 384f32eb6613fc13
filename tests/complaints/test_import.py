"""`carteira import complaints FILE`: another system's history, pt-BR headers and
severities, dates with or without a time; all or nothing."""

import datetime as dt

import pytest

from carteira.complaints.models import Complaint
from carteira.complaints.services import do_step
from tests.complaints.conftest import SP
from tests.imports.conftest import run_import

GOOD = """cliente;abertura;categoria;severidade;descricao;encerramento;primeira_resposta
A1;30/10/2026 16:00;Atraso na entrega;alta;Chegou atrasado;03/11/2026 13:00;03/11/2026 09:00
A2;2026-11-04;produto avariado;Média;Caixa amassada;;
B1;05/11/2026 10:30;Atendimento;low;;;05/11/2026 11:00
"""


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def write(tmp_path, text: str):
    path = tmp_path / "reclamacoes.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_history_is_imported_with_times_statuses_and_sla_clocks(
    portfolio, tmp_path, settings_media
):
    result = run_import("complaints", write(tmp_path, GOOD))
    assert result.error is None, result.out + result.err
    rows = {c.client.external_id: c for c in Complaint.objects.select_related("client")}
    a1, a2, b1 = rows["A1"], rows["A2"], rows["B1"]
    assert (a1.status, a1.severity, a1.opened_at, a1.acknowledged_at, a1.closed_on) == (
        "resolved", "high", dt.datetime(2026, 10, 30, 16, tzinfo=SP),
        dt.datetime(2026, 11, 3, 9, tzinfo=SP), dt.date(2026, 11, 3)
    )  # fmt: skip
    assert a1.resolution_due == dt.datetime(2026, 11, 4, 12, tzinfo=SP)
    assert (a2.category, a2.severity, a2.status, a2.opened_at) == (
        "Produto avariado", "medium", "open", dt.datetime(2026, 11, 4, tzinfo=SP)
    )  # fmt: skip
    assert (b1.severity, b1.status, b1.channel) == ("low", "acknowledged", "import")


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(portfolio, tmp_path, settings_media):
    path = write(tmp_path, GOOD)
    run_import("complaints", path)
    result = run_import("complaints", path)
    assert result.error is None
    assert Complaint.objects.count() == 3


@pytest.mark.django_db
def test_one_bad_row_and_nothing_is_written_each_problem_named(portfolio, tmp_path, settings_media):
    bad = GOOD + (
        "X9;01/11/2026;Atendimento;alta;;;\n"
        "A1;01/11/2026;Sem categoria;alta;;;\n"
        "A2;01/11/2026;Atendimento;urgente;;;\n"
        "A2;10/11/2026 10:00;Atendimento;alta;;09/11/2026;\n"
    )
    result = run_import("complaints", write(tmp_path, bad))
    assert result.error is not None
    assert Complaint.objects.count() == 0
    text = result.out + result.err
    assert "'urgente' is not a severity (low, medium, high or baixa, média, alta)." in text
    assert "is before the complaint was opened (10/11/2026 10:00)." in text
    assert "Client 'X9' does not exist" in text
    assert "Unknown complaint category “Sem categoria”" in text


@pytest.mark.django_db
def test_the_same_complaint_twice_in_one_file_is_a_named_bad_row(
    portfolio, tmp_path, settings_media
):
    twice = GOOD + "A1;30/10/2026 16:00;atraso na entrega;alta;Outra vez;;\n"
    result = run_import("complaints", write(tmp_path, twice))
    assert result.error is not None
    assert Complaint.objects.count() == 0
    assert (
        "line 5, client A1, column 'categoria', value 'A1 / 2026-10-30 16:00:00 / atraso na "
        "entrega': The same client_external_id + opened_at + category 'A1 / 2026-10-30 "
        "16:00:00 / atraso na entrega' is also on line 2."
    ) in result.out + result.err


@pytest.mark.django_db
def test_a_newer_file_never_undoes_the_steps_taken_in_carteira(
    portfolio, tmp_path, settings_media, seller_ana
):
    run_import("complaints", write(tmp_path, GOOD))
    a2 = Complaint.objects.get(client=portfolio["A2"])
    a2 = do_step(a2, "acknowledge", by=seller_ana.user, apology="Desculpe.", promise="Amanhã.")
    a2 = do_step(a2, "investigate", by=seller_ana.user, investigation="Palete tombou.")
    newer = GOOD.replace("Caixa amassada", "Caixa amassada e molhada")
    result = run_import("complaints", write(tmp_path, newer))
    assert result.error is None, result.out + result.err
    a2.refresh_from_db()
    assert (a2.description, a2.status, a2.closed_on) == (
        "Caixa amassada e molhada", "investigating", None
    )  # fmt: skip
    assert a2.acknowledged_at is not None
