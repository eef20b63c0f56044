"""Time rules shared by the field, the reports and the disclosure control.

* The night belongs to its evening: an event counts for the date its night began, given the
  team's day boundary (noon by default, so 02:00 on the 24th belongs to the 23rd).
* Times leave the team only as hour bands and weeks.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

PARIS = ZoneInfo("Europe/Paris")


class HourBand(models.TextChoices):
    MORNING = "06_12", _("06:00–12:00")
    AFTERNOON = "12_18", _("12:00–18:00")
    EVENING = "18_21", _("18:00–21:00")
    LATE_EVENING = "21_24", _("21:00–00:00")
    NIGHT = "00_03", _("00:00–03:00")
    LATE_NIGHT = "03_06", _("03:00–06:00")


_BAND_BY_HOUR = {}
for _band in HourBand:
    _start, _end = (int(part) for part in _band.value.split("_"))
    for _hour in range(_start, _end if _end else 24):
        _BAND_BY_HOUR[_hour] = _band


def local(moment: dt.datetime) -> dt.datetime:
    """The moment in Paris time (storage is UTC; territories with another zone are a known gap)."""
    return moment.astimezone(PARIS)


def hour_band(moment: dt.datetime) -> HourBand:
    return _BAND_BY_HOUR[local(moment).hour]


def service_date(moment: dt.datetime, day_boundary_hour: int = 12) -> dt.date:
    """The date of the evening an event belongs to: before the boundary hour, the day before."""
    here = local(moment)
    if here.hour < day_boundary_hour:
        return here.date() - dt.timedelta(days=1)
    return here.date()


def week_start(day: dt.date) -> dt.date:
    """Monday of the ISO week holding `day`."""
    return day - dt.timedelta(days=day.weekday())
