"""Read the roll-ups for one scope (organisations × territory × period) into plain counts.

Whole calendar months are read from the monthly roll-up, the days at either edge from the daily
one, so a yearly national report sums a few thousand rows whatever the number of contacts.
Nothing here applies disclosure control: `outreach.reporting.report` does, on these counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from outreach.db import reporting_read
from outreach.models import ActivityRollup, MonthlyPersonRollup, MonthlyRollup, PersonRollup
from outreach.reporting.periods import Period, bucket_start
from outreach.reporting.territories import TerritoryTree


@dataclass(frozen=True)
class ReportScope:
    """Whose activity, where and when. `organisation_ids` is never empty for a funder."""

    organisation_ids: frozenset[int]
    territory_id: int
    period: Period
    team_ids: frozenset[int] | None = None


@dataclass
class RawCounts:
    # (territory_id, kind, dimension, value) -> count
    cells: Counter = field(default_factory=Counter)
    # (bucket start, kind) -> contacts
    series: Counter = field(default_factory=Counter)
    # (team_id, kind) -> contacts
    teams: Counter = field(default_factory=Counter)
    persons: int = 0
    persons_met_again: int = 0


def _split(period: Period) -> tuple[list[dt.date], list[tuple[dt.date, dt.date]]]:
    """Whole months inside the period, and the leftover day ranges."""
    months, edges = [], []
    cursor = period.start
    while cursor <= period.end:
        next_month = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        month_end = next_month - dt.timedelta(days=1)
        if cursor.day == 1 and month_end <= period.end:
            months.append(cursor)
        else:
            edges.append((cursor, min(month_end, period.end)))
        cursor = next_month
    return months, edges


def _where(scope: ReportScope, tree: TerritoryTree) -> Q:
    where = Q(organisation_id__in=scope.organisation_ids)
    if scope.team_ids is not None:
        where &= Q(team_id__in=scope.team_ids)
    if not tree.is_national(scope.territory_id):
        where &= Q(territory_id__in=tree.subtree(scope.territory_id))
    return where


@reporting_read  # the roll-ups are read from the replica when one is configured (outreach/db.py)
def load_counts(scope: ReportScope, tree: TerritoryTree) -> RawCounts:
    """Every count a report needs for this scope, in at most eight queries."""
    raw = RawCounts()
    where = _where(scope, tree)
    months, edges = _split(scope.period)
    sources = []
    if months:
        sources.append((MonthlyRollup, MonthlyPersonRollup, Q(month__in=months), "month"))
    for start, end in edges:
        sources.append(
            (ActivityRollup, PersonRollup, Q(service_date__gte=start, service_date__lte=end), "service_date")
        )
    step = scope.period.series_step()
    if step == "week":
        # Weeks cut across months: read the week series from the daily roll-up.
        daily = ActivityRollup.objects.filter(
            where,
            dimension="contacts",
            service_date__gte=scope.period.start,
            service_date__lte=scope.period.end,
        )
        for row in daily.order_by().values("service_date", "kind").annotate(n=Sum("count")):
            raw.series[(bucket_start(step, row["service_date"]), row["kind"])] += row["n"]
    persons: Counter = Counter()
    for cell_model, person_model, when, date_field in sources:
        rows = cell_model.objects.filter(where & when).order_by()
        for row in rows.values("territory_id", "kind", "dimension", "value").annotate(n=Sum("count")):
            raw.cells[(row["territory_id"], row["kind"], row["dimension"], row["value"])] += row["n"]
        contacts = rows.filter(dimension="contacts")
        if step == "month":
            for row in contacts.values(date_field, "kind").annotate(n=Sum("count")):
                raw.series[(bucket_start(step, row[date_field]), row["kind"])] += row["n"]
        for row in contacts.values("team_id", "kind").annotate(n=Sum("count")):
            raw.teams[(row["team_id"], row["kind"])] += row["n"]
        coded = person_model.objects.filter(where & when).order_by().values("team_id", "person_code")
        coded = coded.annotate(n=Sum("contacts"))
        if len(sources) == 1:
            # One source: let the database count distinct persons and those met again.
            totals = coded.aggregate(persons=Count("team_id"), again=Count("team_id", filter=Q(n__gte=2)))
            raw.persons, raw.persons_met_again = totals["persons"], totals["again"]
            return raw
        for row in coded:
            persons[(row["team_id"], row["person_code"])] += row["n"]
    raw.persons = len(persons)
    raw.persons_met_again = sum(1 for n in persons.values() if n >= 2)
    return raw
