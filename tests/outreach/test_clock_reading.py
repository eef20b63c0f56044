"""A phone's clock offset, measured and taken off in real elapsed time, across a DST change too."""

from __future__ import annotations

import datetime as dt

from outreach.services.sync_context import ClockReading
from outreach.timebands import PARIS

# 28 March 2027: clocks in Paris go from 02:00 to 03:00 (01:00 UTC).
SERVER_NOW = dt.datetime(2027, 3, 28, 0, 30, tzinfo=dt.UTC)  # 01:30 in Paris, before the change
PHONE_NOW = (SERVER_NOW + dt.timedelta(hours=3)).astimezone(PARIS)  # 05:30 in Paris, after it


def test_the_offset_is_real_elapsed_time_whatever_the_zones():
    assert ClockReading.measure(PHONE_NOW, SERVER_NOW).skew_seconds == 3 * 3600
    assert ClockReading.measure(PHONE_NOW, SERVER_NOW.astimezone(PARIS)).skew_seconds == 3 * 3600


def test_a_time_is_corrected_across_the_change_of_hour():
    clock = ClockReading.measure(PHONE_NOW, SERVER_NOW)
    occurred_on_phone = PHONE_NOW - dt.timedelta(minutes=5)  # 05:25 Paris: 00:25 UTC on the server
    corrected = clock.correct(occurred_on_phone)
    assert corrected == SERVER_NOW - dt.timedelta(minutes=5)
    assert corrected.tzinfo is PARIS and corrected.hour == 1 and corrected.minute == 25


def test_a_clock_close_enough_is_left_alone():
    clock = ClockReading.measure(SERVER_NOW + dt.timedelta(seconds=20), SERVER_NOW)
    assert clock.correct(PHONE_NOW) is PHONE_NOW
