"""Reads for the planning board and the route builder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch, QuerySet

from outreach import access, routing
from outreach.choices import RouteStart
from outreach.models import OutreachSession, RouteStop, Team, User
from outreach.timebands import week_start


@dataclass
class BoardDay:
    day: dt.date
    sessions: list[OutreachSession] = field(default_factory=list)


@dataclass
class BoardRow:
    team: Team
    days: list[BoardDay]


@dataclass
class WeekBoard:
    monday: dt.date
    days: list[dt.date]
    rows: list[BoardRow]
    sessions: list[OutreachSession]

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)


def board_sessions(user: User) -> QuerySet[OutreachSession]:
    return (
        access.sessions_visible_to(user)
        .select_related("team", "territory")
        .prefetch_related(
            "members",
            Prefetch(
                "route_stops",
                queryset=RouteStop.objects.select_related("hotspot").order_by("position"),
            ),
            "digital_slots__platform",
        )
    )


def week_board(*, user: User, day: dt.date, team_id: int | None = None) -> WeekBoard:
    """The week holding `day`: each readable team's sessions per service date (a fixed number
    of queries whatever the number of sessions)."""
    monday = week_start(day)
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    teams = list(access.teams_readable_by(user).filter(is_active=True).order_by("name"))
    if team_id is not None:
        teams = [team for team in teams if team.pk == team_id]
    sessions = list(
        board_sessions(user)
        .filter(team__in=teams, service_date__range=(days[0], days[-1]))
        .order_by("planned_start")
    )
    rows = []
    for team in teams:
        row = BoardRow(team=team, days=[BoardDay(day=d) for d in days])
        for session in sessions:
            if session.team_id == team.pk:
                row.days[(session.service_date - monday).days].sessions.append(session)
        rows.append(row)
    return WeekBoard(monday=monday, days=days, rows=rows, sessions=sessions)


@dataclass(frozen=True)
class StopLine:
    position: int
    hotspot_id: int
    name: str
    latitude: float
    longitude: float
    minutes: int
    walk_metres: float
    walk_minutes: float


@dataclass(frozen=True)
class BetterStart:
    """A stop the route could start at to walk less (said when the route starts at a stop)."""

    name: str
    metres: float


@dataclass(frozen=True)
class RouteSummary:
    start: routing.Point | None
    stops: tuple[StopLine, ...]
    metres: float
    walk_minutes: float
    stop_minutes: int
    # What the distances assume: RouteStart code ("" when nothing was chosen: the first stop)
    # and the name of the base or of the first stop.
    start_kind: str = ""
    start_name: str = ""
    better_start: BetterStart | None = None

    @property
    def total_minutes(self) -> float:
        return self.walk_minutes + self.stop_minutes

    @property
    def kilometres(self) -> float:
        return self.metres / 1000


def summarise_route(*, start: routing.Point | None, stops: Sequence[tuple[object, int]]) -> RouteSummary:
    """Distance and duration of walking `stops` (hotspot, minutes on site) in the order given."""
    if not stops:
        return RouteSummary(start=start, stops=(), metres=0.0, walk_minutes=0.0, stop_minutes=0)
    points = [(float(h.latitude), float(h.longitude)) for h, _ in stops]
    origin = start if start is not None else points[0]
    result = routing.estimate(origin, points, minutes_at_stop=[m for _, m in stops])
    lines = tuple(
        StopLine(
            position=i + 1,
            hotspot_id=hotspot.pk,
            name=hotspot.name,
            latitude=points[i][0],
            longitude=points[i][1],
            minutes=minutes,
            walk_metres=leg.metres,
            walk_minutes=leg.walk_minutes,
        )
        for i, ((hotspot, minutes), leg) in enumerate(zip(stops, result.legs, strict=True))
    )
    return RouteSummary(
        start=start,
        stops=lines,
        metres=result.metres,
        walk_minutes=result.walk_minutes,
        stop_minutes=result.stop_minutes,
    )


# A shorter start is worth mentioning from this many metres saved.
BETTER_START_MIN_METRES = 100


def session_route(session: OutreachSession) -> RouteSummary:
    """The session's route as walked from the start it records, saying which start that is."""
    stops = [
        (stop.hotspot, stop.minutes_planned)
        for stop in session.route_stops.select_related("hotspot").order_by("position")
    ]
    start = None
    if session.start_latitude is not None and session.start_longitude is not None:
        start = (float(session.start_latitude), float(session.start_longitude))
    summary = summarise_route(start=start, stops=stops)
    kind = session.start_kind
    if start is not None:
        name = session.team.base_name if kind == RouteStart.BASE else ""
        kind = kind or RouteStart.POINT
    else:
        name = stops[0][0].name if stops else ""
    better = None
    if start is None and kind != RouteStart.BEST and len(stops) > 2:
        better = _better_start(stops, summary.metres)
    return replace(summary, start_kind=kind, start_name=name, better_start=better)


def _better_start(stops: Sequence[tuple[object, int]], metres: float) -> BetterStart | None:
    """The best stop to start at, if it saves a walk worth mentioning (heuristic: page speed)."""
    points = [(float(h.latitude), float(h.longitude)) for h, _ in stops]
    order = routing.heuristic_order(None, points)
    best = routing.tour_length_m(None, points, order)
    if metres - best < BETTER_START_MIN_METRES:
        return None
    return BetterStart(name=stops[order[0]][0].name, metres=best)
