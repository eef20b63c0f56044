"""One door for access: every object a request touches is fetched through these.

Who is who is resolved once, in `role_of` (an inactive or signed-out account is nobody; a
coordinator or worker without an organisation or team acts for nothing; superusers are
administrators). Then, per object (DOMAIN.md, privacy rule 2): a coordinator sees and changes
their own organisation's teams, sessions, hotspots, sectors, directory and devices; a worker acts
for their team and reads their organisation's hotspots and directory; funders get no rows here
(they read aggregates through the reports); administrators manage accounts and devices but act
for no team: they see contact rows only in the back office, without notes or person codes.

Querysets (`*_visible_to`, `*_manageable_by`) for lists; `access_*(user, id)` for one object,
raising Http404 for "not yours" exactly as for "does not exist" (Zulip's access_* habit).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

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


def role_of(user) -> str | None:
    """The role a request acts with, or None (signed out, inactive, or a role without its anchor:
    a worker with no team, a coordinator or funder with no organisation)."""
    if not _active(user):
        return None
    if user.role == Role.WORKER and user.team_id is not None:
        return Role.WORKER
    if user.role in (Role.COORDINATOR, Role.FUNDER) and user.organisation_id is not None:
        return user.role
    if user.role == Role.ADMIN or user.is_superuser:
        return Role.ADMIN
    return None


def is_administrator(user) -> bool:
    return role_of(user) == Role.ADMIN


def is_planning_coordinator(user) -> bool:
    """A coordinator attached to an organisation: the one who plans and edits."""
    return role_of(user) == Role.COORDINATOR


def is_field_user(user) -> bool:
    """Workers of a team and coordinators of an organisation: who records in the field app."""
    return role_of(user) in (Role.WORKER, Role.COORDINATOR)


def can_read_plan(user) -> bool:
    """Coordinators and workers of a team may read the plan; funders and admins may not."""
    return is_field_user(user)


def may_manage_devices(user) -> bool:
    """Coordinators (their organisation's phones) and administrators (every phone)."""
    return role_of(user) in (Role.COORDINATOR, Role.ADMIN)


def _one(queryset: QuerySet, **lookup):
    """The one object of `queryset` matching `lookup`; Http404 when absent or out of scope."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("No such object, or not yours.")
    return obj


def teams_managed_by(user) -> QuerySet[Team]:
    """Teams whose sessions, routes and assignments this user may change."""
    if not is_planning_coordinator(user):
        return Team.objects.none()
    return Team.objects.filter(organisation_id=user.organisation_id)


def teams_readable_by(user) -> QuerySet[Team]:
    """Teams whose plan this user may read: the same teams a user acts for (`teams_of`)."""
    return teams_of(user)


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


def territories_for_partners_of(user) -> QuerySet[Territory]:
    """Where a coordinator may place a partner service: national, régions and départements
    anywhere (a hotline, a neighbouring shelter), plus what they may plan (their own area's
    communes and sectors, not all 35,000 communes)."""
    from outreach.choices import TerritoryLevel

    if not is_planning_coordinator(user):
        return Territory.objects.none()
    wide = Territory.objects.filter(
        level__in=[TerritoryLevel.NATIONAL, TerritoryLevel.REGION, TerritoryLevel.DEPARTEMENT]
    )
    return wide | territories_plannable_by(user)


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
    """The teams a user acts for: their own (worker), their organisation's (coordinator).
    Administrators and funders act for no team."""
    role = role_of(user)
    if role == Role.WORKER:
        return Team.objects.filter(pk=user.team_id)
    if role == Role.COORDINATOR:
        return Team.objects.filter(organisation_id=user.organisation_id)
    return Team.objects.none()


def team_ids_of(user: User) -> list[int]:
    return list(teams_of(user).values_list("pk", flat=True))


def sessions_writable_by(user: User) -> QuerySet[OutreachSession]:
    """Sessions a field user may start, debrief, end and record contacts in: their teams' only."""
    return OutreachSession.objects.filter(team__in=teams_of(user))


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    """Contact rows a user may read: their teams' (funders, administrators and others: none)."""
    return Contact.objects.filter(team__in=teams_of(user))


def hotspots_usable_by(user: User) -> QuerySet[Hotspot]:
    """Active hotspots of the user's organisation, for field users."""
    if not is_field_user(user):
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
    return partners_in_reach(organisation_id=user.organisation_id, territory_ids=territory_ids)


def partners_in_reach(*, organisation_id: int | None, territory_ids: set[int]) -> QuerySet[PartnerService]:
    """Active services of the organisation or national ones, serving one of `territory_ids`."""
    return PartnerService.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id=organisation_id),
        is_active=True,
        territory_id__in=territory_ids,
    )


def devices_manageable_by(user: User) -> QuerySet[Device]:
    """Devices a user may list and revoke: a coordinator's organisation's, everything for admins."""
    qs = Device.objects.select_related("owner", "owner__team")
    role = role_of(user)
    if role == Role.ADMIN:
        return qs
    if role == Role.COORDINATOR:
        return qs.filter(owner__organisation_id=user.organisation_id)
    return qs.none()


# --- Accounts: who may invite, and whose password a person may reset ---------------------------


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


def may_import_directory(user, organisation_id: int) -> bool:
    """Administrators import any organisation's directory; a coordinator only their own."""
    own = is_planning_coordinator(user) and user.organisation_id == organisation_id
    return own or is_administrator(user)


# --- One object: access_<object>(user, id), Http404 when it is not the user's ------------------


def access_session(user, pk: int, *, manage: bool = False, **lookup) -> OutreachSession:
    """A session the user may read (`manage`: change) — Http404 otherwise."""
    queryset = sessions_manageable_by(user) if manage else sessions_visible_to(user)
    return _one(queryset, pk=pk, **lookup)


def access_team(user, pk: int) -> Team:
    """A team whose plan and base the user manages."""
    return _one(teams_managed_by(user), pk=pk)


def access_hotspot(user, pk: int, *, manage: bool = False) -> Hotspot:
    queryset = hotspots_manageable_by(user) if manage else hotspots_visible_to(user)
    return _one(queryset, pk=pk)


def access_partner(user, pk: int, *, manage: bool = False) -> PartnerService:
    queryset = partners_manageable_by(user) if manage else partners_visible_to(user)
    return _one(queryset, pk=pk)


def access_contact(user, uuid) -> Contact:
    """A contact row of the user's teams (field users only)."""
    return _one(contacts_visible_to(user), uuid=uuid)


def access_device(user, pk) -> Device:
    return _one(devices_manageable_by(user), pk=pk)


def access_member(user, pk: int, *, reset_password: bool = False) -> User:
    queryset = password_resettable_by(user) if reset_password else members_visible_to(user)
    return _one(queryset, pk=pk)


def access_invitation(user, pk: int):
    return _one(invitations_manageable_by(user).open(), pk=pk)
