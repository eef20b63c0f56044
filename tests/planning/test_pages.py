"""Coordinator pages end to end with Django's test client: forms, messages, files, queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outreach.models import OutreachSession, PlatformCategory
from outreach.selectors.coverage import coverage
from outreach.selectors.directory import directory_for_offline
from outreach.timebands import PARIS
from tests.factories import (
    ContactFactory,
    HotspotFactory,
    PartnerServiceFactory,
    SessionFactory,
    TeamFactory,
    UserFactory,
    departement,
    sign_in,
)

pytestmark = pytest.mark.django_db


def test_session_form_plans_a_night_and_reports_errors_clearly(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    worker = UserFactory(team=team)
    payload = {
        "team": team.pk,
        "kind": "street",
        "territory": departement("59").pk,
        "title": "Maraude gare",
        "day": "2026-12-04",
        "start_time": "21:00",
        "end_time": "02:00",
        "members": [worker.pk],
        "start_latitude": "50.637",
    }
    response = signed_in.post(reverse("planning:session_create"), payload)
    assert "Give both latitude and longitude, or neither." in response.content.decode()
    payload["start_longitude"] = "3.071"
    response = signed_in.post(reverse("planning:session_create"), payload)
    session = OutreachSession.objects.get()
    assert response["Location"] == reverse("planning:route", args=[session.pk])
    assert session.service_date == dt.date(2026, 12, 4)


def test_board_query_count_does_not_grow_with_sessions(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    day = timezone.localdate()

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(reverse("planning:board"), {"week": day}).status_code == 200
        return len(queries)

    SessionFactory(team=team)
    few = count_queries()
    for _ in range(6):
        session = SessionFactory(team=team)
        session.route_stops.create(hotspot=HotspotFactory(organisation=team.organisation), position=1)
    assert count_queries() == few


def test_coverage_counts_visits_bands_and_suggests_the_forgotten_place(coordinator):
    team = coordinator.organisation.teams.get()
    busy, quiet = (HotspotFactory(organisation=team.organisation) for _ in range(2))
    today = timezone.localdate()
    for _ in range(3):
        session = SessionFactory(
            team=team,
            status="done",
            started_at=dt.datetime.now(dt.UTC),
            ended_at=dt.datetime.now(dt.UTC),
        )
        session.route_stops.create(hotspot=busy, position=1)
        ContactFactory(session=session, hotspot=busy)
    result = coverage(user=coordinator, start=today - dt.timedelta(days=7), end=today)
    rows = {row.hotspot: row for row in result.hotspots}
    assert (rows[busy].visits, rows[busy].contacts) == (3, 3)
    assert sum(rows[busy].band_counts) == 3 and sum(rows[busy].weekday_counts) == 3
    assert rows[busy].last_visited is not None and rows[quiet].last_visited is None
    assert [row.hotspot for row in result.suggestions] == [quiet]
    assert result.sectors[0].contacts == 3


def test_field_apps_get_their_area_services_for_offline_orientation():
    team = TeamFactory()
    worker = UserFactory(team=team)
    local = PartnerServiceFactory(organisation=team.organisation, name="Maison des ados")
    hotline = PartnerServiceFactory(organisation=None, name="119", territory=departement("59").parent.parent)
    PartnerServiceFactory(organisation=team.organisation, territory=departement("75"), name="Paris")
    PartnerServiceFactory(organisation=team.organisation, is_active=False, name="Closed")
    PartnerServiceFactory(organisation=TeamFactory().organisation, name="Someone else's")
    names = {item["name"] for item in directory_for_offline(worker)}
    assert names == {local.name, hotline.name}


def test_editing_a_session_keeps_its_team_and_kind(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    session = SessionFactory(team=team, title="Avant")
    worker = UserFactory(team=team)
    response = signed_in.post(
        reverse("planning:session_edit", args=[session.pk]),
        {
            "team": TeamFactory().pk,  # disabled field: ignored
            "kind": "digital",  # disabled field: ignored
            "territory": session.territory_id,
            "title": "Après",
            "day": "2026-12-11",
            "start_time": "20:30",
            "end_time": "23:30",
            "members": [worker.pk],
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.team, session.kind) == ("Après", team, "street")
    assert session.service_date == dt.date(2026, 12, 11)
    assert list(session.members.all()) == [worker]


def test_copy_page_defaults_to_a_week_later_and_copies(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    start = dt.datetime(2026, 11, 27, 21, 0, tzinfo=PARIS)
    session = SessionFactory(team=team, planned_start=start)
    url = reverse("planning:session_copy", args=[session.pk])
    week_later = (session.planned_start.astimezone(PARIS) + dt.timedelta(days=7)).date()
    assert f'value="{week_later.isoformat()}"' in signed_in.get(url).content.decode()
    response = signed_in.post(url, {"day": week_later.isoformat()})
    assert response.status_code == 302
    assert OutreachSession.objects.filter(team=team, service_date=week_later).count() == 1


def test_route_builder_works_as_a_plain_form_without_javascript(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    session = SessionFactory(team=team, start_latitude="50.637", start_longitude="3.070")
    far, near, unused = (
        HotspotFactory(organisation=team.organisation, latitude="50.637", longitude=lon)
        for lon in ("3.090", "3.072", "3.080")
    )
    url = reverse("planning:route", args=[session.pk])
    form = {
        "start_kind": "point",
        "start_latitude": "50.637",
        "start_longitude": "3.070",
        f"stop_{far.pk}": "on",
        f"pos_{far.pk}": "1",
        f"min_{far.pk}": "30",
        f"stop_{near.pk}": "on",
        f"pos_{near.pk}": "2",
        f"min_{near.pk}": "15",
        f"min_{unused.pk}": "20",
    }
    signed_in.post(url, {**form, "action": "save"})
    assert [s.hotspot for s in session.route_stops.order_by("position")] == [far, near]
    response = signed_in.post(url, {**form, "action": "optimise"}, follow=True)
    stops = list(session.route_stops.order_by("position"))
    assert [(s.hotspot, s.minutes_planned) for s in stops] == [(near, 15), (far, 30)]
    assert "Route ordered from the start point: 2 stops" in response.content.decode()


def test_home_page_leads_coordinators_and_workers_to_the_plan(client, coordinator):
    sign_in(client, coordinator)
    assert reverse("planning:board") in client.get(reverse("home")).content.decode()
    sign_in(client, UserFactory())
    assert reverse("planning:board") in client.get(reverse("home")).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_activity(team, count):
    for _ in range(count):
        hotspot = HotspotFactory(organisation=team.organisation)
        now = dt.datetime.now(dt.UTC)
        session = SessionFactory(team=team, status="done", started_at=now, ended_at=now)
        session.route_stops.create(hotspot=hotspot, position=1)
        ContactFactory(session=session, hotspot=hotspot, note="note")
        PartnerServiceFactory(organisation=team.organisation)


@pytest.mark.parametrize("name", ["activity", "coverage", "directory", "hotspots"])
def test_list_pages_run_a_fixed_number_of_queries(signed_in, coordinator, name):
    team = coordinator.organisation.teams.get()
    url = reverse(f"planning:{name}")
    _add_activity(team, 1)
    few = _queries(signed_in, url)
    _add_activity(team, 5)
    assert _queries(signed_in, url) == few


def test_digital_slots_after_midnight_belong_to_the_same_night(signed_in, coordinator):
    team = coordinator.organisation.teams.get()
    start = dt.datetime(2026, 12, 4, 21, 0, tzinfo=PARIS)
    session = SessionFactory(
        team=team, kind="digital", planned_start=start, planned_end=start + dt.timedelta(hours=5)
    )
    platforms = list(PlatformCategory.objects.filter(is_active=True)[:2])
    response = signed_in.post(
        reverse("planning:slots", args=[session.pk]),
        {
            "slots-TOTAL_FORMS": "3",
            "slots-INITIAL_FORMS": "0",
            "slots-0-platform": platforms[0].pk,
            "slots-0-start_time": "21:00",
            "slots-0-end_time": "22:30",
            "slots-1-platform": platforms[1].pk,
            "slots-1-start_time": "00:30",
            "slots-1-end_time": "01:30",
        },
    )
    assert response.status_code == 302
    slots = [(s.platform, s.starts_at.astimezone(PARIS)) for s in session.digital_slots.order_by("starts_at")]
    assert slots == [
        (platforms[0], start),
        (platforms[1], dt.datetime(2026, 12, 5, 0, 30, tzinfo=PARIS)),
    ]


# --- Planning writes go through services, with a journal entry (issue 12) ------------------------
