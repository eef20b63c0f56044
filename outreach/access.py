"""Who may see or write what: the one door every scoped query goes through.

Workers act for their team; coordinators for every team of their organisation; administrators
see everything but are not field users. Funders never see rows (they read aggregates elsewhere).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from outreach.choices import Role
from outreach.models import (
    Contact,
    Device,
    Hotspot,
    OutreachSession,
    PartnerService,
    Team,
    Territory,
    User,
)


def teams_of(user: User) -> QuerySet[Team]:
    """The teams a user acts for."""
    if user.role == Role.WORKER and user.team_id:
        return Team.objects.filter(pk=user.team_id)
    if user.role == Role.COORDINATOR and user.organisation_id:
        return Team.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.ADMIN or user.is_superuser:
        return Team.objects.all()
    return Team.objects.none()


def team_ids_of(user: User) -> list[int]:
    return list(teams_of(user).values_list("pk", flat=True))


def sessions_writable_by(user: User) -> QuerySet[OutreachSession]:
    """Sessions a field user may start, debrief, end and record contacts in: their teams' only."""
    if user.role not in (Role.WORKER, Role.COORDINATOR):
        return OutreachSession.objects.none()
    return OutreachSession.objects.filter(team__in=teams_of(user))


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    """Contact rows a user may read: their teams' (funders and others: none)."""
    if user.role == Role.ADMIN or user.is_superuser:
        return Contact.objects.all()
    if user.role not in (Role.WORKER, Role.COORDINATOR):
        return Contact.objects.none()
    return Contact.objects.filter(team__in=teams_of(user))


def hotspots_usable_by(user: User) -> QuerySet[Hotspot]:
    """Active hotspots of the user's organisation."""
    if not user.organisation_id:
        return Hotspot.objects.none()
    return Hotspot.objects.filter(organisation_id=user.organisation_id, is_active=True)


def territory_ids_covered(team_ids: list[int]) -> set[int]:
    """The teams' territories and everything under them (sectors, communes): at most 4 queries."""
    frontier = set(
        Team.territories.through.objects.filter(team_id__in=team_ids).values_list("territory_id", flat=True)
    )
    covered = set(frontier)
    while frontier:
        frontier = (
            set(Territory.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - covered
        )
        covered |= frontier
    return covered


def territory_ids_around(team_ids: list[int]) -> set[int]:
    """Covered territories plus their ancestors: where a partner service can serve the teams."""
    covered = territory_ids_covered(team_ids)
    frontier = set(
        Territory.objects.filter(pk__in=covered, parent__isnull=False).values_list("parent_id", flat=True)
    )
    result = set(covered)
    while frontier - result:
        frontier -= result
        result |= frontier
        frontier = set(
            Territory.objects.filter(pk__in=frontier, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
    return result


def partners_for(user: User, *, territory_ids: set[int] | None = None) -> QuerySet[PartnerService]:
    """Active partner services of the user's organisation or national ones, in the teams' territories."""
    if territory_ids is None:
        territory_ids = territory_ids_around(team_ids_of(user))
    return PartnerService.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id=user.organisation_id),
        is_active=True,
        territory_id__in=territory_ids,
    )


def devices_manageable_by(user: User) -> QuerySet[Device]:
    """Devices a user may list and revoke: a coordinator's organisation's, everything for admins."""
    qs = Device.objects.select_related("owner", "owner__team")
    if user.role == Role.ADMIN or user.is_superuser:
        return qs
    if user.role == Role.COORDINATOR and user.organisation_id:
        return qs.filter(owner__organisation_id=user.organisation_id)
    return qs.none()
