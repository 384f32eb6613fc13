"""The SLA clock counts business hours (08:00–18:00) on working days only."""

import pytest

from carteira.agenda.models import CompanyDayOff
from carteira.complaints import sla
from tests.complaints.conftest import FRIDAY_4PM, at


@pytest.mark.django_db
def test_four_working_hours_from_friday_4pm_skip_the_weekend_and_the_finados_holiday():
    calendar = sla.company_calendar(FRIDAY_4PM.date())
    assert sla.add_working_hours(FRIDAY_4PM, 4, calendar) == at(3, 10)


@pytest.mark.django_db
def test_a_company_day_off_is_not_counted_either():
    CompanyDayOff.objects.create(date=at(3, 0).date(), name="Inventário")
    calendar = sla.company_calendar(FRIDAY_4PM.date())
    assert sla.add_working_hours(FRIDAY_4PM, 4, calendar) == at(4, 10)


@pytest.mark.django_db
def test_a_complaint_opened_at_night_counts_from_the_next_opening():
    calendar = sla.company_calendar(FRIDAY_4PM.date())
    assert sla.add_working_hours(at(3, 22), 3, calendar) == at(4, 11)


@pytest.mark.django_db
def test_working_hours_between_friday_4pm_and_wednesday_noon_are_sixteen():
    calendar = sla.company_calendar(FRIDAY_4PM.date())
    assert sla.working_hours_between(FRIDAY_4PM, at(4, 12), calendar) == 16.0


@pytest.mark.django_db
def test_a_category_without_targets_uses_the_default_hours_by_severity():
    assert sla.target_hours("Categoria sem metas", "high") == (4, 16)
    assert sla.target_hours("Atraso na entrega", "low") == (16, 80)
