"""A coordinator plans a street session with three stops and orders the route, in Chromium."""

from __future__ import annotations

import datetime as dt
import itertools
import os

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone

from outreach import routing
from outreach.models import OutreachSession, User
from tests.factories import CoordinatorFactory, HotspotFactory, TeamFactory, UserFactory, sign_in_browser
from tests.frontend.chromium import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "correct horse battery"
START = ("50.637", "3.070")
# Given in a bad order on purpose: the far one first.
PLACES = [
    ("Parvis Europe", "50.639", "3.080"),
    ("Gare Lille-Flandres", "50.637", "3.071"),
    ("Place Rihour", "50.636", "3.064"),
]


@pytest.fixture
def browser_page(live_server, settings):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between page actions are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Tiles that cannot load (no network in tests): the page must stay usable.
    settings.MAP_TILE_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page = context.new_page()
        yield page
        # ORM calls made while Playwright's loop runs use their own connection (asgiref's
        # context-local storage): close it here, or PostgreSQL cannot drop the test database.
        from django.db import connections

        connections.close_all()
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def world():
    team = TeamFactory(name="Équipe gare")
    coordinator = CoordinatorFactory(organisation=team.organisation, username="cheffe")
    worker = UserFactory(team=team, username="educ-1")
    hotspots = [
        HotspotFactory(organisation=team.organisation, name=name, latitude=lat, longitude=lon)
        for name, lat, lon in PLACES
    ]
    return {"team": team, "coordinator": coordinator, "worker": worker, "hotspots": hotspots}


def sign_in(page, base_url, username):
    # Coordinators need a second factor: the suite's one helper gives the browser such a session.
    sign_in_browser(page.context, base_url, User.objects.get(username=username))


def plan_street_session(page, base_url, world, day: dt.date) -> OutreachSession:
    """Drive the real pages: plan the session, tick three stops, order the route."""
    sign_in(page, base_url, "cheffe")
    page.goto(base_url + "/planning/")
    page.get_by_role("link", name="Plan a session", exact=True).click()
    page.select_option("#id_team", str(world["team"].pk))
    page.select_option("#id_kind", "street")
    page.select_option("#id_territory", label="Nord (59)")
    page.fill("#id_title", "Maraude gare")
    page.fill("#id_day", day.isoformat())
    page.fill("#id_start_time", "21:00")
    page.fill("#id_end_time", "01:30")
    page.get_by_label("educ-1 · Équipe gare").check()
    page.fill("#id_start_latitude", START[0])
    page.fill("#id_start_longitude", START[1])
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Route builder").wait_for()

    # The list works whatever the map does; the map is there too, tiles or not.
    page.locator("#route-map-wrap").wait_for(state="visible")
    page.get_by_text("Map tiles could not load").wait_for()
    for name, _lat, _lon in PLACES:
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Order as the shortest walk").click()
    page.get_by_text("Route ordered from the start point: 3 stops").wait_for()
    return OutreachSession.objects.get(title="Maraude gare")


def test_coordinator_plans_a_street_session_and_orders_its_route(browser_page, live_server, world):
    page = browser_page
    day = timezone.localdate() + dt.timedelta(days=3)
    session = plan_street_session(page, live_server.url, world, day)

    assert session.team == world["team"] and session.kind == "street"
    assert session.service_date == day
    assert list(session.members.all()) == [world["worker"]]
    stops = list(session.route_stops.select_related("hotspot").order_by("position"))
    assert len(stops) == 3
    # The saved order is the shortest walk (brute force over the 3! orders).
    start = (float(START[0]), float(START[1]))
    points = [(float(s.hotspot.latitude), float(s.hotspot.longitude)) for s in stops]
    best = min(routing.tour_length_m(start, points, perm) for perm in itertools.permutations(range(3)))
    assert routing.tour_length_m(start, points) == pytest.approx(best)
    assert [s.hotspot.name for s in stops] == ["Place Rihour", "Gare Lille-Flandres", "Parvis Europe"]
    # What the person sees: the ordered route with distance and duration.
    summary = page.locator("#route-summary")
    assert "km walked" in summary.locator("caption").inner_text()
    rows = summary.locator("tbody tr").all_inner_texts()
    assert "Place Rihour" in rows[1] and "Parvis Europe" in rows[3]

    # Adjust by hand: move the last stop up one place, then save this order.
    page.get_by_role("button", name="▲ Parvis Europe").click()
    page.get_by_role("button", name="Save this order").click()
    page.get_by_text("Route saved from the start point: 3 stops").wait_for()
    names = [s.hotspot.name for s in session.route_stops.order_by("position")]
    assert names == ["Place Rihour", "Parvis Europe", "Gare Lille-Flandres"]

    # The board shows it in the week's calendar and list.
    page.goto(f"{live_server.url}/planning/?week={day.isoformat()}")
    assert page.locator(".calendar").get_by_text("Maraude gare").is_visible()


def _sync_pull_url() -> str | None:
    try:
        resolve("/api/v1/sync/pull")
    except Resolver404:
        return None
    return "/api/v1/sync/pull"


def test_planned_session_reaches_the_worker_on_next_pull(request, live_server):
    if _sync_pull_url() is None:
        pytest.skip("sync pull not merged")
    page = request.getfixturevalue("browser_page")
    world = request.getfixturevalue("world")
    day = timezone.localdate() + dt.timedelta(days=2)
    session = plan_street_session(page, live_server.url, world, day)
    # The worker's phone enrols (device token), then pulls every page of its first snapshot.
    page.context.clear_cookies()
    enrolled = page.request.post(
        live_server.url + "/api/v1/devices/enrol",
        data={"username": "educ-1", "password": PASSWORD, "label": "test phone"},
    )
    assert enrolled.ok, enrolled.text()
    headers = {"Authorization": f"Device {enrolled.json()['token']}"}
    seen, cursor = "", None
    while True:
        params = f"?cursor={cursor}" if cursor else ""
        response = page.request.get(live_server.url + _sync_pull_url() + params, headers=headers)
        assert response.ok, response.text()
        seen += response.text()
        body = response.json()
        cursor = body["cursor"]
        if not body["more"]:
            break
    assert str(session.uuid) in seen
