import datetime as dt

import pytest

from carteira.territory.buckets import bucket_date_range, contact_bucket

TODAY = dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(0, "0_30"), (30, "0_30"), (31, "31_60"), (60, "31_60"), (61, "61_90"), (90, "61_90"),
     (91, "90_plus"), (4000, "90_plus"), (None, "never")],
)  # fmt: skip
def test_days_since_the_last_successful_contact_fall_in_one_bucket(days, bucket):
    assert contact_bucket(days) == bucket


def test_each_bucket_covers_a_contiguous_range_of_last_contact_dates():
    assert bucket_date_range("0_30", TODAY) == (dt.date(2026, 5, 31), TODAY)
    assert bucket_date_range("31_60", TODAY) == (dt.date(2026, 5, 1), dt.date(2026, 5, 30))
    assert bucket_date_range("61_90", TODAY) == (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert bucket_date_range("90_plus", TODAY) == (None, dt.date(2026, 3, 31))
