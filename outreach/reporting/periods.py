"""Reporting periods: calendar weeks, months, quarters, years, and custom ranges snapped to weeks.

Reports never go finer than a week: a custom range is widened to whole ISO weeks (Monday to
Sunday) so two ranges a day apart cannot be subtracted to reveal one night.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from outreach.timebands import week_start

PERIOD_KINDS = {
    "week": _("Week"),
    "month": _("Month"),
    "quarter": _("Quarter"),
    "year": _("Year"),
    "custom": _("Custom range (whole weeks)"),
}
# What a funder can ask for: calendar units and the agreement's period, never weeks or free
# ranges (docs/adr/016-joint-disclosure-control.md).
FUNDER_PERIOD_KINDS = {
    "month": _("Month"),
    "quarter": _("Quarter"),
    "year": _("Year"),
    "agreement": _("The agreement's whole period"),
}


@dataclass(frozen=True)
class Period:
    """An inclusive range of service dates, with the kind that produced it."""

    kind: str
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%m/%Y}"
        if self.kind == "quarter":
            return f"T{(self.start.month - 1) // 3 + 1} {self.start.year}"
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "week":
            iso = self.start.isocalendar()
            return f"S{iso.week:02d} {iso.year}"
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def series_step(self) -> str:
        """The bucket of the period's time series: weeks up to a quarter, months beyond."""
        return "week" if self.days <= 92 else "month"

    def previous(self) -> Period:
        """The period of the same kind just before (same length for custom ranges)."""
        if self.kind == "custom":
            return Period(
                "custom", self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1)
            )
        return period_containing(self.kind, self.start - dt.timedelta(days=1))

    def clamp(self, start: dt.date, end: dt.date) -> Period | None:
        """The part of this period inside [start, end], or None when they do not meet."""
        lo, hi = max(self.start, start), min(self.end, end)
        if hi < lo:
            return None
        return Period(self.kind if (lo, hi) == (self.start, self.end) else "custom", lo, hi)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_containing(kind: str, day: dt.date) -> Period:
    """The calendar week, month, quarter or year holding `day`."""
    if kind == "week":
        start = week_start(day)
        return Period("week", start, start + dt.timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
    elif kind == "quarter":
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    elif kind == "year":
        start = dt.date(day.year, 1, 1)
    else:
        raise ValueError(f"Unknown period kind {kind!r}")
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    return Period(kind, start, _add_months(start, months) - dt.timedelta(days=1))


def custom_period(start: dt.date, end: dt.date) -> Period:
    """A custom range widened to whole ISO weeks."""
    if end < start:
        start, end = end, start
    first = week_start(start)
    last = week_start(end) + dt.timedelta(days=6)
    return Period("custom", first, last)


def last_complete(kind: str, today: dt.date) -> Period:
    """The last calendar period of this kind that has fully ended before `today`."""
    return period_containing(kind, period_containing(kind, today).start - dt.timedelta(days=1))


def series_buckets(period: Period) -> list[Period]:
    """The weeks (or months) of the period's time series, clipped to the period."""
    step = period.series_step()
    buckets, cursor = [], period.start
    while cursor <= period.end:
        bucket = period_containing(step, cursor)
        buckets.append(Period(step, max(bucket.start, period.start), min(bucket.end, period.end)))
        cursor = bucket.end + dt.timedelta(days=1)
    return buckets


def bucket_start(step: str, day: dt.date) -> dt.date:
    return period_containing(step, day).start
