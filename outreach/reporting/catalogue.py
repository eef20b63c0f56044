"""The fixed catalogue of funder publications (docs/adr/016-joint-disclosure-control.md).

A funder can only ever see these tables, so they can be protected together, once:

* periods: the whole calendar months, quarters and years inside the agreement that have ended,
  and the agreement's own period (its whole months) once it has ended. No weeks, no free ranges;
* territories: the agreement's territories and those of their children where a funded team works;
* in each table, a fixed set of figures (`measures.Vocabulary`), a row per child territory where a
  funded team works plus one pooled row for the rest (the same rows whatever the activity), and,
  for periods longer than a month, a row per month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from outreach.models import FundingAgreement, Team
from outreach.reporting.periods import Period, period_containing
from outreach.reporting.territories import TerritoryTree


def universe_key(organisation_ids) -> str:
    """Figures of the same organisations mean the same thing whichever agreement shows them."""
    return "orgs:" + ",".join(str(i) for i in sorted(organisation_ids))


@dataclass
class Catalogue:
    agreement_id: int
    organisation_ids: frozenset[int]
    roots: list[int]
    periods: list[Period]
    # table territory -> its listed child rows; children not listed are pooled
    rows: dict[int, list[int]] = field(default_factory=dict)
    pooled: dict[int, list[int]] = field(default_factory=dict)
    # The agreement's whole period (its whole months), once it has ended; may be a calendar year.
    whole: Period | None = None

    @property
    def key(self) -> str:
        return universe_key(self.organisation_ids)

    @property
    def territories(self) -> list[int]:
        return list(self.rows)

    @property
    def months(self) -> list[Period]:
        return [p for p in self.periods if p.kind == "month"]

    def find_period(self, kind: str, day: dt.date | None) -> Period | None:
        """The catalogue period of this kind holding `day` (the latest one without a day)."""
        if kind == "agreement":
            return self.whole
        candidates = [p for p in self.periods if p.kind == kind]
        if day is not None:
            candidates = [p for p in candidates if p.start <= day <= p.end]
        return candidates[-1] if candidates else None

    def previous(self, period: Period) -> Period | None:
        """The catalogue period of the same kind just before, if any (for comparisons)."""
        earlier = [p for p in self.periods if p.kind == period.kind and p.end < period.start]
        return earlier[-1] if earlier else None


def _whole_months(start: dt.date, end: dt.date, today: dt.date) -> list[Period]:
    months, cursor = [], period_containing("month", start)
    if cursor.start < start:
        cursor = period_containing("month", cursor.end + dt.timedelta(days=1))
    while cursor.end <= end and cursor.end < today:
        months.append(cursor)
        cursor = period_containing("month", cursor.end + dt.timedelta(days=1))
    return months


def catalogue_periods(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> list[Period]:
    months = _whole_months(starts_on, ends_on, today)
    periods = list(months)
    if not months:
        return periods
    first, last = months[0].start, months[-1].end
    for kind in ("quarter", "year"):
        seen = []
        for month in months:
            candidate = period_containing(kind, month.start)
            if candidate.start >= first and candidate.end <= last and candidate not in seen:
                seen.append(candidate)
        periods += seen
    if ends_on < today and len(months) > 1:
        whole = Period("agreement", first, last)
        if not any((p.start, p.end) == (first, last) for p in periods):
            periods.append(whole)
    return periods


def whole_period(periods: list[Period], ends_on: dt.date, today: dt.date) -> Period | None:
    months = [p for p in periods if p.kind == "month"]
    if ends_on >= today or not months:
        return None
    span = (months[0].start, months[-1].end)
    return next((p for p in periods if (p.start, p.end) == span), None)


def covered_territories(organisation_ids, tree: TerritoryTree) -> set[int]:
    """Every territory where a funded team works, and all their ancestors (organisational facts)."""
    direct = Team.objects.filter(organisation_id__in=organisation_ids).values_list("territories", flat=True)
    return {ancestor for t in direct if t is not None for ancestor in tree.chain(t)}


def build_catalogue(agreement: FundingAgreement, *, tree: TerritoryTree, today: dt.date) -> Catalogue:
    organisation_ids = frozenset(agreement.funded.values_list("id", flat=True))
    roots = sorted(t.id for t in agreement.territories.all())
    covered = covered_territories(organisation_ids, tree)
    catalogue = Catalogue(
        agreement.pk,
        organisation_ids,
        roots,
        catalogue_periods(agreement.starts_on, agreement.ends_on, today),
    )
    catalogue.whole = whole_period(catalogue.periods, agreement.ends_on, today)
    for territory in roots:
        children = sorted(tree.children.get(territory, ()), key=lambda c: tree.nodes[c].label)
        catalogue.rows[territory] = [c for c in children if c in covered]
        catalogue.pooled[territory] = [c for c in children if c not in covered]
    return catalogue
