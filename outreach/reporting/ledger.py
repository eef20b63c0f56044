"""Read and write the release ledger (`outreach.models.releases`).

* `month_data`: the funded organisations' months, from the frozen snapshot when a month has
  already been published, else from today's roll-ups.
* `record_release`: freeze the months of a table and store the table, once.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Sum

from outreach.models import MonthlyPersonRollup, MonthlyRollup, ReleasedTable, ReleaseSnapshot
from outreach.reporting.periods import Period
from outreach.reporting.universe import MonthData, person_digest


class StalePlan(Exception):
    """The protection was planned on data that has been frozen differently since."""


def month_data(universe: str, organisation_ids, months: list[dt.date]) -> tuple[dict, set[dt.date]]:
    """{month start: MonthData} and the set of months read from a frozen snapshot."""
    out: dict[dt.date, MonthData] = {}
    frozen = set()
    for snapshot in ReleaseSnapshot.objects.filter(universe=universe, month__in=months):
        out[snapshot.month] = MonthData(
            [tuple(row) for row in snapshot.cells], [tuple(row) for row in snapshot.persons]
        )
        frozen.add(snapshot.month)
    live = [m for m in months if m not in out]
    for month in live:
        out[month] = MonthData([], [])
    if live:
        rows = MonthlyRollup.objects.filter(organisation_id__in=organisation_ids, month__in=live).order_by()
        for row in rows.values("month", "territory_id", "kind", "dimension", "value").annotate(
            n=Sum("count")
        ):
            out[row["month"]].cells.append(
                (row["territory_id"], row["kind"], row["dimension"], row["value"], row["n"])
            )
        people = MonthlyPersonRollup.objects.filter(organisation_id__in=organisation_ids, month__in=live)
        people = people.order_by().values("month", "territory_id", "team_id", "person_code")
        for row in people.annotate(n=Sum("contacts")):
            digest = person_digest(row["team_id"], row["person_code"])
            out[row["month"]].persons.append((row["territory_id"], digest, row["n"]))
    for data in out.values():
        data.cells.sort()
        data.persons.sort()
    return out, frozen


def released_tables(universe: str) -> list[ReleasedTable]:
    return list(ReleasedTable.objects.filter(universe=universe))


def find_release(universe: str, territory_id: int, period: Period) -> ReleasedTable | None:
    return ReleasedTable.objects.filter(
        universe=universe, territory_id=territory_id, period_start=period.start, period_end=period.end
    ).first()


def record_release(
    *,
    universe: str,
    territory_id: int,
    period: Period,
    values: dict[str, int],
    hidden: set[str],
    audit: dict,
    months: dict,
    agreement_id: int | None,
    planned_frozen: set[dt.date],
) -> ReleasedTable:
    """Freeze the table's months (those not frozen yet) and store the table; the first one wins."""
    inside = [m for m in months if period.start <= m <= period.end]
    try:
        with transaction.atomic():
            existing = set(
                ReleaseSnapshot.objects.filter(universe=universe, month__in=inside).values_list(
                    "month", flat=True
                )
            )
            if existing - planned_frozen:
                # Another release froze one of these months since the plan was made.
                raise StalePlan("A month was frozen meanwhile: plan again.")
            ReleaseSnapshot.objects.bulk_create(
                ReleaseSnapshot(
                    universe=universe,
                    month=month,
                    cells=[list(row) for row in months[month].cells],
                    persons=[list(row) for row in months[month].persons],
                )
                for month in inside
                if month not in existing
            )
            return ReleasedTable.objects.create(
                universe=universe,
                territory_id=territory_id,
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                values=values,
                hidden=sorted(hidden),
                audit=audit,
                agreement_id=agreement_id,
            )
    except IntegrityError:
        # Published at the same moment by another request: that release is the one.
        found = find_release(universe, territory_id, period)
        if found is None:
            raise
        return found
