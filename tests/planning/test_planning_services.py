"""Planning rules: session times, copy ("same as last Friday"), cancel, routes and slots."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from outreach.models import DigitalSlot, PlatformCategory
from outreach.services import planning, routes
from outreach.timebands import PARIS
from tests.factories import (
    CoordinatorFactory,
    HotspotFactory,
    SessionFactory,
    TeamFactory,
    UserFactory,
    departement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def coordinator(team):
    return CoordinatorFactory(organisation=team.organisation)


def plan(coordinator, team, *, day=dt.date(2026, 10, 23), kind="street", **extra):
    start, end = planning.night_period(day=day, start=dt.time(21), end=dt.time(2))
    return planning.create_session(
        actor=coordinator,
        team=team,
        kind=kind,
        territory=departement("59"),
        planned_start=start,
        planned_end=end,
        title="Maraude gare",
        **extra,
    )


def test_a_night_ending_after_midnight_belongs_to_its_evening(coordinator, team):
    session = plan(coordinator, team, start_latitude="50.63712", start_longitude="3.07049")
    assert session.planned_end - session.planned_start == dt.timedelta(hours=5)
    assert session.service_date == dt.date(2026, 10, 23)
    # Start points are kept coarse (3 decimals, about 100 m).
    assert str(session.start_latitude) == "50.637" and str(session.start_longitude) == "3.070"


def test_copy_keeps_hours_workers_route_and_slots_across_a_clock_change(coordinator, team):
    worker = UserFactory(team=team)
    street = plan(coordinator, team, members=[worker])
    places = [HotspotFactory(organisation=team.organisation) for _ in range(3)]
    routes.set_route(
        actor=coordinator,
        session=street,
        stops=[routes.PlannedStop(h, 15 + i) for i, h in enumerate(places)],
    )
    # Friday 23 October 2026 (summer time) → Friday 30 October (winter time).
    copy = planning.copy_session(actor=coordinator, source=street, day=dt.date(2026, 10, 30))
    assert copy.planned_start.astimezone(PARIS).time() == dt.time(21)
    assert copy.service_date == dt.date(2026, 10, 30) and copy.status == "planned"
    assert list(copy.members.all()) == [worker]
    assert [(s.hotspot, s.position, s.minutes_planned) for s in copy.route_stops.all()] == [
        (places[0], 1, 15),
        (places[1], 2, 16),
        (places[2], 3, 17),
    ]

    digital = plan(coordinator, team, kind="digital")
    platform = PlatformCategory.objects.filter(is_active=True).first()
    start = digital.planned_start
    planning.set_digital_slots(
        actor=coordinator,
        session=digital,
        slots=[planning.PlannedSlot(platform, start, start + dt.timedelta(hours=1))],
    )
    digital_copy = planning.copy_session(actor=coordinator, source=digital, day=dt.date(2026, 10, 24))
    slot = DigitalSlot.objects.get(session=digital_copy)
    assert slot.starts_at == digital_copy.planned_start and slot.platform == platform


def test_inactive_hotspots_are_dropped_when_copying(coordinator, team):
    session = plan(coordinator, team)
    kept, closed = (HotspotFactory(organisation=team.organisation) for _ in range(2))
    routes.set_route(
        actor=coordinator,
        session=session,
        stops=[routes.PlannedStop(closed), routes.PlannedStop(kept)],
    )
    closed.is_active = False
    closed.save()
    copy = planning.copy_session(actor=coordinator, source=session, day=dt.date(2026, 10, 30))
    assert [(s.hotspot, s.position) for s in copy.route_stops.all()] == [(kept, 1)]


def test_optimised_route_starts_near_the_start_point_and_bumps_the_version(coordinator, team):
    session = plan(coordinator, team, start_latitude="50.637", start_longitude="3.070")
    far, near, middle = (
        HotspotFactory(organisation=team.organisation, latitude="50.637", longitude=lon)
        for lon in ("3.090", "3.072", "3.080")
    )
    version = session.version
    stops = routes.set_route(
        actor=coordinator,
        session=session,
        stops=[routes.PlannedStop(h) for h in (far, near, middle)],
        optimise=True,
    )
    assert [s.hotspot for s in stops] == [near, middle, far]
    session.refresh_from_db()
    assert session.version == version + 1


def test_route_refuses_duplicates_and_other_organisations_places(coordinator, team):
    session = plan(coordinator, team)
    mine = HotspotFactory(organisation=team.organisation)
    with pytest.raises(ValidationError) as caught:
        routes.set_route(
            actor=coordinator,
            session=session,
            stops=[routes.PlannedStop(mine), routes.PlannedStop(mine)],
        )
    assert caught.value.code == "duplicate_stop"
    with pytest.raises(ValidationError) as caught:
        routes.set_route(actor=coordinator, session=session, stops=[routes.PlannedStop(HotspotFactory())])
    assert caught.value.code == "hotspot_out_of_scope"


def test_only_planned_sessions_can_be_changed_or_cancelled(coordinator, team):
    session = plan(coordinator, team)
    planning.cancel_session(actor=coordinator, session=session)
    session.refresh_from_db()
    assert session.status == "cancelled"
    with pytest.raises(ValidationError) as caught:
        planning.cancel_session(actor=coordinator, session=session)
    assert caught.value.code == "not_planned"
    lived = SessionFactory(team=team, status="under_way", started_at=session.planned_start)
    with pytest.raises(ValidationError):
        routes.set_route(actor=coordinator, session=lived, stops=[])


def test_a_digital_session_has_slots_not_a_route(coordinator, team):
    digital = plan(coordinator, team, kind="digital")
    with pytest.raises(ValidationError) as caught:
        routes.set_route(actor=coordinator, session=digital, stops=[])
    assert caught.value.code == "not_street"
    platform = PlatformCategory.objects.filter(is_active=True).first()
    with pytest.raises(ValidationError) as caught:
        planning.set_digital_slots(
            actor=coordinator,
            session=digital,
            slots=[planning.PlannedSlot(platform, digital.planned_end, digital.planned_start)],
        )
    assert caught.value.code == "bad_slot"


def test_moving_a_digital_session_moves_its_slots(coordinator, team):
    digital = plan(coordinator, team, kind="digital")
    platform = PlatformCategory.objects.filter(is_active=True).first()
    start = digital.planned_start
    planning.set_digital_slots(
        actor=coordinator,
        session=digital,
        slots=[planning.PlannedSlot(platform, start, start + dt.timedelta(hours=1))],
    )
    new_start, new_end = planning.night_period(day=dt.date(2026, 10, 24), start=dt.time(20), end=dt.time(23))
    planning.update_session(
        actor=coordinator,
        session=digital,
        territory=digital.territory,
        planned_start=new_start,
        planned_end=new_end,
    )
    slot = digital.digital_slots.get()
    assert (slot.starts_at, slot.ends_at) == (new_start, new_start + dt.timedelta(hours=1))
