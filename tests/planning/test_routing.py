"""Tour ordering: never worse than the input, optimal on small known cases."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from outreach import routing

# Around Lille-Flandres station: a few hundred metres apart, as a real night route is.
START = (50.637, 3.071)
coordinate = st.tuples(
    st.floats(min_value=50.60, max_value=50.68, allow_nan=False),
    st.floats(min_value=3.02, max_value=3.12, allow_nan=False),
)


def brute_force_length(start, stops) -> float:
    return min(
        routing.tour_length_m(start, stops, perm) for perm in itertools.permutations(range(len(stops)))
    )


@settings(max_examples=60, deadline=None)
@given(stops=st.lists(coordinate, min_size=0, max_size=12))
def test_ordering_is_never_longer_than_the_given_order(stops):
    order = routing.shortest_order(START, stops)
    assert sorted(order) == list(range(len(stops)))
    assert routing.tour_length_m(START, stops, order) <= routing.tour_length_m(START, stops) + 1e-6


@settings(max_examples=40, deadline=None)
@given(stops=st.lists(coordinate, min_size=8, max_size=14))
def test_heuristic_alone_is_never_longer_than_the_given_order(stops):
    order = routing.heuristic_order(START, stops)
    assert sorted(order) == list(range(len(stops)))
    assert routing.tour_length_m(START, stops, order) <= routing.tour_length_m(START, stops) + 1e-6


@settings(max_examples=40, deadline=None)
@given(stops=st.lists(coordinate, min_size=1, max_size=7))
def test_small_routes_are_optimal(stops):
    order = routing.shortest_order(START, stops)
    assert math.isclose(
        routing.tour_length_m(START, stops, order), brute_force_length(START, stops), abs_tol=1e-6
    )


KNOWN_CASES = {
    # Stops along one boulevard, given shuffled: walk them in a line.
    "line": [(50.637, 3.081), (50.637, 3.075), (50.637, 3.090), (50.637, 3.072), (50.637, 3.086)],
    # A 2x3 block of streets: the tour snakes, never crosses itself.
    "grid": [
        (50.640, 3.080),
        (50.637, 3.072),
        (50.640, 3.072),
        (50.637, 3.080),
        (50.640, 3.076),
        (50.637, 3.076),
    ],
    # The crossing trap: the input order crosses itself; nearest neighbour is tempted too.
    "crossing": [(50.645, 3.071), (50.637, 3.079), (50.645, 3.079), (50.641, 3.075)],
    # Two clusters: finish the near one before walking to the far one.
    "clusters": [
        (50.650, 3.100),
        (50.638, 3.072),
        (50.651, 3.101),
        (50.638, 3.073),
        (50.650, 3.102),
        (50.639, 3.072),
        (50.652, 3.100),
    ],
}


def test_heuristic_finds_the_optimum_on_known_small_cases():
    for name, stops in KNOWN_CASES.items():
        order = routing.heuristic_order(START, stops)
        found = routing.tour_length_m(START, stops, order)
        assert math.isclose(found, brute_force_length(START, stops), abs_tol=1e-6), name


def test_line_of_stops_is_walked_in_order_of_distance_from_start():
    order = routing.shortest_order(START, KNOWN_CASES["line"])
    assert order == [3, 1, 0, 4, 2]


def test_great_circle_distance_matches_a_known_value():
    # Paris (Notre-Dame) to Lille (Grand-Place): about 204 km as the crow flies.
    metres = routing.great_circle_m((48.853, 2.350), (50.637, 3.063))
    assert 203_000 < metres < 206_000


def test_estimate_adds_walking_and_time_on_site():
    stops = [(50.637, 3.081), (50.637, 3.091)]
    result = routing.estimate(START, stops, minutes_at_stop=[20, 15])
    assert result.stop_minutes == 35
    assert math.isclose(result.metres, routing.tour_length_m(START, stops))
    assert math.isclose(result.walk_minutes, result.metres / routing.WALKING_METRES_PER_MINUTE)
    assert math.isclose(result.total_minutes, result.walk_minutes + 35)
    assert [leg.stop_minutes for leg in result.legs] == [20, 15]


def test_exact_ordering_holds_up_to_its_limit_and_stays_quick():
    import random
    import time

    rng = random.Random(7)
    stops = [(50.62 + rng.random() * 0.03, 3.04 + rng.random() * 0.04) for _ in range(routing.EXACT_LIMIT)]
    began = time.perf_counter()
    order = routing.shortest_order(START, stops)
    assert time.perf_counter() - began < 5  # generous: a shared CI machine
    assert sorted(order) == list(range(len(stops)))
    assert (
        routing.tour_length_m(START, stops, order)
        <= routing.tour_length_m(START, stops, routing.heuristic_order(START, stops)) + 1e-6
    )
