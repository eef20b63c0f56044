"""Where a route starts: the team's base, a point, a stop or the best stop; and saying which."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach import routing
from outreach.models import OutreachSession
from outreach.selectors.planning import session_route
from outreach.services import planning, routes
from planning.formatting import distance, kilometres
from tests.factories import (
    CoordinatorFactory,
    HotspotFactory,
    TeamFactory,
    UserFactory,
    departement,
    planned_street_session,
    sign_in,
)

# A boulevard running east: the stop ticked first sits in the middle, so starting there means
# walking back over the same ground (the best start is an end of the line).
LINE = [("Place du Théâtre", "3.064"), ("Porte de Paris", "3.040"), ("Gare Lille-Europe", "3.088")]
coordinate = st.tuples(
    st.floats(min_value=50.60, max_value=50.68, allow_nan=False),
    st.floats(min_value=3.02, max_value=3.12, allow_nan=False),
)


def free_start_brute_force(stops) -> float:
    return min(routing.tour_length_m(None, stops, p) for p in itertools.permutations(range(len(stops))))


@settings(max_examples=40, deadline=None)
@given(stops=st.lists(coordinate, min_size=1, max_size=7))
def test_the_best_start_is_the_shortest_walk_over_every_start_and_order(stops):
    order = routing.shortest_order(None, stops)
    assert sorted(order) == list(range(len(stops)))
    assert math.isclose(
        routing.tour_length_m(None, stops, order), free_start_brute_force(stops), abs_tol=1e-6
    )


@settings(max_examples=30, deadline=None)
@given(stops=st.lists(coordinate, min_size=13, max_size=16))
def test_the_heuristic_best_start_is_never_longer_than_the_given_order(stops):
    order = routing.shortest_order(None, stops)  # beyond EXACT_LIMIT: the heuristic
    assert sorted(order) == list(range(len(stops)))
    assert routing.tour_length_m(None, stops, order) <= routing.tour_length_m(None, stops) + 1e-6


@settings(max_examples=30, deadline=None)
@given(stops=st.lists(coordinate, min_size=2, max_size=8), first=st.integers(min_value=0, max_value=7))
def test_a_route_from_a_chosen_stop_begins_there_and_is_the_shortest_from_it(stops, first):
    first %= len(stops)
    order = routing.order_from_stop(first, stops)
    assert order[0] == first and sorted(order) == list(range(len(stops)))
    best = min(
        routing.tour_length_m(None, stops, (first, *rest))
        for rest in itertools.permutations([i for i in range(len(stops)) if i != first])
    )
    assert math.isclose(routing.tour_length_m(None, stops, order), best, abs_tol=1e-6)


def line(count: int) -> list[tuple[float, float]]:
    """`count` stops along one street, given middle first, then alternately west and east."""
    lons = [3.064 + (k + 1) // 2 * 0.004 * (-1) ** k for k in range(count)]
    return [(50.637, lon) for lon in lons]


@pytest.mark.parametrize("count", [3, routing.EXACT_LIMIT, routing.EXACT_LIMIT + 4])
def test_starting_at_the_first_ticked_stop_walks_further_than_the_best_start(count):
    stops = line(count)  # exact up to EXACT_LIMIT, heuristic beyond
    from_first = routing.tour_length_m(None, stops, routing.order_from_stop(0, stops))
    best_order = routing.shortest_order(None, stops)
    best = routing.tour_length_m(None, stops, best_order)
    span = routing.great_circle_m(min(stops, key=lambda p: p[1]), max(stops, key=lambda p: p[1]))
    assert math.isclose(best, span, rel_tol=1e-6)  # one end to the other
    assert stops[best_order[0]][1] in (min(p[1] for p in stops), max(p[1] for p in stops))
    assert from_first > best * 1.2


# --- The service ------------------------------------------------------------------------------


@pytest.fixture
def coordinator(db):
    team = TeamFactory(name="Lille nuit", territories=[departement("59")])
    return CoordinatorFactory(organisation=team.organisation)


@pytest.fixture
def team(coordinator):
    return coordinator.organisation.teams.get()


@pytest.fixture
def places(team):
    return [
        HotspotFactory(organisation=team.organisation, name=name, latitude="50.637", longitude=lon)
        for name, lon in LINE
    ]


def plan(coordinator, team, **extra) -> OutreachSession:
    return planned_street_session(coordinator, team, day=dt.date(2026, 12, 4), **extra)


def ordered(coordinator, session, places, start, optimise=True):
    stops = routes.set_route(
        actor=coordinator,
        session=session,
        stops=[routes.PlannedStop(h) for h in places],
        optimise=optimise,
        start=start,
    )
    session.refresh_from_db()
    return [s.hotspot.name for s in stops]


def test_each_start_choice_orders_from_where_it_says(coordinator, team, places):
    routes.set_team_base(
        actor=coordinator, team=team, name="Local rue Solférino", latitude=50.637, longitude=3.030
    )
    session = plan(coordinator, team)
    theatre, porte, europe = places

    names = ordered(coordinator, session, places, routes.StartChoice("base"))
    assert names == ["Porte de Paris", "Place du Théâtre", "Gare Lille-Europe"]  # west of everything
    assert (session.start_kind, str(session.start_longitude)) == ("base", "3.030")
    assert session_route(session).start_name == "Local rue Solférino"

    names = ordered(coordinator, session, places, routes.StartChoice("point", point=("50.6372", "3.0951")))
    assert names == ["Gare Lille-Europe", "Place du Théâtre", "Porte de Paris"]  # east of everything
    assert (session.start_kind, str(session.start_latitude)) == ("point", "50.637")

    names = ordered(coordinator, session, places, routes.StartChoice("stop", hotspot=theatre))
    assert names[0] == "Place du Théâtre" and session.start_latitude is None
    summary = session_route(session)
    assert (summary.start_kind, summary.start_name) == ("stop", "Place du Théâtre")
    # Starting in the middle walks back over the same street: the page says what the best start gives.
    assert summary.better_start is not None and summary.better_start.metres < summary.metres
    assert summary.better_start.name in {"Porte de Paris", "Gare Lille-Europe"}

    names = ordered(coordinator, session, places, routes.StartChoice("best"))
    west_to_east = ["Porte de Paris", "Place du Théâtre", "Gare Lille-Europe"]
    assert names in (west_to_east, west_to_east[::-1])
    summary = session_route(session)
    assert summary.start_kind == "best" and summary.better_start is None
    assert math.isclose(
        summary.metres, routing.great_circle_m((50.637, 3.040), (50.637, 3.088)), rel_tol=1e-6
    )

    # An order typed by hand with "best" starts where it starts: the page calls it a chosen stop.
    names = ordered(
        coordinator, session, [europe, theatre, porte], routes.StartChoice("best"), optimise=False
    )
    assert (
        names == ["Gare Lille-Europe", "Place du Théâtre", "Porte de Paris"] and session.start_kind == "stop"
    )
    # A typed order starting from a chosen stop moves that stop first, the rest as typed.
    names = ordered(
        coordinator, session, [europe, theatre, porte], routes.StartChoice("stop", hotspot=porte), False
    )
    assert names == ["Porte de Paris", "Gare Lille-Europe", "Place du Théâtre"]


def test_start_choices_that_cannot_hold_are_refused(coordinator, team, places):
    session = plan(coordinator, team)
    refusals = [
        (routes.StartChoice("base"), "no_base"),
        (routes.StartChoice("point", point=(None, "3.07")), "no_point"),
        (
            routes.StartChoice("stop", hotspot=HotspotFactory(organisation=team.organisation)),
            "start_not_a_stop",
        ),
        (routes.StartChoice("somewhere"), "bad_start"),
    ]
    for start, code in refusals:
        with pytest.raises(ValidationError) as caught:
            routes.set_route(
                actor=coordinator, session=session, stops=[routes.PlannedStop(places[0])], start=start
            )
        assert caught.value.code == code


def test_planned_routes_from_the_base_follow_it(coordinator, team, places):
    routes.set_team_base(actor=coordinator, team=team, name="Local", latitude="50.63712", longitude="3.03049")
    team.refresh_from_db()
    assert (str(team.base_latitude), str(team.base_longitude)) == ("50.637", "3.030")  # coarse
    session = plan(coordinator, team)
    ordered(coordinator, session, places, routes.StartChoice("base"))
    version = session.version

    routes.set_team_base(actor=coordinator, team=team, name="Nouveau local", latitude=50.640, longitude=3.100)
    session.refresh_from_db()
    assert (str(session.start_longitude), session.version) == ("3.100", version + 1)
    # A copy for next week starts from the base too.
    copy = planning.copy_session(actor=coordinator, source=session, day=dt.date(2026, 12, 11))
    assert (copy.start_kind, str(copy.start_longitude)) == ("base", "3.100")

    routes.set_team_base(actor=coordinator, team=team, name="", latitude=None, longitude=None)
    session.refresh_from_db()
    assert (session.start_kind, str(session.start_longitude)) == ("point", "3.100")


def test_only_the_teams_coordinator_sets_its_base(coordinator, team):
    for actor in (CoordinatorFactory(), UserFactory(team=team)):
        with pytest.raises(PermissionDenied):
            routes.set_team_base(actor=actor, team=team, name="x", latitude=50.6, longitude=3.0)
    with pytest.raises(ValidationError):
        routes.set_team_base(actor=coordinator, team=team, name="x", latitude=50.6, longitude=None)


def test_a_start_point_typed_in_the_session_form_is_a_point(coordinator, team):
    session = plan(coordinator, team, start_latitude="50.637", start_longitude="3.070")
    assert session.start_kind == "point"
    assert plan(coordinator, team).start_kind == ""
    assert session_route(plan(coordinator, team)).start_kind == ""


# --- Distances the French and the English way --------------------------------------------------


@pytest.mark.parametrize(
    ("metres", "french", "english"),
    [
        (4301.7, "4,3\u00a0km", "4.3\u00a0km"),
        (5220.0, "5,2\u00a0km", "5.2\u00a0km"),
        (4350.0, "4,3\u00a0km", "4.3\u00a0km"),  # 4.35 is 4.3499… as a float: down, as browsers do
        (4250.0, "4,3\u00a0km", "4.3\u00a0km"),  # an exact half: up, as browsers do
        (12.0, "0,0\u00a0km", "0.0\u00a0km"),
    ],
)
def test_kilometres_are_written_the_way_each_language_writes_them(metres, french, english):
    with translation.override("fr"):
        assert kilometres(metres) == french
    with translation.override("en"):
        assert kilometres(metres) == english


def test_a_short_leg_is_in_metres_a_long_one_in_kilometres():
    with translation.override("fr"):
        assert (distance(849.6), distance(999.4), distance(999.6), distance(1249)) == (
            "850\u00a0m",
            "999\u00a0m",
            "1,0\u00a0km",
            "1,2\u00a0km",
        )


# --- The pages ----------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, coordinator):
    sign_in(client, coordinator)
    return client


def post_route(client, session, places, language="en", **start):
    form = {"action": "optimise", **start}
    for hotspot in places:
        form.update({f"stop_{hotspot.pk}": "on", f"min_{hotspot.pk}": "20"})
    client.cookies["django_language"] = language
    return client.post(reverse("planning:route", args=[session.pk]), form, follow=True).content.decode()


def test_the_route_builder_offers_the_base_only_once_there_is_one(signed_in, coordinator, team, places):
    session = plan(coordinator, team)
    signed_in.cookies["django_language"] = "en"
    page = signed_in.get(reverse("planning:route", args=[session.pk])).content.decode()
    assert 'value="base"' not in page and "Add the base of Lille nuit" in page

    base_url = reverse("planning:team_base", args=[team.pk]) + f"?next=/planning/sessions/{session.pk}/route/"
    response = signed_in.post(
        base_url, {"base_name": "Local", "base_latitude": "50.637", "base_longitude": "3.030"}
    )
    assert response["Location"] == f"/planning/sessions/{session.pk}/route/"
    page = signed_in.get(reverse("planning:route", args=[session.pk])).content.decode()
    assert "The team&#x27;s base: Local" in page and "Change the base of Lille nuit" in page


def test_the_page_says_which_start_the_distances_assume_in_both_languages(
    signed_in, coordinator, team, places
):
    routes.set_team_base(actor=coordinator, team=team, name="Local", latitude=50.637, longitude=3.030)
    session = plan(coordinator, team)
    metres = lambda: session_route(OutreachSession.objects.get(pk=session.pk)).metres  # noqa: E731

    html = post_route(signed_in, session, places, start_kind="base")
    assert "Route ordered from the team&#x27;s base (Local): 3 stops" in html
    assert "Starts from the team's base, <strong>Local</strong>." in html
    with translation.override("en"):
        assert f"{kilometres(metres())} walked" in html

    html = post_route(signed_in, session, places, language="fr", start_kind="best")
    name = session_route(OutreachSession.objects.get(pk=session.pk)).start_name
    assert f"Démarre à <strong>{name}</strong>, l’étape d’où la marche est la plus courte." in html
    with translation.override("fr"):
        assert f"{kilometres(metres())} à pied" in html and "," in kilometres(metres())

    html = post_route(signed_in, session, places, start_kind="stop", start_stop=places[0].pk)
    assert "Starts at <strong>Place du Théâtre</strong>, the stop chosen as the start." in html
    assert 'id="better-start"' in html and "Ordered from the best start" in html


def test_hostile_start_choices_get_form_errors(signed_in, coordinator, team, places):
    session = plan(coordinator, team)
    stranger = HotspotFactory(name="Ailleurs")
    for start, error in [
        ({"start_kind": "base"}, "Select a valid choice"),  # no base: not offered
        ({"start_kind": "point", "start_latitude": "50.6"}, "Give the start point"),
        ({"start_kind": "stop"}, "Choose the stop the route starts from"),
        ({"start_kind": "stop", "start_stop": stranger.pk}, "Select a valid choice"),
        ({"start_kind": "stop", "start_stop": "nope"}, "Select a valid choice"),
        ({}, "This field is required"),
    ]:
        html = post_route(signed_in, session, places[:2], **start)
        assert error in html, start
    stops = {"start_kind": "stop", "start_stop": places[2].pk}
    assert "Tick this stop too" in post_route(signed_in, session, places[:2], **stops)
    assert not session.route_stops.exists()


def test_workers_and_other_coordinators_cannot_set_a_base(client, team):
    url = reverse("planning:team_base", args=[team.pk])
    sign_in(client, UserFactory(team=team))
    assert client.get(url).status_code == 403
    sign_in(client, CoordinatorFactory())
    assert (
        client.post(url, {"base_name": "x", "base_latitude": "1", "base_longitude": "1"}).status_code == 404
    )
    team.refresh_from_db()
    assert team.base is None
