"""Who may see which report: the one door for funder and coordinator scopes.

* A funder reaches only its own funding agreements (`agreement_for`); inside one, only the tables
  of the agreement's fixed catalogue (`catalogue.py`, served by `publication.funder_table`).
* A coordinator sees their own organisation, anywhere, any period.
"""

from __future__ import annotations

from django.db.models import QuerySet

from outreach import access
from outreach.choices import Role, TerritoryLevel
from outreach.models import FundingAgreement, Territory
from outreach.reporting.aggregate import ReportScope
from outreach.reporting.periods import Period
from outreach.reporting.territories import TerritoryTree


class OutOfScope(Exception):
    """The user may not see this report (treat as 404: do not confirm what exists)."""


def agreements_for(user) -> QuerySet[FundingAgreement]:
    """The funding agreements a funder user may report on (none for anyone else)."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.FUNDER or not user.organisation_id:
        return FundingAgreement.objects.none()
    return FundingAgreement.objects.filter(funder_id=user.organisation_id).prefetch_related(
        "territories", "funded"
    )


def agreement_for(user, agreement_id: int) -> FundingAgreement:
    try:
        return agreements_for(user).get(pk=agreement_id)
    except (FundingAgreement.DoesNotExist, ValueError, TypeError) as exc:
        raise OutOfScope("No such agreement for this funder.") from exc


def coordinator_scope(user, *, territory_id: int | None, period: Period, tree: TerritoryTree) -> ReportScope:
    if not access.is_planning_coordinator(user):
        raise OutOfScope("Coordinators only.")
    if territory_id is None:
        territory_id = Territory.objects.get(level=TerritoryLevel.NATIONAL).id
    if territory_id not in tree.nodes:
        raise OutOfScope("Unknown territory.")
    return ReportScope(frozenset({user.organisation_id}), territory_id, period)
