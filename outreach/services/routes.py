"""Street routes: the stops of a planned session, their order and where the route starts.

The coordinator says where a route begins: the team's base, a point, one of the stops, or the
best stop (the one giving the shortest walk). The session records the choice (`start_kind`), so
every page can say what the distances assume (docs/adr/009-route-start.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from outreach import access, routing
from outreach.choices import RouteStart, SessionKind, SessionStatus
from outreach.models import Hotspot, OutreachSession, RouteStop, Team, User
from outreach.services.planning import (
    _check_planned,
    _check_session,
    _check_team,
    _touch,
    _write_stops,
    coarse,
)


@dataclass(frozen=True)
class PlannedStop:
    hotspot: Hotspot
    minutes: int = 20


@dataclass(frozen=True)
class StartChoice:
    """Where the coordinator says the route begins: the team's base, a point (lat, lon), one of
    the stops (`hotspot`) or the best stop (the one giving the shortest walk)."""

    kind: str
    point: tuple | None = None
    hotspot: Hotspot | None = None


def _set_start(
    session: OutreachSession, start: StartChoice, stops: list[PlannedStop], *, optimise: bool
) -> list[PlannedStop]:
    """Record the start on the session; returns the stops, a chosen start stop moved first."""
    if start.kind not in RouteStart.values:
        raise ValidationError(_("Unknown start."), code="bad_start")
    latitude = longitude = None
    if start.kind == RouteStart.BASE:
        if session.team.base is None:
            raise ValidationError(
                _("%(team)s has no base yet: add it first.") % {"team": session.team.name}, code="no_base"
            )
        latitude, longitude = session.team.base_latitude, session.team.base_longitude
    elif start.kind == RouteStart.POINT:
        if start.point is None or None in start.point:
            raise ValidationError(_("Give the start point's latitude and longitude."), code="no_point")
        latitude, longitude = coarse(start.point[0]), coarse(start.point[1])
    elif start.kind == RouteStart.STOP:
        first = [stop for stop in stops if start.hotspot is not None and stop.hotspot.pk == start.hotspot.pk]
        if not first:
            raise ValidationError(_("Tick the stop the route starts from."), code="start_not_a_stop")
        stops = first + [stop for stop in stops if stop is not first[0]]
    session.start_kind = start.kind
    if start.kind == RouteStart.BEST and not optimise:
        # An order typed by hand starts at its first stop, best or not: say so.
        session.start_kind = RouteStart.STOP
    session.start_latitude, session.start_longitude = latitude, longitude
    return stops


@transaction.atomic
def set_route(
    *,
    actor: User,
    session: OutreachSession,
    stops: Sequence[PlannedStop],
    optimise: bool = False,
    start: StartChoice | None = None,
) -> list[RouteStop]:
    """Replace a street session's route with `stops` in this order (or, with `optimise`, in the
    shortest walking order from its start). `start`, when given, becomes the session's start
    first; without it the session keeps the start it had."""
    session = OutreachSession.objects.select_for_update().select_related("team").get(pk=session.pk)
    _check_session(actor, session)
    _check_planned(session)
    if session.kind != SessionKind.STREET:
        raise ValidationError(_("Only a street session has a route."), code="not_street")
    allowed = set(access.hotspots_manageable_by(actor).filter(is_active=True).values_list("pk", flat=True))
    seen: set[int] = set()
    for stop in stops:
        if stop.hotspot.pk not in allowed:
            raise ValidationError(
                _("%(hotspot)s is not an active hotspot of your organisation.") % {"hotspot": stop.hotspot},
                code="hotspot_out_of_scope",
            )
        if stop.hotspot.pk in seen:
            raise ValidationError(
                _("%(hotspot)s appears twice in the route.") % {"hotspot": stop.hotspot},
                code="duplicate_stop",
            )
        seen.add(stop.hotspot.pk)
    ordered = list(stops)
    if start is not None:
        ordered = _set_start(session, start, ordered, optimise=optimise)
    if optimise and ordered:
        ordered = [ordered[i] for i in optimal_order(session, ordered)]
    _write_stops(session, [(stop.hotspot.pk, stop.minutes) for stop in ordered])
    _touch(session)
    return list(session.route_stops.select_related("hotspot").order_by("position"))


def start_point(session: OutreachSession) -> routing.Point | None:
    """The session's start point (its team's base or a point), None when it starts at a stop."""
    if session.start_latitude is not None and session.start_longitude is not None:
        return float(session.start_latitude), float(session.start_longitude)
    return None


def optimal_order(session: OutreachSession, stops: Sequence[PlannedStop]) -> list[int]:
    """Indices of `stops` in the shortest walking order from the session's start: its point,
    the best stop (`best`), or else the first of `stops`."""
    points = [(float(s.hotspot.latitude), float(s.hotspot.longitude)) for s in stops]
    if not points:
        return []
    start = start_point(session)
    if start is not None:
        return routing.shortest_order(start, points)
    if session.start_kind == RouteStart.BEST:
        return routing.shortest_order(None, points)
    return routing.order_from_stop(0, points)


def set_team_base(*, actor: User, team: Team, name: str, latitude=None, longitude=None) -> Team:
    """Set (or clear) where a team's nights begin, for a coordinator managing the team."""
    _check_team(actor, team)
    return move_base(team=team, name=name, latitude=latitude, longitude=longitude)


@transaction.atomic
def move_base(*, team: Team, name: str, latitude=None, longitude=None) -> Team:
    """The base itself, whoever sets it (the planning page through set_team_base, the admin).
    Planned routes starting from the base follow it; if it is cleared they keep its last place
    as their start point."""
    latitude, longitude = coarse(latitude), coarse(longitude)
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Give both latitude and longitude, or neither."), code="half_point")
    team = Team.objects.select_for_update().get(pk=team.pk)
    team.base_name = (name or "").strip() if latitude is not None else ""
    team.base_latitude, team.base_longitude = latitude, longitude
    team.save(update_fields=["base_name", "base_latitude", "base_longitude"])
    for session in OutreachSession.objects.select_for_update().filter(
        team=team, status=SessionStatus.PLANNED, start_kind=RouteStart.BASE
    ):
        if latitude is None:
            session.start_kind = RouteStart.POINT
        else:
            session.start_latitude, session.start_longitude = latitude, longitude
        _touch(session)
    return team
