"""The dashboard's and the review's credit figures are computed once per change of the
receivables (``credit.ledger``: the company's ledger in the shared figures cache) and
grouped for each reader's scope; an import, an API upsert or a single save shows at once."""

import datetime as dt
from decimal import Decimal

import pytest

import carteira.credit.ledger as ledger_module
from carteira.credit.panels import dashboard_panel, review_credit
from carteira.portfolio.models import SnapshotRun
from tests.credit.factories import aged_book, receivable
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db
BEFORE = dt.date(2026, 5, 31)


@pytest.fixture
def computed(monkeypatch):
    """How many times the company's ledger was computed from the instalments."""
    calls = []
    original = ledger_module.client_ledger

    def counted(*args, **kwargs):
        calls.append(args[1:3])
        return original(*args, **kwargs)

    monkeypatch.setattr(ledger_module, "client_ledger", counted)
    return calls


def panel(user):
    run = SnapshotRun.objects.latest("as_of")
    return dashboard_panel(user, {}, run, BEFORE)


def test_a_second_visit_and_another_reader_reuse_the_ledger(
    readings, director, manager_sul, computed
):
    aged_book(readings)
    first = panel(director)
    again = panel(director)
    scoped = panel(manager_sul)
    assert len(computed) == 1
    assert again["total"] == first["total"]
    assert first["total"].open == Decimal("1630.00")
    # The manager's share of the same ledger: only their team's clients.
    assert scoped["total"].open < first["total"].open
    assert {g.key for g in scoped["by_seller"]} < {g.key for g in first["by_seller"]}


def test_an_import_of_receivables_shows_on_the_next_visit(readings, director, computed, tmp_path):
    aged_book(readings)
    assert panel(director)["total"].open == Decimal("1630.00")
    path = tmp_path / "titulos.csv"
    path.write_text("nota;cliente;emissao;vencimento;valor\nNF90;A1;01/06/2026;10/06/2026;"
                    "400,00\n", encoding="utf-8")  # fmt: skip
    assert run_import("receivables", path).error is None
    after = panel(director)
    assert after["total"].open == Decimal("2030.00")
    assert after["total"].overdue == Decimal("1030.00")  # 630,00 before + 400,00 20 days late
    assert len(computed) == 2


def test_a_payment_saved_one_by_one_shows_on_the_next_visit(readings, director, computed):
    aged_book(readings)
    panel(director)
    late = receivable(readings["B1"], "NF91", dt.date(2026, 6, 1), "20.00")
    assert panel(director)["total"].open == Decimal("1650.00")
    late.paid_date = dt.date(2026, 6, 20)
    late.save()
    assert panel(director)["total"].open == Decimal("1630.00")
    late.delete()
    assert panel(director)["total"].open == Decimal("1630.00")
    assert len(computed) == 4


def test_the_review_reads_the_same_ledger(readings, director, computed):
    aged_book(readings)
    section = review_credit(director, as_of=dt.date(2026, 6, 30), before=BEFORE)
    assert section["total"].open == Decimal("1630.00")
    assert {g.key for g in section["by_seller"]} == {"V001", "V002", "V003"}
    review_credit(director, as_of=dt.date(2026, 6, 30), before=BEFORE)
    assert len(computed) == 1


def test_the_dashboards_warm_up_computes_the_ledger_the_first_visit_reads(
    readings, director, computed
):
    from carteira.portfolio.figures import do_warm_dashboards
    from carteira.portfolio.kpis import requested_period
    from carteira.portfolio.selectors import latest_official_run

    aged_book(readings)
    run = latest_official_run()
    do_warm_dashboards(run)
    assert len(computed) == 1
    default_eve = requested_period(run, None).start - dt.timedelta(days=1)
    assert dashboard_panel(director, {}, run, default_eve)["total"].open == Decimal("1630.00")
    assert len(computed) == 1  # the first visit read the warmed ledger


def test_a_receivables_import_warms_the_credit_figures_without_a_new_reading(
    readings, director, computed
):
    from carteira.imports.models import ImportRun
    from carteira.imports.reading import Reading, needs_reading, read_portfolio_after_import

    aged_book(readings)
    runs = SnapshotRun.objects.count()
    run = ImportRun.objects.create(kind="receivables", file_name="t.csv", sha256="0", created=1,
                                   status="committed", reading_status=Reading.QUEUED)  # fmt: skip
    assert needs_reading(run)
    assert read_portfolio_after_import.call(run.pk) == Reading.DONE
    assert SnapshotRun.objects.count() == runs  # no new reading of the portfolio
    assert len(computed) == 1


def test_the_reviews_credit_section_is_kept_per_scope_until_a_new_reading(
    readings, director, analyst, manager_sul, monkeypatch
):
    from carteira.credit import panels
    from carteira.portfolio.services import do_snapshot

    aged_book(readings)
    grouped = []
    real = panels.credit_summary
    monkeypatch.setattr(panels, "credit_summary",
                        lambda *a, **k: (grouped.append(a), real(*a, **k))[1])  # fmt: skip
    june = dt.date(2026, 6, 30)
    first = review_credit(director, as_of=june, before=BEFORE)
    assert review_credit(analyst, as_of=june, before=BEFORE) == first  # the same scope: kept
    assert len(grouped) == 1
    scoped = review_credit(manager_sul, as_of=june, before=BEFORE)  # a scope of its own
    assert len(grouped) == 2
    assert scoped["total"].open < first["total"].open
    do_snapshot(june, use_adbc=False)  # a new reading: the clients' groups read again
    assert review_credit(director, as_of=june, before=BEFORE)["total"] == first["total"]
    assert len(grouped) == 3
