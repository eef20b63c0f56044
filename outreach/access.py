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
    CustomField,
    Device,
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


def custom_fields_manageable_by(user) -> QuerySet[CustomField]:
    """The organisation's own fields, which only its coordinators define and change."""
    if not is_planning_coordinator(user):
        return CustomField.objects.none()
    return CustomField.objects.filter(organisation_id=user.organisation_id)


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


# --- The field app (sync protocol): what a device may write and receive ---------------------
# Workers act for their team; coordinators for every team of their organisation.


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


# --- Accounts: who may invite, and whose password a person may reset ---------------------------


def is_administrator(user) -> bool:
    return _active(user) and (user.role == Role.ADMIN or user.is_superuser)


def may_invite(user, *, role: str, organisation_id: int | None, team_id: int | None) -> bool:
    """Administrators invite anyone; a coordinator invites workers and coordinators of their own
    organisation (a worker into one of its teams)."""
    if is_administrator(user):
        return True
    if not is_planning_coordinator(user) or role not in (Role.WORKER, Role.COORDINATOR):
        return False
    if organisation_id != user.organisation_id:
        return False
    return team_id is None or Team.objects.filter(pk=team_id, organisation_id=user.organisation_id).exists()


def invitations_manageable_by(user):
    """Invitations a person may see and revoke: their organisation's for a coordinator, all for admins."""
    from outreach.models import Invitation

    qs = Invitation.objects.select_related("organisation", "team", "created_by")
    if is_administrator(user):
        return qs
    if is_planning_coordinator(user):
        return qs.filter(organisation_id=user.organisation_id, role__in=[Role.WORKER, Role.COORDINATOR])
    return qs.none()


def members_visible_to(user) -> QuerySet[User]:
    """The accounts of a coordinator's organisation (workers and coordinators); all for admins."""
    qs = User.objects.select_related("team", "organisation")
    if is_administrator(user):
        return qs
    if is_planning_coordinator(user):
        return qs.filter(organisation_id=user.organisation_id, role__in=[Role.WORKER, Role.COORDINATOR])
    return qs.none()


def password_resettable_by(user) -> QuerySet[User]:
    """Accounts whose one-time password reset a person may issue: a coordinator, the workers of
    their organisation's teams (the night-time case); an administrator, anyone but themselves."""
    if is_administrator(user):
        return User.objects.exclude(pk=user.pk)
    if is_planning_coordinator(user):
        return User.objects.filter(organisation_id=user.organisation_id, role=Role.WORKER, is_active=True)
    return User.objects.none()
