import datetime as dt
import zoneinfo

import pytest

from carteira.complaints.services import do_load_default_categories
from tests.plans.story import smtp  # noqa: F401

SP = zoneinfo.ZoneInfo("America/Sao_Paulo")
# Friday 30 October 2026, 16:00 in São Paulo; Monday 2 November is a national holiday.
FRIDAY_4PM = dt.datetime(2026, 10, 30, 16, 0, tzinfo=SP)


@pytest.fixture(autouse=True)
def _categories(request):
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        do_load_default_categories()


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SP)
