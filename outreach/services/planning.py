"""Planning rules: create, copy, edit and cancel sessions; assign workers; set platform slots
(routes and their start: outreach.services.routes).

Every write checks the actor manages the session's team (outreach.access), bumps the session's
`version` so field apps pick the change up on their next pull, and journals assignment changes
(who may see a session's plan is a permission).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach import access, journal
from outreach.choices import RouteStart, SessionKind, SessionStatus
from outreach.models import (
    DigitalSlot,
    OutreachSession,
    PlatformCategory,
    RouteStop,
    Team,
    Territory,
    User,
)
from outreach.models.places import COORDINATE_DECIMALS
from outreach.timebands import PARIS
from outreach.timebands import service_date as night_date

_QUANTUM = Decimal(1).scaleb(-COORDINATE_DECIMALS)


def coarse(value) -> Decimal | None:
    """A coordinate rounded to 3 decimals (about 100 m): enough for a route, not for a person."""
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def night_period(*, day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """Aware start and end (Paris time) of a session on `day`; an end at or before the start
    is the next morning (a night from 21:00 to 02:00)."""
    begins = dt.datetime.combine(day, start, tzinfo=PARIS)
    ends = dt.datetime.combine(day, end, tzinfo=PARIS)
    if ends <= begins:
        ends += dt.timedelta(days=1)
    return begins, ends


def _check_team(actor: User, team: Team) -> None:
    if not access.teams_managed_by(actor).filter(pk=team.pk).exists():
        raise PermissionDenied(_("You do not manage this team."))


def _check_session(actor: User, session: OutreachSession) -> None:
    if not access.sessions_manageable_by(actor).filter(pk=session.pk).exists():
        raise PermissionDenied(_("You do not manage this session."))


def _check_planned(session: OutreachSession) -> None:
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(
            _("Only a planned session can be changed; this one is %(status)s.")
            % {"status": session.get_status_display().lower()},
            code="not_planned",
        )


def _check_members(team: Team, members: Iterable[User]) -> list[User]:
    members = list(members)
    for member in members:
        if member.team_id != team.pk:
            raise ValidationError(
                _("%(user)s is not a member of %(team)s.") % {"user": member, "team": team.name},
                code="member_not_in_team",
            )
    return members


def _check_territory(actor: User, territory: Territory) -> None:
    if not access.territories_plannable_by(actor).filter(pk=territory.pk).exists():
        raise ValidationError(_("This territory is outside your teams' area."), code="territory_out_of_scope")


def _touch(session: OutreachSession) -> None:
    session.version += 1
    session.save()


def _journal_members(
    *, actor: User, session: OutreachSession, before: set[int], after: set[int], request=None
) -> None:
    if before == after:
        return
    journal.log_permission_change(
        actor=actor,
        subject=f"session {session.uuid}",
        request=request,
        change="session_assignment",
        team=session.team_id,
        added=sorted(after - before),
        removed=sorted(before - after),
    )


@transaction.atomic
def create_session(
    *,
    actor: User,
    team: Team,
    kind: str,
    territory: Territory,
    planned_start: dt.datetime,
    planned_end: dt.datetime,
    title: str = "",
    members: Iterable[User] = (),
    start_latitude=None,
    start_longitude=None,
    request=None,
) -> OutreachSession:
    """A planned session for one of the actor's teams, dated to the evening it begins."""
    _check_team(actor, team)
    _check_territory(actor, territory)
    if kind not in SessionKind.values:
        raise ValidationError(_("Unknown session kind."), code="bad_kind")
    if planned_end <= planned_start:
        raise ValidationError(_("The session must end after it starts."), code="bad_period")
    members = _check_members(team, members)
    session = OutreachSession.objects.create(
        team=team,
        kind=kind,
        territory=territory,
        title=title,
        planned_start=planned_start,
        planned_end=planned_end,
        service_date=night_date(planned_start, team.day_boundary_hour),
        start_latitude=coarse(start_latitude) if kind == SessionKind.STREET else None,
        start_longitude=coarse(start_longitude) if kind == SessionKind.STREET else None,
        start_kind=RouteStart.POINT if kind == SessionKind.STREET and start_latitude is not None else "",
        created_by=actor,
    )
    session.members.set(members)
    _journal_members(
        actor=actor, session=session, before=set(), after={m.pk for m in members}, request=request
    )
    return session


@transaction.atomic
def update_session(
    *,
    actor: User,
    session: OutreachSession,
    territory: Territory,
    planned_start: dt.datetime,
    planned_end: dt.datetime,
    title: str = "",
    members: Iterable[User] = (),
    start_latitude=None,
    start_longitude=None,
    request=None,
) -> OutreachSession:
    """Change a planned session's time, place, title, start point and workers."""
    session = OutreachSession.objects.select_for_update().get(pk=session.pk)
    _check_session(actor, session)
    _check_planned(session)
    _check_territory(actor, territory)
    if planned_end <= planned_start:
        raise ValidationError(_("The session must end after it starts."), code="bad_period")
    members = _check_members(session.team, members)
    before = set(session.members.values_list("pk", flat=True))
    moved = planned_start - session.planned_start
    if moved:
        # Platform slots move with their session (same offsets from the start).
        for slot in session.digital_slots.all():
            slot.starts_at += moved
            slot.ends_at += moved
            slot.save(update_fields=["starts_at", "ends_at"])
    session.territory = territory
    session.title = title
    session.planned_start = planned_start
    session.planned_end = planned_end
    session.service_date = night_date(planned_start, session.team.day_boundary_hour)
    if session.kind == SessionKind.STREET:
        point = (coarse(start_latitude), coarse(start_longitude))
        if point != (session.start_latitude, session.start_longitude):
            # A start typed in the session form is a point; clearing it leaves the first stop.
            session.start_latitude, session.start_longitude = point
            session.start_kind = RouteStart.POINT if point[0] is not None else ""
    _touch(session)
    session.members.set(members)
    _journal_members(
        actor=actor,
        session=session,
        before=before,
        after={m.pk for m in members},
        request=request,
    )
    return session


@transaction.atomic
def copy_session(*, actor: User, source: OutreachSession, day: dt.date, request=None) -> OutreachSession:
    """A new planned session like `source` ("same as last Friday") on `day`, same hours,
    workers, route and platform slots."""
    _check_session(actor, source)
    # Same wall-clock time on the new day, so 21:00 stays 21:00 across a daylight-saving change.
    local_start = source.planned_start.astimezone(PARIS)
    new_start = dt.datetime.combine(day, local_start.time(), tzinfo=PARIS)
    duration = source.planned_end - source.planned_start
    copy = create_session(
        actor=actor,
        team=source.team,
        kind=source.kind,
        territory=source.territory,
        planned_start=new_start,
        planned_end=new_start + duration,
        title=source.title,
        members=source.members.filter(is_active=True, team=source.team),
        start_latitude=source.start_latitude,
        start_longitude=source.start_longitude,
        request=request,
    )
    if source.start_kind:
        copy.start_kind = source.start_kind
        if source.start_kind == RouteStart.BASE and source.team.base is not None:
            copy.start_latitude, copy.start_longitude = source.team.base_latitude, source.team.base_longitude
        copy.save(update_fields=["start_kind", "start_latitude", "start_longitude"])
    RouteStop.objects.bulk_create(
        RouteStop(
            session=copy,
            hotspot_id=stop.hotspot_id,
            position=stop.position,
            minutes_planned=stop.minutes_planned,
        )
        for stop in source.route_stops.filter(hotspot__is_active=True).order_by("position")
    )
    slot_shift = copy.planned_start - source.planned_start
    DigitalSlot.objects.bulk_create(
        DigitalSlot(
            session=copy,
            platform_id=slot.platform_id,
            starts_at=slot.starts_at + slot_shift,
            ends_at=slot.ends_at + slot_shift,
        )
        for slot in source.digital_slots.all()
    )
    _renumber(copy)
    return copy


@transaction.atomic
def cancel_session(*, actor: User, session: OutreachSession, request=None) -> OutreachSession:
    """Mark a planned session cancelled (kept, so the week's history stays readable)."""
    session = OutreachSession.objects.select_for_update().get(pk=session.pk)
    _check_session(actor, session)
    _check_planned(session)
    session.status = SessionStatus.CANCELLED
    _touch(session)
    return session


def _renumber(session: OutreachSession) -> None:
    stops = list(session.route_stops.order_by("position"))
    _write_stops(session, [(stop.hotspot_id, stop.minutes_planned) for stop in stops])


def _write_stops(session: OutreachSession, stops: Sequence[tuple[int, int]]) -> None:
    session.route_stops.all().delete()
    RouteStop.objects.bulk_create(
        RouteStop(session=session, hotspot_id=hotspot_id, position=index, minutes_planned=minutes)
        for index, (hotspot_id, minutes) in enumerate(stops, start=1)
    )


@dataclass(frozen=True)
class PlannedSlot:
    platform: PlatformCategory
    starts_at: dt.datetime
    ends_at: dt.datetime


@transaction.atomic
def set_digital_slots(
    *, actor: User, session: OutreachSession, slots: Sequence[PlannedSlot]
) -> list[DigitalSlot]:
    """Replace a planned digital session's platform time slots."""
    session = OutreachSession.objects.select_for_update().get(pk=session.pk)
    _check_session(actor, session)
    _check_planned(session)
    if session.kind != SessionKind.DIGITAL:
        raise ValidationError(_("Only a digital session has platform slots."), code="not_digital")
    for slot in slots:
        if slot.ends_at <= slot.starts_at:
            raise ValidationError(_("A slot must end after it starts."), code="bad_slot")
        if not slot.platform.is_active:
            raise ValidationError(
                _("%(platform)s is no longer in use.") % {"platform": slot.platform},
                code="platform_retired",
            )
    session.digital_slots.all().delete()
    created = DigitalSlot.objects.bulk_create(
        DigitalSlot(session=session, platform=slot.platform, starts_at=slot.starts_at, ends_at=slot.ends_at)
        for slot in sorted(slots, key=lambda s: s.starts_at)
    )
    _touch(session)
    return created


def now_local() -> dt.datetime:
    return timezone.now().astimezone(PARIS)
