"""Tonight's session for the demo worker: whoever signs in as demo-worker finds a night to open.

`seed_demo` calls it on a new demo database and again on one left from an earlier day, so the
planned session is always dated the evening the command runs (not days ahead). It is planned the
way a coordinator plans one, through the planning services: route ordered from the team's base.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from outreach.choices import Role, RouteStart, SessionKind, SessionStatus, TerritoryLevel
from outreach.demo.generate import DEMO_ACCOUNTS
from outreach.models import Hotspot, OutreachSession, User
from outreach.services import planning, routes
from outreach.timebands import PARIS

STARTS_AT = dt.time(21)
LASTS = dt.timedelta(hours=5)
STOPS = 4


def ensure_tonight(*, today: dt.date | None = None) -> OutreachSession | None:
    """A street session of demo-worker's team this evening with demo-worker in it (planned,
    or already under way); None when the database has no demo accounts."""
    worker = User.objects.filter(username=DEMO_ACCOUNTS[Role.WORKER]).select_related("team").first()
    coordinator = User.objects.filter(username=DEMO_ACCOUNTS[Role.COORDINATOR]).first()
    if worker is None or coordinator is None or worker.team is None:
        return None
    team = worker.team
    today = today or timezone.localdate()
    session = (
        OutreachSession.objects.filter(
            team=team,
            kind=SessionKind.STREET,
            service_date=today,
            status__in=[SessionStatus.PLANNED, SessionStatus.UNDER_WAY],
        )
        .order_by("planned_start")
        .first()
    )
    if session is not None:
        members = list(session.members.all())
        if worker not in members and session.status == SessionStatus.PLANNED:
            planning.update_session(
                actor=coordinator,
                session=session,
                territory=session.territory,
                planned_start=session.planned_start,
                planned_end=session.planned_end,
                title=session.title,
                members=[*members, worker],
                start_latitude=session.start_latitude,
                start_longitude=session.start_longitude,
            )
        return session
    begins = dt.datetime.combine(today, STARTS_AT, tzinfo=PARIS)
    session = planning.create_session(
        actor=coordinator,
        team=team,
        kind=SessionKind.STREET,
        territory=team.territories.filter(level=TerritoryLevel.DEPARTEMENT).first()
        or team.territories.first(),
        planned_start=begins,
        planned_end=begins + LASTS,
        title=f"{team.name} {today:%d/%m}",
        members=[worker],
    )
    hotspots = Hotspot.objects.filter(organisation=team.organisation, is_active=True).order_by("pk")[:STOPS]
    routes.set_route(
        actor=coordinator,
        session=session,
        stops=[routes.PlannedStop(hotspot, 20) for hotspot in hotspots],
        optimise=True,
        start=routes.StartChoice(RouteStart.BASE if team.base else RouteStart.BEST),
    )
    session.refresh_from_db()
    return session
