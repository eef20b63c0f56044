"""Who may see which report: the one door for funder and coordinator scopes.

* A funder sees aggregates only for the territories (and everything inside them) and the period
  of its own funding agreements, and only for the organisations each agreement funds.
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


def agreement_territories(agreement: FundingAgreement, tree: TerritoryTree) -> list[Territory]:
    """The agreement's territories and their direct children: what a funder can pick."""
    roots = list(agreement.territories.all())
    ids = {t.id for t in roots}
    for root in roots:
        ids.update(tree.children.get(root.id, ()))
    return list(Territory.objects.filter(id__in=ids).order_by("level", "name"))


def funder_scope(
    user, *, agreement_id: int, territory_id: int, period: Period, tree: TerritoryTree
) -> tuple[ReportScope, FundingAgreement]:
    """The scope of a funder's report; the period is cut to the agreement's dates."""
    agreement = agreement_for(user, agreement_id)
    roots = [t.id for t in agreement.territories.all()]
    if territory_id not in tree.nodes or not any(tree.is_within(territory_id, r) for r in roots):
        raise OutOfScope("Territory outside the agreement.")
    clamped = period.clamp(agreement.starts_on, agreement.ends_on)
    if clamped is None:
        raise OutOfScope("Period outside the agreement.")
    funded = frozenset(agreement.funded.values_list("id", flat=True))
    return ReportScope(funded, territory_id, clamped), agreement


def funder_previous(agreement: FundingAgreement, period: Period) -> Period | None:
    """The previous period, when the agreement covered it too (else no comparison)."""
    return period.previous().clamp(agreement.starts_on, agreement.ends_on)


def coordinator_scope(user, *, territory_id: int | None, period: Period, tree: TerritoryTree) -> ReportScope:
    if not access.is_planning_coordinator(user):
        raise OutOfScope("Coordinators only.")
    if territory_id is None:
        territory_id = Territory.objects.get(level=TerritoryLevel.NATIONAL).id
    if territory_id not in tree.nodes:
        raise OutOfScope("Unknown territory.")
    return ReportScope(frozenset({user.organisation_id}), territory_id, period)
