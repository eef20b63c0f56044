import datetime as dt

import pytest

from outreach.timebands import PARIS, HourBand, hour_band, service_date, week_start


@pytest.mark.parametrize(
    ("local_time", "boundary", "expected"),
    [
        (dt.datetime(2026, 3, 14, 2, 30), 12, dt.date(2026, 3, 13)),  # the night belongs to its evening
        (dt.datetime(2026, 3, 13, 21, 0), 12, dt.date(2026, 3, 13)),
        (dt.datetime(2026, 3, 14, 11, 59), 12, dt.date(2026, 3, 13)),
        (dt.datetime(2026, 3, 14, 12, 0), 12, dt.date(2026, 3, 14)),
        (dt.datetime(2026, 3, 14, 5, 0), 6, dt.date(2026, 3, 13)),
        (dt.datetime(2026, 3, 14, 7, 0), 6, dt.date(2026, 3, 14)),
        (dt.datetime(2026, 3, 14, 0, 0), 0, dt.date(2026, 3, 14)),
    ],
)
def test_service_date_follows_the_team_day_boundary(local_time, boundary, expected):
    assert service_date(local_time.replace(tzinfo=PARIS), boundary) == expected


def test_service_date_uses_paris_time_not_utc():
    # 23:30 UTC on 14 March is 00:30 in Paris on the 15th: still the evening of the 14th.
    moment = dt.datetime(2026, 3, 14, 23, 30, tzinfo=dt.UTC)
    assert service_date(moment) == dt.date(2026, 3, 14)
    assert hour_band(moment) == HourBand.NIGHT


def test_every_hour_has_exactly_one_band():
    bands = [hour_band(dt.datetime(2026, 1, 1, h, tzinfo=PARIS)) for h in range(24)]
    assert (
        bands[21] == HourBand.LATE_EVENING
        and bands[3] == HourBand.LATE_NIGHT
        and bands[9] == HourBand.MORNING
    )
    assert set(bands) == set(HourBand)


def test_week_start_is_monday():
    assert week_start(dt.date(2026, 11, 22)) == dt.date(2026, 11, 16)
    assert week_start(dt.date(2026, 11, 23)) == dt.date(2026, 11, 23)
