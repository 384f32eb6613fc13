"""The goals grid as a spreadsheet: cells pasted from Excel (pt-BR numbers) are checked one
by one and a grid with a bad cell saves nothing; the company row says it is the company;
last month's goals are copied in one audited write that never overwrites unasked."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from carteira.audit.models import AuditEvent
from carteira.goals import services
from carteira.goals.models import Goal
from carteira.goals.periods import parse_period
from carteira_core.ingest.problems import ValueProblem

ON_12_NOV = dt.datetime(2026, 11, 12, 15, tzinfo=dt.UTC)
OCT = {"period_start": dt.date(2026, 10, 1), "period_end": dt.date(2026, 10, 31)}
NOV = {"period_start": dt.date(2026, 11, 1), "period_end": dt.date(2026, 11, 30)}


@pytest.fixture(autouse=True)
def _on_12_november():
    with time_machine.travel(ON_12_NOV, tick=False):
        yield


class TestACellAsTyped:
    @pytest.mark.parametrize(
        ("indicator", "raw", "expected"),
        [
            ("revenue", "1.234,56", Decimal("1234.56")),
            ("revenue", "R$ 1.234,56", Decimal("1234.56")),
            ("revenue", "1.234", Decimal("1234")),  # Excel's pt-BR thousands, not 1,234
            ("revenue", "1.234.567", Decimal("1234567")),
            ("revenue", " 250\u00a0", Decimal("250")),
            ("positivation", "70%", Decimal("70")),
            ("positivation", "12,5", Decimal("12.5")),
            ("new_clients", "", None),
        ],
    )
    def test_pt_br_numbers_are_read_as_a_person_wrote_them(self, indicator, raw, expected):
        assert services.check_cell(indicator, raw) == expected

    def test_in_english_a_comma_groups_thousands(self):
        assert services.check_cell("revenue", "1,234.56", decimal_comma=False) == Decimal("1234.56")

    @pytest.mark.parametrize(
        ("indicator", "raw", "code"),
        [
            ("revenue", "abc", "invalid_number"),
            ("revenue", "-5", "negative"),
            ("coverage", "150", "over_100"),
            ("revenue", "70%", "invalid_number"),  # a % is a rate's, not money's
        ],
    )
    def test_a_bad_cell_is_refused_with_its_reason(self, indicator, raw, code):
        with pytest.raises(ValueProblem) as refused:
            services.check_cell(indicator, raw)
        assert refused.value.code == code


@pytest.mark.django_db
class TestTheGridPage:
    def test_the_company_row_is_labelled_as_the_whole_company(self, client, director):
        client.force_login(director)
        page = client.get("/goals/?period=2026-11").text
        assert '<tr class="company-row">' in page
        assert "Empresa inteira" in page and "a empresa toda" in page

    def test_a_pasted_grid_with_one_bad_cell_saves_nothing_and_comes_back_as_typed(
        self, client, director, seller_ana, seller_bruno, team_sul
    ):
        client.force_login(director)
        posted = {
            f"seller:{seller_ana.pk}:revenue": "120.000,00",
            f"seller:{seller_ana.pk}:positivation": "70%",
            f"seller:{seller_bruno.pk}:revenue": "doze mil",
            f"team:{team_sul.pk}:coverage": "120",
        }
        response = client.post("/goals/?period=2026-11", posted)
        assert response.status_code == 200
        assert Goal.objects.count() == 0
        assert AuditEvent.objects.filter(action="goals.saved").count() == 0
        page = response.text
        assert "Nada foi salvo: 2 células não são válidas." in page
        assert "Bruno Lima — Faturamento: &#x27;doze mil&#x27; não é um número" in page
        assert "Equipe Sul — Cobertura de carteira: &#x27;120&#x27; é uma taxa em %" in page
        assert 'value="120.000,00"' in page and 'value="70%"' in page  # nothing lost
        assert page.count('aria-invalid="true"') == 2

    def test_a_pasted_grid_of_good_cells_is_saved_whole(
        self, client, director, seller_ana, seller_bruno
    ):
        client.force_login(director)
        response = client.post("/goals/?period=2026-11", {
            f"seller:{seller_ana.pk}:revenue": "120.000,00",
            f"seller:{seller_ana.pk}:positivation": "70%",
            f"seller:{seller_bruno.pk}:revenue": "1.500",
            "company::churn_rate": "4,5",
        })  # fmt: skip
        assert response.status_code == 302
        goals = {(g.indicator, g.seller_id): g.target for g in Goal.objects.all()}
        assert goals == {
            ("revenue", seller_ana.pk): Decimal("120000.0000"),
            ("positivation", seller_ana.pk): Decimal("0.7000"),
            ("revenue", seller_bruno.pk): Decimal("1500.0000"),
            ("churn_rate", None): Decimal("0.0450"),
        }
        page = client.get("/goals/?period=2026-11").text
        assert 'name="company::churn_rate" id="cell-companychurn_rate" value="4,5"' in page


@pytest.mark.django_db
class TestCopyingLastMonthsGoals:
    def test_the_goals_of_october_are_copied_into_an_empty_november_in_one_audited_write(
        self, client, director, seller_ana, team_sul
    ):
        Goal.objects.create(indicator="revenue", seller=seller_ana, target=Decimal("1000"), **OCT)
        Goal.objects.create(indicator="positivation", team=team_sul, target=Decimal("0.2"), **OCT)
        client.force_login(director)
        response = client.post("/goals/copy/", {"period": "2026-11"})
        assert response.status_code == 302
        assert response["Location"] == "/goals/?period=2026-11"
        november = {(g.indicator, g.seller_id, g.team_id): g.target
                    for g in Goal.objects.filter(**NOV)}  # fmt: skip
        assert november == {
            ("revenue", seller_ana.pk, None): Decimal("1000.0000"),
            ("positivation", None, team_sul.pk): Decimal("0.2000"),
        }
        assert Goal.objects.filter(**OCT).count() == 2  # October untouched
        events = AuditEvent.objects.filter(action="goals.copied")
        assert events.count() == 1
        assert events.get().details == {"source": "2026-10", "period": "2026-11", "goals": 2,
                                         "replaced": 0}  # fmt: skip

    def test_copying_over_goals_already_set_asks_first_and_changes_nothing(
        self, client, director, seller_ana, seller_bruno
    ):
        Goal.objects.create(indicator="revenue", seller=seller_ana, target=Decimal("1000"), **OCT)
        Goal.objects.create(indicator="revenue", seller=seller_bruno, target=Decimal("9"), **OCT)
        Goal.objects.create(indicator="revenue", seller=seller_ana, target=Decimal("5000"), **NOV)
        client.force_login(director)
        response = client.post("/goals/copy/", {"period": "2026-11"})
        assert response["Location"] == "/goals/?period=2026-11&confirm_copy=1"
        assert Goal.objects.filter(**NOV).count() == 1
        assert Goal.objects.get(**NOV).target == Decimal("5000")
        assert not AuditEvent.objects.filter(action="goals.copied").exists()
        page = client.get(response["Location"]).text
        assert "Novembro 2026 já tem 1 meta onde Outubro 2026 tem uma." in page

        response = client.post("/goals/copy/", {"period": "2026-11", "replace": "1"})
        assert response.status_code == 302
        november = {g.seller_id: g.target for g in Goal.objects.filter(**NOV)}
        assert november == {seller_ana.pk: Decimal("1000.0000"), seller_bruno.pk: Decimal("9")}
        assert AuditEvent.objects.get(action="goals.copied").details["replaced"] == 1

    def test_a_manager_copies_only_the_goals_of_their_own_sellers(
        self, client, manager_sul, seller_ana, seller_carla
    ):
        Goal.objects.create(indicator="revenue", seller=seller_ana, target=Decimal("1000"), **OCT)
        Goal.objects.create(indicator="revenue", seller=seller_carla, target=Decimal("7"), **OCT)
        Goal.objects.create(indicator="coverage", target=Decimal("0.5"), **OCT)  # company
        client.force_login(manager_sul)
        client.post("/goals/copy/", {"period": "2026-11"})
        assert [g.seller_id for g in Goal.objects.filter(**NOV)] == [seller_ana.pk]

    def test_a_seller_cannot_copy_goals(self, client, seller_ana):
        Goal.objects.create(indicator="revenue", seller=seller_ana, target=Decimal("1000"), **OCT)
        client.force_login(seller_ana.user)
        assert client.post("/goals/copy/", {"period": "2026-11"}).status_code == 403
        assert not Goal.objects.filter(**NOV).exists()

    def test_the_service_refuses_to_overwrite_unless_told(self, director, seller_ana):
        Goal.objects.create(indicator="revenue", seller=seller_ana, target=Decimal("1"), **OCT)
        Goal.objects.create(indicator="revenue", seller=seller_ana, target=Decimal("2"), **NOV)
        october, november = parse_period("2026-10"), parse_period("2026-11")
        with pytest.raises(services.GoalsWouldBeReplaced) as refused:
            services.do_copy_goals(source=october, target=november, by=director)
        assert refused.value.count == 1
        assert Goal.objects.get(**NOV).target == Decimal("2")
