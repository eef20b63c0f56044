"""One door for access: every planning object a request touches is fetched through these.

Scope (DOMAIN.md, privacy rule 2): a coordinator sees and changes their own organisation's teams,
sessions, hotspots, sectors and partner directory; a worker reads their team's plan and their
organisation's hotspots and directory; funders and everyone else get nothing here (funders
read aggregates through the reports, never rows). Querysets are returned so callers can filter
further and `get_object_or_404(queryset, pk=…)` turns "not yours" into "not found".
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from outreach.choices import Role
from outreach.models import (
    Contact,
    Hotspot,
    OutreachSession,
    PartnerService,
    Team,
    Territory,
    User,
)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_planning_coordinator(user) -> bool:
    """A coordinator attached to an organisation: the one who plans and edits."""
    return _active(user) and user.role == Role.COORDINATOR and user.organisation_id is not None


def can_read_plan(user) -> bool:
    """Coordinators and workers of a team may read the plan; funders and admins may not."""
    return is_planning_coordinator(user) or (
        _active(user) and user.role == Role.WORKER and user.team_id is not None
    )


def teams_managed_by(user) -> QuerySet[Team]:
    """Teams whose sessions, routes and assignments this user may change."""
    if not is_planning_coordinator(user):
        return Team.objects.none()
    return Team.objects.filter(organisation_id=user.organisation_id)


def teams_readable_by(user) -> QuerySet[Team]:
    """Teams whose plan this user may read: the organisation's (coordinator) or own (worker)."""
    if is_planning_coordinator(user):
        return teams_managed_by(user)
    if can_read_plan(user):
        return Team.objects.filter(pk=user.team_id)
    return Team.objects.none()


def sessions_visible_to(user) -> QuerySet[OutreachSession]:
    """Sessions of the teams this user may read."""
    return OutreachSession.objects.filter(team__in=teams_readable_by(user))


def sessions_manageable_by(user) -> QuerySet[OutreachSession]:
    """Sessions this user may edit, copy, cancel and route."""
    return OutreachSession.objects.filter(team__in=teams_managed_by(user))


def _organisation_id(user) -> int | None:
    return user.organisation_id if can_read_plan(user) else None


def hotspots_visible_to(user) -> QuerySet[Hotspot]:
    """Hotspots of the user's organisation (coordinators and workers)."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Hotspot.objects.none()
    return Hotspot.objects.filter(organisation_id=organisation_id)


def hotspots_manageable_by(user) -> QuerySet[Hotspot]:
    if not is_planning_coordinator(user):
        return Hotspot.objects.none()
    return Hotspot.objects.filter(organisation_id=user.organisation_id)


def partners_visible_to(user) -> QuerySet[PartnerService]:
    """The organisation's own directory plus services shared by everyone (national hotlines)."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return PartnerService.objects.none()
    return PartnerService.objects.filter(Q(organisation_id=organisation_id) | Q(organisation__isnull=True))


def partners_manageable_by(user) -> QuerySet[PartnerService]:
    """Only the organisation's own entries: shared ones are kept by the administrators."""
    if not is_planning_coordinator(user):
        return PartnerService.objects.none()
    return PartnerService.objects.filter(organisation_id=user.organisation_id)


def territories_plannable_by(user) -> QuerySet[Territory]:
    """Where a coordinator may place sessions, hotspots and services: the territories their
    teams cover, the organisation's own sectors, and the children of both."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Territory.objects.none()
    covered = Q(teams__organisation_id=organisation_id) | Q(organisation_id=organisation_id)
    below = Q(parent__teams__organisation_id=organisation_id) | Q(parent__organisation_id=organisation_id)
    ids = Territory.objects.filter(covered | below).values("pk")
    return Territory.objects.filter(pk__in=ids)


def workers_assignable_by(user) -> QuerySet[User]:
    """Active workers of the coordinator's teams: the people a session can be assigned to."""
    return User.objects.filter(
        is_active=True, role=Role.WORKER, team__in=teams_managed_by(user)
    ).select_related("team")


def activity_contacts_for(user) -> QuerySet[Contact]:
    """Contacts a coordinator reviews (their organisation's teams). Workers and funders: none."""
    return Contact.objects.filter(team__in=teams_managed_by(user))
